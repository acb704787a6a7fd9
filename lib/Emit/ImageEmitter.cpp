//===- ImageEmitter.cpp - Container images from the install plan ----------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Emit/ImageEmitter.h"
#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/Emit/EmitPasses.h"
#include "lambda-opt/Emit/HandlerCheck.h"
#include "lambda-opt/Fetch/Fetch.h"
#include "lambda-opt/Image/Bytecode.h"
#include "lambda-opt/Registry/Registry.h"
#include "lambda-opt/Support/Error.h"
#include "lambda-opt/Support/Format.h"
#include "lambda-opt/Target/Runtime.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace lambdaopt;

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

Error checkOutputDir(const ProjectOptions &Opts, StringRef Emit) {
  StringRef Out = Opts.OutputPath;
  if (Emit != "image" &&
      (Out.startswith("docker://") || Out.startswith("oci:")))
    return makeError("--emit=" + Emit + " writes a directory, not an image; '" +
                     Out + "' names an image, which --emit=image writes");
  if (!Out.empty() && Out != "-")
    return Error::success();
  return makeError("--emit=" + Emit +
                   " writes a directory; name it with -o <dir>");
}

/// The image's layers, with bytecode when asked for and possible.
Expected<std::vector<ImageLayerSpec>>
prepareLayers(Project &P, const ProjectOptions &Opts, AnalysisManager &AM) {
  Expected<InstallPlan *> Plan = getInstallPlanFor(P, Opts, AM);
  if (!Plan)
    return Plan.takeError();
  if (Error E = reportHandlerFinding(**Plan, Opts, AM.getDiagnostics()))
    return E;
  // An image has no 250 MB limit, but its native code must still load.
  if (Error E = checkPlanBeforeWriting(P, AM, **Plan, LayoutKind::Function,
                                       /*CheckSize=*/false))
    return E;
  Expected<std::vector<ImageLayerSpec>> Layers = buildImageLayers(**Plan);
  if (!Layers)
    return Layers.takeError();
  if (!Opts.CompileBytecode)
    return Layers;

  DiagnosticEngine &Diags = AM.getDiagnostics();
  Expected<std::string> Version = getImagePythonVersion(Opts);
  if (!Version)
    return Version.takeError();
  std::optional<std::string> Python = findPythonInterpreter(*Version);
  if (!Python) {
    Diagnostic D = Diags.create(
        NoBytecodeInterpreterCode, SMRange(),
        "--compile-bytecode: no Python " + *Version +
            " interpreter found (looked for python" + *Version +
            " on PATH and ~/.pyenv/versions/" + *Version +
            ".*/bin/python3); the image has no .pyc files, so each cold "
            "start compiles the sources");
    D.FixHint = "install Python " + *Version +
                " where lambda-opt can find it, or drop --compile-bytecode";
    Diags.report(std::move(D));
    return Layers;
  }
  size_t Sources = 0;
  for (const ImageLayerSpec &L : *Layers)
    for (const ImageFile &F : L.Files)
      Sources += StringRef(F.Path).endswith(".py");
  AM.getStatus().progress("compiling " + Twine(Sources) +
                          " Python files to bytecode with " + *Python);
  Expected<BytecodeSummary> Summary = addBytecode(*Layers, *Python, *Version);
  if (!Summary)
    return Summary.takeError();
  AM.getStatus().report("compiled " + Twine(Summary->Compiled) +
                        " .pyc files with " + *Python);
  if (!Summary->Failed.empty()) {
    Diagnostic D =
        Diags.create(BytecodeRejectedCode, SMRange(),
                     "--compile-bytecode: Python " + *Version + " rejected " +
                         Twine(Summary->Failed.size()) + " source file" +
                         (Summary->Failed.size() == 1 ? "" : "s") +
                         ", left uncompiled: " + Summary->Failed.front() +
                         (Summary->Failed.size() > 1 ? ", ..." : ""));
    for (const std::string &F : Summary->Failed)
      D.Notes.push_back("not compiled: " + F);
    Diags.report(std::move(D));
  }
  return Layers;
}

