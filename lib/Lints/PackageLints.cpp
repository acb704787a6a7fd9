//===- PackageLints.cpp - Wheel, size and reproducibility lints -----------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "LintSupport.h"
#include "lambda-opt/Artifact/Layout.h"
#include "lambda-opt/Artifact/Wheel.h"
#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/Fetch/Fetch.h"
#include "lambda-opt/IR/Project.h"
#include "lambda-opt/Lints/Lints.h"
#include "lambda-opt/Support/URL.h"
#include "lambda-opt/Target/Runtime.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Parallel.h"
#include "llvm/Support/Path.h"

#include <algorithm>

using namespace llvm;
using namespace lambdaopt;

//===----------------------------------------------------------------------===//
// wheel-availability
//===----------------------------------------------------------------------===//

/// The target with any glibc accepted.
static TagTarget anyGlibc(TagTarget T) {
  T.GlibcMinor = 99;
  return T;
}

static ArchKind getOtherArch(ArchKind Arch) {
  return Arch == ArchKind::X86_64 ? ArchKind::AArch64 : ArchKind::X86_64;
}

static bool fitsAny(ArrayRef<WheelTags> Wheels, const TagTarget &T) {
  return any_of(Wheels, [&](const WheelTags &W) {
    return tagPriority(W, T).has_value();
  });
}

/// The CPython minor versions scanned when looking for the versions a wheel
/// was built for: wider than the Lambda runtimes, so that a package that
/// ships only cp38 wheels is still explained as a Python version mismatch.
static constexpr unsigned FirstScannedMinor = 5, LastScannedMinor = 20;

/// The CPython 3.X minors on \p Arch for which some wheel fits, glibc aside.
static std::vector<unsigned> getFittingMinors(ArrayRef<WheelTags> Wheels,
                                              TagTarget T) {
  std::vector<unsigned> Minors;
  T = anyGlibc(T);
  for (unsigned Minor = FirstScannedMinor; Minor <= LastScannedMinor; ++Minor) {
    T.PythonMinor = Minor;
    if (fitsAny(Wheels, T))
      Minors.push_back(Minor);
  }
  return Minors;
}

/// The runtimes on which some wheel loads on \p Arch (glibc included).
static std::vector<StringRef> getWorkingRuntimes(ArrayRef<WheelTags> Wheels,
                                                 ArchKind Arch) {
  std::vector<StringRef> Works;
  for (const RuntimeInfo &R : getRuntimes())
    if (R.supportsArch(Arch) && fitsAny(Wheels, makeTagTarget(R, Arch)))
      Works.push_back(R.Identifier);
  return Works;
}

/// The runtime of \p Works whose Python is nearest to 3.\p Minor, the newer
/// one on a tie.
static StringRef getNearestRuntime(ArrayRef<StringRef> Works, unsigned Minor) {
  StringRef Best;
  unsigned BestDistance = ~0u;
  for (StringRef Name : Works) {
    const RuntimeInfo *R = lookupRuntime(Name);
    if (!R)
      continue;
    unsigned Distance = R->PythonMinor > Minor ? R->PythonMinor - Minor
                                               : Minor - R->PythonMinor;
    if (Distance <= BestDistance) {
      Best = Name;
      BestDistance = Distance;
    }
  }
  return Best;
}

/// "a", "a and b", "a, b and c".
static std::string joinWithAnd(ArrayRef<std::string> Items) {
  if (Items.size() <= 1)
    return Items.empty() ? "" : Items.front();
  return join(Items.drop_back(), ", ") + " and " + Items.back();
}

/// "aarch64 (arm64)", "x86_64": the wheel spelling, and Lambda's if it
/// differs.
static std::string describeArch(ArchKind Arch) {
  StringRef Wheel = getArchName(Arch), Lambda = getLambdaArchName(Arch);
  if (Wheel == Lambda)
    return Wheel.str();
  return (Wheel + " (" + Lambda + ")").str();
}

