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

#include "lambda-opt/Diagnostics/Config.h"
#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/Diagnostics/Renderer.h"
#include "lambda-opt/Driver/ProjectConfig.h"
#include "lambda-opt/FrontEnd/FrontEnd.h"
#include "lambda-opt/IR/Project.h"
#include "lambda-opt/Passes/PassBuilder.h"
#include "lambda-opt/Passes/StandardInstrumentations.h"
#include "lambda-opt/Plugin/PassPlugin.h"
#include "lambda-opt/Support/SourceError.h"
#include "lambda-opt/Support/Version.h"
#include "lambda-opt/TOML/TOML.h"
#include "lambda-opt/Target/Runtime.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace llvm;
using namespace lambdaopt;

static cl::OptionCategory MainCategory("lambda-opt options");
static cl::OptionCategory LintCategory("Lint options");
static cl::OptionCategory TargetCategory("Target options");
static cl::OptionCategory PackagingCategory("Packaging options");
static cl::OptionCategory DebugCategory("Pass debugging options");

static cl::opt<std::string> InputPath(cl::Positional, cl::desc("[PROJECT]"),
                                      cl::init("."), cl::cat(MainCategory));

static cl::opt<std::string>
    Emit("emit",
         cl::desc("What to write after the lints ran: none (default: only "
                  "report findings), requirements, zip, layer, image, "
                  "image-context or ir (the emit-<kind> pass). Archives are "
                  "not written while errors remain (see --force); zip and "
                  "layer print 'wrote FILE: N files, ...; sha256 HEX; "
                  "CodeSha256 BASE64' on stderr"),
         cl::value_desc("kind"), cl::init("none"), cl::cat(MainCategory));

static cl::opt<std::string> OutputPath("o",
                                       cl::desc("Output file ('-' for stdout)"),
                                       cl::value_desc("file"), cl::init("-"),
                                       cl::cat(MainCategory));

static cl::opt<std::string>
    Passes("passes",
           cl::desc("A pipeline to run instead of the default one, e.g. "
                    "'verify,package(lock-hygiene)'"),
           cl::value_desc("pipeline"), cl::cat(MainCategory));

static cl::list<std::string> PluginPaths("load-pass-plugin",
                                         cl::desc("Load a pass plugin"),
                                         cl::value_desc("file.so"),
                                         cl::cat(MainCategory));

static cl::opt<bool>
    PrintPasses("print-passes", cl::desc("List every pass and rule, then exit"),
                cl::cat(MainCategory));

static cl::opt<bool> PrintPipelinePasses(
    "print-pipeline-passes",
    cl::desc("Print the pipeline that would run, then exit"),
    cl::cat(MainCategory));

static cl::opt<std::string>
    Explain("explain", cl::desc("Print a rule's documentation, then exit"),
            cl::value_desc("code"), cl::cat(MainCategory));

static cl::opt<unsigned> ParseThreads(
    "parse-threads",
    cl::desc("Threads for parsing a large uv.lock (0 = all cores)"),
    cl::init(0), cl::Hidden, cl::cat(MainCategory));

static cl::opt<bool> ParseLineArrays(
    "parse-line-arrays",
    cl::desc("Read array bodies written one value per line without "
             "tree-sitter (=false parses everything with tree-sitter; for "
             "comparisons)"),
    cl::init(true), cl::Hidden, cl::cat(MainCategory));

//===----------------------------------------------------------------------===//
// Target and install selection
//===----------------------------------------------------------------------===//

static cl::opt<std::string>
    Runtime("runtime",
            cl::desc("Lambda runtime to check for: python3.9 ... python3.14 "
                     "(default python3.13, or [tool.lambda-opt] runtime)"),
            cl::value_desc("id"), cl::cat(TargetCategory));
static cl::opt<std::string>
    Arch("arch", cl::desc("Function architecture: x86_64 (default) or arm64"),
         cl::value_desc("arch"), cl::cat(TargetCategory));
static cl::opt<std::string>
    PackageName("package",
                cl::desc("Install one workspace member instead of the project"),
                cl::value_desc("name"), cl::cat(TargetCategory));
