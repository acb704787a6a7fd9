//===- PackageName.cpp - PEP 503 names ------------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Standards/PackageName.h"

#include "llvm/ADT/StringExtras.h"

using namespace llvm;
using namespace lambdaopt;

std::string lambdaopt::normalizePackageName(StringRef Name) {
  std::string Out;
  Out.reserve(Name.size());
  bool InRun = false;
  for (char C : Name) {
    if (C == '-' || C == '_' || C == '.') {
      if (!InRun)
        Out.push_back('-');
      InRun = true;
      continue;
    }
    InRun = false;
    Out.push_back(toLower(C));
  }
  return Out;
}
