//===- Error.cpp - Plain error messages -----------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Support/Error.h"

using namespace llvm;

Error lambdaopt::makeError(const Twine &Message) {
  return createStringError(inconvertibleErrorCode(), Message);
}