static cl::list<std::string>
    Extras("extra", cl::desc("Install this extra of the project (repeatable)"),
           cl::value_desc("name"), cl::cat(TargetCategory));
static cl::opt<bool> AllExtras("all-extras",
                               cl::desc("Install every extra of the project"),
                               cl::cat(TargetCategory));
static cl::list<std::string> Groups(
    "group",
    cl::desc("Install this dependency group too (none by default, not even "
             "dev; repeatable)"),
    cl::value_desc("name"), cl::cat(TargetCategory));
static cl::opt<bool>
    NoEmitProject("no-emit-project",
                  cl::desc("Leave the project itself out of the install set"),
                  cl::cat(TargetCategory));
static cl::opt<bool> NoEmitWorkspace(
    "no-emit-workspace",
    cl::desc("Leave the project and every workspace member out"),
    cl::cat(TargetCategory));
static cl::list<std::string> NoEmitPackages(
    "no-emit-package",
    cl::desc("Leave this package out of the install set (repeatable)"),
    cl::value_desc("name"), cl::cat(TargetCategory));
static cl::list<std::string> LayerSizes(
    "layer-size",
    cl::desc("Unzipped size of a layer the function attaches, e.g. 40MB "
             "(repeatable; counts against the 250 MB limit)"),
    cl::value_desc("size"), cl::cat(TargetCategory));

//===----------------------------------------------------------------------===//
// Wheels and emission
//===----------------------------------------------------------------------===//

static cl::list<std::string> FindLinks(
    "find-links",
    cl::desc("Folder of wheels to use before the cache and the network "
             "(matched by file name; repeatable)"),
    cl::value_desc("dir"), cl::cat(PackagingCategory));
static cl::opt<std::string>
    CacheDir("cache-dir",
             cl::desc("Wheel cache (default $XDG_CACHE_HOME/lambda-opt)"),
             cl::value_desc("dir"), cl::cat(PackagingCategory));
static cl::opt<bool> Offline("offline",
                             cl::desc("Never use the network for wheels"),
                             cl::cat(PackagingCategory));
static cl::list<std::string> AllowInsecureHosts(
    "allow-insecure-host",
    cl::desc("Allow plain http (and skip TLS checks) for this host"),
    cl::value_desc("host"), cl::cat(PackagingCategory));
static cl::opt<unsigned> Jobs("j", cl::desc("Parallel downloads (default 8)"),
                              cl::value_desc("N"), cl::cat(PackagingCategory));
static cl::list<std::string> Includes(
    "include",
    cl::desc("The function's own code: a file or folder put at the artifact "
             "root (repeatable; e.g. --include=app)"),
    cl::value_desc("path"), cl::cat(PackagingCategory));
static cl::opt<bool>
    Force("force", cl::desc("Write the artifact even when errors were found"),
          cl::cat(PackagingCategory));
static cl::opt<std::string> Handler(
    "handler",
    cl::desc("The function's handler for images, e.g. app.main.handler"),
    cl::value_desc("module.function"), cl::cat(PackagingCategory));
static cl::opt<std::string>
    BaseImage("base-image",
              cl::desc("Stack the image on a local OCI layout: oci:PATH[:TAG]"),
              cl::value_desc("ref"), cl::cat(PackagingCategory));
static cl::opt<std::string>
    ImageTag("image-tag",
             cl::desc("The image's tag in the OCI layout (default latest)"),
             cl::value_desc("tag"), cl::cat(PackagingCategory));
static cl::opt<bool> CompileBytecode(
    "compile-bytecode",
    cl::desc("Precompile .pyc files with the runtime's Python (images only; "
             "zips and layers ship sources, as the uv guide recommends)"),
    cl::cat(PackagingCategory));
static cl::list<std::string>
    Strip("strip",
          cl::desc("Opt-in size transforms: tests, stubs, runtime-provided "
                   "(comma-separated)"),
          cl::CommaSeparated, cl::value_desc("what"),
          cl::cat(PackagingCategory));

static cl::opt<std::string>
    OutputFormat("output-format",
                 cl::desc("How findings are written: text (stderr), json, "
                          "sarif or github (stdout)"),
                 cl::value_desc("format"), cl::init("text"),
                 cl::cat(LintCategory));

