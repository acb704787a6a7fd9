//===- lambda-opt/Artifact/ZipModule.h - libzip on demand ------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// libzip (with the libcrypto it links) is needed only to read wheels and to
/// write artifacts, yet mapping the two costs a third of the tool's start-up,
/// which every lint run from a pre-commit hook pays. They therefore live in
/// libLambdaOptZip.so, loaded the first time a wheel is opened, a hash is
/// taken or a zip is written (see Support/Module.h). The rest of the core
/// reaches them only through this table; WheelArchive, Sha256 and writeZip
/// are the interfaces callers use.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_ARTIFACT_ZIPMODULE_H
#define LAMBDA_OPT_ARTIFACT_ZIPMODULE_H

#include "lambda-opt/Artifact/Wheel.h"
#include "lambda-opt/Artifact/ZipWriter.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace lambdaopt {

/// The entry points of libLambdaOptZip.so.
struct ZipModule {
  /// SHA-256 with OpenSSL's EVP: a new context (null when OpenSSL fails),
  /// more bytes, the digest (32 bytes), and freeing the context.
  void *(*NewSha256)();
  void (*UpdateSha256)(void *Ctx, const void *Data, size_t Size);
  void (*FinalSha256)(void *Ctx, uint8_t *Digest);
  void (*FreeSha256)(void *Ctx);

  /// Opens the wheel \p Path, whose bytes are \p Bytes, with libzip and
  /// checks that libzip sees exactly \p Entries, in order.
  llvm::Expected<::zip *> (*OpenWheel)(llvm::StringRef Path,
                                       llvm::StringRef Bytes,
                                       llvm::ArrayRef<WheelEntry> Entries);
  /// The inflated bytes of \p E (CRC checked); errors name \p Path and \p E.
  llvm::Expected<std::string> (*ReadWheelEntry)(::zip *Zip,
                                                llvm::StringRef Path,
                                                const WheelEntry &E);
  void (*CloseWheel)(::zip *Zip);

  /// writeZip (ZipWriter.h).
  decltype(&writeZip) WriteZip;
};

/// Loads libLambdaOptZip.so once.
llvm::Expected<const ZipModule *> getZipModule();

} // namespace lambdaopt

#endif // LAMBDA_OPT_ARTIFACT_ZIPMODULE_H
