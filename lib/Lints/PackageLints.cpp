//===- PackageLints.cpp - Wheel, size and reproducibility lints -----------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "LintSupport.h"
#include "lambda-opt/Artifact/Wheel.h"
#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/Fetch/Fetch.h"
#include "lambda-opt/IR/Project.h"
#include "lambda-opt/Lints/Lints.h"
#include "lambda-opt/Target/Runtime.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>

using namespace llvm;
using namespace lambdaopt;

//===----------------------------------------------------------------------===//
// wheel-availability
//===----------------------------------------------------------------------===//

namespace {
/// The parsed wheels of one package that has none for the target.
struct WheelSurvey {
  std::vector<WheelFilename> Wheels;

  explicit WheelSurvey(const Package &Pkg) {
    for (const Distribution &D : Pkg.Wheels) {
      Expected<WheelFilename> W = WheelFilename::parse(D.getFileName());
      if (!W) {
        consumeError(W.takeError());
        continue;
      }
      Wheels.push_back(std::move(*W));
    }
  }

  bool fits(const TagTarget &T) const {
    return any_of(Wheels, [&](const WheelFilename &W) {
      return tagPriority(W, T).has_value();
    });
  }
};
} // namespace

/// A target that accepts any glibc.
static TagTarget anyGlibc(TagTarget T) {
  T.GlibcMinor = 99;
  return T;
}

/// The distinct python tags of the wheels that fit \p Fits.
static std::string
collectPythonTags(const WheelSurvey &S,
                  function_ref<bool(const WheelFilename &)> Fits) {
  std::vector<std::string> Tags;
  for (const WheelFilename &W : S.Wheels)
    if (Fits(W))
      for (const std::string &T : W.PythonTags)
        if (!is_contained(Tags, T))
          Tags.push_back(T);
  return join(Tags, ", ");
}

/// Why no wheel of \p Pkg fits \p Target, in the user's terms, and where it
/// would work instead.
static std::string explainNoWheel(const Package &Pkg, const WheelSurvey &S,
                                  const TargetConfig &Target) {
  const RuntimeInfo &RT = *Target.Runtime;
  TagTarget T = Target.getTagTarget();
  std::string Arch = getArchName(T.Arch).str();
  std::string Msg = Pkg.getDisplayName();
  if (S.Wheels.empty()) {
    Msg += " has no wheel with a valid file name";
  } else if (S.fits(anyGlibc(T))) {
    // Only the glibc is too old: name the oldest manylinux the wheels need.
    std::optional<GlibcVersion> Min;
    for (const WheelFilename &W : S.Wheels) {
      if (!tagPriority(W, anyGlibc(T)))
        continue;
      std::optional<GlibcVersion> G = getMinimumGlibc(W);
      if (G && (!Min || *G < *Min))
        Min = G;
    }
    Msg += " ships only manylinux_" + utostr(Min ? Min->Major : 2) + "_" +
           utostr(Min ? Min->Minor : 0) + " wheels; " + RT.Identifier.str() +
           " runs glibc " + utostr(RT.GlibcMajor) + "." + utostr(RT.GlibcMinor);
  } else {
    TagTarget Other = anyGlibc(T);
    Other.Arch =
        T.Arch == ArchKind::X86_64 ? ArchKind::AArch64 : ArchKind::X86_64;
    bool OtherArchFits = false;
    for (unsigned Minor = 9; Minor <= 14 && !OtherArchFits; ++Minor) {
      Other.PythonMinor = Minor;
      OtherArchFits = S.fits(Other);
    }
    bool OtherPythonFits = false;
    TagTarget OtherPython = anyGlibc(T);
    for (unsigned Minor = 9; Minor <= 14 && !OtherPythonFits; ++Minor) {
      OtherPython.PythonMinor = Minor;
      OtherPythonFits = S.fits(OtherPython);
    }
    std::string LambdaArch = getLambdaArchName(T.Arch).str();
    if (OtherPythonFits) {
      std::string Tags = collectPythonTags(S, [&](const WheelFilename &W) {
        for (unsigned Minor = 9; Minor <= 14; ++Minor) {
          TagTarget X = anyGlibc(T);
          X.PythonMinor = Minor;
          if (tagPriority(W, X))
            return true;
        }
        return false;
      });
      Msg += " ships only " + Tags + " wheels for " + Arch + "; " +
             RT.Identifier.str() + " needs cp3" + utostr(T.PythonMinor) +
             " or abi3";
    } else if (OtherArchFits) {
      std::string OtherArch = getArchName(Other.Arch).str();
      Msg += " ships only " + OtherArch + " wheels; " + LambdaArch + " needs " +
             Arch;
    } else {
      std::vector<std::string> Kinds;
      for (const WheelFilename &W : S.Wheels)
        for (const std::string &Tag : W.PlatformTags) {
          StringRef Kind;
          switch (classifyPlatformTag(Tag).Kind) {
          case PlatformTagKind::MacOS:
            Kind = "macOS";
            break;
          case PlatformTagKind::Windows:
            Kind = "Windows";
            break;
          case PlatformTagKind::Musllinux:
            Kind = "musllinux";
            break;
          case PlatformTagKind::Linux:
            Kind = "linux (non-portable)";
            break;
          case PlatformTagKind::Manylinux:
          case PlatformTagKind::Any:
            Kind = "other-interpreter";
            break;
          case PlatformTagKind::Other:
            Kind = "other-platform";
            break;
          }
          if (!is_contained(Kinds, Kind.str()))
            Kinds.push_back(Kind.str());
        }
      Msg += " ships only " + join(Kinds, ", ") + " wheels; " +
             RT.Identifier.str() + " on " + LambdaArch + " needs a manylinux " +
             Arch + " wheel";
    }
  }
  // Where it would work: runtimes on this architecture, else the other one.
  std::vector<StringRef> Works;
  for (const RuntimeInfo &R : getRuntimes())
    if (S.fits(makeTagTarget(R, T.Arch)))
      Works.push_back(R.Identifier);
  if (!Works.empty())
    return Msg + "; works on " + formatRuntimeList(Works);
  ArchKind OtherArch =
      T.Arch == ArchKind::X86_64 ? ArchKind::AArch64 : ArchKind::X86_64;
  if (S.fits(makeTagTarget(RT, OtherArch)))
    return Msg + "; works on " + RT.Identifier.str() + " " +
           getLambdaArchName(OtherArch).str();
  return Msg;
}

