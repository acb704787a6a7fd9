//===- lambda-opt/Emit/HandlerCheck.h - The handler resolves ----*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// LO505 handler-not-found: the handler `MODULE.FUNCTION` must name a module
/// of the artifact (the function's own code, a local package or an installed
/// wheel) and a top-level name in it. Lambda imports the module from the
/// task root at the first invocation; a misspelt handler builds fine and
/// fails every call with Runtime.ImportModuleError or HandlerNotFound.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_EMIT_HANDLERCHECK_H
#define LAMBDA_OPT_EMIT_HANDLERCHECK_H

#include "lambda-opt/Artifact/Layout.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace lambdaopt {

class DiagnosticEngine;
struct ProjectOptions;

/// The top-level names Python source \p Source binds, scanned line by line
/// (no parser): `def`, `async def`, `class`, assignments and imports at
/// column 0, and the same inside top-level `if`/`try`/`with`/`for`/`while`
/// blocks. Sets \p Opaque when the module may bind names the scan cannot
/// see (`from x import *`, a module `__getattr__`, `globals()` updates).
std::vector<std::string> scanTopLevelNames(llvm::StringRef Source,
                                           bool &Opaque);

/// Why \p Handler does not resolve in \p Plan (paths at the artifact
/// root), or std::nullopt when it does. Extension modules and sourceless
/// .pyc modules resolve when they exist: they cannot be scanned.
struct HandlerProblem {
  std::string Message;
  std::string FixHint;
};
llvm::Expected<std::optional<HandlerProblem>>
checkHandler(const InstallPlan &Plan, llvm::StringRef Handler);

/// Reports LO505 when Opts.Handler is set and does not resolve in \p Plan.
llvm::Error reportHandlerFinding(const InstallPlan &Plan,
                                 const ProjectOptions &Opts,
                                 DiagnosticEngine &Diags);

} // namespace lambdaopt

#endif // LAMBDA_OPT_EMIT_HANDLERCHECK_H
