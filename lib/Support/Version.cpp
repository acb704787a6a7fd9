//===- Version.cpp - Tool version -----------------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Support/Version.h"

using namespace llvm;

StringRef lambdaopt::getVersionString() { return LAMBDA_OPT_VERSION; }
