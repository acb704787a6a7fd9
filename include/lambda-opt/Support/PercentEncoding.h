//===- lambda-opt/Support/PercentEncoding.h - URL escapes ------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_SUPPORT_PERCENTENCODING_H
#define LAMBDA_OPT_SUPPORT_PERCENTENCODING_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace lambdaopt {

/// Decodes `%XX` escapes (RFC 3986) in \p Text, e.g. a wheel file name taken
/// from a URL (`torch-2.11.0%2Bcu130-...whl`). Returns the byte offset of
/// the first malformed escape in \p BadOffset and nullopt when there is one.
std::optional<std::string> percentDecode(llvm::StringRef Text,
                                         size_t *BadOffset = nullptr);

/// Encodes \p Path for a URI path (RFC 3986): every byte but the unreserved
/// ones (letters, digits, "-._~") and '/' becomes `%XX`, e.g. a space %20.
std::string percentEncodePath(llvm::StringRef Path);

} // namespace lambdaopt

#endif // LAMBDA_OPT_SUPPORT_PERCENTENCODING_H
