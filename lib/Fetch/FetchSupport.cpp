//===- FetchSupport.cpp - Progress, notes and names for fetching ----------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The parts of fetching that need no network library; the transfers
// themselves live in libLambdaOptNet.so (Downloader.cpp).
//
//===----------------------------------------------------------------------===//

#include "Downloader.h"
#include "lambda-opt/Support/Module.h"
#include "lambda-opt/Support/PercentEncoding.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"

#include <chrono>

using namespace llvm;
using namespace lambdaopt;
using namespace lambdaopt::fetch;

namespace {
uint64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
} // namespace

void Console::clearLine() {
  if (!Drawn)
    return;
  OS << "\r\x1b[K";
  Drawn = false;
}

void Console::draw(bool Force) {
  if (!ShowProgress)
    return;
  uint64_t Now = nowMs();
  if (!Force && Now - LastDrawMs < 100)
    return;
  LastDrawMs = Now;
  constexpr unsigned Width = 30;
  unsigned Filled = TotalJobs ? Width * DoneJobs / TotalJobs : Width;
  OS << "\rDownloading [" << std::string(Filled, '=')
     << std::string(Width - Filled, ' ') << "] " << DoneJobs << "/" << TotalJobs
     << " wheels, " << format("%.1f", (double)TotalBytes / (1024.0 * 1024.0))
     << " MiB";
  OS.flush();
  Drawn = true;
}

void Console::note(const Twine &Msg) {
  std::lock_guard<std::mutex> Guard(Lock);
  clearLine();
  OS << "note: " << Msg << "\n";
  OS.flush();
  draw(/*Force=*/true);
}

void Console::noteOnce(const Twine &Msg) {
  {
    std::lock_guard<std::mutex> Guard(Lock);
    if (!Printed.insert(Msg.str()).second)
      return;
  }
  note(Msg);
}

void Console::addBytes(uint64_t Bytes) {
  std::lock_guard<std::mutex> Guard(Lock);
  TotalBytes += Bytes;
  draw(/*Force=*/false);
}

void Console::finishJob() {
  std::lock_guard<std::mutex> Guard(Lock);
  ++DoneJobs;
  draw(/*Force=*/true);
}

void Console::finish() {
  std::lock_guard<std::mutex> Guard(Lock);
  clearLine();
  OS.flush();
}

bool lambdaopt::fetch::isSha256Hex(StringRef Hex) {
  return Hex.size() == 64 && llvm::all_of(Hex, [](char C) {
           return isDigit(C) || (C >= 'a' && C <= 'f');
         });
}

std::string lambdaopt::fetch::percentDecode(StringRef S) {
  // A malformed escape is kept as written, as curl would.
  std::optional<std::string> Decoded = lambdaopt::percentDecode(S);
  return Decoded ? *Decoded : S.str();
}

Expected<const NetModule *> lambdaopt::fetch::getNetModule() {
  return getModuleTable<NetModule>("LambdaOptNet", "lambdaopt_net_module_v1");
}