bool lambdaopt::comparePythonTags(StringRef A, StringRef B) {
  struct Key {
    StringRef Prefix;
    unsigned Major = 0, Minor = 0;
    StringRef Text;
  };
  auto MakeKey = [](StringRef Tag) {
    Key K;
    K.Text = Tag;
    K.Prefix = Tag.take_while([](char C) { return isAlpha(C); });
    StringRef Digits = Tag.drop_front(K.Prefix.size()).take_while(isDigit);
    if (!Digits.empty()) {
      K.Major = Digits.front() - '0';
      if (Digits.size() > 1 && Digits.drop_front().getAsInteger(10, K.Minor))
        K.Minor = 0;
    }
    return K;
  };
  Key X = MakeKey(A), Y = MakeKey(B);
  return std::tie(X.Prefix, X.Major, X.Minor, X.Text) <
         std::tie(Y.Prefix, Y.Major, Y.Minor, Y.Text);
}

/// The python tags ("cp312", "cp39-abi3") of the wheels that would fit
/// \p T's architecture under some CPython version, numerically sorted.
static std::vector<std::string>
collectPythonTags(ArrayRef<WheelFilename> Wheels, const TagTarget &T) {
  std::vector<std::string> Tags;
  for (const WheelFilename &W : Wheels) {
    if (getFittingMinors(WheelTags(W), T).empty())
      continue;
    bool Abi3 = is_contained(W.AbiTags, "abi3");
    for (const std::string &Tag : W.PythonTags) {
      std::string Label = Abi3 ? Tag + "-abi3" : Tag;
      if (!is_contained(Tags, Label))
        Tags.push_back(Label);
    }
  }
  llvm::sort(Tags, [](const std::string &A, const std::string &B) {
    return comparePythonTags(A, B);
  });
  return Tags;
}

/// How the platform of a wheel that fits no CPython on either architecture
/// reads in a message: "macOS", "musllinux", "linux_x86_64 (locally
/// built)", "free-threaded cp313t".
static std::string describeUnusablePlatform(const WheelFilename &W,
                                            StringRef Tag, const TagTarget &T) {
  PlatformTag P = classifyPlatformTag(Tag);
  switch (P.Kind) {
  case PlatformTagKind::MacOS:
    return "macOS";
  case PlatformTagKind::Windows:
    return "Windows";
  case PlatformTagKind::Musllinux:
    return "musllinux";
  case PlatformTagKind::Linux:
    return Tag.str() + " (locally built)";
  case PlatformTagKind::Other:
    return Tag.str();
  case PlatformTagKind::Manylinux:
  case PlatformTagKind::Any:
    break;
  }
  // The platform is fine; the interpreter or ABI is not.
  std::optional<Incompatibility> Why = explainIncompatibility(W, anyGlibc(T));
  if (Why && Why->Kind == IncompatibilityKind::FreeThreaded)
    return "free-threaded " + join(W.AbiTags, ".");
  return join(W.PythonTags, ".") + "-" + join(W.AbiTags, ".");
}

