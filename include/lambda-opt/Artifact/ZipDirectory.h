//===- lambda-opt/Artifact/ZipDirectory.h - Zip sizes from a tail -*- C++ -*-=//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The unzipped size of a zip from its central directory alone, for when
/// only a few kilobytes of a remote wheel are fetched (HTTP range requests):
/// first the end of the file, which holds the end-of-central-directory
/// record, then the central directory it points at.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_ARTIFACT_ZIPDIRECTORY_H
#define LAMBDA_OPT_ARTIFACT_ZIPDIRECTORY_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace lambdaopt {

/// Bytes of a zip's end to fetch first: the largest end-of-central-directory
/// record (with its comment) plus the zip64 locator and record.
constexpr uint64_t ZipTailSize = 65535 + 22 + 20 + 56;

/// Where a zip's central directory is.
struct ZipDirectoryLocation {
  uint64_t Offset = 0;
  uint64_t Size = 0;
  uint64_t Entries = 0;
};

/// Finds the central directory of a zip of \p FileSize bytes whose last
/// bytes are \p Tail.
llvm::Expected<ZipDirectoryLocation> locateZipDirectory(llvm::StringRef Tail,
                                                        uint64_t FileSize);

/// The sum of the uncompressed sizes recorded in the central directory
/// \p Directory of \p Entries entries (zip64 sizes included).
llvm::Expected<uint64_t> sumZipDirectorySizes(llvm::StringRef Directory,
                                              uint64_t Entries);

} // namespace lambdaopt

#endif // LAMBDA_OPT_ARTIFACT_ZIPDIRECTORY_H
