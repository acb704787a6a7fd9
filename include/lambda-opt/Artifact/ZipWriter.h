//===- ZipWriter.h - Reproducible zip writer ------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Writes an InstallPlan as a byte-reproducible zip: entries in byte order
/// of their paths with a directory entry for every parent folder, one fixed
/// timestamp, fixed modes, no extra fields. Wheel entries are copied in their
/// compressed form (method kept); other files are deflated at a fixed level.
/// The zip is written to a temporary file next to the output and renamed
/// into place, so a failed write leaves no output file.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_ARTIFACT_ZIPWRITER_H
#define LAMBDA_OPT_ARTIFACT_ZIPWRITER_H

#include "lambda-opt/Artifact/Layout.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <functional>
#include <string>

namespace lambdaopt {

/// 1980-01-01 00:00:00 UTC, the earliest time a zip (DOS) timestamp holds.
constexpr int64_t DosEpoch = 315532800;

struct ZipOptions {
  /// Seconds since the Unix epoch used as every entry's mtime (UTC); when
  /// negative, DosEpoch. (The driver reads SOURCE_DATE_EPOCH.)
  int64_t SourceDateEpoch = -1;
  /// zlib level for the files not copied from a wheel (application files,
  /// rewritten RECORDs and scripts): zlib's and `zip`'s default. Entries
  /// copied from a wheel keep the wheel's own compressed bytes.
  int DeflateLevel = 6;
  /// Called once every byte is written, before the archive replaces the
  /// output; an error leaves the output as it was (the emitter waits for
  /// the plan's deferred digest checks here).
  std::function<llvm::Error()> BeforeCommit;
};

struct ZipResult {
  /// Hex SHA-256 of the zip file.
  std::string Sha256Hex;
  /// Base64 SHA-256 of the zip file, as Lambda reports CodeSha256.
  std::string CodeSha256;
  /// Files plus directory entries.
  uint64_t EntryCount = 0;
  /// Sum of uncompressed file sizes.
  uint64_t UncompressedSize = 0;
  /// Size of the zip file.
  uint64_t CompressedSize = 0;
};

/// Writes \p Plan to \p OutPath (replacing it atomically): local headers
/// and data in path order, then the central directory (ZIP64 end records past
/// 65,535 entries). Written by hand rather than through libzip: libzip set up
/// a deflate stream per entry even for raw copies and wrote each header twice;
/// this writer streams wheel entries from their mappings and hashes the
/// output on a second thread (bench/zip_bench.py measures it). Defined in
/// libLambdaOptZip.so: the core calls it as getZipModule()->WriteZip.
llvm::Expected<ZipResult> writeZip(const InstallPlan &Plan,
                                   llvm::StringRef OutPath,
                                   const ZipOptions &Options = ZipOptions());

} // namespace lambdaopt

#endif // LAMBDA_OPT_ARTIFACT_ZIPWRITER_H
