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

#include "MultiProject.h"

#include "lambda-opt/Artifact/Layout.h"
#include "lambda-opt/Diagnostics/Config.h"
#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/Diagnostics/Renderer.h"
#include "lambda-opt/Driver/ProjectConfig.h"
#include "lambda-opt/Emit/EmitPasses.h"
#include "lambda-opt/FrontEnd/FrontEnd.h"
#include "lambda-opt/IR/Project.h"
#include "lambda-opt/Passes/InstallSetAnalysis.h"
#include "lambda-opt/Passes/StandardInstrumentations.h"
#include "lambda-opt/Pipeline/PassBuilder.h"
#include "lambda-opt/Plugin/PassPlugin.h"
#include "lambda-opt/Support/Format.h"
#include "lambda-opt/Support/Output.h"
#include "lambda-opt/Support/SourceError.h"
#include "lambda-opt/Support/Version.h"
#include "lambda-opt/TOML/TOML.h"
#include "lambda-opt/Target/Runtime.h"

#include "llvm/Support/BuryPointer.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace llvm;
using namespace lambdaopt;

static cl::OptionCategory MainCategory("lambda-opt options");
static cl::OptionCategory LintCategory("Lint options");
static cl::OptionCategory TargetCategory("Target options");
static cl::OptionCategory PackagingCategory("Packaging options");
static cl::OptionCategory DebugCategory("Pass debugging options");

static cl::list<std::string> InputPaths(cl::Positional,
                                        cl::desc("[PROJECT...]"),
                                        cl::ZeroOrMore, cl::cat(MainCategory));

static cl::opt<std::string>
    Emit("emit",
         cl::desc("What to write after the lints ran: none (default: only "
                  "report findings), requirements, zip, layer, image, "
                  "image-context or ir (the emit-<kind> pass). Archives are "
                  "not written while errors remain (see --force); zip and "
                  "layer print 'wrote FILE: N files, ...; sha256 HEX; "
                  "CodeSha256 BASE64' on stderr"),
         cl::value_desc("kind"), cl::init("none"), cl::cat(MainCategory));

