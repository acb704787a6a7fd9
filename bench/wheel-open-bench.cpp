//===- wheel-open-bench.cpp - Opening wheels: ours against ZIP_CHECKCONS --===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Why WheelArchive reads the central directory itself: it measures, per
// wheel, the median time of
//
//   ours     WheelArchive::open: map the file once, parse and bound the
//            central directory, check every local header against it, hand
//            the same bytes to libzip (no consistency pass), read METADATA
//            and WHEEL;
//   libzip   zip_open(ZIP_RDONLY | ZIP_CHECKCONS), zip_stat_index of every
//            entry (names and sizes for the same limits), METADATA and WHEEL
//            read with zip_fread, zip_close;
//
//   wheel-open-bench [-n N] WHEEL...
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Artifact/Wheel.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <zip.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

using namespace llvm;
using namespace lambdaopt;

namespace {

using Clock = std::chrono::steady_clock;

double medianMicros(std::vector<double> Samples) {
  llvm::sort(Samples);
  return Samples[Samples.size() / 2];
}

/// The libzip-only way; returns the entry count (0 on failure).
uint64_t openWithLibzip(const std::string &Path) {
  int Code = 0;
  zip_t *Zip = zip_open(Path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &Code);
  if (!Zip)
    return 0;
  zip_int64_t Count = zip_get_num_entries(Zip, 0);
  uint64_t Total = 0;
  std::string Text;
  for (zip_int64_t I = 0; I < Count; ++I) {
    zip_stat_t St;
    if (zip_stat_index(Zip, I, 0, &St) != 0)
      break;
    Total += St.size;
    StringRef Name = St.name;
    auto Parts = Name.split('/');
    if (!Parts.first.endswith(".dist-info") ||
        (Parts.second != "METADATA" && Parts.second != "WHEEL"))
      continue;
    zip_file_t *F = zip_fopen_index(Zip, I, 0);
    if (!F)
      break;
    Text.resize(St.size);
    zip_fread(F, &Text[0], St.size);
    zip_fclose(F);
  }
  zip_close(Zip);
  return Total ? uint64_t(Count) : 0;
}

} // namespace

int main(int argc, char **argv) {
  unsigned Runs = 21;
  std::vector<std::string> Wheels;
  for (int I = 1; I < argc; ++I) {
    StringRef Arg = argv[I];
    if (Arg == "-n" && I + 1 < argc) {
      Runs = std::max(1, std::atoi(argv[++I]));
      continue;
    }
    Wheels.push_back(Arg.str());
  }
  if (Wheels.empty()) {
    errs() << "usage: wheel-open-bench [-n N] WHEEL...\n";
    return 2;
  }
  outs() << "wheel\tentries\tours_us\tlibzip_checkcons_us\tratio\n";
  for (const std::string &Path : Wheels) {
    std::vector<double> Ours, Theirs;
    size_t Entries = 0;
    for (unsigned R = 0; R < Runs; ++R) {
      auto T0 = Clock::now();
      Expected<std::unique_ptr<WheelArchive>> W = WheelArchive::open(Path);
      auto T1 = Clock::now();
      if (!W) {
        errs() << toString(W.takeError()) << '\n';
        return 1;
      }
      Entries = (*W)->entries().size();
      W->reset();
      auto T2 = Clock::now();
      if (!openWithLibzip(Path)) {
        errs() << "libzip cannot open " << Path << '\n';
        return 1;
      }
      auto T3 = Clock::now();
      Ours.push_back(
          std::chrono::duration<double, std::micro>(T1 - T0).count());
      Theirs.push_back(
          std::chrono::duration<double, std::micro>(T3 - T2).count());
    }
    double A = medianMicros(Ours), B = medianMicros(Theirs);
    outs() << sys::path::filename(Path) << '\t' << Entries << '\t'
           << format("%.0f", A) << '\t' << format("%.0f", B) << '\t'
           << format("%.2f", B / A) << '\n';
  }
  return 0;
}
