//===- EmitPasses.cpp - Install plan, size transforms, zip emitters -------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Emit/EmitPasses.h"
#include "lambda-opt/Analysis/InstallSet.h"
#include "lambda-opt/Artifact/ZipModule.h"
#include "lambda-opt/Artifact/ZipWriter.h"
#include "lambda-opt/Build/LocalBuild.h"
#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/Fetch/Fetch.h"
#include "lambda-opt/Passes/InstallSetAnalysis.h"
#include "lambda-opt/Standards/Marker.h"
#include "lambda-opt/Standards/Version.h"
#include "lambda-opt/Target/Runtime.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace lambdaopt;

static Error makeError(const Twine &Msg) {
  return createStringError(inconvertibleErrorCode(), Msg.str());
}

/// "21.8 MB" (decimal megabytes) or "512 bytes".
static std::string formatSize(uint64_t Bytes) {
  if (Bytes < 1000)
    return formatv("{0} bytes", Bytes).str();
  if (Bytes < 1000 * 1000)
    return formatv("{0:f1} kB", Bytes / 1e3).str();
  return formatv("{0:f1} MB", Bytes / 1e6).str();
}

//===----------------------------------------------------------------------===//
// Size transforms
//===----------------------------------------------------------------------===//

StringRef lambdaopt::getStripKindName(StripKind K) {
  switch (K) {
  case StripKind::Tests:
    return "tests";
  case StripKind::Stubs:
    return "stubs";
  case StripKind::RuntimeProvided:
    return "runtime-provided";
  }
  llvm_unreachable("unknown strip kind");
}

Expected<StripKind> lambdaopt::parseStripKind(StringRef Name) {
  for (StripKind K :
       {StripKind::Tests, StripKind::Stubs, StripKind::RuntimeProvided})
    if (Name == getStripKindName(K))
      return K;
  return makeError("unknown strip kind '" + Name +
                   "' (expected tests, stubs or runtime-provided)");
}

static bool isSharedObject(StringRef P) {
  return P.endswith(".so") || P.contains(".so.") || P.endswith(".pyd");
}

static bool isDistInfoPath(StringRef P) {
  return P.split('/').first.endswith(".dist-info");
}

/// True when a folder on \p P (not its file name) is one of \p Names.
static bool hasDirComponent(StringRef P, ArrayRef<StringRef> Names) {
  SmallVector<StringRef, 16> Parts;
  P.split(Parts, '/');
  Parts.pop_back();
  return any_of(Parts, [&](StringRef C) { return is_contained(Names, C); });
}

/// The normalized distribution name of "Name-1.0.dist-info".
static std::string distNameOf(StringRef DistInfoDir) {
  return normalizeName(DistInfoDir.split('-').first);
}

FilterStats lambdaopt::stripPlan(InstallPlan &Plan, StripKind K,
                                 ArrayRef<StringRef> Provided) {
  // Wheels whose every file goes (runtime-provided only).
  std::vector<bool> Dropped(Plan.Wheels.size(), false);
  std::vector<std::string> DistInfo(Plan.Wheels.size());
  if (K == StripKind::RuntimeProvided)
    for (size_t I = 0; I < Plan.Wheels.size(); ++I) {
      DistInfo[I] = Plan.Wheels[I]->getDistInfoDir().str() + "/";
      Dropped[I] = is_contained(Provided, distNameOf(DistInfo[I]));
    }
  auto Select = [&](const PlannedFile &F) {
    if (F.Source == PlannedSourceKind::DiskFile || isSharedObject(F.Path) ||
        isDistInfoPath(F.Path))
      return false;
    switch (K) {
    case StripKind::Tests:
      return hasDirComponent(F.Path, {"tests", "test", "__pycache__"}) ||
             StringRef(F.Path).endswith(".pyc");
    case StripKind::Stubs:
      return StringRef(F.Path).endswith(".pyi");
    case StripKind::RuntimeProvided:
      return F.Source == PlannedSourceKind::WheelEntry &&
             F.Wheel < Dropped.size() && Dropped[F.Wheel];
    }
    return false;
  };

  FilterStats Stats;
  std::vector<PlannedFile> Kept;
  Kept.reserve(Plan.Files.size());
  std::vector<bool> KeptSomething(Plan.Wheels.size(), false);
  for (PlannedFile &F : Plan.Files) {
    if (Select(F)) {
      ++Stats.Files;
      Stats.Bytes += F.Size;
      continue;
    }
    if (F.Source == PlannedSourceKind::WheelEntry && !isDistInfoPath(F.Path) &&
        F.Wheel < KeptSomething.size())
      KeptSomething[F.Wheel] = true;
    Kept.push_back(std::move(F));
  }
  // The dist-info of a distribution that is gone entirely goes too, so that
  // importlib.metadata does not describe a package that is not there.
  if (K == StripKind::RuntimeProvided) {
    std::vector<PlannedFile> Final;
    Final.reserve(Kept.size());
    for (PlannedFile &F : Kept) {
      bool Drop = false;
      for (size_t I = 0; I < Dropped.size() && !Drop; ++I)
        Drop = Dropped[I] && !KeptSomething[I] &&
               StringRef(F.Path).startswith(DistInfo[I]);
      if (!Drop) {
        Final.push_back(std::move(F));
        continue;
      }
      ++Stats.Files;
      Stats.Bytes += F.Size;
    }
    Kept = std::move(Final);
  }
  Plan.Files = std::move(Kept);
  Plan.UncompressedSize -= Stats.Bytes;
  return Stats;
}

