//===- lambda-opt-fuzz.cpp - libFuzzer entry for the front end ------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Feeds arbitrary bytes to parseLock and to parsePyProject. Every input must
// give either an IR or a located error: never a crash, a leak or undefined
// behaviour. Errors are printed to a string, which exercises the location
// code (line and column lookup, caret rendering) as well.
//
// The first byte picks the mode so that one corpus covers both files and the
// split parser: bit 0 selects pyproject.toml, bit 1 lowers the threshold for
// splitting a lock into pieces.
//
// Every input is also parsed as TOML twice, with and without the line reader
// for one-value-per-line arrays; the two documents (ranges included) or the
// two errors must be identical, or the run aborts.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/FrontEnd/FrontEnd.h"
#include "lambda-opt/IR/Printer.h"
#include "lambda-opt/IR/Project.h"
#include "lambda-opt/Support/SourceError.h"
#include "lambda-opt/TOML/TOML.h"

#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace llvm;
using namespace lambdaopt;

/// The TOML document printed with offsets, or the error and its offset.
static std::string parseTOML(StringRef Text, bool LineArrays) {
  toml::ParseOptions Opts;
  Opts.LineArrays = LineArrays;
  toml::Document Doc;
  toml::Parser P;
  std::string Out;
  raw_string_ostream OS(Out);
  if (Error E = P.parse(Text, Doc, Opts)) {
    handleAllErrors(std::move(E), [&](const SourceError &SE) {
      OS << "error @" << (SE.getLoc().getPointer() - Text.data()) << ": "
         << SE.getMessage();
    });
    return OS.str();
  }
  toml::printValue(*Doc.getRoot(), Text.data(), OS);
  return OS.str();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size == 0)
    return 0;
  uint8_t Mode = Data[0];
  StringRef Text(reinterpret_cast<const char *>(Data + 1), Size - 1);
  std::string With = parseTOML(Text, true), Without = parseTOML(Text, false);
  if (With != Without) {
    std::fprintf(stderr, "line reader:\n%s\ntree-sitter alone:\n%s\n",
                 With.c_str(), Without.c_str());
    std::abort();
  }
  Project P;
  std::string Out;
  raw_string_ostream OS(Out);
  Error E = Error::success();
  if (Mode & 1) {
    E = parsePyProject(P,
                       MemoryBuffer::getMemBufferCopy(Text, "pyproject.toml"));
  } else {
    LoadOptions Opts;
    Opts.Threads = 2;
    if (Mode & 2)
      Opts.ParallelThreshold = 64;
    E = parseLock(P, MemoryBuffer::getMemBufferCopy(Text, "uv.lock"), Opts);
  }
  if (E) {
    printError(std::move(E), P.getSourceMgr(), "lambda-opt-fuzz", OS);
    return 0;
  }
  printProject(P, OS);
  return 0;
}
