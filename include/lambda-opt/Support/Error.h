//===- lambda-opt/Support/Error.h - Plain error messages -------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_SUPPORT_ERROR_H
#define LAMBDA_OPT_SUPPORT_ERROR_H

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

namespace lambdaopt {

/// An llvm::Error carrying \p Message and no error code: the one helper for
/// messages that are not about a position in an input (SourceError.h is for
/// those).
llvm::Error makeError(const llvm::Twine &Message);

} // namespace lambdaopt

#endif // LAMBDA_OPT_SUPPORT_ERROR_H