Expected<PreservedAnalyses> WheelAvailabilityPass::run(Project &P,
                                                       AnalysisManager &AM) {
  Expected<const InstallSetResult *> R = getInstallSet(P, AM);
  if (!R)
    return R.takeError();
  if (!*R)
    return PreservedAnalyses::all();
  DiagnosticEngine &Diags = AM.getDiagnostics();
  const TargetConfig &Target = (*R)->getTarget();
  const RuntimeInfo &RT = *Target.Runtime;
  for (const InstalledPackage &IP : (*R)->get().Packages) {
    const Package &Pkg = *IP.Pkg;
    if (IP.Wheel || IP.IsLocal)
      continue;
    if (Pkg.Src.Kind != SourceKind::Registry && Pkg.Src.Kind != SourceKind::URL)
      continue;
    Diagnostic D;
    if (Pkg.Wheels.empty()) {
      D = Diags.create("LO102", getPackageRange(Pkg),
                       Pkg.getDisplayName() +
                           " has no wheel, only an sdist; it would have to "
                           "be built for Linux (" +
                           RT.Identifier + ", glibc " + Twine(RT.GlibcMajor) +
                           "." + Twine(RT.GlibcMinor) + ", " +
                           getArchName(Target.Arch) + ")",
                       Pkg.Name);
      D.FixHint = "build a wheel for the target in a Lambda-compatible "
                  "container and lock it, or use a version that ships wheels";
    } else {
      WheelSurvey S(Pkg);
      D = Diags.create("LO101", getPackageRange(Pkg),
                       explainNoWheel(Pkg, S, Target), Pkg.Name);
    }
    D.Notes.push_back(formatDependencyPath(IP));
    Diags.report(std::move(D));
  }
  return PreservedAnalyses::all();
}

//===----------------------------------------------------------------------===//
// size-budget
//===----------------------------------------------------------------------===//

/// The local copy of \p Wheel: a find-links folder or the wheel cache.
static std::string findLocalWheel(const Distribution &Wheel,
                                  const ProjectOptions &Opts,
                                  StringRef CacheDir) {
  StringRef File = Wheel.getFileName();
  for (const std::string &Dir : Opts.FindLinks) {
    SmallString<256> Path(Dir);
    sys::path::append(Path, File);
    if (sys::fs::exists(Path))
      return std::string(Path);
  }
  StringRef Hex = Wheel.getSHA256();
  if (CacheDir.empty() || Hex.empty())
    return "";
  std::string Path = getCachePath(CacheDir, Hex, File);
  if (sys::fs::exists(Path))
    return Path;
  return "";
}

