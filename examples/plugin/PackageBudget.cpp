//===- PackageBudget.cpp - Example out-of-tree pass plugin ----------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// `package-budget<max=N>` reports LO950 when the lock holds more than N
// packages (default 100): a rough proxy for cold-start time on Lambda.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/Pipeline/PassBuilder.h"
#include "lambda-opt/Plugin/PassPlugin.h"

using namespace llvm;
using namespace lambdaopt;

namespace {

struct PackageBudgetPass : PassInfoMixin<PackageBudgetPass> {
  explicit PackageBudgetPass(unsigned Max) : Max(Max) {}

  PreservedAnalyses run(Project &P, AnalysisManager &AM) {
    if (P.Packages.size() <= Max)
      return PreservedAnalyses::all();
    DiagnosticEngine &Diags = AM.getDiagnostics();
    Diags.report(Diags.create("LO950", P.Packages.front()->Range,
                              "the lock holds " + Twine(P.Packages.size()) +
                                  " packages, over the budget of " +
                                  Twine(Max)));
    return PreservedAnalyses::all();
  }

  void printPipeline(raw_ostream &OS,
                     function_ref<StringRef(StringRef)> Map) const {
    OS << Map(name()) << "<max=" << Max << '>';
  }

  unsigned Max;
};

Error addPackageBudget(StringRef Params, ProjectPassManager &PM) {
  unsigned Max = 100;
  StringRef Value = Params;
  if (!Params.empty() &&
      (!Value.consume_front("max=") || Value.getAsInteger(10, Max)))
    return createStringError(inconvertibleErrorCode(),
                             "invalid parameter '%s' of pass "
                             "'package-budget' (expected max=<count>)",
                             Params.str().c_str());
  PM.addPass(PackageBudgetPass(Max));
  return Error::success();
}

void registerPackageBudget(PassBuilder &PB) {
  PB.getInstrumentation().addClassToPassName(PackageBudgetPass::name(),
                                             "package-budget");
  PB.registerProjectPass("package-budget",
                         "lint: the number of locked packages vs a budget",
                         addPackageBudget, "max=<count>");
  cantFail(PB.registerRule(
      {"LO950", "package-budget", Severity::Warning, "size", "package-budget",
       "the lock holds more packages than the budget", ""}));
}

} // namespace

extern "C" LambdaOptPluginInfo lambdaOptGetPluginInfo() {
  return {LAMBDA_OPT_PLUGIN_API_VERSION, "package-budget", "1.0",
          registerPackageBudget};
}
