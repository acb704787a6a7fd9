//===- NativeLints.cpp - The native audit of wheels at hand ---------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "LintSupport.h"
#include "lambda-opt/Artifact/Layout.h"
#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/Fetch/Fetch.h"
#include "lambda-opt/IR/Project.h"
#include "lambda-opt/Lints/Lints.h"
#include "lambda-opt/Native/NativeAudit.h"
#include "lambda-opt/Target/Runtime.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;
using namespace lambdaopt;

Expected<PreservedAnalyses> NativeAuditPass::run(Project &P,
                                                 AnalysisManager &AM) {
  DiagnosticEngine &Diags = AM.getDiagnostics();
  if (P.NativeAudited ||
      !(Diags.isEnabled("LO110") || Diags.isEnabled("LO111") ||
        Diags.isEnabled("LO112") || Diags.isEnabled("LO113")))
    return PreservedAnalyses::all();
  Expected<const InstallSetResult *> R = getInstallSet(P, AM);
  if (!R)
    return R.takeError();
  if (!*R)
    return PreservedAnalyses::all();
  const ProjectOptions &Opts = P.Options;
  // ELF facts go to the cache, made when first needed; wheels are looked
  // up there only when it exists.
  std::string FactsDir =
      Opts.CacheDir.empty() ? getDefaultCacheDir() : Opts.CacheDir;
  std::string CacheDir = FactsDir;
  if (!sys::fs::is_directory(CacheDir))
    CacheDir.clear();

  // The loader resolves libraries across the whole artifact, so the audit
  // needs every wheel; with one missing, the emitter audits what it fetches.
  std::vector<WheelInput> Inputs;
  std::vector<const Package *> Packages;
  // Local packages are built by the emitter: with one in the install set,
  // this plan audits the wheels but is not the artifact's.
  bool HasLocal = false;
  for (const InstalledPackage &IP : (*R)->get().Packages) {
    if (!IP.Wheel) {
      if (IP.IsLocal) {
        HasLocal = true;
        continue;
      }
      return PreservedAnalyses::all();
    }
    std::string Path = findLocalWheel(*IP.Wheel, Opts, CacheDir);
    if (Path.empty())
      return PreservedAnalyses::all();
    WheelInput In;
    In.Path = std::move(Path);
    In.Package = IP.Pkg->Name.str();
    In.Sha256 = IP.Wheel->getSHA256().str();
    Inputs.push_back(std::move(In));
    Packages.push_back(IP.Pkg);
  }
  const TargetConfig &Target = (*R)->getTarget();
  LayoutOptions LO;
  LO.PythonVersion = formatv("3.{0}", Target.Runtime->PythonMinor).str();
  LO.IncludeHidden = Opts.IncludeHidden;
  // Large wheels are checked in the background: an archive emitter waits
  // for the checks before it commits, and this pass before it reports
  // anything it read from the wheels.
  LO.DeferVerification = true;
  // The plan is the one an emitter would build from the same files (every
  // hash checked, large wheels' in the background; the function's own files
  // included), so it becomes the project's plan: an emitter later in the
  // pipeline writes it as is.
  std::vector<IncludePath> Includes;
  for (const std::string &Path : Opts.Includes)
    Includes.push_back({Path});
  Expected<InstallPlan> Planned = planInstall(Inputs, Includes, LO);
  bool Complete = !HasLocal && !Opts.NoDeps;
  if (!Planned && !Includes.empty()) {
    // The function's own files are the emitter's to report on: audit the
    // wheels alone, and leave the planning to the emitter.
    consumeError(Planned.takeError());
    Planned = planInstall(Inputs, {}, LO);
    Complete = false;
  }
  if (!Planned) {
    // A wheel that cannot be planned is the emitter's error to report.
    consumeError(Planned.takeError());
    return PreservedAnalyses::all();
  }
  std::shared_ptr<InstallPlan> Plan =
      std::make_shared<InstallPlan>(std::move(*Planned));
  NativeAuditOptions NO;
  NO.HasLayers = !Opts.LayerSizes.empty();
  NO.CacheDir = FactsDir;
  Expected<NativeAuditResult> Audit =
      auditInstallPlan(*Plan, *Target.Runtime, Target.Arch, NO);
  if (!Audit)
    return Audit.takeError();
  if (!Audit->Issues.empty())
    if (Error E = Plan->waitVerified()) {
      // A wheel whose bytes are not the lock's is the emitter's error to
      // report, as one that cannot be planned.
      consumeError(std::move(E));
      return PreservedAnalyses::all();
    }
  reportNativeIssues(*Audit, *Plan, Plan->WheelPackages, *Target.Runtime,
                     Target.Arch, Diags, [&](StringRef Name) {
                       for (const Package *Pkg : Packages)
                         if (Pkg->Name == Name)
                           return getPackageRange(*Pkg);
                       return SMRange();
                     });
  P.NativeAudited = true;
  if (!P.Plan && Complete)
    P.Plan = std::move(Plan);
  return PreservedAnalyses::all();
}
