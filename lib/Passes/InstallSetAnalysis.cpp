//===- InstallSetAnalysis.cpp - The install-set project analysis ----------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Passes/InstallSetAnalysis.h"
#include "lambda-opt/IR/Project.h"

using namespace llvm;
using namespace lambdaopt;

AnalysisKey InstallSetAnalysis::Key;

InstallSetResult::InstallSetResult(Expected<InstallSet> S, TargetConfig T)
    : Target(T) {
  if (!S) {
    ErrorMessage = toString(S.takeError());
    return;
  }
  Set.emplace(std::move(*S));
}

InstallSetResult::InstallSetResult(Error E)
    : ErrorMessage(toString(std::move(E))) {}

Error InstallSetResult::getError() const {
  if (Set)
    return Error::success();
  return createStringError(inconvertibleErrorCode(), ErrorMessage);
}

InstallOptions lambdaopt::getInstallOptions(const ProjectOptions &Opts) {
  InstallOptions IO;
  IO.Package = Opts.Package;
  IO.Extras = Opts.Extras;
  IO.AllExtras = Opts.AllExtras;
  IO.Groups = Opts.Groups;
  IO.FindLinks = Opts.FindLinks;
  IO.NoEmitProject = Opts.NoEmitProject;
  IO.NoEmitWorkspace = Opts.NoEmitWorkspace;
  IO.NoEmitPackages = Opts.NoEmitPackages;
  return IO;
}

InstallSetResult InstallSetAnalysis::run(Project &P, AnalysisManager &) {
  Expected<TargetConfig> Target =
      makeTargetConfig(P.Options.Runtime, P.Options.Arch);
  if (!Target)
    return InstallSetResult(Target.takeError());
  return InstallSetResult(
      computeInstallSet(P, *Target, getInstallOptions(P.Options)), *Target);
}

void lambdaopt::printInstallSet(const InstallSetResult &R, raw_ostream &OS) {
  if (!R) {
    OS << "install set: error: " << R.getErrorMessage() << '\n';
    return;
  }
  OS << "install set for " << R.getTarget().str() << ":\n";
  for (const InstalledPackage &IP : R->Packages)
    OS << "  " << getRequirementLine(IP) << '\n';
}
