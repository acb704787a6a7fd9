//===- lambda-opt/Passes/InstallSetAnalysis.h - Install set ----*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// `install-set`: the project analysis that computes what the production
/// deployment installs (see Analysis/InstallSet.h) for the run's target and
/// selection in Project::Options (Runtime, Arch, Package, Extras, AllExtras,
/// Groups). Lints and emitters share the one cached result.
///
/// The result may hold an error (an unknown --package, extra or group, an
/// unknown runtime). A pass that needs the install set must stop the
/// pipeline with that error, which the driver turns into exit status 2:
///
///   InstallSetResult &R = AM.getResult<InstallSetAnalysis>(P);
///   if (llvm::Error E = R.getError())
///     return std::move(E);
///   const InstallSet &Set = R.get();
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_PASSES_INSTALLSETANALYSIS_H
#define LAMBDA_OPT_PASSES_INSTALLSETANALYSIS_H

#include "lambda-opt/Analysis/InstallSet.h"
#include "lambda-opt/Passes/PassManager.h"

#include <optional>
#include <string>

namespace lambdaopt {

/// The install set and the target it was computed for, or the reason it
/// could not be computed.
class InstallSetResult {
public:
  /// Takes the outcome of computeInstallSet (or of makeTargetConfig).
  InstallSetResult(llvm::Expected<InstallSet> Set, TargetConfig Target);
  /// A result that failed before a target was known.
  explicit InstallSetResult(llvm::Error E);

  /// True when the install set was computed.
  bool hasValue() const { return Set.has_value(); }
  explicit operator bool() const { return hasValue(); }

  /// A fresh copy of the error (success when the set was computed); safe to
  /// call any number of times, from any number of passes.
  llvm::Error getError() const;
  /// The error message; empty when the set was computed.
  llvm::StringRef getErrorMessage() const { return ErrorMessage; }

  /// The install set; only valid when hasValue().
  const InstallSet &get() const {
    assert(Set && "install set was not computed");
    return *Set;
  }
  const InstallSet *operator->() const { return &get(); }
  const InstallSet &operator*() const { return get(); }

  /// The target the set was computed for (Runtime is null on error before
  /// the target was resolved).
  const TargetConfig &getTarget() const { return Target; }

private:
  std::optional<InstallSet> Set;
  TargetConfig Target;
  std::string ErrorMessage;
};

/// The InstallOptions of a run: Package, Extras, AllExtras and Groups of
/// \p Opts.
InstallOptions getInstallOptions(const ProjectOptions &Opts);

/// `install-set`: computeInstallSet for Project::Options.
struct InstallSetAnalysis : AnalysisInfoMixin<InstallSetAnalysis> {
  static AnalysisKey Key;
  using Result = InstallSetResult;
  Result run(Project &P, AnalysisManager &AM);
};

/// `print<install-set>`-style dump: one requirements line per package.
void printInstallSet(const InstallSetResult &R, llvm::raw_ostream &OS);

} // namespace lambdaopt

#endif // LAMBDA_OPT_PASSES_INSTALLSETANALYSIS_H
