//===- lambda-opt/Standards/Wheel.h - Wheel names and tags -----*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Wheel file names (PEP 427), their PEP 425 compatibility tags, and whether
/// and how well a wheel fits a CPython 3.X manylinux target such as an AWS
/// Lambda runtime. The preference order is the one PyPA `packaging` (and so
/// pip) produces for CPython: `cp3X-cp3X-<plat>` first, then `cp3X-abi3`,
/// `cp3X-none`, older `abi3` builds newest first, `py3*-none-<plat>`, and
/// `*-none-any` last; within each group the newest manylinux tag wins.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_STANDARDS_WHEEL_H
#define LAMBDA_OPT_STANDARDS_WHEEL_H

#include "lambda-opt/Standards/Version.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace lambdaopt {

/// CPU architectures Lambda offers.
enum class ArchKind : uint8_t { X86_64, AArch64 };

/// The wheel / platform_machine spelling: "x86_64" or "aarch64".
llvm::StringRef getArchName(ArchKind Arch);

/// A glibc version such as 2.26.
struct GlibcVersion {
  unsigned Major = 2;
  unsigned Minor = 0;
  friend bool operator<(GlibcVersion A, GlibcVersion B) {
    return A.Major != B.Major ? A.Major < B.Major : A.Minor < B.Minor;
  }
  friend bool operator==(GlibcVersion A, GlibcVersion B) {
    return A.Major == B.Major && A.Minor == B.Minor;
  }
};

/// An optional wheel build tag: a number and an optional suffix ("2",
/// "1abc"). Wheels with a higher build tag win ties.
struct BuildTag {
  uint64_t Number = 0;
  std::string Suffix;
  friend bool operator<(const BuildTag &A, const BuildTag &B) {
    return A.Number != B.Number ? A.Number < B.Number : A.Suffix < B.Suffix;
  }
};

/// A parsed wheel file name:
/// `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`.
struct WheelFilename {
  std::string Name;        ///< As spelled, e.g. "torch".
  std::string VersionText; ///< As spelled (after percent-decoding).
  Version Ver;
  std::optional<BuildTag> Build;
  /// The compressed tag sets, split on '.', lowercased.
  llvm::SmallVector<std::string, 1> PythonTags;
  llvm::SmallVector<std::string, 1> AbiTags;
  llvm::SmallVector<std::string, 2> PlatformTags;

  /// Parses \p FileName (no directory part). Percent-escapes such as `%2B`
  /// are decoded first.
  static llvm::Expected<WheelFilename> parse(llvm::StringRef FileName);

  /// The PEP 503 normalized distribution name.
  std::string getNormalizedName() const;
  /// The tag triple part, e.g. "cp312-cp312-manylinux_2_17_x86_64".
  std::string getTagString() const;
};

/// What a platform tag says about where a wheel runs.
enum class PlatformTagKind : uint8_t {
  Any,
  Manylinux,
  Musllinux,
  Linux, ///< linux_<arch>: built locally, not portable.
  MacOS,
  Windows,
  Other,
};

/// A classified platform tag. Legacy manylinux1/2010/2014 are mapped to
/// glibc 2.5/2.12/2.17.
struct PlatformTag {
  PlatformTagKind Kind = PlatformTagKind::Other;
  std::string Arch;   ///< e.g. "x86_64"; empty for Any.
  GlibcVersion Glibc; ///< Manylinux only (musl version for Musllinux).
  bool IsLegacyAlias = false;
};

PlatformTag classifyPlatformTag(llvm::StringRef Tag);

/// The runtime a wheel must run on: CPython 3.PythonMinor on glibc Linux.
struct TagTarget {
  unsigned PythonMinor = 12;
  ArchKind Arch = ArchKind::X86_64;
  unsigned GlibcMajor = 2;
  unsigned GlibcMinor = 34;
};

/// A python tag: "cp312" -> {CPython, 3, 12}; "py3" -> {Generic, 3, none}.
struct PythonTag {
  enum class Kind { CPython, Generic, Other } TagKind = Kind::Other;
  unsigned Major = 0;
  std::optional<unsigned> Minor;
};

PythonTag classifyPythonTag(llvm::StringRef Tag);

/// The tags of a wheel file name, classified once. Scans that rank the same
/// wheels for many targets (the explanations of wheel-availability try every
/// CPython minor on both architectures) use it instead of re-reading the tag
/// strings on each call. Refers to \p Wheel's ABI tags: keep it alive.
struct WheelTags {
  llvm::SmallVector<PythonTag, 1> Python;
  llvm::SmallVector<llvm::StringRef, 1> Abi;
  llvm::SmallVector<PlatformTag, 2> Platform;

  explicit WheelTags(const WheelFilename &Wheel);
};

/// The rank of the best tag of \p Wheel for \p Target (lower is preferred),
/// or std::nullopt if no tag is compatible. The ranks equal positions in the
/// ordered tag list `packaging.tags` builds for CPython 3.X with the manylinux
/// platforms the target's glibc allows (linux_<arch> excluded).
std::optional<unsigned> tagPriority(const WheelFilename &Wheel,
                                    const TagTarget &Target);
std::optional<unsigned> tagPriority(const WheelTags &Tags,
                                    const TagTarget &Target);

/// The index of the preferred compatible wheel among \p Candidates: lowest
/// tagPriority, then highest build tag, then first. std::nullopt if none is
/// compatible.
std::optional<size_t> selectBestWheel(llvm::ArrayRef<WheelFilename> Candidates,
                                      const TagTarget &Target);

/// The lowest glibc that any manylinux platform tag of \p Wheel needs, or
/// std::nullopt if the wheel has no manylinux tag.
std::optional<GlibcVersion> getMinimumGlibc(const WheelFilename &Wheel);

/// Why a wheel cannot be used on a target.
enum class IncompatibilityKind : uint8_t {
  GlibcTooOld,     ///< manylinux tag newer than the target's glibc
  Architecture,    ///< built for another CPU
  LocalLinuxBuild, ///< linux_<arch>: a non-portable local build
  Musllinux,
  MacOS,
  Windows,
  OtherPlatform,
  PythonVersion,  ///< built for other CPython versions
  FreeThreaded,   ///< cp3XYt ABI
  Implementation, ///< PyPy, GraalPy, ...
  TagCombination, ///< each tag part fits but no combination does
};

struct Incompatibility {
  IncompatibilityKind Kind;
  std::string Message; ///< e.g. "built for CPython 3.12 only"
};

/// Explains, in words for a user, why \p Wheel does not fit \p Target, or
/// returns std::nullopt if it does. Platform problems are reported before
/// interpreter problems.
std::optional<Incompatibility>
explainIncompatibility(const WheelFilename &Wheel, const TagTarget &Target);

} // namespace lambdaopt

#endif // LAMBDA_OPT_STANDARDS_WHEEL_H