/// Where --emit=image puts the image.
struct ImageOutput {
  /// The OCI layout written (a temporary one when pushing).
  std::string LayoutDir;
  /// Its org.opencontainers.image.ref.name.
  std::string Tag;
  /// The registry pushed to.
  std::optional<ImageReference> Push;
};

/// `-o DIR`, `-o oci:DIR[:TAG]` or `-o docker://REGISTRY/REPO[:TAG]`.
Expected<ImageOutput> parseImageOutput(const ProjectOptions &Opts,
                                       const OCIModule &OCI) {
  ImageOutput Out;
  Out.Tag = Opts.ImageTag;
  StringRef Path = Opts.OutputPath;
  if (Path.startswith("docker://")) {
    Expected<ImageReference> Ref = parseImageReference(Path);
    if (!Ref)
      return Ref.takeError();
    // No tag in -o: the image's tag (image-tag, default latest).
    StringRef Name = Path.drop_front(strlen("docker://")).split('@').first;
    Name = Name.substr(Name.rfind('/') + 1);
    if (!Ref->Tag.empty() && !Name.contains(':'))
      Ref->Tag = Opts.ImageTag;
    if (!Ref->Tag.empty())
      Out.Tag = Ref->Tag;
    Out.Push = std::move(*Ref);
    return Out;
  }
  if (Path.startswith("oci:")) {
    Expected<BaseImage> Ref = OCI.ParseBaseImageRef(Path);
    if (!Ref)
      return Ref.takeError();
    Out.LayoutDir = Ref->LayoutDir;
    if (!Ref->Tag.empty())
      Out.Tag = Ref->Tag;
    return Out;
  }
  Out.LayoutDir = Path.str();
  return Out;
}

/// The base --base-image (or the runtime's AWS image) names.
struct BaseSpec {
  /// oci:PATH[:TAG], or where a pulled image was put.
  std::optional<BaseImage> Layout;
  /// The registry image to pull.
  std::optional<ImageReference> Pull;
};

Expected<BaseSpec> parseBase(const ProjectOptions &Opts, const OCIModule &OCI,
                             AnalysisManager &AM) {
  BaseSpec Spec;
  std::string Name = StringRef(Opts.BaseImage).trim().str();
  if (Name.empty()) {
    Expected<std::string> Version = getImagePythonVersion(Opts);
    if (!Version)
      return Version.takeError();
    Name = getLambdaBaseImage(*Version);
  }
  if (Name == ScratchBaseImage) {
    DiagnosticEngine &Diags = AM.getDiagnostics();
    Diagnostic D = Diags.create(
        "LO506", SMRange(),
        "the image is built on scratch: it has no Python, no Lambda runtime "
        "interface client and no entrypoint, so Lambda cannot invoke it");
    D.FixHint = "leave out --base-image to build on the runtime's AWS base "
                "image, or name a base with --base-image";
    Diags.report(std::move(D));
    return Spec;
  }
  if (StringRef(Name).startswith("oci:")) {
    Expected<BaseImage> Ref = OCI.ParseBaseImageRef(Name);
    if (!Ref)
      return Ref.takeError();
    Spec.Layout = std::move(*Ref);
    return Spec;
  }
  if (!isRegistryReference(Name)) {
    Expected<ImageReference> Why = parseImageReference(Name);
    std::string Detail = Why ? std::string() : "; " + toString(Why.takeError());
    return makeError("base image '" + Name +
                     "' is not oci:PATH[:TAG], a registry image "
                     "([docker://]REGISTRY/REPO[:TAG]) or scratch" +
                     Detail);
  }
  Expected<ImageReference> Ref = parseImageReference(Name);
  if (!Ref)
    return Ref.takeError();
  Spec.Pull = std::move(*Ref);
  return Spec;
}

