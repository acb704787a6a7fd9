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

/// The local copy of \p Wheel: in a find-links folder, else in the wheel
/// cache \p CacheDir (when not empty); "" when neither has it.
std::string findLocalWheel(const Distribution &Wheel,
                           const ProjectOptions &Opts,
                           llvm::StringRef CacheDir);

/// "dependency path: app → fastapi → pydantic-core".
std::string formatDependencyPath(const InstalledPackage &IP);

/// The range a finding about \p Pkg points at: its name, else its header.
llvm::SMRange getPackageRange(const Package &Pkg);

/// "python3.12 and later", "python3.9 and python3.10", ... for the runtimes
/// in \p Names (in table order, a subset of getRuntimes()); empty if none.
std::string formatRuntimeList(llvm::ArrayRef<llvm::StringRef> Names);

/// An LO101 finding: why no wheel fits, in the user's terms, and what to do.
struct WheelAdvice {
  /// "fast 2.0 ships only cp312 wheels; python3.11 needs cp311 or abi3
  /// wheels; works on python3.12 and later".
  std::string Message;
  /// "pin an older fast that still ships cp311 or abi3 wheels, ...".
  std::string FixHint;
};

/// Explains why none of \p Wheels (the parsed wheel file names of the
/// package \p Name, shown as \p DisplayName, "fast 2.0") loads on \p Target,
/// checking in turn: a glibc too old for the manylinux tags, another CPython
/// version, the other architecture, and platforms Lambda never loads (macOS,
/// Windows, musllinux, locally built linux_*). The message names the runtimes
/// where the package works; the fix hint names a concrete way out.
WheelAdvice explainNoCompatibleWheel(llvm::StringRef Name,
                                     llvm::StringRef DisplayName,
                                     llvm::ArrayRef<WheelFilename> Wheels,
                                     const TargetConfig &Target);

/// Orders python tags by interpreter, then version as numbers: cp39 before
/// cp310, cp310 before cp310-abi3.
bool comparePythonTags(llvm::StringRef A, llvm::StringRef B);

} // namespace lambdaopt

#endif // LAMBDA_OPT_LIB_LINTS_LINTSUPPORT_H