WheelAdvice lambdaopt::explainNoCompatibleWheel(StringRef Name,
                                                StringRef DisplayName,
                                                ArrayRef<WheelFilename> Wheels,
                                                const TargetConfig &Target) {
  const RuntimeInfo &RT = *Target.Runtime;
  TagTarget T = Target.getTagTarget();
  std::string Runtime = RT.Identifier.str();
  std::string Arch = getArchName(T.Arch).str();
  std::string LambdaArch = getLambdaArchName(T.Arch).str();
  std::string CpTag = "cp3" + utostr(T.PythonMinor);
  WheelAdvice A;
  A.Message = DisplayName.str();
  if (Wheels.empty()) {
    A.Message += " has no wheel with a valid file name";
    A.FixHint = "check the wheel URLs of " + Name.str() +
                " in uv.lock, then run `uv lock --refresh-package " +
                Name.str() + "`";
    return A;
  }

  // Every question below ranks the same wheels for many targets: classify
  // their tags once.
  std::vector<WheelTags> Tags(Wheels.begin(), Wheels.end());

  // Where it would work: runtimes on this architecture, else the other one.
  ArchKind Other = getOtherArch(T.Arch);
  std::vector<StringRef> Works = getWorkingRuntimes(Tags, T.Arch);
  std::vector<StringRef> OtherWorks = getWorkingRuntimes(Tags, Other);
  std::string WorksOn;
  if (!Works.empty())
    WorksOn = "; works on " + formatRuntimeList(Works);
  else if (!OtherWorks.empty())
    WorksOn = "; works on " + getLambdaArchName(Other).str() + " with " +
              formatRuntimeList(OtherWorks);

  // Only the glibc is too old: name the oldest manylinux the wheels need.
  if (fitsAny(Tags, anyGlibc(T))) {
    std::optional<GlibcVersion> Min, Max;
    for (size_t I = 0; I < Wheels.size(); ++I) {
      const WheelFilename &W = Wheels[I];
      if (!tagPriority(Tags[I], anyGlibc(T)))
        continue;
      std::optional<GlibcVersion> G = getMinimumGlibc(W);
      if (!G)
        continue;
      if (!Min || *G < *Min)
        Min = G;
      if (!Max || *Max < *G)
        Max = G;
    }
    GlibcVersion Need = Min.value_or(GlibcVersion{2, 0});
    std::string Tag =
        "manylinux_" + utostr(Need.Major) + "_" + utostr(Need.Minor);
    A.Message += " ships only " + Tag + (Min == Max ? "" : " or newer") +
                 " wheels; " + Runtime + " runs glibc " +
                 utostr(RT.GlibcMajor) + "." + utostr(RT.GlibcMinor) + " (" +
                 RT.OperatingSystem.str() + ")" + WorksOn;
    std::string Older = "pin an older " + Name.str() +
                        " that still ships manylinux2014 (glibc 2.17) wheels";
    if (!Works.empty()) {
      const RuntimeInfo *Best =
          lookupRuntime(getNearestRuntime(Works, T.PythonMinor));
      A.FixHint = "deploy with --runtime=" + Best->Identifier.str() + " (" +
                  Best->OperatingSystem.str() + ", glibc " +
                  utostr(Best->GlibcMajor) + "." + utostr(Best->GlibcMinor) +
                  "), or " + Older;
      return A;
    }
    A.FixHint = Older + ", or build one for manylinux2014 " + Arch + " in " +
                RT.BaseImage.str() + " and lock it";
    return A;
  }

  // Another CPython version on this architecture.
  std::vector<unsigned> Minors = getFittingMinors(Tags, T);
  if (!Minors.empty()) {
    std::vector<std::string> Tags = collectPythonTags(Wheels, T);
    bool HasAbi3 = any_of(Tags, [](const std::string &Tag) {
      return StringRef(Tag).endswith("-abi3");
    });
    A.Message +=
        " ships only " + joinWithAnd(Tags) + " wheels for " + Arch + "; " +
        Runtime + " needs " + CpTag +
        (HasAbi3 ? " wheels, or abi3 wheels built for " + CpTag + " or older"
                 : " or abi3 wheels") +
        WorksOn;
    std::string Wanted = CpTag + " or abi3 wheels";
    std::string Deploy;
    if (!Works.empty())
      Deploy = "deploy with --runtime=" +
               getNearestRuntime(Works, T.PythonMinor).str();
    if (Minors.front() > T.PythonMinor) {
      // Built only for newer Pythons: older releases supported this one.
      std::string Pin =
          "pin an older " + Name.str() + " that still ships " + Wanted;
      A.FixHint = Deploy.empty() ? Pin : Deploy + ", or " + Pin;
      return A;
    }
    std::string Pick = (Minors.back() < T.PythonMinor
                            ? "upgrade " + Name.str() + " to a release"
                            : "pick a release of " + Name.str()) +
                       " that ships " + Wanted;
    A.FixHint = Deploy.empty() ? Pick : Pick + ", or " + Deploy;
    return A;
  }

  // The other architecture.
  if (!getFittingMinors(Tags, makeTagTarget(RT, Other)).empty()) {
    std::string OtherLambda = getLambdaArchName(Other).str();
    A.Message += " ships only " + describeArch(Other) +
                 " wheels; this function is " + LambdaArch + WorksOn;
    std::string Hint = "deploy with --arch=" + OtherLambda;
    if (!OtherWorks.empty() && !is_contained(OtherWorks, RT.Identifier))
      Hint +=
          " --runtime=" + getNearestRuntime(OtherWorks, T.PythonMinor).str();
    A.FixHint = Hint + ", or pick a release of " + Name.str() + " that ships " +
                Arch + " wheels";
    return A;
  }

  // No Linux build this runtime can load at all.
  std::vector<std::pair<unsigned, std::string>> Kinds;
  bool OnlyLocalBuilds = true;
  for (const WheelFilename &W : Wheels)
    for (const std::string &Tag : W.PlatformTags) {
      PlatformTagKind Kind = classifyPlatformTag(Tag).Kind;
      if (Kind != PlatformTagKind::Linux)
        OnlyLocalBuilds = false;
      std::pair<unsigned, std::string> Entry(
          static_cast<unsigned>(Kind), describeUnusablePlatform(W, Tag, T));
      if (!is_contained(Kinds, Entry))
        Kinds.push_back(std::move(Entry));
    }
  llvm::sort(Kinds);
  std::vector<std::string> Labels;
  for (const auto &K : Kinds)
    Labels.push_back(K.second);
  A.Message += " ships only " + joinWithAnd(Labels) + " wheels; " + Runtime +
               " on " + LambdaArch + " needs a manylinux " + Arch +
               " wheel (glibc " + utostr(RT.GlibcMajor) + "." +
               utostr(RT.GlibcMinor) + " or older)" + WorksOn;
  if (OnlyLocalBuilds) {
    A.FixHint = "a linux_" + Arch +
                " wheel only runs where it was built; rebuild it in " +
                RT.BaseImage.str() +
                " and make it portable with `auditwheel repair` "
                "(manylinux2014), or use a release of " +
                Name.str() + " from the index";
    return A;
  }
  A.FixHint = "build a manylinux2014 " + Arch + " wheel of " + Name.str() +
              " in " + RT.BaseImage.str() +
              " and lock it, or pick a release that ships manylinux wheels";
  return A;
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
  // The packages without a usable wheel, in install-set order.
  std::vector<const InstalledPackage *> Failing;
  for (const InstalledPackage &IP : (*R)->get().Packages) {
    const Package &Pkg = *IP.Pkg;
    if (IP.Wheel || IP.IsLocal)
      continue;
    if (Pkg.Src.Kind != SourceKind::Registry && Pkg.Src.Kind != SourceKind::URL)
      continue;
    Failing.push_back(&IP);
  }
  // Explaining a package tries every Lambda runtime and architecture; a
  // large lock has hundreds of them, so explain them on every core.
  std::vector<WheelAdvice> Advice(Failing.size());
  parallelForEachN(0, Failing.size(), [&](size_t I) {
    const Package &Pkg = *Failing[I]->Pkg;
    if (Pkg.Wheels.empty())
      return;
    std::vector<WheelFilename> Wheels;
    for (const Distribution &Dist : Pkg.Wheels) {
      Expected<WheelFilename> W = WheelFilename::parse(Dist.getFileName());
      if (!W) {
        consumeError(W.takeError());
        continue;
      }
      Wheels.push_back(std::move(*W));
    }
    Advice[I] = explainNoCompatibleWheel(Pkg.Name, Pkg.getDisplayName(), Wheels,
                                         Target);
  });
  for (size_t I = 0; I < Failing.size(); ++I) {
    const InstalledPackage &IP = *Failing[I];
    const Package &Pkg = *IP.Pkg;
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
      D.FixHint =
          "build the wheel in " + RT.BaseImage.str() + " (" +
          getLambdaArchName(Target.Arch).str() +
          "), e.g. `pip wheel --no-deps " + Pkg.Name.str() +
          "==" + Pkg.Version.str() + " -w wheels`, lock it " +
          "with `uv lock --find-links wheels` and pass --find-links=wheels " +
          "(a linux_" + getArchName(Target.Arch).str() +
          " wheel from there is accepted once its native code passes "
          "LO110-LO113), or pin a release of " +
          Pkg.Name.str() + " that ships wheels";
    } else {
      D = Diags.create("LO101", getPackageRange(Pkg), Advice[I].Message,
                       Pkg.Name);
      D.FixHint = std::move(Advice[I].FixHint);
    }
    D.Notes.push_back(formatDependencyPath(IP));
    Diags.report(std::move(D));
  }
  return PreservedAnalyses::all();
}

