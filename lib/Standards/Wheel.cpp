//===- Wheel.cpp - Wheel file names and PEP 425 tags ----------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Standards/Wheel.h"
#include "lambda-opt/Standards/Marker.h"
#include "lambda-opt/Support/PercentEncoding.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace llvm;
using namespace lambdaopt;

StringRef lambdaopt::getArchName(ArchKind Arch) {
  switch (Arch) {
  case ArchKind::X86_64:
    return "x86_64";
  case ArchKind::AArch64:
    return "aarch64";
  }
  return "";
}

//===----------------------------------------------------------------------===//
// File names
//===----------------------------------------------------------------------===//

static bool isTagChar(char C) { return isAlnum(C) || C == '_'; }

static Error wheelError(StringRef FileName, const Twine &What) {
  return createStringError(inconvertibleErrorCode(),
                           "invalid wheel filename '%s': %s",
                           FileName.str().c_str(), What.str().c_str());
}

static Error splitTags(StringRef FileName, StringRef Part, StringRef What,
                       SmallVectorImpl<std::string> &Out) {
  SmallVector<StringRef, 4> Pieces;
  Part.split(Pieces, '.');
  for (StringRef P : Pieces) {
    if (P.empty())
      return wheelError(FileName,
                        Twine("empty ") + What + " tag in '" + Part + "'");
    if (!all_of(P, isTagChar))
      return wheelError(FileName, Twine("invalid character in ") + What +
                                      " tag '" + P + "'");
    Out.push_back(P.lower());
  }
  return Error::success();
}

Expected<WheelFilename> WheelFilename::parse(StringRef Raw) {
  size_t Bad = 0;
  std::optional<std::string> MaybeDecoded = percentDecode(Raw, &Bad);
  if (!MaybeDecoded)
    return wheelError(Raw,
                      Twine("bad percent-escape at column ") + Twine(Bad + 1));
  std::string Decoded = std::move(*MaybeDecoded);
  StringRef Name = Decoded;
  if (!Name.consume_back(".whl"))
    return wheelError(Raw, "expected the '.whl' extension");
  SmallVector<StringRef, 6> Parts;
  Name.split(Parts, '-');
  if (Parts.size() != 5 && Parts.size() != 6)
    return wheelError(Raw,
                      Twine("expected 5 or 6 dash-separated parts, found ") +
                          Twine(Parts.size()));
  WheelFilename W;
  if (Parts[0].empty() ||
      !all_of(Parts[0], [](char C) { return isTagChar(C) || C == '.'; }))
    return wheelError(Raw,
                      Twine("invalid distribution name '") + Parts[0] + "'");
  W.Name = Parts[0].str();
  W.VersionText = Parts[1].str();
  Expected<Version> V = Version::parse(Parts[1]);
  if (!V)
    return wheelError(Raw, toString(V.takeError()));
  W.Ver = std::move(*V);
  if (Parts.size() == 6) {
    StringRef Build = Parts[2];
    size_t Digits = 0;
    while (Digits < Build.size() && isDigit(Build[Digits]))
      ++Digits;
    if (Digits == 0)
      return wheelError(Raw, Twine("build tag '") + Build +
                                 "' must start with a digit");
    BuildTag B;
    if (Build.take_front(Digits).getAsInteger(10, B.Number))
      return wheelError(Raw, Twine("build number '") + Build + "' too large");
    B.Suffix = Build.drop_front(Digits).str();
    W.Build = std::move(B);
  }
  size_t T = Parts.size() - 3;
  if (Error E = splitTags(Raw, Parts[T], "python", W.PythonTags))
    return E;
  if (Error E = splitTags(Raw, Parts[T + 1], "abi", W.AbiTags))
    return E;
  if (Error E = splitTags(Raw, Parts[T + 2], "platform", W.PlatformTags))
    return E;
  return W;
}

std::string WheelFilename::getNormalizedName() const {
  return normalizePackageName(Name);
}

std::string WheelFilename::getTagString() const {
  return join(PythonTags, ".") + "-" + join(AbiTags, ".") + "-" +
         join(PlatformTags, ".");
}

//===----------------------------------------------------------------------===//
// Tag classification
//===----------------------------------------------------------------------===//

