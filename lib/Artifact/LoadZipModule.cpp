//===- LoadZipModule.cpp - Loading libzip and OpenSSL on demand -----------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Artifact/ZipModule.h"
#include "lambda-opt/Support/Module.h"

using namespace llvm;
using namespace lambdaopt;

Expected<const ZipModule *> lambdaopt::getZipModule() {
  return getModuleTable<ZipModule>("LambdaOptZip", "lambdaopt_zip_module_v1");
}