static cl::opt<std::string>
    ConfigPath("config",
               cl::desc("Read the [tool.lambda-opt] keys from this TOML file "
                        "instead of pyproject.toml"),
               cl::value_desc("file"), cl::cat(LintCategory));

static cl::list<std::string>
    Select("select", cl::desc("Rules to check, replacing the configuration"),
           cl::CommaSeparated, cl::value_desc("codes"), cl::cat(LintCategory));
static cl::list<std::string>
    ExtendSelect("extend-select", cl::desc("Rules to check in addition"),
                 cl::CommaSeparated, cl::value_desc("codes"),
                 cl::cat(LintCategory));
static cl::list<std::string> Ignore("ignore", cl::desc("Rules to skip"),
                                    cl::CommaSeparated, cl::value_desc("codes"),
                                    cl::cat(LintCategory));

static cl::opt<bool> WarningsAsErrors("warnings-as-errors",
                                      cl::desc("Report warnings as errors"),
                                      cl::cat(LintCategory));

static cl::opt<bool> ExitZero("exit-zero",
                              cl::desc("Exit 0 even when errors were found"),
                              cl::cat(LintCategory));

static cl::opt<bool> PrintBeforeAll("print-before-all",
                                    cl::desc("Print the IR before each pass"),
                                    cl::cat(DebugCategory));
static cl::opt<bool> PrintAfterAll("print-after-all",
                                   cl::desc("Print the IR after each pass"),
                                   cl::cat(DebugCategory));
static cl::list<std::string>
    PrintBefore("print-before", cl::desc("Print the IR before these passes"),
                cl::CommaSeparated, cl::value_desc("pass"),
                cl::cat(DebugCategory));
static cl::list<std::string>
    PrintAfter("print-after", cl::desc("Print the IR after these passes"),
               cl::CommaSeparated, cl::value_desc("pass"),
               cl::cat(DebugCategory));
static cl::opt<bool>
    PrintChanged("print-changed",
                 cl::desc("Print the IR after each pass that changed it"),
                 cl::cat(DebugCategory));
static cl::opt<bool> TimePasses("time-passes",
                                cl::desc("Report the time of each pass"),
                                cl::cat(DebugCategory));
static cl::opt<bool> DebugPassManager(
    "debug-pass-manager",
    cl::desc("Log each pass and analysis run and invalidation"),
    cl::cat(DebugCategory));
static cl::opt<bool> VerifyEach("verify-each",
                                cl::desc("Verify the IR after each transform"),
                                cl::cat(DebugCategory));

static cl::extrahelp Examples(R"(
EXAMPLES:
  lambda-opt                              check ./uv.lock for python3.13 on x86_64
  lambda-opt app --runtime=python3.11 --arch=arm64
  lambda-opt --emit=requirements -o -     the production install set, with hashes
  lambda-opt --emit=zip -o function.zip --include=app --find-links=wheels
  lambda-opt --emit=layer -o layer.zip
  lambda-opt --emit=image -o image --handler=app.main.handler
  lambda-opt --output-format=sarif > lambda-opt.sarif
  lambda-opt --explain=LO101              what a rule checks and how to fix it

EXIT STATUS:
  0 no error-severity finding, 1 error findings, 2 usage, input or tool error.

Settings may also live in [tool.lambda-opt] of pyproject.toml (runtime, arch,
include, handler, find-links, select, ignore, ...); the command line wins.
)");

static constexpr int ExitClean = 0;
static constexpr int ExitFindings = 1;
static constexpr int ExitUsage = 2;

static void printVersion(raw_ostream &OS) {
  OS << "lambda-opt " << getVersionString() << '\n';
}

static int fail(Error E) {
  WithColor::error(errs(), "lambda-opt") << toString(std::move(E)) << '\n';
  return ExitUsage;
}

