//===- lambda-opt/Passes/StandardPasses.h - Built-in passes -----*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The passes and analyses every build has (see lib/Pipeline/PassRegistry.def
// for their pipeline names): the IR verifier, IR printers, the dependency
// graph, the lock-hygiene lint, the drop-package transform and the IR
// emitter.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_PASSES_STANDARDPASSES_H
#define LAMBDA_OPT_PASSES_STANDARDPASSES_H

#include "lambda-opt/Passes/PassManager.h"

#include "llvm/ADT/DenseMap.h"

namespace lambdaopt {

/// Checks the IR invariants: every dependency edge points at a package of
/// the project, names are normalized, and no (name, version, source) is
/// locked twice. The error lists every problem found.
llvm::Error verifyProject(const Project &P);

/// `verify`: fails the pipeline when verifyProject does.
struct VerifyPass : PassInfoMixin<VerifyPass> {
  llvm::Expected<PreservedAnalyses> run(Project &P, AnalysisManager &AM);
};

/// Who depends on whom, and the shortest runtime path from the root.
class DependencyGraph {
public:
  /// Packages that depend on \p Pkg (runtime and extra edges), in lock
  /// order.
  llvm::ArrayRef<const Package *> getDependents(const Package &Pkg) const;
  /// True when \p Pkg is reachable from the root through runtime and extra
  /// edges (dev groups excluded).
  bool isReachable(const Package &Pkg) const { return Parent.count(&Pkg) != 0; }
  /// The names on the shortest path from the root to \p Pkg, e.g.
  /// {"app", "fastapi", "pydantic-core"}; empty when unreachable.
  std::vector<llvm::StringRef> getPathTo(const Package &Pkg) const;
  /// "app → fastapi → pydantic-core", or "" when unreachable.
  std::string formatPathTo(const Package &Pkg) const;

  void print(const Project &P, llvm::raw_ostream &OS) const;

private:
  friend struct DependencyGraphAnalysis;
  llvm::DenseMap<const Package *, std::vector<const Package *>> Dependents;
  /// BFS tree from the roots; a root maps to null.
  llvm::DenseMap<const Package *, const Package *> Parent;
};

/// `dependency-graph`.
struct DependencyGraphAnalysis : AnalysisInfoMixin<DependencyGraphAnalysis> {
  static AnalysisKey Key;
  using Result = DependencyGraph;
  Result run(Project &P, AnalysisManager &AM);
};

/// `print`: dumps the IR to stderr.
struct PrintProjectPass : PassInfoMixin<PrintProjectPass> {
  explicit PrintProjectPass(llvm::raw_ostream &OS) : OS(&OS) {}
  PreservedAnalyses run(Project &P, AnalysisManager &AM);
  llvm::raw_ostream *OS;
};

/// `print<dependency-graph>`: dumps the dependency graph to stderr.
struct PrintDependencyGraphPass : PassInfoMixin<PrintDependencyGraphPass> {
  explicit PrintDependencyGraphPass(llvm::raw_ostream &OS) : OS(&OS) {}
  PreservedAnalyses run(Project &P, AnalysisManager &AM);
  void printPipeline(
      llvm::raw_ostream &OS,
      llvm::function_ref<llvm::StringRef(llvm::StringRef)> Map) const {
    OS << "print<dependency-graph>";
  }
  llvm::raw_ostream *OS;
};

/// `emit-ir`: the textual IR as the pipeline's output.
struct EmitIRPass : PassInfoMixin<EmitIRPass> {
  explicit EmitIRPass(llvm::raw_ostream &OS) : OS(&OS) {}
  PreservedAnalyses run(Project &P, AnalysisManager &AM);
  llvm::raw_ostream *OS;
};

/// `lock-hygiene`: LO301 missing-hash, LO302 insecure-url.
struct LockHygienePass : PassInfoMixin<LockHygienePass> {
  PreservedAnalyses run(Package &Pkg, AnalysisManager &AM);
};

/// `drop-package<name=N>`: removes package N (every version) and every
/// dependency edge to it. Fails when the lock has no such package.
struct DropPackagePass : PassInfoMixin<DropPackagePass> {
  explicit DropPackagePass(std::string Name) : Name(std::move(Name)) {}
  llvm::Expected<PreservedAnalyses> run(Project &P, AnalysisManager &AM);
  void printPipeline(
      llvm::raw_ostream &OS,
      llvm::function_ref<llvm::StringRef(llvm::StringRef)> Map) const {
    OS << Map(name()) << "<name=" << Name << '>';
  }
  std::string Name;
};

/// Parses print<...>: the name of an analysis with a printer.
llvm::Expected<bool> parsePrintAnalysisParams(llvm::StringRef Params);

/// Parses drop-package's parameters.
llvm::Expected<std::string> parseDropPackageParams(llvm::StringRef Params);

} // namespace lambdaopt

#endif // LAMBDA_OPT_PASSES_STANDARDPASSES_H