//===----------------------------------------------------------------------===//
// size-budget
//===----------------------------------------------------------------------===//

SizeBudget lambdaopt::getSizeBudget(const ProjectOptions &Opts) {
  if (Opts.SizeBudget)
    return {*Opts.SizeBudget, "the size budget of " +
                                  formatThousands(*Opts.SizeBudget) + " bytes"};
  if (Opts.LayerSizes.empty())
    return {UnzippedLimit, "Lambda's 250 MB (262,144,000 bytes) limit"};
  uint64_t Layers = 0;
  for (uint64_t L : Opts.LayerSizes)
    Layers += L;
  uint64_t Budget = Layers >= UnzippedLimit ? 0 : UnzippedLimit - Layers;
  return {Budget, "the " + formatThousands(Budget) +
                      " bytes left of 262,144,000 after " +
                      utostr(Opts.LayerSizes.size()) + " layer(s) of " +
                      formatThousands(Layers) + " bytes"};
}

/// The local copy of \p Wheel (fetchWheels' lookup, with the file name of a
/// URL percent-decoded as a download would save it).
std::string lambdaopt::findLocalWheel(const Distribution &Wheel,
                                      const ProjectOptions &Opts,
                                      StringRef CacheDir) {
  std::string File = Wheel.Filename.str();
  if (File.empty() && !Wheel.URL.empty()) {
    Expected<std::string> Decoded = getFilenameFromURL(Wheel.URL);
    if (!Decoded) {
      consumeError(Decoded.takeError());
      return "";
    }
    File = std::move(*Decoded);
  }
  if (File.empty())
    File = Wheel.getFileName().str();
  return findLocalWheel(File, Wheel.getSHA256(), Opts.FindLinks, CacheDir);
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
  // Unzipped sizes come from the wheels' central directories: local copies
  // first, then (network allowed) only the directories of remote ones.
  std::string CacheDir = Opts.CacheDir;
  if (CacheDir.empty())
    CacheDir = getDefaultCacheDir();
  std::string LocalCache = sys::fs::is_directory(CacheDir) ? CacheDir : "";
  uint64_t UnzippedTotal = 0;
  std::vector<const InstalledPackage *> Remote;
  std::vector<WheelRequest> Requests;
  for (const InstalledPackage &IP : (*R)->get().Packages) {
    if (!IP.Wheel)
      continue;
    // A plan built earlier in the pipeline has the wheels open already.
    if (P.Plan) {
      auto It = llvm::find(P.Plan->WheelPackages, IP.Pkg->Name);
      if (It != P.Plan->WheelPackages.end()) {
        uint64_t Bytes = P.Plan->Wheels[It - P.Plan->WheelPackages.begin()]
                             ->getUnpackedSize();
        Unzipped.push_back({&IP, Bytes});
        UnzippedTotal += Bytes;
        continue;
      }
    }
    std::string Path = findLocalWheel(*IP.Wheel, Opts, LocalCache);
    if (!Path.empty()) {
      // The central directory's sizes, without loading libzip.
      Expected<uint64_t> Size = WheelArchive::readUnpackedSize(Path);
      if (Size) {
        Unzipped.push_back({&IP, *Size});
        UnzippedTotal += *Size;
        continue;
      }
      consumeError(Size.takeError());
    }
    WheelRequest Req;
    Req.Package = IP.Pkg->Name.str();
    Req.URL = IP.Wheel->URL.str();
    Req.Sha256Hex = IP.Wheel->getSHA256().str();
    Req.Size = IP.Wheel->Size;
    Requests.push_back(std::move(Req));
    Remote.push_back(&IP);
  }
  // The wheels whose directory could not be read count at their zipped size
  // (a lower bound) and, for an estimate, at EstimateRatio times that.
  constexpr uint64_t EstimateRatio = 3;
  uint64_t MissingZipped = 0;
  size_t Missing = 0, RangeIgnored = 0, NoSize = 0;
  std::string Problem;
  SizeBudget Budget = getSizeBudget(Opts);
  uint64_t RemoteZipped = 0;
  for (const InstalledPackage *IP : Remote)
    RemoteZipped += IP->Wheel->Size.value_or(0);
  // Over the budget at the zipped sizes already: nothing to fetch.
  bool Decided = UnzippedTotal + RemoteZipped > Budget.Bytes;
  if (!Requests.empty() && !Decided) {
    FetchOptions FO;
    FO.CacheDir = CacheDir;
    FO.Offline = Opts.Offline;
    FO.AllowInsecureHosts = Opts.AllowInsecureHosts;
    FO.Jobs = std::max(Opts.Jobs, 16u);
    FO.TimeoutSeconds = 10;
    std::vector<UnzippedSize> Sizes = fetchUnzippedSizes(Requests, FO);
    for (size_t I = 0; I < Sizes.size(); ++I) {
      if (Sizes[I].Bytes) {
        Unzipped.push_back({Remote[I], *Sizes[I].Bytes});
        UnzippedTotal += *Sizes[I].Bytes;
        continue;
      }
      ++Missing;
      RangeIgnored += Sizes[I].RangeIgnored;
      if (Problem.empty())
        Problem = Sizes[I].Problem;
      if (Remote[I]->Wheel->Size)
        MissingZipped += *Remote[I]->Wheel->Size;
      else
        ++NoSize;
    }
  }
  if (Decided)
    for (const InstalledPackage *IP : Remote) {
      ++Missing;
      if (IP->Wheel->Size)
        MissingZipped += *IP->Wheel->Size;
      else
        ++NoSize;
    }
  uint64_t LowerBound = UnzippedTotal + MissingZipped;
  uint64_t Estimate = UnzippedTotal + MissingZipped * EstimateRatio;
  if (Estimate <= Budget.Bytes)
    return PreservedAnalyses::all();
  bool Certain = LowerBound > Budget.Bytes;
  SMRange At = Opts.SizeBudgetRange.isValid() && Opts.SizeBudget
                   ? Opts.SizeBudgetRange
                   : Where;
  std::string Why = Problem.empty() ? std::string("not fetched") : Problem;
  if (RangeIgnored)
    Why = "the server ignores range requests";
  std::string MissingNote = utostr(Missing) +
                            " wheel(s) whose central directory could not be "
                            "read (" +
                            Why + ") count at ";
  Diagnostic D;
  if (Certain) {
    D = Diags.create(
        "LO202", At,
        Twine(Missing ? "at least " : "") + "the installed wheels unzip to " +
            formatMegabytes(LowerBound) + " (" + formatThousands(LowerBound) +
            " bytes), over " + Budget.Text);
    if (Missing)
      D.Notes.push_back(MissingNote +
                        "their zipped size, a lower bound of their "
                        "unzipped size");
  } else {
    D = Diags.create("LO202", At,
                     "the installed wheels are estimated to unzip to " +
                         formatMegabytes(Estimate) + " (" +
                         formatThousands(Estimate) + " bytes), over " +
                         Budget.Text + "; the size is an estimate");
    D.Level = std::min(D.Level, Severity::Warning);
    D.Notes.push_back(
        MissingNote + utostr(EstimateRatio) + "x their zipped size of " +
        formatMegabytes(MissingZipped) + ", a typical ratio for wheels");
  }
  if (NoSize)
    D.Notes.push_back(utostr(NoSize) + " of them have no size in the lock and "
                                       "were not counted");
  if (!Unzipped.empty())
    D.Notes.push_back(Ranking(Unzipped));
  D.FixHint = "drop what the function does not import, move large packages "
              "to a layer, or ship a container image (10 GB)";
  if (Missing)
    D.FixHint += "; --emit re-checks with the real bytes before writing";
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
  std::optional<URLHost> H = parseURLHost(URL);
  return H ? H->Host : std::string();
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
    if (!isHostAllowed(Pkg.Src.Value, Opts.AllowedIndexHosts))
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
    StringRef File = W.getFileName();
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
