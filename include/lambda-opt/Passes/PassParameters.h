//===- lambda-opt/Passes/PassParameters.h - pass<params> text ---*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The parameters of a pass in a textual pipeline, `drop-package<name=boto3>`:
// a pass's parameter parser splits them here, so passes in any component
// parse their own parameters without the pipeline builder.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_PASSES_PASSPARAMETERS_H
#define LAMBDA_OPT_PASSES_PASSPARAMETERS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <utility>
#include <vector>

namespace lambdaopt {

/// Parses `key=value;key2=value2` parameters into pairs; a bare `key` gets
/// an empty value.
llvm::Expected<std::vector<std::pair<llvm::StringRef, llvm::StringRef>>>
parsePassParameters(llvm::StringRef PassName, llvm::StringRef Params);

} // namespace lambdaopt

#endif // LAMBDA_OPT_PASSES_PASSPARAMETERS_H
