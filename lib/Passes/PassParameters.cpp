//===- PassParameters.cpp - pass<params> text -----------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Passes/PassParameters.h"
#include "lambda-opt/Support/Error.h"

#include "llvm/ADT/SmallVector.h"

using namespace llvm;
using namespace lambdaopt;

Expected<std::vector<std::pair<StringRef, StringRef>>>
lambdaopt::parsePassParameters(StringRef PassName, StringRef Params) {
  std::vector<std::pair<StringRef, StringRef>> Out;
  SmallVector<StringRef, 4> Parts;
  Params.split(Parts, ';', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (StringRef Part : Parts) {
    auto KV = Part.split('=');
    if (KV.first.trim().empty())
      return makeError("invalid parameter '" + Part + "' of pass '" + PassName +
                       "'");
    Out.push_back({KV.first.trim(), KV.second.trim()});
  }
  return Out;
}