//===----------------------------------------------------------------------===//
// Planning
//===----------------------------------------------------------------------===//

/// The request that fetches \p IP's chosen wheel.
static Expected<WheelRequest> makeRequest(const Project &P,
                                          const InstalledPackage &IP) {
  const Package &Pkg = *IP.Pkg;
  if (!IP.Wheel) {
    if (Pkg.Src.Kind == lambdaopt::SourceKind::Path)
      return makeError("package '" + Pkg.getDisplayName() +
                       "' is the source archive '" + Pkg.Src.Value +
                       "', which lambda-opt does not build; build its wheel "
                       "and depend on that");
    if (IP.hasNoCompatibleWheel())
      return makeError("package '" + Pkg.getDisplayName() +
                       "' has no wheel for the target");
    return makeError("package '" + Pkg.getDisplayName() +
                     "' has no wheel (sdist only)");
  }
  const Distribution &D = *IP.Wheel;
  WheelRequest R;
  R.Package = Pkg.Name.str();
  R.Sha256Hex = D.getSHA256().str();
  if (!D.Hash.empty() && R.Sha256Hex.empty())
    return makeError("package '" + Pkg.getDisplayName() +
                     "' has an unsupported hash '" + D.Hash +
                     "' (expected sha256:<hex>)");
  R.Size = D.Size;
  if (!D.URL.empty()) {
    R.URL = D.URL.str();
    return R;
  }
  // Relative paths are resolved against the project root by fetchWheels.
  SmallString<256> Local;
  if (!D.Path.empty()) {
    // A wheel of a local (flat) registry: relative to the registry folder,
    // itself relative to the project root.
    sys::path::append(Local, Pkg.Src.Value, D.Path);
    R.LocalPath = std::string(Local);
    return R;
  }
  if (!D.Filename.empty() && Pkg.Src.Kind == lambdaopt::SourceKind::Path) {
    // `source = { path = "dist/x.whl" }`: the source is the wheel itself.
    sys::path::append(Local, Pkg.Src.Value);
    R.LocalPath = std::string(Local);
    R.Filename = D.Filename.str();
    return R;
  }
  return makeError("package '" + Pkg.getDisplayName() + "': wheel '" +
                   D.getFileName() + "' has neither a URL nor a path");
}

