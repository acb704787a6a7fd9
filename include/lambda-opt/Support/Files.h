//===- lambda-opt/Support/Files.h - Small file helpers ---------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_SUPPORT_FILES_H
#define LAMBDA_OPT_SUPPORT_FILES_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

namespace lambdaopt {

/// Creates (or truncates) \p Path and writes \p Data to it, with errors that
/// name the file. For outputs a user sees, write into a temporary folder or
/// file first and rename it into place.
llvm::Error writeFile(const llvm::Twine &Path, llvm::StringRef Data);

} // namespace lambdaopt

#endif // LAMBDA_OPT_SUPPORT_FILES_H
