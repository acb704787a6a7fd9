//===- install-set-tool.cpp - Print a project's install set ---------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// A test-only driver for the install-set analysis, with the command line of
// utils/reference-install-set.py:
//
//   install-set-tool PROJECT_DIR --python 3.X --arch x86_64|arm64
//       [--extra E]... [--all-extras] [--group G]... [--package P]
//
// It prints the requirements lines on stdout.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Analysis/InstallSet.h"
#include "lambda-opt/FrontEnd/FrontEnd.h"
#include "lambda-opt/Support/SourceError.h"

#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace lambdaopt;

static int fail(const Twine &Message) {
  WithColor::error(errs(), "install-set-tool") << Message << '\n';
  return 1;
}

int main(int argc, char **argv) {
  InitLLVM X(argc, argv);
  std::string ProjectDir, Python = "3.12", Arch = "x86_64";
  InstallOptions Opts;
  for (int I = 1; I < argc; ++I) {
    StringRef Arg = argv[I];
    bool HasValue = I + 1 < argc;
    if (Arg == "--all-extras") {
      Opts.AllExtras = true;
      continue;
    }
    if (Arg.startswith("--") && !HasValue)
      return fail("option " + Arg + " needs a value");
    if (Arg == "--python")
      Python = argv[++I];
    else if (Arg == "--arch")
      Arch = argv[++I];
    else if (Arg == "--extra")
      Opts.Extras.push_back(argv[++I]);
    else if (Arg == "--group")
      Opts.Groups.push_back(argv[++I]);
    else if (Arg == "--package")
      Opts.Package = argv[++I];
    else if (Arg.startswith("--"))
      return fail("unknown option " + Arg);
    else
      ProjectDir = Arg.str();
  }
  if (ProjectDir.empty())
    return fail("no project directory given");

  Expected<TargetConfig> Target = makeTargetConfig("python" + Python, Arch);
  if (!Target)
    return fail(toString(Target.takeError()));
  auto P = std::make_unique<Project>();
  LoadOptions Load;
  Load.ReadPyProject = false;
  if (Error E = loadProject(*P, ProjectDir, Load)) {
    printError(std::move(E), P->getSourceMgr(), "install-set-tool", errs());
    return 1;
  }
  Expected<InstallSet> Set = computeInstallSet(*P, *Target, Opts);
  if (!Set)
    return fail(toString(Set.takeError()));
  writeRequirements(*Set, outs());
  return 0;
}