namespace {
constexpr struct {
  const char *Name;
  unsigned GlibcMinor;
} LegacyManylinux[] = {
    {"manylinux1", 5}, {"manylinux2010", 12}, {"manylinux2014", 17}};

unsigned getArchFloorMinor(ArchKind Arch) {
  // x86_64 manylinux starts at glibc 2.5 (manylinux1); aarch64 at 2.17.
  return Arch == ArchKind::X86_64 ? 5 : 17;
}

constexpr unsigned LegacyMinors[] = {5, 12, 17};

/// How many glibc minors in [Lo, Hi] have a legacy alias.
unsigned countLegacyMinors(unsigned Lo, unsigned Hi) {
  return count_if(LegacyMinors, [&](unsigned M) { return Lo <= M && M <= Hi; });
}

/// Positions of the manylinux platforms of \p Target: for each glibc minor
/// from the target's down to the architecture floor, `manylinux_2_M_<arch>`
/// followed by its legacy alias, if any.
struct PlatformList {
  unsigned Count = 0;
  unsigned Top = 0, Floor = 0;
  bool Valid = false;

  explicit PlatformList(const TagTarget &T) {
    Floor = getArchFloorMinor(T.Arch);
    Top = T.GlibcMinor;
    Valid = T.GlibcMajor == 2 && Top >= Floor;
    if (!Valid)
      return;
    Count = Top - Floor + 1 + countLegacyMinors(Floor, Top);
  }

  /// Index of the plain tag for glibc 2.M: one place for each newer minor,
  /// two for those with a legacy alias.
  unsigned indexOf(unsigned M) const {
    return Top - M + countLegacyMinors(M + 1, Top);
  }

  std::optional<unsigned> lookup(const PlatformTag &P, ArchKind Arch) const {
    if (!Valid || P.Kind != PlatformTagKind::Manylinux ||
        P.Arch != getArchName(Arch) || P.Glibc.Major != 2 ||
        P.Glibc.Minor < Floor || P.Glibc.Minor > Top)
      return std::nullopt;
    return indexOf(P.Glibc.Minor) + (P.IsLegacyAlias ? 1 : 0);
  }
};
} // namespace

PythonTag lambdaopt::classifyPythonTag(StringRef Tag) {
  PythonTag P;
  StringRef Digits = Tag;
  if (Digits.consume_front("cp"))
    P.TagKind = PythonTag::Kind::CPython;
  else if (Digits.consume_front("py"))
    P.TagKind = PythonTag::Kind::Generic;
  else
    return P;
  if (Digits.empty() || !all_of(Digits, isDigit)) {
    P.TagKind = PythonTag::Kind::Other;
    return P;
  }
  P.Major = Digits[0] - '0';
  unsigned Minor;
  if (Digits.size() > 1 && !Digits.drop_front().getAsInteger(10, Minor))
    P.Minor = Minor;
  return P;
}

PlatformTag lambdaopt::classifyPlatformTag(StringRef Tag) {
  PlatformTag P;
  if (Tag == "any") {
    P.Kind = PlatformTagKind::Any;
    return P;
  }
  StringRef Rest = Tag;
  if (Rest.consume_front("manylinux_") || Rest.consume_front("musllinux_")) {
    // {major}_{minor}_{arch}
    StringRef MajorText, MinorText;
    std::tie(MajorText, Rest) = Rest.split('_');
    std::tie(MinorText, Rest) = Rest.split('_');
    if (MajorText.getAsInteger(10, P.Glibc.Major) ||
        MinorText.getAsInteger(10, P.Glibc.Minor) || Rest.empty())
      return P;
    P.Kind = Tag.startswith("many") ? PlatformTagKind::Manylinux
                                    : PlatformTagKind::Musllinux;
    P.Arch = Rest.str();
    return P;
  }
  for (const auto &L : LegacyManylinux) {
    StringRef Prefix = L.Name;
    if (!Tag.startswith(Prefix) || Tag.size() <= Prefix.size() + 1 ||
        Tag[Prefix.size()] != '_')
      continue;
    P.Kind = PlatformTagKind::Manylinux;
    P.Glibc = {2, L.GlibcMinor};
    P.IsLegacyAlias = true;
    P.Arch = Tag.drop_front(Prefix.size() + 1).str();
    return P;
  }
  if (Rest.consume_front("linux_")) {
    P.Kind = PlatformTagKind::Linux;
    P.Arch = Rest.str();
    return P;
  }
  if (Rest.consume_front("macosx_")) {
    P.Kind = PlatformTagKind::MacOS;
    // macosx_{major}_{minor}_{arch}, e.g. macosx_11_0_arm64.
    Rest = Rest.split('_').second;
    P.Arch = Rest.split('_').second.str();
    return P;
  }
  if (Tag.startswith("win")) {
    P.Kind = PlatformTagKind::Windows;
    size_t Underscore = Tag.find('_');
    if (Underscore != StringRef::npos)
      P.Arch = Tag.drop_front(Underscore + 1).str();
    return P;
  }
  return P;
}

