//===- lambda-opt/Diagnostics/Config.h - [tool.lambda-opt] ------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Reads the lint configuration: the `[tool.lambda-opt]` table of
// pyproject.toml, or the top level of a --config file, which use the same
// keys:
//
//   select = ["LO1", "hygiene"]          # replaces the default (all rules)
//   extend-select = ["LO901"]
//   ignore = ["LO302"]
//   warnings-as-errors = true
//   [per-package-ignores]                # or
//   tool.lambda-opt.per-package-ignores "boto3" = ["LO501"]
//
// Unknown keys are errors located at the key. Tables owned by passes and
// plugins (e.g. `policy`) are declared as extra keys and left to them.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_DIAGNOSTICS_CONFIG_H
#define LAMBDA_OPT_DIAGNOSTICS_CONFIG_H

#include "lambda-opt/Diagnostics/DiagnosticEngine.h"

namespace lambdaopt {

namespace toml {
class Value;
} // namespace toml

/// Reads the keys of \p Table into \p Opts. Keys in \p ExtraKeys are
/// accepted and skipped. Errors are SourceErrors.
llvm::Error readDiagnosticConfig(const toml::Value &Table,
                                 llvm::ArrayRef<std::string> ExtraKeys,
                                 DiagnosticOptions &Opts);

/// Applies command-line selectors on top of \p Opts: a non-empty \p Select
/// replaces the configured selection; the others add to it.
void applyCommandLineSelectors(llvm::ArrayRef<std::string> Select,
                               llvm::ArrayRef<std::string> ExtendSelect,
                               llvm::ArrayRef<std::string> Ignore,
                               DiagnosticOptions &Opts);

} // namespace lambdaopt

#endif // LAMBDA_OPT_DIAGNOSTICS_CONFIG_H
