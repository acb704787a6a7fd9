//===- lambda-opt/Lints/Lints.h - The Lambda lint passes -------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The lints that answer "will this lock deploy and run on the chosen Lambda
/// runtime?" from uv.lock and pyproject.toml alone, offline, and the
/// `emit-requirements` emitter. Their pipeline names and rule codes are in
/// lib/Pipeline/PassRegistry.def:
///
///   wheel-availability  LO101 no-compatible-wheel, LO102 sdist-only
///   size-budget         LO201 zipped-size, LO202 unzipped-size
///   native-audit        LO110 elf-wrong-arch, LO111 glibc-too-new,
///                       LO112 libstdcxx-too-new, LO113 missing-shared-library
///   reproducibility     LO303 unpinned-git, LO305 index-not-allowed,
///                       LO306 filename-mismatch
///   lock-freshness      LO304 lock-out-of-date
///   dev-leakage         LO401 dev-tool-installed, LO402 default-groups,
///                       LO403 local-source
///   runtime-check       LO501 requires-python, LO502 runtime-deprecated,
///                       LO503 bundled-sdk, LO504 partial-sdk
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_LINTS_LINTS_H
#define LAMBDA_OPT_LINTS_LINTS_H

#include "lambda-opt/IR/Options.h"
#include "lambda-opt/Passes/PassManager.h"
#include "lambda-opt/Support/Format.h"

#include <cstdint>
#include <string>

namespace lambdaopt {

/// Lambda's limit on a zip uploaded directly (50 MB).
constexpr uint64_t DirectUploadLimit = 52428800;
/// Lambda's limit on the unzipped function plus its layers (250 MB).
constexpr uint64_t UnzippedLimit = 262144000;

/// The unzipped-size budget a run checks against: Options.SizeBudget, else
/// 250 MB minus the layers.
struct SizeBudget {
  uint64_t Bytes;
  /// "Lambda's 250 MB (262,144,000 bytes) limit", for messages.
  std::string Text;
};
SizeBudget getSizeBudget(const ProjectOptions &Opts);

/// True when \p NormalizedName is a development tool (a test runner,
/// linter, type checker, formatter, debugger or AWS mock) that a production
/// deployment does not need.
bool isDevelopmentTool(llvm::StringRef NormalizedName);

/// Today's date as YYYY-MM-DD: $LAMBDA_OPT_TODAY when it is set (so that
/// tests can pin the date), else the system clock (UTC).
std::string getToday();

/// `emit-requirements`: writes the install set as requirements.txt.
struct EmitRequirementsPass : PassInfoMixin<EmitRequirementsPass> {
  explicit EmitRequirementsPass(llvm::raw_ostream &OS) : OS(&OS) {}
  llvm::Expected<PreservedAnalyses> run(Project &P, AnalysisManager &AM);
  llvm::raw_ostream *OS;
};

/// `wheel-availability`: every installed package has a wheel for the
/// runtime's CPython ABI, architecture and glibc (LO101); a package with
/// only an sdist would have to be built for Linux (LO102).
struct WheelAvailabilityPass : PassInfoMixin<WheelAvailabilityPass> {
  llvm::Expected<PreservedAnalyses> run(Project &P, AnalysisManager &AM);
};

/// `size-budget`: the zipped size of the selected wheels against the 50 MB
/// direct-upload limit (LO201) and, when the wheels are at hand (find-links
/// folders or the wheel cache; nothing is downloaded), their unzipped size
/// against 250 MB minus the layers, or Options.SizeBudget (LO202).
struct SizeBudgetPass : PassInfoMixin<SizeBudgetPass> {
  llvm::Expected<PreservedAnalyses> run(Project &P, AnalysisManager &AM);
};

/// `native-audit`: when every wheel of the install set is at hand
/// (find-links folders or the wheel cache), audits their native files for
/// the target (Native/NativeAudit.h): LO110 elf-wrong-arch, LO111
/// glibc-too-new, LO112 libstdcxx-too-new, LO113 missing-shared-library.
/// Otherwise the emitters audit the wheels they fetch.
struct NativeAuditPass : PassInfoMixin<NativeAuditPass> {
  llvm::Expected<PreservedAnalyses> run(Project &P, AnalysisManager &AM);
};

/// `reproducibility`: git sources pinned to a full commit (LO303), index
/// hosts in Options.AllowedIndexHosts (LO305), wheel file names that match
/// the package (LO306).
struct ReproducibilityPass : PassInfoMixin<ReproducibilityPass> {
  PreservedAnalyses run(Package &Pkg, AnalysisManager &AM);
};

/// `lock-freshness`: the root package's [package.metadata] in uv.lock
/// against pyproject.toml's dependencies, optional dependencies and
/// dependency groups (LO304).
struct LockFreshnessPass : PassInfoMixin<LockFreshnessPass> {
  PreservedAnalyses run(Project &P, AnalysisManager &AM);
};

/// `dev-leakage`: development tools in the install set (LO401), default
/// groups other than `dev` (LO402), path dependencies outside the workspace
/// (LO403).
struct DevLeakagePass : PassInfoMixin<DevLeakagePass> {
  llvm::Expected<PreservedAnalyses> run(Project &P, AnalysisManager &AM);
};

/// `local-packages`: local packages of the install set that lambda-opt
/// cannot build natively and that have no wheel in --find-links (LO104).
struct LocalPackagesPass : PassInfoMixin<LocalPackagesPass> {
  llvm::Expected<PreservedAnalyses> run(Project &P, AnalysisManager &AM);
};

/// `runtime-check`: requires-python against the runtime (LO501), the
/// runtime's lifecycle on \p Today (LO502), the AWS SDK bundled although the
/// runtime provides it (LO503) or bundled in part (LO504).
struct RuntimeCheckPass : PassInfoMixin<RuntimeCheckPass> {
  /// \p Today is YYYY-MM-DD; empty means getToday() at run time.
  explicit RuntimeCheckPass(std::string Today = "") : Today(std::move(Today)) {}
  llvm::Expected<PreservedAnalyses> run(Project &P, AnalysisManager &AM);
  std::string Today;
};

} // namespace lambdaopt

#endif // LAMBDA_OPT_LINTS_LINTS_H
