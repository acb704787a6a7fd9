//===- lambda-opt.cpp - The lambda-opt driver -----------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// lambda-opt reads a uv project (uv.lock + pyproject.toml), runs a pipeline
// of passes over it, and writes what --emit asks for. The driver is the only
// place with command-line options; it reads as the list of its phases.
//
// Exit status: 0 clean, 1 findings of error severity, 2 usage, input or
// tool errors.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/FrontEnd/FrontEnd.h"
#include "lambda-opt/IR/Printer.h"
#include "lambda-opt/IR/Project.h"
#include "lambda-opt/Support/SourceError.h"
#include "lambda-opt/Support/Version.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace lambdaopt;

static cl::OptionCategory MainCategory("lambda-opt options");

static cl::opt<std::string>
    InputPath(cl::Positional, cl::desc("[PROJECT]"), cl::init("."),
              cl::cat(MainCategory));

enum class EmitKind { None, IR };

static cl::opt<EmitKind> Emit(
    "emit", cl::desc("What to write after the passes ran"),
    cl::values(clEnumValN(EmitKind::None, "none",
                          "nothing; only report findings (default)"),
               clEnumValN(EmitKind::IR, "ir",
                          "a textual dump of the IR, for tests and debugging")),
    cl::init(EmitKind::None), cl::cat(MainCategory));

static cl::opt<std::string> OutputPath("o", cl::desc("Output file ('-' for stdout)"),
                                       cl::value_desc("file"), cl::init("-"),
                                       cl::cat(MainCategory));

static cl::opt<unsigned>
    ParseThreads("parse-threads",
                 cl::desc("Threads for parsing a large uv.lock (0 = all cores)"),
                 cl::init(0), cl::Hidden, cl::cat(MainCategory));

static constexpr int ExitClean = 0;
static constexpr int ExitUsage = 2;

static void printVersion(raw_ostream &OS) {
  OS << "lambda-opt " << getVersionString() << '\n';
}

int main(int argc, char **argv) {
  InitLLVM X(argc, argv);
  cl::HideUnrelatedOptions(MainCategory);
  cl::SetVersionPrinter(printVersion);
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "lambda-opt: check and package a uv project for AWS Lambda\n\n"
          "  Reads PROJECT/uv.lock and PROJECT/pyproject.toml (PROJECT "
          "defaults to the\n  current directory, or may be the path of a "
          "uv.lock).\n",
          &errs()))
    return ExitUsage;

  // Load: parse uv.lock and pyproject.toml into the IR.
  auto P = std::make_unique<Project>();
  LoadOptions LoadOpts;
  LoadOpts.Threads = ParseThreads;
  if (Error E = loadProject(*P, InputPath, LoadOpts)) {
    printError(std::move(E), P->getSourceMgr(), "lambda-opt", errs());
    return ExitUsage;
  }

  // Emit.
  if (Emit == EmitKind::None)
    return ExitClean;
  std::error_code EC;
  ToolOutputFile Out(OutputPath, EC, sys::fs::OF_None);
  if (EC) {
    WithColor::error(errs(), "lambda-opt")
        << "cannot open '" << OutputPath << "': " << EC.message() << '\n';
    return ExitUsage;
  }
  printProject(*P, Out.os());
  Out.keep();
  return ExitClean;
}
