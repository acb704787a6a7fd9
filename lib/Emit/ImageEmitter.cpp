//===- ImageEmitter.cpp - Container images from the install plan ----------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Emit/ImageEmitter.h"
#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/Emit/EmitPasses.h"
#include "lambda-opt/Image/Bytecode.h"
#include "lambda-opt/Target/Runtime.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace lambdaopt;

static Error makeError(const Twine &Msg) {
  return createStringError(inconvertibleErrorCode(), Msg.str());
}

Expected<std::vector<ImageLayerSpec>>
lambdaopt::buildImageLayers(const InstallPlan &Plan) {
  ImageLayerSpec Deps;
  Deps.Comment = DependenciesLayerName.str();
  Deps.Root = ImageTaskRoot.str();
  ImageLayerSpec Function;
  Function.Comment = FunctionLayerName.str();
  Function.Root = ImageTaskRoot.str();
  for (const PlannedFile &F : Plan.Files) {
    Expected<std::string> Data = Plan.readPlannedFile(F);
    if (!Data)
      return Data.takeError();
    ImageFile File;
    File.Path = F.Path;
    File.Mode = F.Mode;
    File.Contents = std::move(*Data);
    // Application files and locally built packages change with the code;
    // the dependencies layer changes only with the lock.
    ImageLayerSpec &Layer =
        F.Source == PlannedSourceKind::DiskFile || F.FromSourceTree ? Function
                                                                    : Deps;
    Layer.Files.push_back(std::move(File));
  }
  std::vector<ImageLayerSpec> Layers;
  if (!Deps.Files.empty())
    Layers.push_back(std::move(Deps));
  if (!Function.Files.empty())
    Layers.push_back(std::move(Function));
  return Layers;
}

Expected<BytecodeSummary>
lambdaopt::addBytecode(std::vector<ImageLayerSpec> &Layers,
                       StringRef Interpreter, StringRef PythonMinor) {
  BytecodeSummary Summary;
  for (ImageLayerSpec &Layer : Layers) {
    Expected<BytecodeResult> R =
        compileBytecode(Interpreter, PythonMinor, Layer.Files, Layer.Root);
    if (!R)
      return R.takeError();
    StringSet<> Present;
    for (const ImageFile &F : Layer.Files)
      Present.insert(F.Path);
    for (ImageFile &F : R->Files) {
      if (Present.count(F.Path))
        continue;
      Layer.Files.push_back(std::move(F));
      ++Summary.Compiled;
    }
    llvm::append_range(Summary.Failed, R->Failed);
  }
  llvm::sort(Summary.Failed);
  return Summary;
}

Expected<std::string>
lambdaopt::getImagePythonVersion(const ProjectOptions &Opts) {
  Expected<const RuntimeInfo *> RT = findRuntime(Opts.Runtime);
  if (!RT)
    return RT.takeError();
  return formatv("3.{0}", (*RT)->PythonMinor).str();
}

Expected<ImageConfigSpec>
lambdaopt::makeImageConfig(const ProjectOptions &Opts) {
  StringRef Handler = StringRef(Opts.Handler).trim();
  if (Handler.empty())
    return makeError("a container image needs the function's handler, the "
                     "image's command; pass --handler=MODULE.FUNCTION (e.g. "
                     "--handler=app.main.handler) or set handler in "
                     "[tool.lambda-opt]");
  if (!Handler.contains('.') || Handler.startswith(".") ||
      Handler.endswith("."))
    return makeError("handler '" + Handler +
                     "' is not of the form MODULE.FUNCTION (e.g. "
                     "app.main.handler)");
  Expected<const OCIModule *> OCI = getOCIModule();
  if (!OCI)
    return OCI.takeError();
  Expected<std::string> Arch = (*OCI)->NormalizeImageArch(Opts.Arch);
  if (!Arch)
    return Arch.takeError();
  if (Opts.ImageTag.empty())
    return makeError("the image tag is empty; set --image-tag or image-tag "
                     "in [tool.lambda-opt]");
  ImageConfigSpec Config;
  Config.Arch = *Arch;
  Config.Cmd = {Handler.str()};
  Config.WorkingDir = ImageTaskRoot.str();
  Config.Env = {("LAMBDA_TASK_ROOT=" + ImageTaskRoot).str()};
  Config.Created = Opts.SourceDateEpoch.value_or(0);
  Config.RefName = Opts.ImageTag;
  return Config;
}

