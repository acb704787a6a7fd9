//===- lambda-opt/Emit/EmitPasses.h - Install plan and emitters -*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Lowers a project to the files of a Lambda artifact and writes it.
///
///   plan-install             fetches the selected wheels (find-links, cache,
///                            the lock's URL; every byte checked against the
///                            lock's sha256) and builds Project::Plan, the
///                            `pip install --target` tree plus the function's
///                            own code (Options.Includes)
///   strip-tests              drops tests/ and test/ folders and __pycache__
///   strip-stubs              drops .pyi type stubs
///   strip-runtime-provided   drops the boto3 stack the runtime ships
///   emit-zip, emit-layer     write the plan as a reproducible zip to
///                            Options.OutputPath (a temporary file renamed
///                            into place), unless error findings remain and
///                            Options.Force is off
///
/// Size transforms never drop a shared object or a dist-info file; each
/// prints the files and bytes it saved on stderr. The transforms and the
/// emitters plan the install themselves when plan-install did not run.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_EMIT_EMITPASSES_H
#define LAMBDA_OPT_EMIT_EMITPASSES_H

#include "lambda-opt/Artifact/Layout.h"
#include "lambda-opt/IR/Options.h"
#include "lambda-opt/Passes/PassManager.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace lambdaopt {

class InstallSet;

/// The findings emitters and size transforms report (PassRegistry.def).
constexpr llvm::StringLiteral NotWrittenCode = "LO701";
constexpr llvm::StringLiteral StripReportCode = "LO702";
constexpr llvm::StringLiteral NoBytecodeInterpreterCode = "LO703";
constexpr llvm::StringLiteral BytecodeRejectedCode = "LO704";

/// False, after reporting NotWrittenCode once, when error findings remain
/// and \p Opts.Force is off: an emitter then writes nothing.
bool mayWriteArtifact(const ProjectOptions &Opts, AnalysisManager &AM);

/// An emitter's settings as pass parameters, so that the textual pipeline
/// says what a run writes: `emit-zip<output=fn.zip;force>`,
/// `emit-image<output=img;handler=app.main.handler;compile-bytecode;tag=v1>`
/// (also source-date-epoch=N, base-image=oci:PATH[:TAG]). A
/// setting the text leaves out comes from the run's options (the command
/// line over [tool.lambda-opt]).
struct EmitterSettings {
  llvm::Optional<std::string> Output;
  llvm::Optional<bool> Force;
  /// SOURCE_DATE_EPOCH: the time stamp of every entry.
  llvm::Optional<int64_t> SourceDateEpoch;
  /// Images only.
  llvm::Optional<std::string> Handler;
  llvm::Optional<bool> CompileBytecode;
  llvm::Optional<std::string> ImageTag;
  llvm::Optional<std::string> BaseImage;
  /// The function's own code (`include=PATH`, repeatable), replacing the
  /// options' list; `include-hidden`; zips: `no-deps`.
  llvm::Optional<std::vector<std::string>> Includes;
  llvm::Optional<bool> IncludeHidden;
  llvm::Optional<bool> NoDeps;

  /// The settings \p Opts holds for an emitter (\p ForImage: an image's
  /// too), leaving out defaults and values the parameter grammar cannot
  /// carry (those stay in the options).
  static EmitterSettings fromOptions(const ProjectOptions &Opts, bool ForImage);

  /// \p Opts with the settings given here applied over it.
  ProjectOptions apply(const ProjectOptions &Opts) const;
  /// The parameter text, "output=fn.zip;force"; empty when nothing is set.
  std::string print() const;
};

/// `name<params>`, or `name` when no setting is given.
void printEmitterPipeline(llvm::raw_ostream &OS, llvm::StringRef Name,
                          const EmitterSettings &Settings);

/// Parses the parameters of \p PassName (`emit-zip`, ...); \p ForImage
/// allows the image settings.
llvm::Expected<EmitterSettings> parseEmitterSettings(llvm::StringRef PassName,
                                                     llvm::StringRef Params,
                                                     bool ForImage);

/// The opt-in size transforms.
enum class StripKind {
  Tests,          ///< tests/ and test/ folders, __pycache__, *.pyc
  Stubs,          ///< *.pyi
  RuntimeProvided ///< boto3, botocore, s3transfer, jmespath, ...
};