RegistryOptions makeRegistryOptions(const ProjectOptions &Opts,
                                    StringRef CredentialsRegistry) {
  RegistryOptions R;
  R.CacheDir = Opts.CacheDir.empty() ? getDefaultCacheDir() : Opts.CacheDir;
  R.Offline = Opts.Offline;
  R.AllowInsecureHosts = Opts.AllowInsecureHosts;
  if (!Opts.RegistryUsername.empty()) {
    R.Credentials =
        RegistryCredentials{Opts.RegistryUsername, Opts.RegistryPassword};
    R.CredentialsRegistry = CredentialsRegistry.str();
  }
  R.ChunkSize = Opts.RegistryChunkSize;
  return R;
}

/// A temporary folder, removed with its contents.
struct ScratchDir {
  std::string Path;
  ~ScratchDir() {
    if (!Path.empty())
      sys::fs::remove_directories(Path);
  }
};

} // namespace

Expected<PreservedAnalyses> EmitImagePass::run(Project &P,
                                               AnalysisManager &AM) {
  const ProjectOptions Opts = Settings.apply(P.Options);
  if (Error E = checkOutputDir(Opts, "image"))
    return E;
  Expected<ImageConfigSpec> Config = makeImageConfig(Opts);
  if (!Config)
    return Config.takeError();
  Expected<const OCIModule *> OCI = getOCIModule();
  if (!OCI)
    return OCI.takeError();
  Expected<ImageOutput> Out = parseImageOutput(Opts, **OCI);
  if (!Out)
    return Out.takeError();
  Config->RefName = Out->Tag;
  Expected<BaseSpec> Base = parseBase(Opts, **OCI, AM);
  if (!Base)
    return Base.takeError();
  if (!mayWriteArtifact(Opts, AM))
    return PreservedAnalyses::all();

  Expected<std::vector<ImageLayerSpec>> Layers = prepareLayers(P, Opts, AM);
  if (!Layers)
    return Layers.takeError();
  if (!mayWriteArtifact(Opts, AM))
    return PreservedAnalyses::all();

  RegistryOptions RegOpts =
      makeRegistryOptions(Opts, Out->Push    ? StringRef(Out->Push->Registry)
                                : Base->Pull ? StringRef(Base->Pull->Registry)
                                             : StringRef());
  // The registry client's notes (retries) are status lines.
  StatusStream RegistryNotes(AM.getStatus());
  RegOpts.Notes = &RegistryNotes;
  const RegistryModule *Registry = nullptr;
  if (Base->Pull || Out->Push) {
    Expected<const RegistryModule *> M = getRegistryModule();
    if (!M)
      return M.takeError();
    Registry = *M;
  }
  if (Base->Pull) {
    Expected<PulledImage> Pulled =
        Registry->PullImage(*Base->Pull, Config->Arch, RegOpts);
    if (!Pulled)
      return Pulled.takeError();
    std::string How = Pulled->FromCache
                          ? std::string("from the cache")
                          : ("pulled " + Twine(Pulled->BlobsFetched) + " blob" +
                             (Pulled->BlobsFetched == 1 ? "" : "s") + ", " +
                             formatSize(Pulled->BytesFetched))
                                .str();
    AM.getStatus().report("base image " + Base->Pull->str() + " (linux/" +
                          Config->Arch + "): " + How + "; manifest " +
                          Pulled->ManifestDigest);
    BaseImage B;
    B.LayoutDir = Pulled->LayoutDir;
    Base->Layout = std::move(B);
  }

  ScratchDir Staging;
  std::string LayoutDir = Out->LayoutDir;
  if (Out->Push) {
    SmallString<256> Model(RegOpts.CacheDir);
    sys::path::append(Model, "images", "push");
    if (std::error_code EC = sys::fs::create_directories(Model))
      return makeError("cannot create '" + Model + "': " + EC.message());
    sys::path::append(Model, "image-%%%%%%%%");
    SmallString<256> Dir;
    if (std::error_code EC = sys::fs::createUniqueDirectory(Model, Dir))
      return makeError("cannot create a folder in '" + RegOpts.CacheDir +
                       "': " + EC.message());
    Staging.Path = std::string(Dir);
    sys::path::append(Dir, "layout");
    LayoutDir = std::string(Dir);
  }

  AM.getStatus().progress("writing image " + Opts.OutputPath + ": " +
                          Twine(Layers->size()) + " layers");
  Expected<ImageResult> Result = (*OCI)->WriteOCIImage(
      LayoutDir, *Layers, *Config, Base->Layout ? &*Base->Layout : nullptr);
  if (!Result)
    return Result.takeError();

  ArtifactSummary Summary;
  Summary.Path = Opts.OutputPath;
  for (const ImageLayerSpec &L : *Layers)
    for (const ImageFile &F : L.Files) {
      ++Summary.Files;
      Summary.UnzippedSize += F.Contents.size();
    }
  size_t BaseLayers = Result->LayerDigests.size() - Layers->size();
  std::string Layering =
      (Twine(Layers->size()) + " layers" +
       (Base->Layout ? " on " + Twine(BaseLayers) + " base layers" : Twine()) +
       ", " + Twine(Summary.Files) + " files")
          .str();
  if (!Out->Push) {
    AM.getStatus().wrote("wrote " + LayoutDir + ": image " + Config->RefName +
                             " (" + Config->Arch + "), " + Layering +
                             "; manifest " + Result->ManifestDigest +
                             ", config " + Result->ConfigDigest,
                         std::move(Summary));
    return PreservedAnalyses::all();
  }

  Expected<PushResult> Pushed = Registry->PushImage(
      LayoutDir, *Out->Push, Base->Pull ? &*Base->Pull : nullptr, RegOpts);
  if (!Pushed)
    return Pushed.takeError();
  AM.getStatus().wrote("pushed " + Out->Push->str() + " (" + Config->Arch +
                           "), " + Layering + ": " + Twine(Pushed->Uploaded) +
                           " blob" + (Pushed->Uploaded == 1 ? "" : "s") +
                           " uploaded (" + formatSize(Pushed->BytesUploaded) +
                           "), " + Twine(Pushed->Skipped) +
                           " already present, " + Twine(Pushed->Mounted) +
                           " mounted; manifest " + Pushed->ManifestDigest,
                       std::move(Summary));
  // The reference `aws lambda update-function-code --image-uri` takes.
  outs() << Out->Push->getName() << '@' << Pushed->ManifestDigest << '\n';
  outs().flush();
  return PreservedAnalyses::all();
}