namespace {

/// Error findings stop emission unless --force; returns true to go on.
bool mayWrite(const ProjectOptions &Opts, AnalysisManager &AM) {
  unsigned Errors = AM.getDiagnostics().getCount(Severity::Error);
  if (!Errors || Opts.Force)
    return true;
  WithColor::note(errs(), "lambda-opt")
      << "not writing '" << Opts.OutputPath << "': " << Errors
      << " error finding" << (Errors == 1 ? "" : "s")
      << " (--force writes it anyway)\n";
  return false;
}

Error checkOutputDir(const ProjectOptions &Opts, StringRef Emit) {
  if (!Opts.OutputPath.empty() && Opts.OutputPath != "-")
    return Error::success();
  return makeError("--emit=" + Emit +
                   " writes a directory; name it with -o <dir>");
}

/// Warns when the handler's module is in no layer: the image would build
/// and fail at its first invocation.
void checkHandlerModule(ArrayRef<ImageLayerSpec> Layers, StringRef Handler) {
  StringRef Module = Handler.rsplit('.').first;
  std::string Base = Module.str();
  std::replace(Base.begin(), Base.end(), '.', '/');
  for (const ImageLayerSpec &L : Layers)
    for (const ImageFile &F : L.Files) {
      StringRef P = F.Path;
      if (P == Base + ".py" || P == Base + "/__init__.py" ||
          (P.startswith(Base + ".") && P.endswith(".so")))
        return;
    }
  WithColor::warning(errs(), "lambda-opt")
      << "handler '" << Handler << "': no module " << Base << ".py in "
      << ImageTaskRoot << "; add the function's code with --include\n";
}

/// The image's layers, with bytecode when asked for and possible.
Expected<std::vector<ImageLayerSpec>> prepareLayers(Project &P,
                                                    AnalysisManager &AM) {
  const ProjectOptions &Opts = P.Options;
  Expected<InstallPlan *> Plan = getOrBuildInstallPlan(P, AM);
  if (!Plan)
    return Plan.takeError();
  Expected<std::vector<ImageLayerSpec>> Layers = buildImageLayers(**Plan);
  if (!Layers)
    return Layers.takeError();
  checkHandlerModule(*Layers, StringRef(Opts.Handler).trim());
  if (!Opts.CompileBytecode)
    return Layers;

  Expected<std::string> Version = getImagePythonVersion(Opts);
  if (!Version)
    return Version.takeError();
  std::optional<std::string> Python = findPythonInterpreter(*Version);
  if (!Python) {
    WithColor::warning(errs(), "lambda-opt")
        << "--compile-bytecode: no Python " << *Version
        << " interpreter found (looked for python" << *Version
        << " on PATH and ~/.pyenv/versions/" << *Version
        << ".*/bin/python3); the image has no .pyc files, so each cold "
           "start compiles the sources\n";
    return Layers;
  }
  Expected<BytecodeSummary> Summary = addBytecode(*Layers, *Python, *Version);
  if (!Summary)
    return Summary.takeError();
  errs() << "compiled " << Summary->Compiled << " .pyc files with " << *Python
         << '\n';
  if (!Summary->Failed.empty()) {
    WithColor::warning(errs(), "lambda-opt")
        << "--compile-bytecode: Python " << *Version << " rejected "
        << Summary->Failed.size() << " source file"
        << (Summary->Failed.size() == 1 ? "" : "s")
        << ", left uncompiled: " << Summary->Failed.front()
        << (Summary->Failed.size() > 1 ? ", ..." : "") << '\n';
  }
  return Layers;
}

} // namespace

Expected<PreservedAnalyses> EmitImagePass::run(Project &P,
                                               AnalysisManager &AM) {
  const ProjectOptions &Opts = P.Options;
  if (Error E = checkOutputDir(Opts, "image"))
    return E;
  Expected<ImageConfigSpec> Config = makeImageConfig(Opts);
  if (!Config)
    return Config.takeError();
  Expected<const OCIModule *> OCI = getOCIModule();
  if (!OCI)
    return OCI.takeError();
  std::optional<BaseImage> Base;
  if (!Opts.BaseImage.empty()) {
    Expected<BaseImage> Ref = (*OCI)->ParseBaseImageRef(Opts.BaseImage);
    if (!Ref)
      return Ref.takeError();
    Base = std::move(*Ref);
  }
  if (!mayWrite(Opts, AM))
    return PreservedAnalyses::all();

  Expected<std::vector<ImageLayerSpec>> Layers = prepareLayers(P, AM);
  if (!Layers)
    return Layers.takeError();
  Expected<ImageResult> Result = (*OCI)->WriteOCIImage(
      Opts.OutputPath, *Layers, *Config, Base ? &*Base : nullptr);
  if (!Result)
    return Result.takeError();

  size_t Files = 0;
  for (const ImageLayerSpec &L : *Layers)
    Files += L.Files.size();
  size_t BaseLayers = Result->LayerDigests.size() - Layers->size();
  errs() << "wrote " << Opts.OutputPath << ": image " << Config->RefName << " ("
         << Config->Arch << "), " << Layers->size() << " layers";
  if (Base)
    errs() << " on " << BaseLayers << " base layers";
  errs() << ", " << Files << " files; manifest " << Result->ManifestDigest
         << ", config " << Result->ConfigDigest << '\n';
  return PreservedAnalyses::all();
}

Expected<PreservedAnalyses> EmitImageContextPass::run(Project &P,
                                                      AnalysisManager &AM) {
  const ProjectOptions &Opts = P.Options;
  if (Error E = checkOutputDir(Opts, "image-context"))
    return E;
  Expected<ImageConfigSpec> Config = makeImageConfig(Opts);
  if (!Config)
    return Config.takeError();
  Expected<std::string> Version = getImagePythonVersion(Opts);
  if (!Version)
    return Version.takeError();
  if (!mayWrite(Opts, AM))
    return PreservedAnalyses::all();

  Expected<std::vector<ImageLayerSpec>> Layers = prepareLayers(P, AM);
  if (!Layers)
    return Layers.takeError();
  std::vector<ImageFile> TaskRoot;
  for (ImageLayerSpec &L : *Layers)
    for (ImageFile &F : L.Files)
      TaskRoot.push_back(std::move(F));
  Expected<const OCIModule *> OCI = getOCIModule();
  if (!OCI)
    return OCI.takeError();
  if (Error E = (*OCI)->WriteImageContext(Opts.OutputPath, *Version,
                                          Config->Arch, TaskRoot, Config->Cmd))
    return E;
  errs() << "wrote " << Opts.OutputPath << ": Dockerfile and "
         << TaskRoot.size() << " files in task/\n";
  return PreservedAnalyses::all();
}
