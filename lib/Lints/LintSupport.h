//===- LintSupport.h - Helpers shared by the lint passes -------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_LIB_LINTS_LINTSUPPORT_H
#define LAMBDA_OPT_LIB_LINTS_LINTSUPPORT_H

#include "lambda-opt/Passes/InstallSetAnalysis.h"

#include <string>

namespace lambdaopt {

/// The install set of \p P, or the error that must stop the pipeline: an
/// emitter (\p Required) always stops; a lint stops only when the user
/// selected a package, extras or groups, and otherwise gets null and skips
/// its install-set checks (a lock without a root, say).
llvm::Expected<const InstallSetResult *>
getInstallSet(Project &P, AnalysisManager &AM, bool Required = false);

/// "dependency path: app → fastapi → pydantic-core".
std::string formatDependencyPath(const InstalledPackage &IP);

/// The range a finding about \p Pkg points at: its name, else its header.
llvm::SMRange getPackageRange(const Package &Pkg);

/// "python3.12 and later", "python3.9 and python3.10", ... for the runtimes
/// in \p Names (in table order, a subset of getRuntimes()); empty if none.
std::string formatRuntimeList(llvm::ArrayRef<llvm::StringRef> Names);

} // namespace lambdaopt

#endif // LAMBDA_OPT_LIB_LINTS_LINTSUPPORT_H
