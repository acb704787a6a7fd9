//===- lambda-opt/Support/Version.h - Tool version ------------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_SUPPORT_VERSION_H
#define LAMBDA_OPT_SUPPORT_VERSION_H

#include "llvm/ADT/StringRef.h"

namespace lambdaopt {

/// The release version of lambda-opt, e.g. "0.1.0".
llvm::StringRef getVersionString();

} // namespace lambdaopt

#endif // LAMBDA_OPT_SUPPORT_VERSION_H