//===----------------------------------------------------------------------===//
// Priority
//===----------------------------------------------------------------------===//

lambdaopt::WheelTags::WheelTags(const WheelFilename &Wheel) {
  for (const std::string &T : Wheel.PythonTags)
    Python.push_back(classifyPythonTag(T));
  for (const std::string &T : Wheel.AbiTags)
    Abi.push_back(T);
  for (const std::string &T : Wheel.PlatformTags)
    Platform.push_back(classifyPlatformTag(T));
}

std::optional<unsigned> lambdaopt::tagPriority(const WheelFilename &Wheel,
                                               const TagTarget &Target) {
  return tagPriority(WheelTags(Wheel), Target);
}

std::optional<unsigned> lambdaopt::tagPriority(const WheelTags &Tags,
                                               const TagTarget &Target) {
  const unsigned X = Target.PythonMinor;
  PlatformList Plats(Target);
  const unsigned P = Plats.Count;
  const unsigned Base = (X + 1) * P; // After all cp3*-{cp3X,abi3,none}-plat.
  const unsigned AnyBase = Base + (X + 2) * P;
  std::string OwnAbi = "cp3" + std::to_string(X); // short: no allocation

  // Rank of a generic pyN tag in py3X, py3, py3(X-1), ..., py30.
  auto GenericRank = [&](const PythonTag &Py) -> std::optional<unsigned> {
    if (Py.TagKind != PythonTag::Kind::Generic || Py.Major != 3)
      return std::nullopt;
    if (!Py.Minor)
      return 1;
    if (*Py.Minor == X)
      return 0;
    if (*Py.Minor < X)
      return 2 + (X - 1 - *Py.Minor);
    return std::nullopt;
  };

  std::optional<unsigned> Best;
  auto Offer = [&](unsigned Rank) {
    if (!Best || Rank < *Best)
      Best = Rank;
  };
  for (const PlatformTag &Plat : Tags.Platform) {
    bool IsAny = Plat.Kind == PlatformTagKind::Any;
    std::optional<unsigned> PlatIndex;
    if (!IsAny) {
      PlatIndex = Plats.lookup(Plat, Target.Arch);
      if (!PlatIndex)
        continue;
    }
    for (const PythonTag &Py : Tags.Python) {
      bool IsOwnCPython = Py.TagKind == PythonTag::Kind::CPython &&
                          Py.Major == 3 && Py.Minor && *Py.Minor == X;
      std::optional<unsigned> Generic = GenericRank(Py);
      for (StringRef Abi : Tags.Abi) {
        if (IsAny) {
          if (Abi != "none")
            continue;
          if (IsOwnCPython)
            Offer(AnyBase);
          if (Generic)
            Offer(AnyBase + 1 + *Generic);
          continue;
        }
        unsigned Pl = *PlatIndex;
        if (IsOwnCPython && Abi == OwnAbi)
          Offer(Pl);
        else if (IsOwnCPython && Abi == "abi3")
          Offer(P + Pl);
        else if (IsOwnCPython && Abi == "none")
          Offer(2 * P + Pl);
        else if (Abi == "abi3" && Py.TagKind == PythonTag::Kind::CPython &&
                 Py.Major == 3 && Py.Minor && *Py.Minor >= 2 && *Py.Minor < X)
          Offer(3 * P + (X - 1 - *Py.Minor) * P + Pl);
        if (Generic && Abi == "none")
          Offer(Base + *Generic * P + Pl);
      }
    }
  }
  return Best;
}

