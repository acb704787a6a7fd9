//===- Hash.h - Streaming SHA-256 -----------------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// SHA-256 over OpenSSL EVP, with the encodings lambda-opt needs: lowercase
/// hex (uv.lock hashes), standard base64 (Lambda's CodeSha256) and unpadded
/// URL-safe base64 (wheel RECORD files).
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_ARTIFACT_HASH_H
#define LAMBDA_OPT_ARTIFACT_HASH_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>
#include <string>

namespace lambdaopt {

/// A raw SHA-256 digest.
using Sha256Digest = std::array<uint8_t, 32>;

struct ZipModule;

/// Incremental SHA-256 hasher. OpenSSL lives in libLambdaOptZip.so (see
/// ZipModule.h), loaded by the first hasher; when that fails, updates do
/// nothing and final() returns the error.
class Sha256 {
public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256 &) = delete;
  Sha256 &operator=(const Sha256 &) = delete;

  /// Feeds \p Data into the hash.
  void update(llvm::StringRef Data);
  void update(llvm::ArrayRef<uint8_t> Data);

  /// Returns the digest. The hasher must not be updated afterwards.
  llvm::Expected<Sha256Digest> final();

private:
  const ZipModule *Module = nullptr;
  void *Ctx = nullptr; ///< An EVP_MD_CTX.
  std::string LoadError;
};

/// Standard base64 (with padding) of \p Bytes.
std::string toBase64(llvm::ArrayRef<uint8_t> Bytes);
/// URL-safe base64 without padding, as used in wheel RECORD files.
std::string toUrlSafeBase64(llvm::ArrayRef<uint8_t> Bytes);

/// Digest of an in-memory buffer.
llvm::Expected<Sha256Digest> sha256(llvm::StringRef Data);
/// Hex digest of an in-memory buffer.
llvm::Expected<std::string> sha256Hex(llvm::StringRef Data);
/// Wheel RECORD hash field ("sha256=<urlsafe-b64>") of a buffer.
llvm::Expected<std::string> recordHash(llvm::StringRef Data);

/// Digest of the file at \p Path, read in streaming fashion.
llvm::Expected<Sha256Digest> sha256FileDigest(llvm::StringRef Path);
/// Hex digest of the file at \p Path.
llvm::Expected<std::string> sha256File(llvm::StringRef Path);

} // namespace lambdaopt

#endif // LAMBDA_OPT_ARTIFACT_HASH_H
