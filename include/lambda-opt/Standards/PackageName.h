//===- lambda-opt/Standards/PackageName.h - PEP 503 names -------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_STANDARDS_PACKAGENAME_H
#define LAMBDA_OPT_STANDARDS_PACKAGENAME_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace lambdaopt {

/// Normalizes a distribution, extra or group name as PEP 503 does:
/// lowercase, every run of '-', '_' and '.' becomes one '-'.
std::string normalizePackageName(llvm::StringRef Name);

} // namespace lambdaopt

#endif // LAMBDA_OPT_STANDARDS_PACKAGENAME_H