std::optional<size_t>
lambdaopt::selectBestWheel(ArrayRef<WheelFilename> Candidates,
                           const TagTarget &Target) {
  std::optional<size_t> BestIndex;
  unsigned BestRank = 0;
  for (size_t I = 0, E = Candidates.size(); I != E; ++I) {
    std::optional<unsigned> Rank = tagPriority(Candidates[I], Target);
    if (!Rank)
      continue;
    if (BestIndex && *Rank > BestRank)
      continue;
    if (BestIndex && *Rank == BestRank) {
      const std::optional<BuildTag> &Old = Candidates[*BestIndex].Build;
      const std::optional<BuildTag> &New = Candidates[I].Build;
      // No build tag sorts before any build tag.
      bool NewIsHigher = New && (!Old || *Old < *New);
      if (!NewIsHigher)
        continue;
    }
    BestIndex = I;
    BestRank = *Rank;
  }
  return BestIndex;
}

std::optional<GlibcVersion>
lambdaopt::getMinimumGlibc(const WheelFilename &Wheel) {
  std::optional<GlibcVersion> Min;
  for (const std::string &Tag : Wheel.PlatformTags) {
    PlatformTag P = classifyPlatformTag(Tag);
    if (P.Kind != PlatformTagKind::Manylinux)
      continue;
    if (!Min || P.Glibc < *Min)
      Min = P.Glibc;
  }
  return Min;
}

//===----------------------------------------------------------------------===//
// Explanations
//===----------------------------------------------------------------------===//

static std::string joinSorted(SmallVectorImpl<std::string> &Items) {
  llvm::sort(Items);
  Items.erase(std::unique(Items.begin(), Items.end()), Items.end());
  return join(Items, ", ");
}

static std::optional<Incompatibility>
explainPlatform(const WheelFilename &Wheel, const TagTarget &Target) {
  PlatformList Plats(Target);
  StringRef OwnArch = getArchName(Target.Arch);
  std::optional<GlibcVersion> NeededGlibc;
  std::string NeededTag;
  SmallVector<std::string, 2> OtherArches;
  bool HasLocalLinux = false, HasMusl = false, HasMac = false,
       HasWindows = false;
  for (const std::string &Tag : Wheel.PlatformTags) {
    PlatformTag P = classifyPlatformTag(Tag);
    if (P.Kind == PlatformTagKind::Any || Plats.lookup(P, Target.Arch))
      return std::nullopt;
    switch (P.Kind) {
    case PlatformTagKind::Manylinux:
      if (P.Arch != OwnArch) {
        OtherArches.push_back(P.Arch);
        break;
      }
      if (GlibcVersion{Target.GlibcMajor, Target.GlibcMinor} < P.Glibc &&
          (!NeededGlibc || P.Glibc < *NeededGlibc)) {
        NeededGlibc = P.Glibc;
        NeededTag = "manylinux_" + std::to_string(P.Glibc.Major) + "_" +
                    std::to_string(P.Glibc.Minor);
      }
      break;
    case PlatformTagKind::Linux:
      if (P.Arch != OwnArch)
        OtherArches.push_back(P.Arch);
      else
        HasLocalLinux = true;
      break;
    case PlatformTagKind::Musllinux:
      HasMusl = true;
      break;
    case PlatformTagKind::MacOS:
      HasMac = true;
      break;
    case PlatformTagKind::Windows:
      HasWindows = true;
      break;
    case PlatformTagKind::Any:
    case PlatformTagKind::Other:
      break;
    }
  }
  std::string Py = "python3." + std::to_string(Target.PythonMinor);
  if (NeededGlibc)
    return Incompatibility{IncompatibilityKind::GlibcTooOld,
                           "needs glibc " + std::to_string(NeededGlibc->Major) +
                               "." + std::to_string(NeededGlibc->Minor) + " (" +
                               NeededTag + "); " + Py + " runs glibc " +
                               std::to_string(Target.GlibcMajor) + "." +
                               std::to_string(Target.GlibcMinor)};
  if (HasLocalLinux)
    return Incompatibility{IncompatibilityKind::LocalLinuxBuild,
                           "built locally for linux_" + OwnArch.str() +
                               " (not a portable manylinux wheel)"};
  if (!OtherArches.empty())
    return Incompatibility{IncompatibilityKind::Architecture,
                           "built for " + joinSorted(OtherArches)};
  if (HasMusl)
    return Incompatibility{IncompatibilityKind::Musllinux,
                           "musllinux (Alpine) only"};
  if (HasMac)
    return Incompatibility{IncompatibilityKind::MacOS, "macOS only"};
  if (HasWindows)
    return Incompatibility{IncompatibilityKind::Windows, "Windows only"};
  return Incompatibility{
      IncompatibilityKind::OtherPlatform,
      "no platform tag in '" + join(Wheel.PlatformTags, ".") +
          "' runs on manylinux " + OwnArch.str() + " with glibc " +
          std::to_string(Target.GlibcMajor) + "." +
          std::to_string(Target.GlibcMinor)};
}

