//===- ZipFormat.h - Zip record signatures and little-endian fields -------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The zip format's record signatures and field readers, shared by the wheel
/// reader, the central-directory reader of remote wheels and the zip writer.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_LIB_ARTIFACT_ZIPFORMAT_H
#define LAMBDA_OPT_LIB_ARTIFACT_ZIPFORMAT_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Endian.h"

#include <cstddef>
#include <cstdint>

namespace lambdaopt {
namespace zipformat {

constexpr uint32_t LocalSig = 0x04034b50;
constexpr uint32_t CentralSig = 0x02014b50;
constexpr uint32_t EndSig = 0x06054b50;
constexpr uint32_t End64LocatorSig = 0x07064b50;
constexpr uint32_t End64Sig = 0x06064b50;

/// Little-endian fields at \p Off of \p B (the caller checks the bounds).
inline uint16_t get16(llvm::StringRef B, size_t Off) {
  return llvm::support::endian::read16le(B.data() + Off);
}
inline uint32_t get32(llvm::StringRef B, size_t Off) {
  return llvm::support::endian::read32le(B.data() + Off);
}
inline uint64_t get64(llvm::StringRef B, size_t Off) {
  return llvm::support::endian::read64le(B.data() + Off);
}

} // namespace zipformat
} // namespace lambdaopt

#endif // LAMBDA_OPT_LIB_ARTIFACT_ZIPFORMAT_H
