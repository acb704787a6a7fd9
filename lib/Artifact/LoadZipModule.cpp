//===- LoadZipModule.cpp - Loading libzip and OpenSSL on demand -----------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Artifact/ZipModule.h"
#include "lambda-opt/Support/Module.h"

#include <atomic>

using namespace llvm;
using namespace lambdaopt;

Expected<const ZipModule *> lambdaopt::getZipModule() {
  // Hashers and wheels ask often, from several threads: after the first
  // success the table is a load away. Failures are looked up again.
  static std::atomic<const ZipModule *> Loaded{nullptr};
  if (const ZipModule *M = Loaded.load(std::memory_order_acquire))
    return M;
  Expected<const ZipModule *> M =
      getModuleTable<ZipModule>("LambdaOptZip", "lambdaopt_zip_module_v1");
  if (M)
    Loaded.store(*M, std::memory_order_release);
  return M;
}