static std::optional<Incompatibility>
explainInterpreter(const WheelFilename &Wheel, const TagTarget &Target) {
  const unsigned X = Target.PythonMinor;
  SmallVector<std::string, 2> Impls, FreeThreaded, Exact;
  std::optional<unsigned> Abi3Min;
  bool OnlyPython2 = true;
  for (const std::string &Py : Wheel.PythonTags) {
    StringRef T = Py;
    if (T.startswith("pp") || T.startswith("pypy"))
      Impls.push_back("PyPy");
    else if (T.startswith("graalpy"))
      Impls.push_back("GraalPy");
    else if (T.startswith("ip"))
      Impls.push_back("IronPython");
    else if (T.startswith("jy"))
      Impls.push_back("Jython");
    PythonTag P = classifyPythonTag(T);
    if (P.TagKind == PythonTag::Kind::Other || P.Major != 2)
      OnlyPython2 = false;
    if (P.TagKind != PythonTag::Kind::CPython || P.Major != 3 || !P.Minor)
      continue;
    for (const std::string &Abi : Wheel.AbiTags) {
      std::string Own = "cp3" + std::to_string(*P.Minor);
      if (Abi == Own + "t")
        FreeThreaded.push_back("3." + std::to_string(*P.Minor));
      else if (Abi == Own)
        Exact.push_back("3." + std::to_string(*P.Minor));
      else if (Abi == "abi3" && *P.Minor > X &&
               (!Abi3Min || *P.Minor < *Abi3Min))
        Abi3Min = *P.Minor;
    }
  }
  std::string Runs = "the target runs CPython 3." + std::to_string(X);
  if (!Impls.empty())
    return Incompatibility{IncompatibilityKind::Implementation,
                           "built for " + joinSorted(Impls) + " only"};
  if (!FreeThreaded.empty() && Exact.empty())
    return Incompatibility{IncompatibilityKind::FreeThreaded,
                           "built for free-threaded CPython " +
                               joinSorted(FreeThreaded) +
                               " only; Lambda runtimes are not free-threaded"};
  if (Abi3Min)
    return Incompatibility{IncompatibilityKind::PythonVersion,
                           "needs CPython 3." + std::to_string(*Abi3Min) +
                               " or newer (abi3); " + Runs};
  if (!Exact.empty())
    return Incompatibility{IncompatibilityKind::PythonVersion,
                           "built for CPython " + joinSorted(Exact) + " only"};
  if (OnlyPython2)
    return Incompatibility{IncompatibilityKind::PythonVersion,
                           "built for Python 2 only"};
  return Incompatibility{IncompatibilityKind::TagCombination,
                         "no tag in '" + Wheel.getTagString() +
                             "' matches CPython 3." + std::to_string(X)};
}

std::optional<Incompatibility>
lambdaopt::explainIncompatibility(const WheelFilename &Wheel,
                                  const TagTarget &Target) {
  if (tagPriority(Wheel, Target))
    return std::nullopt;
  if (std::optional<Incompatibility> I = explainPlatform(Wheel, Target))
    return I;
  return explainInterpreter(Wheel, Target);
}
