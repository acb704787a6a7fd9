//===- lambda-opt/Pipeline/PassBuilder.h - Registry and pipelines *- C++
//-*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The PassBuilder knows every pass, analysis and lint rule: the built-in ones
// from lib/Pipeline/PassRegistry.def and those plugins register at load time.
// It parses textual pipelines in LLVM's grammar,
//
//   verify,package(lock-hygiene),drop-package<name=boto3>,emit-ir
//
// where a bare package pass at project level is nested automatically, and
// builds the default pipeline (verify, every lint, then one emitter).
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_PIPELINE_PASSBUILDER_H
#define LAMBDA_OPT_PIPELINE_PASSBUILDER_H

#include "lambda-opt/Diagnostics/Diagnostic.h"
#include "lambda-opt/Passes/PassManager.h"
#include "lambda-opt/Passes/PassParameters.h"

#include <functional>
#include <string>
#include <vector>

namespace lambdaopt {

/// One element of a parsed pipeline: `name<params>(inner,...)`.
struct PipelineElement {
  llvm::StringRef Name;
  llvm::StringRef Params;
  bool HasParams = false;
  std::vector<PipelineElement> Inner;
  bool HasInner = false;
};

/// Splits pipeline text into elements; checks only the grammar.
llvm::Expected<std::vector<PipelineElement>>
parsePipelineText(llvm::StringRef Text);

class PassBuilder {
public:
  /// Adds a project pass for \p Params (empty when the text had no `<>`)
  /// to \p PM, or fails with a message about the parameters.
  using ProjectPassFactory =
      std::function<llvm::Error(llvm::StringRef Params, ProjectPassManager &)>;
  using PackagePassFactory =
      std::function<llvm::Error(llvm::StringRef Params, PackagePassManager &)>;

  /// \p Output is where emission passes write.
  explicit PassBuilder(PassInstrumentationCallbacks &PIC,
                       llvm::raw_ostream &Output = llvm::outs());
  PassBuilder(const PassBuilder &) = delete;
  PassBuilder &operator=(const PassBuilder &) = delete;

  PassInstrumentationCallbacks &getInstrumentation() { return PIC; }
  llvm::raw_ostream &getOutput() { return Output; }

  //===--------------------------------------------------------------------===//
  // Registration (built-ins at construction, plugins in their Register).
  //===--------------------------------------------------------------------===//

  /// Adds a project pass named \p Name. \p ParamsHelp describes its
  /// parameters ("name=<package>"); empty for a pass without any.
  void registerProjectPass(llvm::StringRef Name, llvm::StringRef Description,
                           ProjectPassFactory Factory,
                           llvm::StringRef ParamsHelp = "");
  void registerPackagePass(llvm::StringRef Name, llvm::StringRef Description,
                           PackagePassFactory Factory,
                           llvm::StringRef ParamsHelp = "");

  /// Registers a default-constructible pass class under \p Name.
  template <typename PassT>
  void registerProjectPass(llvm::StringRef Name, llvm::StringRef Description) {
    PIC.addClassToPassName(PassT::name(), Name);
    registerProjectPass(Name, Description,
                        [](llvm::StringRef, ProjectPassManager &PM) {
                          PM.addPass(PassT());
                          return llvm::Error::success();
                        });
  }
  template <typename PassT>
  void registerPackagePass(llvm::StringRef Name, llvm::StringRef Description) {
    PIC.addClassToPassName(PassT::name(), Name);
    registerPackagePass(Name, Description,
                        [](llvm::StringRef, PackagePassManager &PM) {
                          PM.addPass(PassT());
                          return llvm::Error::success();
                        });
  }

  /// Adds a lint rule (its Pass field names the pass that reports it; that
  /// pass joins the default pipeline).
  llvm::Error registerRule(const RuleInfo &Rule);

  /// Declares a key of [tool.lambda-opt] that a pass or plugin reads.
  void registerConfigKey(llvm::StringRef Key);

  //===--------------------------------------------------------------------===//
  // Queries.
  //===--------------------------------------------------------------------===//

  const RuleTable &getRules() const { return Rules; }
  llvm::ArrayRef<std::string> getConfigKeys() const { return ConfigKeys; }

  /// The rule's documentation (markdown), or its summary when it has none;
  /// fails for an unknown code or name.
  llvm::Expected<std::string> explainRule(llvm::StringRef CodeOrName) const;

  /// Every pass and analysis name with a description, grouped.
  void printPassNames(llvm::raw_ostream &OS) const;

  /// The names of the passes that report lint rules, in registry order.
  std::vector<std::string> getLintPassNames() const;

  //===--------------------------------------------------------------------===//
  // Pipelines.
  //===--------------------------------------------------------------------===//

  /// Parses \p Text and appends its passes to \p PM. Errors name the pass
  /// (with a suggestion for a misspelt one) or the position.
  llvm::Error parsePassPipeline(ProjectPassManager &PM, llvm::StringRef Text);

  /// The default pipeline; \p EmitKind picks the emitter (`emit-<kind>`);
  /// empty means no emitter.
  llvm::Error buildDefaultPipeline(ProjectPassManager &PM,
                                   llvm::StringRef EmitKind);

  /// The canonical text of \p PM, which parses back to the same pipeline.
  std::string printPipeline(const ProjectPassManager &PM) const;

private:
  struct PassEntry {
    std::string Name;
    std::string Description;
    std::string ParamsHelp;
    ProjectPassFactory ProjectFactory;
    PackagePassFactory PackageFactory;
  };
  struct AnalysisEntry {
    std::string Name;
    std::string Description;
    ProjectPassFactory RequireProject, InvalidateProject;
    PackagePassFactory RequirePackage, InvalidatePackage;
  };

  void registerBuiltins();
  const PassEntry *findProjectPass(llvm::StringRef Name) const;
  const PassEntry *findPackagePass(llvm::StringRef Name) const;
  llvm::Error addProjectElement(ProjectPassManager &PM,
                                const PipelineElement &E);
  llvm::Error addProjectElements(ProjectPassManager &PM,
                                 llvm::ArrayRef<PipelineElement> Elements);
  llvm::Error addPackageElement(PackagePassManager &PM,
                                const PipelineElement &E);
  llvm::Error unknownPass(llvm::StringRef Name) const;

  PassInstrumentationCallbacks &PIC;
  llvm::raw_ostream &Output;
  std::vector<PassEntry> ProjectPasses;
  std::vector<PassEntry> PackagePasses;
  std::vector<AnalysisEntry> ProjectAnalyses;
  std::vector<AnalysisEntry> PackageAnalyses;
  /// Pass names of LINT_RULE rows and plugin rules, in order, unique.
  std::vector<std::string> LintPasses;
  RuleTable Rules;
  std::vector<std::string> ConfigKeys;
};

} // namespace lambdaopt

#endif // LAMBDA_OPT_PIPELINE_PASSBUILDER_H
