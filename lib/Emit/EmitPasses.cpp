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
#include "lambda-opt/Emit/HandlerCheck.h"
#include "lambda-opt/Fetch/Fetch.h"
#include "lambda-opt/Lints/Lints.h"
#include "lambda-opt/Native/NativeAudit.h"
#include "lambda-opt/Passes/InstallSetAnalysis.h"
#include "lambda-opt/Passes/PassParameters.h"
#include "lambda-opt/Standards/Marker.h"
#include "lambda-opt/Standards/Version.h"
#include "lambda-opt/Support/Error.h"
#include "lambda-opt/Support/Format.h"
#include "lambda-opt/Target/Runtime.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

using namespace llvm;
using namespace lambdaopt;

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
  StringRef Best;
  unsigned BestDistance = 3;
  for (StripKind K :
       {StripKind::Tests, StripKind::Stubs, StripKind::RuntimeProvided}) {
    StringRef Kind = getStripKindName(K);
    if (Name == Kind)
      return K;
    unsigned D = Name.edit_distance(Kind, /*AllowReplacements=*/true);
    if (D < BestDistance) {
      BestDistance = D;
      Best = Kind;
    }
  }
  if (!Best.empty())
    return makeError("unknown strip kind '" + Name + "' (did you mean " + Best +
                     "?)");
  return makeError("unknown strip kind '" + Name +
                   "' (expected tests, stubs or runtime-provided)");
}