/// Plans a local source tree: its wheel from --find-links when one of its
/// name and version is there, else a native build of its files.
static Error planLocalPackage(const Project &P, const InstalledPackage &IP,
                              const TagTarget &Tags,
                              std::vector<WheelRequest> &Requests,
                              std::vector<PlannedPackage> &Local) {
  const Package &Pkg = *IP.Pkg;
  SmallString<256> Dir(P.RootDir);
  sys::path::append(Dir, Pkg.Src.Value);
  if (std::optional<std::string> Wheel =
          findLocalWheel(P.Options.FindLinks, Pkg.Name, Pkg.Version, Tags)) {
    WithColor::note(errs(), "lambda-opt")
        << Pkg.getDisplayName() << ": using '" << *Wheel
        << "' from --find-links instead of building '" << Pkg.Src.Value
        << "' (no hash in uv.lock pins this wheel)\n";
    WheelRequest R;
    R.Package = Pkg.Name.str();
    R.LocalPath = *Wheel;
    Requests.push_back(std::move(R));
    return Error::success();
  }
  SourceMgr SM;
  Expected<LocalBuildResult> Built = buildLocalPackage(Dir, SM);
  if (!Built)
    return makeError("package '" + Pkg.getDisplayName() + "' ('" +
                     Pkg.Src.Value + "') cannot be built natively: " +
                     toString(flattenSourceErrors(Built.takeError(), SM)) +
                     "; build its wheel (`uv build --wheel --package " +
                     Pkg.Name + " -o dist`) and pass --find-links=dist");
  if (normalizeName(Built->Name) != Pkg.Name)
    return makeError("package '" + Pkg.getDisplayName() + "': '" + Dir +
                     "/pyproject.toml' names the project '" + Built->Name +
                     "'; run `uv lock`");
  if (!Pkg.Version.empty()) {
    Expected<Version> Locked = Version::parse(Pkg.Version);
    Expected<Version> Have = Version::parse(Built->Version);
    bool Same = Locked && Have ? *Locked == *Have
                               : Pkg.Version == StringRef(Built->Version);
    if (!Locked)
      consumeError(Locked.takeError());
    if (!Have)
      consumeError(Have.takeError());
    if (!Same)
      return makeError("package '" + Pkg.getDisplayName() + "': its source '" +
                       Pkg.Src.Value + "' is now version " + Built->Version +
                       "; run `uv lock`");
  }
  for (const std::string &Note : Built->Notes)
    WithColor::note(errs(), "lambda-opt") << Note << '\n';
  Local.push_back({Pkg.Name.str(), std::move(Built->Files)});
  return Error::success();
}

Expected<std::shared_ptr<InstallPlan>>
lambdaopt::buildInstallPlan(const Project &P, const InstallSet &Set) {
  const ProjectOptions &Opts = P.Options;
  Expected<const RuntimeInfo *> RT = findRuntime(Opts.Runtime);
  if (!RT)
    return RT.takeError();
  Expected<TargetConfig> Target = makeTargetConfig(Opts.Runtime, Opts.Arch);
  if (!Target)
    return Target.takeError();

  std::vector<WheelRequest> Requests;
  std::vector<PlannedPackage> Local;
  Error Errors = Error::success();
  for (const InstalledPackage &IP : Set.Packages) {
    if (IP.Pkg->Src.isLocalTree()) {
      if (Error E =
              planLocalPackage(P, IP, Target->getTagTarget(), Requests, Local))
        Errors = joinErrors(std::move(Errors), std::move(E));
      continue;
    }
    Expected<WheelRequest> R = makeRequest(P, IP);
    if (!R) {
      Errors = joinErrors(std::move(Errors), R.takeError());
      continue;
    }
    Requests.push_back(std::move(*R));
  }
  if (Errors)
    return std::move(Errors);

  FetchOptions FO;
  FO.FindLinks = Opts.FindLinks;
  FO.CacheDir = Opts.CacheDir;
  FO.ProjectDir = P.RootDir;
  FO.Offline = Opts.Offline;
  FO.AllowInsecureHosts = Opts.AllowInsecureHosts;
  FO.Jobs = Opts.Jobs;
  // Local wheels are hashed while the layout maps them, not read twice.
  FO.DeferLocalHashes = true;
  Expected<std::vector<FetchedWheel>> Fetched = fetchWheels(Requests, FO);
  if (!Fetched)
    return Fetched.takeError();

  std::vector<WheelInput> Inputs;
  for (size_t I = 0; I < Requests.size(); ++I) {
    WheelInput In;
    In.Path = (*Fetched)[I].Path;
    In.Package = Requests[I].Package;
    // Downloads and cache entries are verified; local wheels are checked by
    // planInstall from the bytes it maps.
    In.Sha256 = (*Fetched)[I].UncheckedSha256;
    Inputs.push_back(std::move(In));
  }
  std::vector<IncludePath> Includes;
  for (const std::string &Path : Opts.Includes)
    Includes.push_back({Path});
  LayoutOptions LO;
  LO.Kind = LayoutKind::Function;
  LO.PythonVersion = formatv("3.{0}", (*RT)->PythonMinor).str();
  Expected<InstallPlan> Plan = planInstall(Inputs, Includes, LO, Local);
  if (!Plan)
    return Plan.takeError();
  return std::make_shared<InstallPlan>(std::move(*Plan));
}

Expected<InstallPlan *> lambdaopt::getOrBuildInstallPlan(Project &P,
                                                         AnalysisManager &AM) {
  if (P.Plan)
    return P.Plan.get();
  InstallSetResult &R = AM.getResult<InstallSetAnalysis>(P);
  if (Error E = R.getError())
    return std::move(E);
  Expected<std::shared_ptr<InstallPlan>> Plan = buildInstallPlan(P, R.get());
  if (!Plan)
    return Plan.takeError();
  P.Plan = std::move(*Plan);
  return P.Plan.get();
}

