//===- Format.cpp - Sizes and counts for people ---------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Support/Format.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

std::string lambdaopt::formatSize(uint64_t Bytes) {
  if (Bytes < 1000)
    return formatv("{0} bytes", Bytes).str();
  if (Bytes < 1000 * 1000)
    return formatv("{0:f1} kB", Bytes / 1e3).str();
  return formatMegabytes(Bytes);
}

std::string lambdaopt::formatMegabytes(uint64_t Bytes) {
  return formatv("{0:f1} MB", Bytes / 1e6).str();
}

std::string lambdaopt::formatThousands(uint64_t N) {
  return formatv("{0:N}", N).str();
}
