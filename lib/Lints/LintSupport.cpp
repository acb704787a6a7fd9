//===- LintSupport.cpp - Helpers and emit-requirements --------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "LintSupport.h"
#include "lambda-opt/IR/Project.h"
#include "lambda-opt/Lints/Lints.h"
#include "lambda-opt/Target/Runtime.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"

#include <cstdlib>
#include <ctime>

using namespace llvm;
using namespace lambdaopt;

Expected<const InstallSetResult *>
lambdaopt::getInstallSet(Project &P, AnalysisManager &AM, bool Required) {
  const InstallSetResult &R = AM.getResult<InstallSetAnalysis>(P);
  const ProjectOptions &O = P.Options;
  bool Selected = !O.Package.empty() || !O.Extras.empty() || O.AllExtras ||
                  !O.Groups.empty();
  if (R || (!Required && !Selected))
    return R ? &R : nullptr;
  return R.getError();
}

std::string lambdaopt::formatDependencyPath(const InstalledPackage &IP) {
  return "dependency path: " + join(IP.getPath(), " \u2192 ");
}

SMRange lambdaopt::getPackageRange(const Package &Pkg) {
  return Pkg.NameRange.isValid() ? Pkg.NameRange : Pkg.Range;
}

std::string lambdaopt::formatRuntimeList(ArrayRef<StringRef> Names) {
  if (Names.empty())
    return "";
  ArrayRef<RuntimeInfo> All = getRuntimes();
  auto IndexOf = [&](StringRef Name) {
    for (size_t I = 0; I != All.size(); ++I)
      if (All[I].Identifier == Name)
        return I;
    return All.size();
  };
  size_t First = IndexOf(Names.front());
  bool Contiguous = true;
  for (size_t I = 0; I != Names.size(); ++I)
    if (IndexOf(Names[I]) != First + I)
      Contiguous = false;
  if (Contiguous && Names.size() > 1 && First + Names.size() == All.size())
    return (Names.front() + " and later").str();
  if (Contiguous && Names.size() > 1 && First == 0)
    return (Names.back() + " and earlier").str();
  if (Names.size() == 1)
    return Names.front().str();
  return join(Names.drop_back(), ", ") + " and " + Names.back().str();
}

bool lambdaopt::isDevelopmentTool(StringRef Name) {
  static constexpr StringLiteral Tools[] = {
      "autopep8",     "bandit",
      "black",        "coverage",
      "debugpy",      "flake8",
      "hypothesis",   "ipdb",
      "ipykernel",    "ipython",
      "isort",        "jupyter",
      "jupyterlab",   "moto",
      "mypy",         "nox",
      "pdbpp",        "pre-commit",
      "pyright",      "pylint",
      "pytest",       "responses",
      "ruff",         "tox",
      "types-awscrt", "types-s3transfer",
      "vcrpy",        "yapf",
  };
  if (is_contained(Tools, Name))
    return true;
  return Name.startswith("pytest-") || Name.startswith("flake8-") ||
         Name.startswith("mypy-boto3-") || Name.startswith("types-");
}

std::string lambdaopt::getToday() {
  if (const char *Pinned = std::getenv("LAMBDA_OPT_TODAY"))
    return Pinned;
  std::time_t Now = std::time(nullptr);
  std::tm UTC;
  gmtime_r(&Now, &UTC);
  char Buf[16];
  std::strftime(Buf, sizeof(Buf), "%Y-%m-%d", &UTC);
  return Buf;
}

Expected<PreservedAnalyses> EmitRequirementsPass::run(Project &P,
                                                      AnalysisManager &AM) {
  Expected<const InstallSetResult *> R =
      getInstallSet(P, AM, /*Required=*/true);
  if (!R)
    return R.takeError();
  writeRequirements((*R)->get(), *OS);
  return PreservedAnalyses::all();
}
