//===- LocalPackageLints.cpp - Local packages lambda-opt cannot build -----===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// `local-packages`: every local source tree of the install set (the project,
// workspace members, path dependencies) is either built natively or taken
// as a wheel from --find-links; anything else is LO104, located at what in
// the package's pyproject.toml stops the native build.
//
//===----------------------------------------------------------------------===//

#include "LintSupport.h"

#include "lambda-opt/Build/LocalBuild.h"
#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/IR/Project.h"
#include "lambda-opt/Lints/Lints.h"
#include "lambda-opt/Support/SourceError.h"

#include "llvm/Support/Path.h"

using namespace llvm;
using namespace lambdaopt;

Expected<PreservedAnalyses> LocalPackagesPass::run(Project &P,
                                                   AnalysisManager &AM) {
  DiagnosticEngine &Diags = AM.getDiagnostics();
  if (!Diags.isEnabled("LO104"))
    return PreservedAnalyses::all();
  Expected<const InstallSetResult *> R = getInstallSet(P, AM);
  if (!R)
    return R.takeError();
  if (!*R)
    return PreservedAnalyses::all();
  TagTarget Tags = (*R)->getTarget().getTagTarget();
  for (const InstalledPackage &IP : (*R)->get().Packages) {
    const Package &Pkg = *IP.Pkg;
    if (Pkg.Src.Kind == SourceKind::Path && !IP.Wheel) {
      Diagnostic D = Diags.create(
          "LO104", Pkg.Src.Range,
          Pkg.getDisplayName() + " is the source archive '" + Pkg.Src.Value +
              "'; lambda-opt builds local packages only from source trees",
          Pkg.Name);
      D.Notes.push_back(formatDependencyPath(IP));
      D.FixHint = "build its wheel for Linux and depend on the wheel file, "
                  "or on its unpacked source folder";
      Diags.report(std::move(D));
      continue;
    }
    if (!Pkg.Src.isLocalTree())
      continue;
    if (findLocalWheel(P.Options.FindLinks, Pkg.Name, Pkg.Version, Tags))
      continue;
    SmallString<256> Dir(P.RootDir);
    sys::path::append(Dir, Pkg.Src.Value);
    sys::path::remove_dots(Dir, /*remove_dot_dot=*/false);
    Expected<LocalBuildResult> Built =
        buildLocalPackage(Dir, P.getSourceMgr(), /*CheckOnly=*/true);
    if (Built)
      continue;
    // Located at the package's pyproject.toml when the reason is there, at
    // its source in uv.lock otherwise.
    SMRange Range = Pkg.Src.Range;
    std::string Reason;
    handleAllErrors(
        Built.takeError(),
        [&](const SourceError &SE) {
          Range = SE.getRange();
          Reason = SE.getMessage();
        },
        [&](const ErrorInfoBase &EI) { Reason = EI.message(); });
    Diagnostic D = Diags.create(
        "LO104", Range,
        Pkg.getDisplayName() + " ('" + Pkg.Src.Value +
            "') cannot be built without its build backend: " + Reason,
        Pkg.Name);
    D.Notes.push_back(formatDependencyPath(IP));
    D.FixHint = "build its wheel for Linux (for example `uv build --wheel "
                "--package " +
                Pkg.Name.str() +
                " -o dist` in the Lambda build image) and pass "
                "--find-links=dist";
    Diags.report(std::move(D));
  }
  return PreservedAnalyses::all();
}