/// Parses --config into \p P (so that errors are located and plugins see
/// the table) and makes it the project's [tool.lambda-opt].
static Error readConfigFile(Project &P, StringRef Path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buffer = MemoryBuffer::getFile(Path);
  if (!Buffer)
    return createStringError(Buffer.getError(), "cannot read '%s': %s",
                             Path.str().c_str(),
                             Buffer.getError().message().c_str());
  StringRef Text = (*Buffer)->getBuffer();
  P.getSourceMgr().AddNewSourceBuffer(std::move(*Buffer), SMLoc());
  auto Doc = std::make_unique<toml::Document>();
  toml::Parser Parser;
  if (Error E = Parser.parse(Text, *Doc))
    return E;
  P.Metadata.LambdaOpt = Doc->getRoot();
  P.adoptDocument(std::move(Doc));
  return Error::success();
}

/// Applies the target, install and packaging options of the command line
/// over those of the configuration, and checks the target.
static Error applyCommandLine(ProjectOptions &Opts) {
  if (Runtime.getNumOccurrences()) {
    Opts.Runtime = Runtime;
    Opts.RuntimeRange = SMRange();
  }
  if (Arch.getNumOccurrences()) {
    Opts.Arch = Arch;
    Opts.ArchRange = SMRange();
  }
  if (!PackageName.empty())
    Opts.Package = PackageName;
  if (!Extras.empty())
    Opts.Extras = Extras;
  Opts.AllExtras |= AllExtras;
  if (!Groups.empty())
    Opts.Groups = Groups;
  Opts.NoEmitProject |= NoEmitProject;
  Opts.NoEmitWorkspace |= NoEmitWorkspace;
  for (const std::string &Name : NoEmitPackages)
    Opts.NoEmitPackages.push_back(Name);
  for (const std::string &Size : LayerSizes) {
    Expected<uint64_t> Bytes = parseByteSize(Size);
    if (!Bytes)
      return createStringError(inconvertibleErrorCode(), "--layer-size: %s",
                               toString(Bytes.takeError()).c_str());
    Opts.LayerSizes.push_back(*Bytes);
  }
  for (const std::string &Dir : FindLinks)
    Opts.FindLinks.push_back(Dir);
  if (!CacheDir.empty())
    Opts.CacheDir = CacheDir;
  Opts.Offline |= Offline;
  for (const std::string &Host : AllowInsecureHosts)
    Opts.AllowInsecureHosts.push_back(Host);
  if (Jobs.getNumOccurrences()) {
    if (Jobs == 0 || Jobs > 256)
      return createStringError(inconvertibleErrorCode(),
                               "-j must be between 1 and 256");
    Opts.Jobs = Jobs;
  }
  // The function's own code from the command line replaces the config's.
  if (!Includes.empty())
    Opts.Includes = Includes;
  Opts.Force |= Force;
  if (!Handler.empty())
    Opts.Handler = Handler;
  if (!BaseImage.empty())
    Opts.BaseImage = BaseImage;
  if (!ImageTag.empty())
    Opts.ImageTag = ImageTag;
  Opts.CompileBytecode |= CompileBytecode;
  if (!Strip.empty())
    Opts.Strip = Strip;
  // A layer carries the function's code only when the command line asks.
  if (Emit == "layer" && Includes.empty())
    Opts.Includes.clear();
  Opts.OutputPath = OutputPath;
  if (const char *Epoch = std::getenv("SOURCE_DATE_EPOCH")) {
    int64_t Seconds;
    if (StringRef(Epoch).getAsInteger(10, Seconds) || Seconds < 0)
      return createStringError(inconvertibleErrorCode(),
                               "SOURCE_DATE_EPOCH must be a non-negative "
                               "integer, not '%s'",
                               Epoch);
    Opts.SourceDateEpoch = Seconds;
  }

  // The target must be one Lambda runs.
  auto Located = [](SMRange Range, Error E) -> Error {
    if (!Range.isValid())
      return E;
    return makeSourceError(Range, toString(std::move(E)));
  };
  Expected<const RuntimeInfo *> RT = findRuntime(Opts.Runtime);
  if (!RT)
    return Located(Opts.RuntimeRange, RT.takeError());
  Expected<ArchKind> A = parseArch(Opts.Arch);
  if (!A)
    return Located(Opts.ArchRange, A.takeError());
  return Error::success();
}