Expected<PreservedAnalyses> PlanInstallPass::run(Project &P,
                                                 AnalysisManager &AM) {
  P.Plan.reset();
  Expected<InstallPlan *> Plan = getOrBuildInstallPlan(P, AM);
  if (!Plan)
    return Plan.takeError();
  return PreservedAnalyses::all();
}

template <StripKind K>
Expected<PreservedAnalyses> StripPass<K>::run(Project &P, AnalysisManager &AM) {
  Expected<InstallPlan *> Plan = getOrBuildInstallPlan(P, AM);
  if (!Plan)
    return Plan.takeError();
  ArrayRef<StringRef> Provided;
  if (K == StripKind::RuntimeProvided) {
    Expected<const RuntimeInfo *> RT = findRuntime(P.Options.Runtime);
    if (!RT)
      return RT.takeError();
    Provided = (*RT)->ProvidedPackages;
  }
  FilterStats Stats = stripPlan(**Plan, K, Provided);
  WithColor::note(errs(), "lambda-opt")
      << "strip-" << getStripKindName(K) << ": removed " << Stats.Files
      << (Stats.Files == 1 ? " file, " : " files, ") << Stats.Bytes << " bytes";
  if (Stats.Bytes >= 1000)
    errs() << " (" << formatSize(Stats.Bytes) << ")";
  errs() << '\n';
  // The IR and its analyses are untouched; only the plan changed.
  return PreservedAnalyses::all();
}

template struct lambdaopt::StripPass<StripKind::Tests>;
template struct lambdaopt::StripPass<StripKind::Stubs>;
template struct lambdaopt::StripPass<StripKind::RuntimeProvided>;

//===----------------------------------------------------------------------===//
// Emitters
//===----------------------------------------------------------------------===//

template <LayoutKind K>
Expected<PreservedAnalyses> EmitArchivePass<K>::run(Project &P,
                                                    AnalysisManager &AM) {
  const ProjectOptions &Opts = P.Options;
  StringRef What = K == LayoutKind::Layer ? "layer" : "zip";
  if (Opts.OutputPath.empty() || Opts.OutputPath == "-")
    return makeError("--emit=" + What +
                     " writes a file; name it with -o <file>.zip");
  unsigned Errors = AM.getDiagnostics().getCount(Severity::Error);
  if (Errors && !Opts.Force) {
    WithColor::note(errs(), "lambda-opt")
        << "not writing '" << Opts.OutputPath << "': " << Errors
        << " error finding" << (Errors == 1 ? "" : "s")
        << " (--force writes it anyway)\n";
    return PreservedAnalyses::all();
  }
  Expected<InstallPlan *> PlanOrErr = getOrBuildInstallPlan(P, AM);
  if (!PlanOrErr)
    return PlanOrErr.takeError();
  InstallPlan &Plan = **PlanOrErr;
  Expected<const ZipModule *> Zip = getZipModule();
  if (!Zip)
    return Zip.takeError();

  // A layer puts the tree where the runtime's site directory is.
  std::vector<PlannedFile> Unprefixed;
  if (K == LayoutKind::Layer) {
    Expected<const RuntimeInfo *> RT = findRuntime(Opts.Runtime);
    if (!RT)
      return RT.takeError();
    std::string Prefix =
        formatv("python/lib/python3.{0}/site-packages/", (*RT)->PythonMinor)
            .str();
    Unprefixed = Plan.Files;
    for (PlannedFile &F : Plan.Files)
      F.Path = Prefix + F.Path;
  }
  ZipOptions ZO;
  ZO.SourceDateEpoch = Opts.SourceDateEpoch.value_or(-1);
  Expected<ZipResult> Result = (*Zip)->WriteZip(Plan, Opts.OutputPath, ZO);
  if (K == LayoutKind::Layer)
    Plan.Files = std::move(Unprefixed);
  if (!Result)
    return Result.takeError();
  errs() << "wrote " << Opts.OutputPath << ": " << Plan.Files.size()
         << " files, " << formatSize(Result->UncompressedSize) << " unzipped, "
         << formatSize(Result->CompressedSize) << " zipped; sha256 "
         << Result->Sha256Hex << "; CodeSha256 " << Result->CodeSha256 << '\n';
  return PreservedAnalyses::all();
}

template struct lambdaopt::EmitArchivePass<LayoutKind::Function>;
template struct lambdaopt::EmitArchivePass<LayoutKind::Layer>;