/// "tests", "stubs" or "runtime-provided".
llvm::StringRef getStripKindName(StripKind K);
/// Parses a `--strip` value.
llvm::Expected<StripKind> parseStripKind(llvm::StringRef Name);

/// Removes the files \p K selects from \p Plan's wheel files (application
/// files are never touched, nor a shared object, nor a dist-info file except
/// the whole dist-info of a distribution in \p Provided none of whose other
/// files remain) and returns what was removed. \p Provided holds the
/// normalized distribution names the runtime ships (RuntimeProvided only).
FilterStats stripPlan(InstallPlan &Plan, StripKind K,
                      llvm::ArrayRef<llvm::StringRef> Provided = {});

/// Fetches the wheels of \p Set for \p P (Project::Options says from where)
/// and plans the install tree with the function's code at the root. Errors
/// name the package and the wheel.
/// \p Status (when given) hears of the long steps, and a silent one keeps
/// the downloader's notes and progress bar off stderr.
llvm::Expected<std::shared_ptr<InstallPlan>>
buildInstallPlan(const Project &P, const InstallSet &Set,
                 StatusReporter *Status = nullptr);

/// Project::Plan, planned now (with the install-set analysis) when null,
/// its wheels verified. With \p AllowPending, digest checks a lint deferred
/// may still be running (InstallPlan::waitVerified): for an emitter that
/// waits for them before it commits its output.
llvm::Expected<InstallPlan *> getOrBuildInstallPlan(Project &P,
                                                    AnalysisManager &AM,
                                                    bool AllowPending = false);

/// The plan an emitter whose settings are \p Opts writes: the project's,
/// unless the emitter's own parameters change what goes in (its include
/// list, hidden files, no-deps); then the run takes them and the plan is
/// built again for them.
llvm::Expected<InstallPlan *> getInstallPlanFor(Project &P,
                                                const ProjectOptions &Opts,
                                                AnalysisManager &AM,
                                                bool AllowPending = false);

/// The last checks on \p Plan before an artifact is written, with the
/// real bytes whatever the lints saw: the native audit (LO110-LO113) when no
/// lint did it, and, when \p CheckSize, the unzipped size against 250 MB
/// minus the layers (LO202) when no lint reported it. Findings go to the
/// diagnostics engine; the emitter then asks mayWriteArtifact.
llvm::Error checkPlanBeforeWriting(Project &P, AnalysisManager &AM,
                                   InstallPlan &Plan, LayoutKind K,
                                   bool CheckSize);

/// `plan-install`: builds Project::Plan.
struct PlanInstallPass : PassInfoMixin<PlanInstallPass> {
  llvm::Expected<PreservedAnalyses> run(Project &P, AnalysisManager &AM);
};

/// The size transforms over Project::Plan.
template <StripKind K> struct StripPass : PassInfoMixin<StripPass<K>> {
  llvm::Expected<PreservedAnalyses> run(Project &P, AnalysisManager &AM);
};
using StripTestsPass = StripPass<StripKind::Tests>;
using StripStubsPass = StripPass<StripKind::Stubs>;
using StripRuntimeProvidedPass = StripPass<StripKind::RuntimeProvided>;

/// `emit-zip` (LayoutKind::Function) and `emit-layer` (LayoutKind::Layer):
/// write the plan to Options.OutputPath and print
/// `wrote <path>: <n> files, <size>; sha256 <hex>; CodeSha256 <base64>` on
/// stderr.
template <LayoutKind K>
struct EmitArchivePass : PassInfoMixin<EmitArchivePass<K>> {
  EmitArchivePass() = default;
  explicit EmitArchivePass(EmitterSettings Settings)
      : Settings(std::move(Settings)) {}
  llvm::Expected<PreservedAnalyses> run(Project &P, AnalysisManager &AM);
  void printPipeline(
      llvm::raw_ostream &OS,
      llvm::function_ref<llvm::StringRef(llvm::StringRef)> Map) const {
    printEmitterPipeline(OS, Map(EmitArchivePass::name()), Settings);
  }
  EmitterSettings Settings;
};
using EmitZipPass = EmitArchivePass<LayoutKind::Function>;
using EmitLayerPass = EmitArchivePass<LayoutKind::Layer>;

} // namespace lambdaopt

#endif // LAMBDA_OPT_EMIT_EMITPASSES_H