int main(int argc, char **argv) {
  InitLLVM X(argc, argv);
  // Without TZ, glibc stats /etc/localtime on every local-time conversion,
  // and libzip converts the time of every wheel entry it reads. Nothing the
  // tool writes depends on the time zone, so pin it.
  setenv("TZ", "UTC", /*overwrite=*/0);
  cl::HideUnrelatedOptions({&MainCategory, &TargetCategory, &PackagingCategory,
                            &LintCategory, &DebugCategory});
  cl::SetVersionPrinter(printVersion);
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "lambda-opt: check and package a uv project for AWS Lambda\n\n"
          "  Reads PROJECT/uv.lock and PROJECT/pyproject.toml (PROJECT "
          "defaults to the\n  current directory, or may be the path of a "
          "uv.lock).\n",
          &errs()))
    return ExitUsage;

  // Output: text emitters (ir, requirements) write into memory; the bytes
  // reach -o only once the pipeline has succeeded, through a temporary file
  // renamed into place. Archive emitters write -o themselves the same way.
  SmallString<0> TextOutput;
  raw_svector_ostream TextOS(TextOutput);
  bool EmitsText = Emit == "ir" || Emit == "requirements" ||
                   StringRef(Passes).contains("emit-ir") ||
                   StringRef(Passes).contains("emit-requirements");
  Expected<OutputFormatKind> Format = parseOutputFormat(OutputFormat);
  if (!Format)
    return fail(Format.takeError());

  // Registry: built-in passes and rules, then every plugin's.
  PassInstrumentationCallbacks PIC;
  PassBuilder PB(PIC, TextOS);
  for (const std::string &Path : PluginPaths) {
    Expected<PassPlugin> Plugin = PassPlugin::load(Path);
    if (!Plugin)
      return fail(Plugin.takeError());
    Plugin->registerCallbacks(PB);
  }

  // Questions about the registry need no project.
  if (PrintPasses) {
    PB.printPassNames(outs());
    return ExitClean;
  }
  if (!Explain.empty()) {
    Expected<std::string> Doc = PB.explainRule(Explain);
    if (!Doc)
      return fail(Doc.takeError());
    outs() << *Doc;
    return ExitClean;
  }

  // Pipeline: --passes or the default, then the emitter picked by --emit.
  ProjectPassManager PM;
  StringRef EmitKind = Emit == "none" ? StringRef() : StringRef(Emit);
  if (!EmitKind.empty()) {
    ProjectPassManager Probe;
    if (Error E = PB.parsePassPipeline(Probe, ("emit-" + EmitKind).str())) {
      consumeError(std::move(E));
      return fail(createStringError(
          inconvertibleErrorCode(),
          "unknown --emit kind '%s'; expected none, requirements, zip, layer, "
          "image, image-context or ir (or the kind of a plugin's emit-<kind> "
          "pass)",
          Emit.c_str()));
    }
  }
  if (Passes.getNumOccurrences()) {
    if (Error E = PB.parsePassPipeline(PM, Passes))
      return fail(std::move(E));
    if (!EmitKind.empty())
      if (Error E = PB.parsePassPipeline(PM, ("emit-" + EmitKind).str()))
        return fail(std::move(E));
  } else if (Error E = PB.buildDefaultPipeline(PM, EmitKind)) {
    return fail(std::move(E));
  }
  if (PrintPipelinePasses) {
    outs() << PB.printPipeline(PM) << '\n';
    return ExitClean;
  }

  // Load: parse uv.lock and pyproject.toml into the IR.
  auto P = std::make_unique<Project>();
  LoadOptions LoadOpts;
  LoadOpts.Threads = ParseThreads;
  LoadOpts.LineArrays = ParseLineArrays;
  if (Error E = loadProject(*P, InputPath, LoadOpts)) {
    printError(std::move(E), P->getSourceMgr(), "lambda-opt", errs());
    return ExitUsage;
  }

  // Configure: [tool.lambda-opt] (or --config), then the command line.
  DiagnosticOptions DiagOpts;
  if (!ConfigPath.empty())
    if (Error E = readConfigFile(*P, ConfigPath)) {
      printError(std::move(E), P->getSourceMgr(), "lambda-opt", errs());
      return ExitUsage;
    }
  if (P->Metadata.LambdaOpt) {
    std::vector<std::string> Keys = PB.getConfigKeys();
    for (StringRef K : getProjectOptionKeys())
      Keys.push_back(K.str());
    StringRef ConfigDir = ConfigPath.empty()
                              ? StringRef(P->RootDir)
                              : sys::path::parent_path(ConfigPath);
    if (Error E = joinErrors(
            readDiagnosticConfig(*P->Metadata.LambdaOpt, Keys, DiagOpts),
            readProjectOptions(*P->Metadata.LambdaOpt, ConfigDir,
                               P->Options))) {
      printError(std::move(E), P->getSourceMgr(), "lambda-opt", errs());
      return ExitUsage;
    }
  }
  if (Error E = applyCommandLine(P->Options)) {
    printError(std::move(E), P->getSourceMgr(), "lambda-opt", errs());
    return ExitUsage;
  }
  // The opt-in size transforms join the default pipeline before its
  // emitter: verify, lints, strip-<kind>..., emit-<kind>.
  if (!Passes.getNumOccurrences() && !P->Options.Strip.empty()) {
    std::string Tail;
    for (const std::string &Kind : P->Options.Strip)
      Tail += "strip-" + Kind + ",";
    if (EmitKind.empty())
      return fail(createStringError(inconvertibleErrorCode(),
                                    "--strip needs an emitter (--emit=zip "
                                    "or --emit=layer)"));
    PM = ProjectPassManager();
    if (Error E = PB.buildDefaultPipeline(PM, ""))
      return fail(std::move(E));
    if (Error E = PB.parsePassPipeline(PM, Tail + "emit-" + EmitKind.str()))
      return fail(std::move(E));
  }
  applyCommandLineSelectors(Select, ExtendSelect, Ignore, DiagOpts);
  DiagOpts.WarningsAsErrors |= WarningsAsErrors;
  DiagnosticEngine Diags(PB.getRules());
  if (Error E = Diags.configure(DiagOpts)) {
    printError(std::move(E), P->getSourceMgr(), "lambda-opt", errs());
    return ExitUsage;
  }

  // Run: the pipeline, with the debugging instrumentation around passes.
  InstrumentationOptions InstrOpts;
  InstrOpts.PrintBeforeAll = PrintBeforeAll;
  InstrOpts.PrintAfterAll = PrintAfterAll;
  InstrOpts.PrintBefore = PrintBefore;
  InstrOpts.PrintAfter = PrintAfter;
  InstrOpts.PrintChanged = PrintChanged;
  InstrOpts.TimePasses = TimePasses;
  InstrOpts.DebugPassManager = DebugPassManager;
  InstrOpts.VerifyEach = VerifyEach;
  StandardInstrumentations SI(InstrOpts, errs());
  SI.registerCallbacks(PIC);
  AnalysisManager AM(*P, Diags, &PIC);
  Expected<PreservedAnalyses> Result = PM.run(*P, AM);
  SI.printTimeReport(errs());
  if (!Result)
    return fail(Result.takeError());

  // Report: findings in the chosen format.
  Diags.finish(P->getSourceMgr());
  RenderContext Ctx;
  Ctx.SM = &P->getSourceMgr();
  Ctx.Rules = &PB.getRules();
  SmallString<256> Cwd;
  if (!sys::fs::current_path(Cwd))
    Ctx.BaseDir = std::string(Cwd);
  bool ToStderr = *Format == OutputFormatKind::Text;
  raw_ostream &DiagOS = ToStderr ? errs() : outs();
  Ctx.UseColor = ToStderr && errs().has_colors();
  renderDiagnostics(*Format, Diags.getDiagnostics(), Ctx, DiagOS);

  // Write: the text output, whole or not at all.
  if (EmitsText || !TextOutput.empty()) {
    if (OutputPath == "-") {
      outs() << TextOutput;
      outs().flush();
    } else if (Error E = writeFileAtomically(OutputPath + ".tmp-%%%%%%%%",
                                             OutputPath, TextOutput)) {
      return fail(std::move(E));
    }
  }

  // Exit: 1 when an error-severity finding remains, unless --exit-zero.
  if (Diags.getCount(Severity::Error) && !ExitZero)
    return ExitFindings;
  return ExitClean;
}
