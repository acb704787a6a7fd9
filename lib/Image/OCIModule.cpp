//===- OCIModule.cpp - Loading the image writer on demand -----------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Image/OCIImage.h"
#include "lambda-opt/Support/Module.h"

using namespace llvm;
using namespace lambdaopt;

Expected<const OCIModule *> lambdaopt::getOCIModule() {
  return getModuleTable<OCIModule>("LambdaOptOCI", "lambdaopt_oci_module_v1");
}