/// The normalized distribution name of "Name-1.0.dist-info".
static std::string distNameOf(StringRef DistInfoDir) {
  return normalizePackageName(DistInfoDir.split('-').first);
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
    if (F.Source == PlannedSourceKind::DiskFile || isSharedObjectPath(F.Path) ||
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
                              std::vector<PlannedPackage> &Local,
                              StatusReporter *Status) {
  const Package &Pkg = *IP.Pkg;
  SmallString<256> Dir(P.RootDir);
  sys::path::append(Dir, Pkg.Src.Value);
  if (std::optional<std::string> Wheel =
          findLocalWheel(P.Options.FindLinks, Pkg.Name, Pkg.Version, Tags)) {
    if (Status)
      Status->report("note: " + Pkg.getDisplayName() + ": using '" + *Wheel +
                     "' from --find-links instead of building '" +
                     Pkg.Src.Value + "' (no hash in uv.lock pins this wheel)");
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
  if (normalizePackageName(Built->Name) != Pkg.Name)
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
  if (Status)
    for (const std::string &Note : Built->Notes)
      Status->report("note: " + Note);
  Local.push_back({Pkg.Name.str(), std::move(Built->Files)});
  return Error::success();
}

Expected<std::shared_ptr<InstallPlan>>
lambdaopt::buildInstallPlan(const Project &P, const InstallSet &Set,
                            StatusReporter *Status) {
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
  if (Opts.NoDeps && Opts.Includes.empty() &&
      none_of(Set.Packages,
              [](const InstalledPackage &IP) { return IP.IsWorkspaceMember; }))
    return makeError("--no-deps leaves only the function's own code, and "
                     "there is none; name it with --include");
  for (const InstalledPackage &IP : Set.Packages) {
    // --no-deps: the function's own code only, which includes the project's
    // own packages (the project and its workspace members).
    if (Opts.NoDeps && !IP.IsWorkspaceMember)
      continue;
    if (IP.Pkg->Src.isLocalTree()) {
      if (Error E = planLocalPackage(P, IP, Target->getTagTarget(), Requests,
                                     Local, Status))
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
  // The downloader's notes are status lines (none with -q).
  std::optional<StatusStream> Notes;
  if (Status && !Status->isShown()) {
    FO.Progress = false;
    FO.Notes = &nulls();
  } else if (Status) {
    Notes.emplace(*Status);
    FO.Notes = &*Notes;
  }
  if (Status && !Requests.empty())
    Status->progress("fetching " + Twine(Requests.size()) + " wheel" +
                     (Requests.size() == 1 ? "" : "s") +
                     " and planning the install");
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
  LO.IncludeHidden = Opts.IncludeHidden;
  Expected<InstallPlan> Plan = planInstall(Inputs, Includes, LO, Local);
  if (!Plan)
    return Plan.takeError();
  if (!Plan->Excluded.empty() && Status) {
    std::string Line =
        ("note: --include left out " + Twine(Plan->Excluded.size()) +
         (Plan->Excluded.size() == 1 ? " entry" : " entries") +
         " that are not the function's code (--include-hidden ships them):")
            .str();
    for (const std::string &E : Plan->Excluded)
      Line += "\n  " + E;
    Status->report(Line);
  }
  return std::make_shared<InstallPlan>(std::move(*Plan));
}

Expected<InstallPlan *> lambdaopt::getOrBuildInstallPlan(Project &P,
                                                         AnalysisManager &AM,
                                                         bool AllowPending) {
  if (P.Plan) {
    if (!AllowPending)
      if (Error E = P.Plan->waitVerified())
        return std::move(E);
    return P.Plan.get();
  }
  InstallSetResult &R = AM.getResult<InstallSetAnalysis>(P);
  if (Error E = R.getError())
    return std::move(E);
  Expected<std::shared_ptr<InstallPlan>> Plan =
      buildInstallPlan(P, R.get(), &AM.getStatus());
  if (!Plan)
    return Plan.takeError();
  P.Plan = std::move(*Plan);
  return P.Plan.get();
}

Expected<InstallPlan *> lambdaopt::getInstallPlanFor(Project &P,
                                                     const ProjectOptions &Opts,
                                                     AnalysisManager &AM,
                                                     bool AllowPending) {
  ProjectOptions &Run = P.Options;
  if (Opts.Includes != Run.Includes ||
      Opts.IncludeHidden != Run.IncludeHidden || Opts.NoDeps != Run.NoDeps) {
    Run.Includes = Opts.Includes;
    Run.IncludeHidden = Opts.IncludeHidden;
    Run.NoDeps = Opts.NoDeps;
    P.Plan.reset();
    P.NativeAudited = false; // the new plan is audited before writing
  }
  return getOrBuildInstallPlan(P, AM, AllowPending);
}

Error lambdaopt::checkPlanBeforeWriting(Project &P, AnalysisManager &AM,
                                        InstallPlan &Plan, LayoutKind K,
                                        bool CheckSize) {
  const ProjectOptions &Opts = P.Options;
  DiagnosticEngine &Diags = AM.getDiagnostics();
  Expected<const RuntimeInfo *> RT = findRuntime(Opts.Runtime);
  if (!RT)
    return RT.takeError();
  Expected<ArchKind> Arch = parseArch(Opts.Arch);
  if (!Arch)
    return Arch.takeError();
  auto RangeOf = [&](StringRef Name) {
    ArrayRef<Package *> Found = P.lookup(normalizePackageName(Name));
    if (Found.empty())
      return SMRange();
    const Package &Pkg = *Found.front();
    return Pkg.NameRange.isValid() ? Pkg.NameRange : Pkg.Range;
  };
  bool NativeSelected = Diags.isEnabled("LO110") || Diags.isEnabled("LO111") ||
                        Diags.isEnabled("LO112") || Diags.isEnabled("LO113");
  if (!P.NativeAudited && NativeSelected) {
    NativeAuditOptions NO;
    if (K == LayoutKind::Layer)
      NO.Root = formatv("/opt/python/lib/python3.{0}/site-packages",
                        (*RT)->PythonMinor)
                    .str();
    NO.HasLayers = !Opts.LayerSizes.empty();
    // ELF facts are kept in the wheel cache (made when first needed).
    NO.CacheDir = Opts.CacheDir.empty() ? getDefaultCacheDir() : Opts.CacheDir;
    Expected<NativeAuditResult> Audit = auditInstallPlan(Plan, **RT, *Arch, NO);
    if (!Audit)
      return Audit.takeError();
    reportNativeIssues(*Audit, Plan, Plan.WheelPackages, **RT, *Arch, Diags,
                       RangeOf);
    P.NativeAudited = true;
  }
  // An estimate (a warning) does not count: the real bytes decide.
  bool SizeReported = any_of(Diags.getDiagnostics(), [](const Diagnostic &D) {
    return D.Code == "LO202" && D.Level == Severity::Error;
  });
  if (CheckSize && !SizeReported && Diags.isEnabled("LO202")) {
    SizeBudget Budget = getSizeBudget(Opts);
    if (Plan.UncompressedSize > Budget.Bytes) {
      SMRange Where;
      if (const Package *Root = P.getRootPackage())
        Where = Root->Range;
      if (Opts.SizeBudget && Opts.SizeBudgetRange.isValid())
        Where = Opts.SizeBudgetRange;
      Diagnostic D = Diags.create(
          "LO202", Where,
          "the artifact unzips to " + formatMegabytes(Plan.UncompressedSize) +
              " (" + formatThousands(Plan.UncompressedSize) + " bytes), over " +
              Budget.Text);
      D.FixHint = "drop what the function does not import, move large "
                  "packages to a layer, or ship a container image (10 GB)";
      Diags.report(std::move(D));
    }
  }
  return Error::success();
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
  std::vector<std::string> Before;
  for (const PlannedFile &F : (*Plan)->Files)
    Before.push_back(F.Path);
  FilterStats Stats = stripPlan(**Plan, K, Provided);
  std::string Saved = formatv("{0} {1}, {2} bytes", Stats.Files,
                              Stats.Files == 1 ? "file" : "files", Stats.Bytes)
                          .str();
  if (Stats.Bytes >= 1000)
    Saved += " (" + formatSize(Stats.Bytes) + ")";
  DiagnosticEngine &Diags = AM.getDiagnostics();
  Diagnostic D =
      Diags.create(StripReportCode, SMRange(),
                   "strip-" + getStripKindName(K) + ": removed " + Saved);
  // Which files: both lists are sorted by path.
  constexpr size_t MaxListed = 20;
  std::vector<std::string> Removed;
  size_t Kept = 0;
  for (const std::string &Path : Before) {
    if (Kept < (*Plan)->Files.size() && (*Plan)->Files[Kept].Path == Path) {
      ++Kept;
      continue;
    }
    Removed.push_back(Path);
  }
  for (size_t I = 0; I < Removed.size() && I < MaxListed; ++I)
    D.Notes.push_back("removed " + Removed[I]);
  if (Removed.size() > MaxListed)
    D.Notes.push_back("and " + std::to_string(Removed.size() - MaxListed) +
                      " more");
  Diags.report(std::move(D));
  // The plan, the IR's second level, changed (the printer shows it, so
  // --print-changed and --print-after do too); the analyses of the project
  // do not read the plan, so they stay valid.
  return PreservedAnalyses::all();
}

template struct lambdaopt::StripPass<StripKind::Tests>;
template struct lambdaopt::StripPass<StripKind::Stubs>;
template struct lambdaopt::StripPass<StripKind::RuntimeProvided>;

//===----------------------------------------------------------------------===//
// Emitters
//===----------------------------------------------------------------------===//

ProjectOptions EmitterSettings::apply(const ProjectOptions &Opts) const {
  ProjectOptions Out = Opts;
  if (Output)
    Out.OutputPath = *Output;
  if (Force)
    Out.Force = *Force;
  if (Handler)
    Out.Handler = *Handler;
  if (CompileBytecode)
    Out.CompileBytecode = *CompileBytecode;
  if (SourceDateEpoch)
    Out.SourceDateEpoch = *SourceDateEpoch;
  if (ImageTag)
    Out.ImageTag = *ImageTag;
  if (BaseImage)
    Out.BaseImage = *BaseImage;
  if (Includes)
    Out.Includes = *Includes;
  if (IncludeHidden)
    Out.IncludeHidden = *IncludeHidden;
  if (NoDeps)
    Out.NoDeps = *NoDeps;
  return Out;
}

/// Whether \p Value survives `name<key=value;...>` unchanged.
static bool isParameterSafe(StringRef Value) {
  return !Value.empty() && Value.find_first_of(";<>(),") == StringRef::npos &&
         Value.trim() == Value;
}

EmitterSettings EmitterSettings::fromOptions(const ProjectOptions &Opts,
                                             bool ForImage) {
  EmitterSettings S;
  if (Opts.OutputPath != "-" && isParameterSafe(Opts.OutputPath))
    S.Output = Opts.OutputPath;
  if (Opts.Force)
    S.Force = true;
  if (Opts.SourceDateEpoch)
    S.SourceDateEpoch = *Opts.SourceDateEpoch;
  if (!Opts.Includes.empty() && all_of(Opts.Includes, [](const std::string &I) {
        return isParameterSafe(I);
      }))
    S.Includes = Opts.Includes;
  if (Opts.IncludeHidden)
    S.IncludeHidden = true;
  if (Opts.NoDeps && !ForImage)
    S.NoDeps = true;
  if (!ForImage)
    return S;
  if (isParameterSafe(Opts.Handler))
    S.Handler = Opts.Handler;
  if (Opts.CompileBytecode)
    S.CompileBytecode = true;
  if (Opts.ImageTag != "latest" && isParameterSafe(Opts.ImageTag))
    S.ImageTag = Opts.ImageTag;
  if (isParameterSafe(Opts.BaseImage))
    S.BaseImage = Opts.BaseImage;
  return S;
}

std::string EmitterSettings::print() const {
  std::vector<std::string> Parts;
  if (Output)
    Parts.push_back("output=" + *Output);
  if (Force)
    Parts.push_back(*Force ? "force" : "no-force");
  if (Handler)
    Parts.push_back("handler=" + *Handler);
  if (CompileBytecode)
    Parts.push_back(*CompileBytecode ? "compile-bytecode"
                                     : "no-compile-bytecode");
  if (ImageTag)
    Parts.push_back("tag=" + *ImageTag);
  if (BaseImage)
    Parts.push_back("base-image=" + *BaseImage);
  if (SourceDateEpoch)
    Parts.push_back("source-date-epoch=" + std::to_string(*SourceDateEpoch));
  if (Includes)
    for (const std::string &I : *Includes)
      Parts.push_back("include=" + I);
  if (IncludeHidden)
    Parts.push_back(*IncludeHidden ? "include-hidden" : "no-include-hidden");
  if (NoDeps)
    Parts.push_back(*NoDeps ? "no-deps" : "deps");
  return join(Parts, ";");
}

void lambdaopt::printEmitterPipeline(raw_ostream &OS, StringRef Name,
                                     const EmitterSettings &Settings) {
  OS << Name;
  std::string Params = Settings.print();
  if (!Params.empty())
    OS << '<' << Params << '>';
}

Expected<EmitterSettings> lambdaopt::parseEmitterSettings(StringRef PassName,
                                                          StringRef Params,
                                                          bool ForImage) {
  auto KVs = parsePassParameters(PassName, Params);
  if (!KVs)
    return KVs.takeError();
  EmitterSettings S;
  for (const auto &KV : *KVs) {
    StringRef Key = KV.first, Value = KV.second;
    bool Flag = Value.empty();
    if (Key == "output" && !Flag) {
      S.Output = Value.str();
      continue;
    }
    if ((Key == "force" || Key == "no-force") && Flag) {
      S.Force = Key == "force";
      continue;
    }
    if (Key == "include" && !Flag) {
      if (!S.Includes)
        S.Includes.emplace();
      S.Includes->push_back(Value.str());
      continue;
    }
    if ((Key == "include-hidden" || Key == "no-include-hidden") && Flag) {
      S.IncludeHidden = Key == "include-hidden";
      continue;
    }
    if (!ForImage && (Key == "no-deps" || Key == "deps") && Flag) {
      S.NoDeps = Key == "no-deps";
      continue;
    }
    if (Key == "source-date-epoch" && !Flag) {
      int64_t Seconds;
      if (Value.getAsInteger(10, Seconds) || Seconds < 0)
        return makeError("pass '" + PassName +
                         "': source-date-epoch must be a non-negative "
                         "integer, not '" +
                         Value + "'");
      S.SourceDateEpoch = Seconds;
      continue;
    }
    Optional<std::string> *ImageText = Key == "handler"      ? &S.Handler
                                       : Key == "tag"        ? &S.ImageTag
                                       : Key == "base-image" ? &S.BaseImage
                                                             : nullptr;
    if (ForImage && !Flag && ImageText) {
      *ImageText = Value.str();
      continue;
    }
    if (ForImage && Flag &&
        (Key == "compile-bytecode" || Key == "no-compile-bytecode")) {
      S.CompileBytecode = Key == "compile-bytecode";
      continue;
    }
    return makeError(
        "invalid parameter '" + Key + (Flag ? "" : "=" + Value) +
        "' of pass '" + PassName +
        "' (expected output=<path>, force, source-date-epoch=<seconds>, "
        "include=<path>, include-hidden" +
        (ForImage ? "" : ", no-deps") +
        (ForImage ? ", handler=<module.function>, compile-bytecode, "
                    "tag=<tag>, base-image=oci:<path>[:<tag>]"
                  : "") +
        ")");
  }
  return S;
}

bool lambdaopt::mayWriteArtifact(const ProjectOptions &Opts,
                                 AnalysisManager &AM) {
  DiagnosticEngine &Diags = AM.getDiagnostics();
  unsigned Errors = Diags.getCount(Severity::Error);
  if (!Errors || Opts.Force)
    return true;
  Diagnostic D =
      Diags.create(NotWrittenCode, SMRange(),
                   "not writing '" + Opts.OutputPath + "': " + Twine(Errors) +
                       " error finding" + (Errors == 1 ? "" : "s"));
  D.FixHint = "fix the errors, or pass --force to write it anyway";
  Diags.report(std::move(D));
  return false;
}

template <LayoutKind K>
Expected<PreservedAnalyses> EmitArchivePass<K>::run(Project &P,
                                                    AnalysisManager &AM) {
  const ProjectOptions Opts = Settings.apply(P.Options);
  StringRef What = K == LayoutKind::Layer ? "layer" : "zip";
  if (Opts.OutputPath.empty())
    return makeError("--emit=" + What +
                     " writes a file; name it with -o <file>.zip (or -o - "
                     "for stdout)");
  if (StringRef(Opts.OutputPath).startswith("docker://"))
    return makeError("--emit=" + What + " writes a file, not an image; '" +
                     Opts.OutputPath +
                     "' is a registry, which --emit=image pushes to");
  if (!mayWriteArtifact(Opts, AM))
    return PreservedAnalyses::all();
  // The plan's deferred digest checks finish while the archive is written;
  // it replaces the output only once they have passed.
  Expected<InstallPlan *> PlanOrErr =
      getInstallPlanFor(P, Opts, AM, /*AllowPending=*/true);
  if (!PlanOrErr)
    return PlanOrErr.takeError();
  InstallPlan &Plan = **PlanOrErr;
  if (K == LayoutKind::Function)
    if (Error E = reportHandlerFinding(Plan, Opts, AM.getDiagnostics()))
      return E;
  if (Error E = checkPlanBeforeWriting(P, AM, Plan, K, /*CheckSize=*/true))
    return E;
  if (!mayWriteArtifact(Opts, AM))
    return PreservedAnalyses::all();
  AM.getStatus().progress("writing " + Opts.OutputPath + ": " +
                          Twine(Plan.Files.size()) + " files");
  Expected<const ZipModule *> Zip = getZipModule();
  if (!Zip)
    return Zip.takeError();

  // A layer puts the tree where the runtime's site directory is (the
  // plan's paths are prefixed for the writing, then given back).
  std::vector<std::string> Unprefixed;
  if (K == LayoutKind::Layer) {
    Expected<const RuntimeInfo *> RT = findRuntime(Opts.Runtime);
    if (!RT)
      return RT.takeError();
    std::string Prefix =
        formatv("python/lib/python3.{0}/site-packages/", (*RT)->PythonMinor)
            .str();
    Unprefixed.reserve(Plan.Files.size());
    for (PlannedFile &F : Plan.Files) {
      Unprefixed.push_back(std::move(F.Path));
      F.Path = Prefix + Unprefixed.back();
    }
  }
  ZipOptions ZO;
  ZO.SourceDateEpoch = Opts.SourceDateEpoch.value_or(-1);
  ZO.BeforeCommit = [&Plan] { return Plan.waitVerified(); };
  Expected<ZipResult> Result = (*Zip)->WriteZip(Plan, Opts.OutputPath, ZO);
  if (K == LayoutKind::Layer)
    for (size_t I = 0; I < Unprefixed.size(); ++I)
      Plan.Files[I].Path = std::move(Unprefixed[I]);
  if (!Result)
    return Result.takeError();
  ArtifactSummary Summary;
  Summary.Path = Opts.OutputPath;
  Summary.Files = Plan.Files.size();
  Summary.UnzippedSize = Result->UncompressedSize;
  Summary.ZippedSize = Result->CompressedSize;
  AM.getStatus().wrote(
      "wrote " + Opts.OutputPath + ": " + Twine(Plan.Files.size()) +
          " files, " + formatSize(Result->UncompressedSize) + " unzipped, " +
          formatSize(Result->CompressedSize) + " zipped; sha256 " +
          Result->Sha256Hex + "; CodeSha256 " + Result->CodeSha256,
      std::move(Summary));
  return PreservedAnalyses::all();
}

template struct lambdaopt::EmitArchivePass<LayoutKind::Function>;
template struct lambdaopt::EmitArchivePass<LayoutKind::Layer>;