static cl::opt<std::string>
    OutputPath("o",
               cl::desc("Output file ('-' for stdout); images: DIR, "
                        "oci:DIR[:TAG] or docker://REGISTRY/REPO[:TAG]"),
               cl::value_desc("file"), cl::init("-"), cl::cat(MainCategory));

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
static cl::opt<bool>
    NoAllExtras("no-all-extras",
                cl::desc("Install only the extras named with --extra, "
                         "whatever [tool.lambda-opt] says"),
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
static cl::opt<bool> NoOffline("no-offline",
                               cl::desc("Use the network for wheels, whatever "
                                        "[tool.lambda-opt] says"),
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
static cl::opt<bool> IncludeHidden(
    "include-hidden",
    cl::desc("Ship what --include folders leave out by default: .git, .hg, "
             ".svn, virtual environments, node_modules, .env*, editor files "
             "(or include-hidden = true in [tool.lambda-opt])"),
    cl::cat(PackagingCategory));
static cl::opt<bool> NoIncludeHidden(
    "no-include-hidden",
    cl::desc("Leave those out, whatever [tool.lambda-opt] says"),
    cl::cat(PackagingCategory));
static cl::opt<bool>
    Force("force", cl::desc("Write the artifact even when errors were found"),
          cl::cat(PackagingCategory));
static cl::opt<bool> NoForce("no-force",
                             cl::desc("Write no artifact while errors remain, "
                                      "whatever [tool.lambda-opt] says"),
                             cl::cat(PackagingCategory));
static cl::opt<bool> NoDeps(
    "no-deps",
    cl::desc("Leave the dependencies out of --emit=zip: the function's own "
             "code only, for a function whose packages are in a layer"),
    cl::cat(PackagingCategory));
static cl::opt<bool> Deps("deps",
                          cl::desc("Put the dependencies in the artifact "
                                   "(the default; undoes --no-deps)"),
                          cl::cat(PackagingCategory));
static cl::opt<std::string> Handler(
    "handler",
    cl::desc("The function's handler for images, e.g. app.main.handler"),
    cl::value_desc("module.function"), cl::cat(PackagingCategory));
static cl::opt<std::string>
    BaseImage("base-image",
              cl::desc("The image's base: a registry image "
                       "([docker://]REGISTRY/REPO[:TAG]), oci:PATH[:TAG] or "
                       "scratch (default: public.ecr.aws/lambda/python:3.X)"),
              cl::value_desc("ref"), cl::cat(PackagingCategory));
static cl::opt<std::string>
    ImageTag("image-tag",
             cl::desc("The image's tag in the OCI layout (default latest)"),
             cl::value_desc("tag"), cl::cat(PackagingCategory));
static cl::opt<std::string>
    RegistryUsername("registry-username",
                     cl::desc("User name for the registry pushed to (with "
                              "--registry-password-stdin)"),
                     cl::value_desc("user"), cl::cat(PackagingCategory));
static cl::opt<bool> RegistryPasswordStdin(
    "registry-password-stdin",
    cl::desc("Read the registry password (or token) from stdin"),
    cl::cat(PackagingCategory));
static cl::opt<uint64_t> RegistryChunkSize(
    "registry-chunk-size",
    cl::desc("Upload blobs larger than this many bytes in chunks"), cl::Hidden,
    cl::init(0), cl::cat(PackagingCategory));
static cl::opt<bool> CompileBytecode(
    "compile-bytecode",
    cl::desc("Precompile .pyc files with the runtime's Python (images only; "
             "zips and layers ship sources, as the uv guide recommends)"),
    cl::cat(PackagingCategory));
static cl::opt<bool> NoCompileBytecode(
    "no-compile-bytecode",
    cl::desc("Ship sources only, whatever [tool.lambda-opt] says"),
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
static cl::opt<bool> NoWarningsAsErrors(
    "no-warnings-as-errors",
    cl::desc("Report warnings as warnings, whatever [tool.lambda-opt] says"),
    cl::cat(LintCategory));

static cl::opt<bool> ExitZero("exit-zero",
                              cl::desc("Exit 0 even when errors were found"),
                              cl::cat(LintCategory));
static cl::opt<bool> NoExitZero("no-exit-zero",
                                cl::desc("Exit 1 when errors were found (the "
                                         "default; undoes --exit-zero)"),
                                cl::cat(LintCategory));

static cl::opt<bool>
    Quiet("quiet",
          cl::desc("Print findings and errors only: no progress, no 'wrote' "
                   "lines, no summary"),
          cl::cat(MainCategory));
static cl::alias QuietShort("q", cl::desc("Alias for --quiet"),
                            cl::aliasopt(Quiet), cl::cat(MainCategory));

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
  lambda-opt services/api services/worker/uv.lock   several projects, one report
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

static int fail(const Twine &Message) {
  return fail(createStringError(inconvertibleErrorCode(), Message));
}

/// What the command line says about a boolean with a --no-X form: None when
/// it says nothing; otherwise the later of the two wins (`--no-X=false` is
/// `--X`). The answer replaces the configuration's.
static Optional<bool> getFlag(const cl::opt<bool> &Yes,
                              const cl::opt<bool> &No) {
  bool HasYes = Yes.getNumOccurrences() != 0;
  bool HasNo = No.getNumOccurrences() != 0;
  if (!HasYes && !HasNo)
    return None;
  if (HasYes && (!HasNo || Yes.getPosition() > No.getPosition()))
    return bool(Yes);
  return !No;
}

/// Colours: NO_COLOR (https://no-color.org) turns them off and FORCE_COLOR
/// on, even into a pipe, unless --color says otherwise; by default they are
/// on when stderr is a terminal.
static bool setUpColors() {
  auto EnvSet = [](const char *Name) {
    const char *V = std::getenv(Name);
    return V && *V && StringRef(V) != "0";
  };
  auto &Registered = cl::getRegisteredOptions();
  auto It = Registered.find("color");
  cl::Option *Color = It == Registered.end() ? nullptr : It->second;
  if (Color && Color->getNumOccurrences())
    return WithColor(nulls()).colorsEnabled();
  Optional<bool> Want;
  if (std::getenv("NO_COLOR") && *std::getenv("NO_COLOR"))
    Want = false;
  else if (EnvSet("FORCE_COLOR"))
    Want = true;
  if (!Want)
    return errs().has_colors();
  if (Color)
    Color->addOccurrence(0, "color", *Want ? "true" : "false");
  return *Want;
}

/// What -o FILE writes when --emit is not given: an archive for `.zip`,
/// requirements for `.txt`; anything else must name --emit.
static Expected<std::string> inferEmitKind(StringRef Output) {
  StringRef Ext = sys::path::extension(Output);
  if (Ext.equals_insensitive(".zip"))
    return std::string("zip");
  if (Ext.equals_insensitive(".txt"))
    return std::string("requirements");
  return createStringError(
      inconvertibleErrorCode(),
      "-o %s: cannot tell what to write from the file name; add --emit=zip, "
      "layer, image, image-context, requirements or ir",
      Output.str().c_str());
}

/// Parses --config into \p P (so that errors are located and plugins see
/// the table) and makes it the project's [tool.lambda-opt].
static Error readConfigFile(Project &P, StringRef Path) {
  if (Error E = checkInputFile(Path, "--config file"))
    return E;
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

/// The password --registry-password-stdin read (once, before any project).
static std::string RegistryPassword;

/// --registry-username and --registry-password-stdin, together.
static Error readRegistryCredentials() {
  if (RegistryUsername.empty() && !RegistryPasswordStdin)
    return Error::success();
  if (RegistryUsername.empty() || !RegistryPasswordStdin)
    return createStringError(inconvertibleErrorCode(),
                             "--registry-username and "
                             "--registry-password-stdin go together (e.g. "
                             "aws ecr get-login-password | lambda-opt ... "
                             "--registry-username AWS "
                             "--registry-password-stdin)");
  ErrorOr<std::unique_ptr<MemoryBuffer>> In = MemoryBuffer::getSTDIN();
  if (!In)
    return createStringError(inconvertibleErrorCode(),
                             "--registry-password-stdin: cannot read stdin: %s",
                             In.getError().message().c_str());
  StringRef Password = (*In)->getBuffer();
  Password.consume_back("\n");
  Password.consume_back("\r");
  if (Password.empty())
    return createStringError(inconvertibleErrorCode(),
                             "--registry-password-stdin: stdin is empty");
  RegistryPassword = Password.str();
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
  if (Optional<bool> V = getFlag(AllExtras, NoAllExtras))
    Opts.AllExtras = *V;
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
  if (Optional<bool> V = getFlag(Offline, NoOffline))
    Opts.Offline = *V;
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
  if (Optional<bool> V = getFlag(Force, NoForce))
    Opts.Force = *V;
  if (Optional<bool> V = getFlag(Deps, NoDeps))
    Opts.NoDeps = !*V;
  if (Optional<bool> V = getFlag(IncludeHidden, NoIncludeHidden))
    Opts.IncludeHidden = *V;
  if (!Handler.empty())
    Opts.Handler = Handler;
  if (!BaseImage.empty())
    Opts.BaseImage = BaseImage;
  if (!ImageTag.empty())
    Opts.ImageTag = ImageTag;
  if (Optional<bool> V = getFlag(CompileBytecode, NoCompileBytecode))
    Opts.CompileBytecode = *V;
  Opts.RegistryChunkSize = RegistryChunkSize;
  if (!RegistryUsername.empty()) {
    Opts.RegistryUsername = RegistryUsername;
    Opts.RegistryPassword = RegistryPassword;
  }
  if (!Strip.empty())
    Opts.Strip = Strip;
  for (const std::string &Kind : Opts.Strip)
    if (Expected<StripKind> K = parseStripKind(Kind); !K)
      return createStringError(inconvertibleErrorCode(), "--strip: %s",
                               toString(K.takeError()).c_str());
  if (Opts.NoDeps && Emit != "zip")
    return createStringError(inconvertibleErrorCode(),
                             "--no-deps makes a function zip without its "
                             "packages; use it with --emit=zip");
  // A layer carries the function's code only when the command line asks.
  if (Emit == "layer" && Includes.empty())
    Opts.Includes.clear();
  Opts.OutputPath = OutputPath;
  // An archive goes to stdout only when `-o -` says so, and never to a
  // terminal.
  if ((Emit == "zip" || Emit == "layer") && OutputPath == "-") {
    if (!OutputPath.getNumOccurrences())
      Opts.OutputPath.clear();
    else if (sys::Process::StandardOutIsDisplayed())
      return createStringError(inconvertibleErrorCode(),
                               "-o -: refusing to write a zip to a terminal; "
                               "redirect stdout or name a file");
  }
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

/// `emit-<Kind>`, with the emitter's settings as its parameters for the
/// built-in artifact emitters: `emit-zip<output=fn.zip;force>`. Before the
/// project is loaded \p Opts is null and only the command line's settings
/// are known; afterwards they are the run's (configuration and command
/// line).
static std::string makeEmitterText(StringRef Kind, const ProjectOptions *Opts) {
  if (Kind.empty())
    return "";
  std::string Text = ("emit-" + Kind).str();
  bool Image = Kind == "image" || Kind == "image-context";
  if (Kind != "zip" && Kind != "layer" && !Image)
    return Text;
  EmitterSettings S;
  if (Opts) {
    S = EmitterSettings::fromOptions(*Opts, Image);
  } else {
    ProjectOptions CommandLine;
    if (OutputPath.getNumOccurrences())
      CommandLine.OutputPath = OutputPath;
    CommandLine.Handler = Handler;
    S = EmitterSettings::fromOptions(CommandLine, Image);
    S.Force = getFlag(Force, NoForce);
    if (Image)
      S.CompileBytecode = getFlag(CompileBytecode, NoCompileBytecode);
  }
  std::string Params = S.print();
  if (!Params.empty())
    Text += "<" + Params + ">";
  return Text;
}

/// Whether \p Input names a project lambda-opt can load (so that
/// --print-pipeline-passes can show its configuration's settings too).
static bool hasProject(StringRef Input) {
  SmallString<256> Lock(Input.empty() ? "." : Input);
  if (sys::path::filename(Lock) == "pyproject.toml" &&
      !sys::fs::is_directory(Lock))
    sys::path::remove_filename(Lock);
  if (Lock.empty())
    Lock = ".";
  if (sys::fs::is_directory(Lock))
    sys::path::append(Lock, "uv.lock");
  return sys::fs::is_regular_file(Lock);
}

/// The run's last line on stderr: "lambda-opt: python3.13 x86_64, 12
/// packages, 8.1 MB zipped, 21.5 MB unzipped". Sizes are those of the
/// artifact written, else the lock's wheel sizes (zipped) and the install
/// plan's (unzipped) when they are known.
static std::string formatRunSummary(const Project &P,
                                    const InstallSetResult *Installed,
                                    const StatusReporter &Status) {
  std::string Line = "lambda-opt: " + P.Options.Runtime + " " + P.Options.Arch;
  Optional<uint64_t> Zipped, Unzipped;
  if (Installed && *Installed) {
    size_t Count = (*Installed)->Packages.size();
    Line +=
        ", " + std::to_string(Count) + (Count == 1 ? " package" : " packages");
    uint64_t Sum = 0;
    bool Known = true;
    for (const InstalledPackage &IP : (*Installed)->Packages) {
      if (IP.Wheel && IP.Wheel->Size)
        Sum += *IP.Wheel->Size;
      else if (!IP.IsLocal)
        Known = false;
    }
    if (Known && !P.Options.NoDeps)
      Zipped = Sum;
  }
  if (P.Plan)
    Unzipped = P.Plan->UncompressedSize;
  if (!Status.getArtifacts().empty()) {
    const ArtifactSummary &A = Status.getArtifacts().back();
    Zipped = A.ZippedSize;
    Unzipped = A.UnzippedSize;
  }
  if (Zipped)
    Line += ", " + formatSize(*Zipped) + " zipped";
  if (Unzipped)
    Line += ", " + formatSize(*Unzipped) + " unzipped";
  return Line;
}

/// The pipeline: --passes or the default one (verify, every lint, the size
/// transforms \p StripKinds asked for), then the emitter \p EmitText with
/// its settings as pass parameters, so that --print-pipeline-passes shows
/// what the run writes.
static Error buildPipeline(PassBuilder &PB, ProjectPassManager &PM,
                           StringRef EmitKind, StringRef EmitText,
                           ArrayRef<std::string> StripKinds) {
  PM = ProjectPassManager();
  if (Passes.getNumOccurrences()) {
    if (Error E = PB.parsePassPipeline(PM, Passes))
      return E;
    if (EmitText.empty())
      return Error::success();
    return PB.parsePassPipeline(PM, EmitText);
  }
  if (Error E = PB.buildDefaultPipeline(PM, ""))
    return E;
  std::string Tail;
  for (const std::string &Kind : StripKinds)
    Tail += "strip-" + Kind + ",";
  if (!Tail.empty() && EmitKind.empty())
    return createStringError(inconvertibleErrorCode(),
                             "--strip needs an emitter (--emit=zip or "
                             "--emit=layer)");
  if (EmitText.empty())
    return Error::success();
  return PB.parsePassPipeline(PM, Tail + EmitText.str());
}

/// Loads, configures and checks the project at \p Input into \p Run, with
/// the pipeline rebuilt from the project's own settings. Errors, progress
/// and debugging output go to \p ErrOS; an error makes Run.Status 2. With
/// \p PipelineOS, the pipeline is printed there instead of run.
static void checkProject(StringRef Input, PassBuilder &PB,
                         ProjectPassManager &PM,
                         PassInstrumentationCallbacks &PIC, StringRef EmitKind,
                         ProjectRun &Run, raw_ostream &ErrOS,
                         raw_ostream *PipelineOS) {
  auto Fail = [&](Error E) {
    WithColor::error(ErrOS, "lambda-opt") << toString(std::move(E)) << '\n';
    Run.Status = ExitUsage;
  };
  // Load: parse uv.lock and pyproject.toml into the IR.
  Run.P = std::make_unique<Project>();
  Project *P = Run.P.get();
  LoadOptions LoadOpts;
  LoadOpts.Threads = ParseThreads;
  LoadOpts.LineArrays = ParseLineArrays;
  auto FailLocated = [&](Error E) {
    printError(std::move(E), P->getSourceMgr(), "lambda-opt", ErrOS);
    Run.Status = ExitUsage;
  };
  if (Error E = loadProject(*P, Input, LoadOpts))
    return FailLocated(std::move(E));

  // Configure: [tool.lambda-opt] (or --config), then the command line.
  DiagnosticOptions DiagOpts;
  if (!ConfigPath.empty())
    if (Error E = readConfigFile(*P, ConfigPath))
      return FailLocated(std::move(E));
  if (P->Metadata.LambdaOpt) {
    std::vector<std::string> Keys = PB.getConfigKeys();
    for (StringRef K : getProjectOptionKeys())
      Keys.push_back(K.str());
    StringRef ConfigDir = ConfigPath.empty()
                              ? StringRef(P->RootDir)
                              : sys::path::parent_path(ConfigPath);
    if (Error E = joinErrors(
            readDiagnosticConfig(*P->Metadata.LambdaOpt, Keys, DiagOpts),
            readProjectOptions(*P->Metadata.LambdaOpt, ConfigDir, P->Options)))
      return FailLocated(std::move(E));
  }
  if (Error E = applyCommandLine(P->Options))
    return FailLocated(std::move(E));
  // Again with the run's settings: [tool.lambda-opt] is known only now.
  if (Error E = buildPipeline(PB, PM, EmitKind,
                              makeEmitterText(EmitKind, &P->Options),
                              P->Options.Strip))
    return Fail(std::move(E));
  if (PipelineOS) {
    *PipelineOS << PB.printPipeline(PM) << '\n';
    return;
  }
  applyCommandLineSelectors(Select, ExtendSelect, Ignore, DiagOpts);
  if (Optional<bool> V = getFlag(WarningsAsErrors, NoWarningsAsErrors))
    DiagOpts.WarningsAsErrors = *V;
  DiagnosticEngine Diags(PB.getRules());
  if (Error E = Diags.configure(DiagOpts))
    return FailLocated(std::move(E));

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
  StandardInstrumentations SI(InstrOpts, ErrOS);
  SI.registerCallbacks(PIC);
  // Progress and "wrote" lines: the driver's, none with -q.
  StatusReporter Status;
  if (!Quiet)
    Status = StatusReporter([&ErrOS](StringRef Line) {
      ErrOS << Line << '\n';
      ErrOS.flush();
    });
  AnalysisManager AM(*P, Diags, &PIC, &Status);
  Expected<PreservedAnalyses> Result = PM.run(*P, AM);
  SI.printTimeReport(ErrOS);
  if (!Result)
    return Fail(Result.takeError());
  // A selection the user asked for must exist, whether or not a pass of
  // this pipeline needed the install set. (Otherwise the summary uses the
  // install set only when a pass computed it: a --passes=verify run does not
  // pay for it.)
  const InstallSetResult *Installed =
      AM.getCachedResult<InstallSetAnalysis>(*P);
  if (!P->Options.Extras.empty() || !P->Options.Groups.empty() ||
      !P->Options.Package.empty()) {
    Installed = &AM.getResult<InstallSetAnalysis>(*P);
    if (!*Installed)
      return Fail(Installed->getError());
  }

  Diags.finish(P->getSourceMgr());
  Run.Diags = Diags.getDiagnostics().vec();
  Run.Summary = formatRunSummary(*P, Installed, Status);
  Run.Status = Diags.getCount(Severity::Error) ? ExitFindings : ExitClean;
}

int main(int argc, char **argv) {
  InitLLVM X(argc, argv);
#ifdef __GLIBC__
  // The parser's threads allocate a lock's IR in many small steps; each
  // step of a thread's heap is an mprotect call. Growing heaps 16 MB ahead
  // saves ~3% of a large lint; the padding is address space, not memory
  // touched.
  mallopt(M_TOP_PAD, 16 << 20);
#endif
  // I/O failures and fatal errors: one error line and exit 2, no crash
  // report; a closed pipe is a write error (see Support/Output.h).
  installToolErrorHandlers("lambda-opt", ExitUsage);
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
          "uv.lock or a pyproject.toml).\n  Several PROJECTs are checked "
          "side by side and reported together.\n",
          &errs()))
    return ExitUsage;
  bool UseColor = setUpColors();

  if (Emit == "none" && Emit.getNumOccurrences() &&
      OutputPath.getNumOccurrences() && OutputPath != "-")
    return fail("-o " + OutputPath +
                " names an output, but --emit=none writes nothing; drop one "
                "of them");
  // -o FILE.zip alone means "write that zip".
  if (!Emit.getNumOccurrences() && !Passes.getNumOccurrences() &&
      OutputPath.getNumOccurrences() && OutputPath != "-" && !PrintPasses &&
      Explain.empty()) {
    Expected<std::string> Kind = inferEmitKind(OutputPath);
    if (!Kind)
      return fail(Kind.takeError());
    Emit = *Kind;
  }

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
  // Findings in a machine format and the emitted text or archive cannot
  // share stdout.
  bool EmitsArchive = Emit == "zip" || Emit == "layer";
  if (*Format != OutputFormatKind::Text && OutputPath == "-" &&
      (EmitsText || (EmitsArchive && OutputPath.getNumOccurrences())))
    return fail("--output-format=" + OutputFormat +
                " writes findings to stdout, and so does -o -; write the " +
                (EmitsText ? "text" : "archive") + " to a file with -o FILE");

  // Registry: built-in passes and rules, then every plugin's.
  PassInstrumentationCallbacks PIC;
  PassBuilder PB(PIC, TextOS);
  std::vector<PassPlugin> Plugins;
  for (const std::string &Path : PluginPaths) {
    Expected<PassPlugin> Plugin = PassPlugin::load(Path);
    if (!Plugin)
      return fail(Plugin.takeError());
    Plugin->registerCallbacks(PB);
    Plugins.push_back(std::move(*Plugin));
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
  // The pipeline from the command line alone: it checks the pass names and
  // parameters before any project is read.
  for (const std::string &Kind : Strip)
    if (Expected<StripKind> K = parseStripKind(Kind); !K)
      return fail("--strip: " + toString(K.takeError()));
  if (Error E = buildPipeline(PB, PM, EmitKind,
                              makeEmitterText(EmitKind, nullptr), Strip))
    return fail(std::move(E));
  if (RegistryUsername.getNumOccurrences() || RegistryPasswordStdin)
    if (Error E = readRegistryCredentials())
      return fail(std::move(E));

  // Projects: one, with emission, or several, checked side by side.
  std::vector<std::string> Args(InputPaths.begin(), InputPaths.end());
  if (Args.empty())
    Args.push_back(".");
  // Without a project the command line is all there is to show.
  if (PrintPipelinePasses && (Args.size() > 1 || !hasProject(Args.front()))) {
    outs() << PB.printPipeline(PM) << '\n';
    return ExitClean;
  }
  std::vector<ProjectInput> Inputs = collectProjectInputs(Args);
  RenderContext Ctx;
  Ctx.Rules = &PB.getRules();
  SmallString<256> Cwd;
  if (!sys::fs::current_path(Cwd))
    Ctx.BaseDir = std::string(Cwd);
  bool ToStderr = *Format == OutputFormatKind::Text;
  Ctx.UseColor = ToStderr && UseColor;
  if (Inputs.size() > 1) {
    if (!EmitKind.empty() || EmitsText || StringRef(Passes).contains("emit-"))
      return fail(createStringError(
          inconvertibleErrorCode(),
          "%zu projects given, but an emitter writes one project's output: "
          "run lambda-opt once per project to emit",
          Inputs.size()));
    // SARIF URIs of several projects: relative to the working directory.
    Ctx.ProjectRoot = Ctx.BaseDir;
    // Each project gets its own registry and pipeline: passes keep state.
    auto Check = [&](StringRef Path, ProjectRun &Run) {
      PassInstrumentationCallbacks LocalPIC;
      SmallString<0> Unused;
      raw_svector_ostream UnusedOS(Unused);
      PassBuilder LocalPB(LocalPIC, UnusedOS);
      for (const PassPlugin &Plugin : Plugins)
        Plugin.registerCallbacks(LocalPB);
      ProjectPassManager LocalPM;
      raw_string_ostream LogOS(Run.Log);
      checkProject(Path, LocalPB, LocalPM, LocalPIC, EmitKind, Run, LogOS,
                   nullptr);
    };
    return checkProjects(Inputs, Check, *Format, Ctx,
                         getFlag(ExitZero, NoExitZero).getValueOr(false));
  }

  ProjectRun Run;
  checkProject(Inputs.front().Path, PB, PM, PIC, EmitKind, Run, errs(),
               PrintPipelinePasses ? &outs() : nullptr);
  if (Run.Status == ExitUsage)
    return ExitUsage;
  if (PrintPipelinePasses)
    return ExitClean;
  Project *P = Run.P.get();

  // Report: findings in the chosen format.
  Ctx.SM = &P->getSourceMgr();
  Ctx.ProjectRoot = P->RootDir;
  raw_ostream &DiagOS = ToStderr ? errs() : outs();
  // stderr is unbuffered: without a buffer every piece of every finding is
  // its own write (7,000 of them for a large lock's 194 findings).
  DiagOS.SetBuffered();
  renderDiagnostics(*Format, Run.Diags, Ctx, DiagOS);
  DiagOS.flush();
  if (ToStderr)
    DiagOS.SetUnbuffered();

  // Write: the text output, whole or not at all.
  if (EmitsText || !TextOutput.empty())
    if (Error E = writeOutput(OutputPath, TextOutput))
      return fail(std::move(E));

  // Summary: what was checked, and how big the result is.
  if (!Quiet)
    errs() << Run.Summary << '\n';

  // Exit: 1 when an error-severity finding remains, unless --exit-zero.
  // The project (its IR, the lock's text, an install plan with its mapped
  // wheels) is left to the process's end instead of being freed piece by
  // piece: a few milliseconds on a large lock. Digest checks a lint left
  // running for an emitter that did not run end first: the process's exit
  // handlers must not tear OpenSSL down under them.
  if (Run.P->Plan)
    consumeError(Run.P->Plan->waitVerified());
  BuryPointer(std::move(Run.P));
  bool ZeroExit = getFlag(ExitZero, NoExitZero).getValueOr(false);
  if (Run.Status == ExitFindings && !ZeroExit)
    return ExitFindings;
  return ExitClean;
}