Expected<PreservedAnalyses> SizeBudgetPass::run(Project &P,
                                                AnalysisManager &AM) {
  Expected<const InstallSetResult *> R = getInstallSet(P, AM);
  if (!R)
    return R.takeError();
  if (!*R)
    return PreservedAnalyses::all();
  DiagnosticEngine &Diags = AM.getDiagnostics();
  const ProjectOptions &Opts = P.Options;
  SMRange Where;
  if (const Package *Root = P.getRootPackage())
    Where = Root->Range;

  struct Sized {
    const InstalledPackage *IP;
    uint64_t Bytes;
  };
  std::vector<Sized> Zipped, Unzipped;
  uint64_t ZippedTotal = 0;
  for (const InstalledPackage &IP : (*R)->get().Packages)
    if (IP.Wheel && IP.Wheel->Size) {
      Zipped.push_back({&IP, *IP.Wheel->Size});
      ZippedTotal += *IP.Wheel->Size;
    }

  auto Ranking = [](std::vector<Sized> &List) {
    llvm::stable_sort(
        List, [](const Sized &A, const Sized &B) { return A.Bytes > B.Bytes; });
    std::string Out = "largest: ";
    for (size_t I = 0; I != List.size() && I != 5; ++I) {
      if (I)
        Out += ", ";
      Out += List[I].IP->Pkg->Name.str() + " " + formatMegabytes(List[I].Bytes);
    }
    return Out;
  };

  if (ZippedTotal > DirectUploadLimit && Diags.isEnabled("LO201")) {
    Diagnostic D = Diags.create(
        "LO201", Where,
        "the selected wheels total " + formatMegabytes(ZippedTotal) +
            " zipped (" + formatThousands(ZippedTotal) +
            " bytes), over the 50 MB (52,428,800 bytes) direct-upload limit");
    D.Notes.push_back(Ranking(Zipped));
    D.FixHint = "upload the zip through S3, move dependencies to a layer, "
                "or ship a container image";
    Diags.report(std::move(D));
  }

  if (!Diags.isEnabled("LO202"))
    return PreservedAnalyses::all();
  // Unzipped sizes need the wheels themselves; never download them.
  std::string CacheDir = Opts.CacheDir;
  if (CacheDir.empty())
    CacheDir = getDefaultCacheDir();
  if (!sys::fs::is_directory(CacheDir))
    CacheDir.clear();
  if (Opts.FindLinks.empty() && CacheDir.empty())
    return PreservedAnalyses::all();
  uint64_t UnzippedTotal = 0;
  size_t Missing = 0;
  for (const InstalledPackage &IP : (*R)->get().Packages) {
    if (!IP.Wheel)
      continue;
    std::string Path = findLocalWheel(*IP.Wheel, Opts, CacheDir);
    if (Path.empty()) {
      ++Missing;
      continue;
    }
    Expected<std::unique_ptr<WheelArchive>> W = WheelArchive::open(Path);
    if (!W) {
      consumeError(W.takeError());
      ++Missing;
      continue;
    }
    uint64_t Bytes = (*W)->getUnpackedSize();
    Unzipped.push_back({&IP, Bytes});
    UnzippedTotal += Bytes;
  }
  uint64_t Budget = UnzippedLimit;
  std::string BudgetText = "Lambda's 250 MB (262,144,000 bytes) limit";
  if (Opts.SizeBudget) {
    Budget = *Opts.SizeBudget;
    BudgetText = "the size budget of " + formatThousands(Budget) + " bytes";
  } else if (!Opts.LayerSizes.empty()) {
    uint64_t Layers = 0;
    for (uint64_t L : Opts.LayerSizes)
      Layers += L;
    Budget = Layers >= UnzippedLimit ? 0 : UnzippedLimit - Layers;
    BudgetText = "the " + formatThousands(Budget) +
                 " bytes left of 262,144,000 after " +
                 utostr(Opts.LayerSizes.size()) + " layer(s) of " +
                 formatThousands(Layers) + " bytes";
  }
  if (UnzippedTotal <= Budget)
    return PreservedAnalyses::all();
  Diagnostic D = Diags.create(
      "LO202",
      Opts.SizeBudgetRange.isValid() && Opts.SizeBudget ? Opts.SizeBudgetRange
                                                        : Where,
      Twine(Missing ? "at least " : "") + "the installed wheels unzip to " +
          formatMegabytes(UnzippedTotal) + " (" +
          formatThousands(UnzippedTotal) + " bytes), over " + BudgetText);
  D.Notes.push_back(Ranking(Unzipped));
  if (Missing)
    D.Notes.push_back(utostr(Missing) +
                      " wheel(s) not found locally were not counted");
  D.FixHint = "drop what the function does not import, move large packages "
              "to a layer, or ship a container image (10 GB)";
  Diags.report(std::move(D));
  return PreservedAnalyses::all();
}

//===----------------------------------------------------------------------===//
// reproducibility
//===----------------------------------------------------------------------===//