Expected<PreservedAnalyses> EmitImageContextPass::run(Project &P,
                                                      AnalysisManager &AM) {
  const ProjectOptions Opts = Settings.apply(P.Options);
  if (Error E = checkOutputDir(Opts, "image-context"))
    return E;
  Expected<ImageConfigSpec> Config = makeImageConfig(Opts);
  if (!Config)
    return Config.takeError();
  Expected<std::string> Version = getImagePythonVersion(Opts);
  if (!Version)
    return Version.takeError();
  if (!mayWriteArtifact(Opts, AM))
    return PreservedAnalyses::all();

  Expected<std::vector<ImageLayerSpec>> Layers = prepareLayers(P, Opts, AM);
  if (!Layers)
    return Layers.takeError();
  if (!mayWriteArtifact(Opts, AM))
    return PreservedAnalyses::all();
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
  ArtifactSummary Summary;
  Summary.Path = Opts.OutputPath;
  Summary.Files = TaskRoot.size();
  for (const ImageFile &F : TaskRoot)
    Summary.UnzippedSize += F.Contents.size();
  AM.getStatus().wrote("wrote " + Opts.OutputPath + ": Dockerfile and " +
                           Twine(TaskRoot.size()) + " files in task/",
                       std::move(Summary));
  return PreservedAnalyses::all();
}