/// Compares a wheel file name's distribution part with a normalized package
/// name without allocating: case-insensitive, runs of -_. equal to '-'.
static bool sameNormalizedName(StringRef Spelled, StringRef Normal) {
  size_t I = 0, J = 0;
  while (I < Spelled.size() && J < Normal.size()) {
    char C = toLower(Spelled[I]);
    if (C == '_' || C == '.' || C == '-') {
      if (Normal[J] != '-')
        return false;
      while (I < Spelled.size() &&
             (Spelled[I] == '_' || Spelled[I] == '.' || Spelled[I] == '-'))
        ++I;
      ++J;
      continue;
    }
    if (C != Normal[J])
      return false;
    ++I;
    ++J;
  }
  return I == Spelled.size() && J == Normal.size();
}

static bool sameVersion(StringRef A, StringRef B) {
  if (A == B)
    return true;
  Expected<Version> VA = Version::parse(A);
  Expected<Version> VB = Version::parse(B);
  bool Same = VA && VB && *VA == *VB;
  if (!VA)
    consumeError(VA.takeError());
  if (!VB)
    consumeError(VB.takeError());
  return Same;
}

/// The host of \p URL ("pypi.org" of "https://pypi.org/simple"), lowercase.
static std::string getHost(StringRef URL) {
  size_t Scheme = URL.find("://");
  if (Scheme == StringRef::npos)
    return "";
  StringRef Rest = URL.drop_front(Scheme + 3);
  Rest = Rest.take_until([](char C) { return C == '/' || C == '?'; });
  Rest = Rest.rsplit('@').second.empty() ? Rest : Rest.rsplit('@').second;
  Rest = Rest.split(':').first;
  return Rest.lower();
}

/// Distribution::getFileName without its per-character callback: this runs
/// on every wheel of the lock.
static StringRef getFileNameFast(const Distribution &D) {
  if (!D.Filename.empty())
    return D.Filename;
  StringRef From = !D.URL.empty() ? D.URL : D.Path;
  size_t Slash = From.rfind('/');
  StringRef Tail = Slash == StringRef::npos ? From : From.drop_front(Slash + 1);
  if (Tail.find_first_of("?#\\") != StringRef::npos)
    return D.getFileName();
  return Tail;
}

PreservedAnalyses ReproducibilityPass::run(Package &Pkg, AnalysisManager &AM) {
  DiagnosticEngine &Diags = AM.getDiagnostics();
  const ProjectOptions &Opts = AM.getProject().Options;
  if (Pkg.Src.Kind == SourceKind::Git) {
    StringRef Commit = Pkg.Src.Value.rsplit('#').second;
    bool Pinned = Commit.size() == 40 && all_of(Commit, [](char C) {
                    return isDigit(C) || (C >= 'a' && C <= 'f');
                  });
    if (!Pinned) {
      Diagnostic D = Diags.create(
          "LO303", Pkg.Src.Range,
          "git source of " + Pkg.getDisplayName() +
              " is not pinned to a full 40-hex commit" +
              (Commit.empty() ? Twine("") : " (has '" + Commit + "')"),
          Pkg.Name);
      D.FixHint = "run `uv lock` so that uv records the resolved commit";
      Diags.report(std::move(D));
    }
  }
  if (!Opts.AllowedIndexHosts.empty() && Pkg.Src.Kind == SourceKind::Registry &&
      Pkg.Src.Value.contains("://")) {
    std::string Host = getHost(Pkg.Src.Value);
    if (!is_contained(Opts.AllowedIndexHosts, Host))
      Diags.report(Diags.create("LO305", Pkg.Src.Range,
                                Pkg.getDisplayName() +
                                    " comes from index host '" + Host +
                                    "', which is not in allowed-index-hosts (" +
                                    join(Opts.AllowedIndexHosts, ", ") + ")",
                                Pkg.Name));
  }
  if (!Pkg.HasVersion || !Diags.isEnabled("LO306"))
    return PreservedAnalyses::all();
  for (const Distribution &W : Pkg.Wheels) {
    StringRef File = getFileNameFast(W);
    StringRef Name, Ver;
    std::tie(Name, Ver) = File.split('-');
    Ver = Ver.split('-').first;
    if (sameNormalizedName(Name, Pkg.Name) &&
        (Ver.contains('%') || sameVersion(Ver, Pkg.Version)))
      continue;
    Diags.report(Diags.create("LO306", W.Range,
                              "wheel file '" + File + "' is named for '" +
                                  Name + " " + Ver + "', not " +
                                  Pkg.getDisplayName(),
                              Pkg.Name));
  }
  return PreservedAnalyses::all();
}
