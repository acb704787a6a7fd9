//===- lambda-opt/Standards/Version.h - PEP 440 versions -------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// PEP 440 version numbers and version specifiers. The comparison rules match
/// PyPA's `packaging` library (the reference implementation), including local
/// versions and the exclusive-ordered-comparison special cases.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_STANDARDS_VERSION_H
#define LAMBDA_OPT_STANDARDS_VERSION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace lambdaopt {

/// A parsed PEP 440 version such as `1!2.0.3rc1.post2.dev4+ubuntu.1`.
class Version {
public:
  /// The pre-release phase of a version.
  enum class PreKind : uint8_t { Alpha, Beta, RC };

  /// One dot-separated segment of a local version label. Numeric segments
  /// sort after alphanumeric ones.
  struct LocalSegment {
    bool IsNumber = false;
    uint64_t Number = 0;
    std::string Text; ///< Lowercased; empty when IsNumber.
  };

  /// Parses \p Text (surrounding whitespace and a leading `v` are allowed).
  /// The error names the offending column (1-based).
  static llvm::Expected<Version> parse(llvm::StringRef Text);

  /// Builds a plain release version such as 3.12 or 3.12.4.
  static Version fromRelease(llvm::ArrayRef<uint64_t> Release);

  uint64_t getEpoch() const { return Epoch; }
  llvm::ArrayRef<uint64_t> getRelease() const { return Release; }
  /// Release components with a missing component reading as 0.
  uint64_t getReleaseComponent(unsigned Index) const {
    return Index < Release.size() ? Release[Index] : 0;
  }
  uint64_t getMajor() const { return getReleaseComponent(0); }
  uint64_t getMinor() const { return getReleaseComponent(1); }
  uint64_t getMicro() const { return getReleaseComponent(2); }

  bool hasPre() const { return HasPre; }
  PreKind getPreKind() const { return Pre; }
  uint64_t getPreNumber() const { return PreNumber; }
  std::optional<uint64_t> getPost() const {
    return HasPost ? std::optional<uint64_t>(Post) : std::nullopt;
  }
  std::optional<uint64_t> getDev() const {
    return HasDev ? std::optional<uint64_t>(Dev) : std::nullopt;
  }
  llvm::ArrayRef<LocalSegment> getLocal() const { return Local; }

  /// True for alpha, beta, release-candidate and development releases.
  bool isPrerelease() const { return HasPre || HasDev; }
  bool isPostrelease() const { return HasPost; }
  bool isDevrelease() const { return HasDev; }
  bool hasLocal() const { return !Local.empty(); }

  /// The canonical spelling, e.g. `1.0a1.post2.dev3+abc.7`.
  std::string str() const;
  /// The version without its local label.
  Version getPublic() const;
  /// Epoch and release only, e.g. `1!2.0` for `1!2.0rc1+x`.
  Version getBase() const;

  /// Three-way comparison following PEP 440 (and `packaging`) ordering:
  /// trailing zero release components are insignificant, dev < pre < final <
  /// post, and a local label sorts after the same public version.
  int compare(const Version &Other) const;

  friend bool operator==(const Version &A, const Version &B) {
    return A.compare(B) == 0;
  }
  friend bool operator!=(const Version &A, const Version &B) {
    return A.compare(B) != 0;
  }
  friend bool operator<(const Version &A, const Version &B) {
    return A.compare(B) < 0;
  }
  friend bool operator<=(const Version &A, const Version &B) {
    return A.compare(B) <= 0;
  }
  friend bool operator>(const Version &A, const Version &B) {
    return A.compare(B) > 0;
  }
  friend bool operator>=(const Version &A, const Version &B) {
    return A.compare(B) >= 0;
  }

private:
  friend class Specifier;
  /// Parses \p Text, which sits at \p ColumnBase within \p Whole; errors
  /// read "invalid <Kind> '<Whole>': ... at column N".
  static llvm::Expected<Version> parseImpl(llvm::StringRef Text,
                                           unsigned ColumnBase,
                                           llvm::StringRef Kind,
                                           llvm::StringRef Whole);

  uint64_t Epoch = 0;
  llvm::SmallVector<uint64_t, 4> Release;
  bool HasPre = false, HasPost = false, HasDev = false;
  PreKind Pre = PreKind::Alpha;
  uint64_t PreNumber = 0, Post = 0, Dev = 0;
  llvm::SmallVector<LocalSegment, 0> Local;
};

/// One clause of a specifier set, e.g. `>=3.10` or `==3.12.*`.
class Specifier {
public:
  enum class OperatorKind : uint8_t {
    Compatible,     ///< ~=
    Equal,          ///< ==
    NotEqual,       ///< !=
    LessEqual,      ///< <=
    GreaterEqual,   ///< >=
    Less,           ///< <
    Greater,        ///< >
    ArbitraryEqual, ///< ===
  };

  /// Parses one clause such as `>= 3.10`.
  static llvm::Expected<Specifier> parse(llvm::StringRef Text);

  OperatorKind getOperator() const { return Op; }
  /// The version operand (unset for `===`).
  const Version &getVersion() const { return V; }
  /// True for `==X.*` and `!=X.*`.
  bool isWildcard() const { return Wildcard; }
  /// True if the operand is itself a pre-release under an inclusive operator,
  /// which per PEP 440 opts the clause into matching pre-releases.
  bool mentionsPrerelease() const;

  /// Whether \p Candidate satisfies this clause (pre-releases not filtered).
  bool contains(const Version &Candidate) const;

  /// The canonical spelling, e.g. `>=3.10`.
  std::string str() const;

private:
  friend class SpecifierSet;
  /// Parses \p Piece, found at \p ColumnBase within \p Whole (quoted in
  /// errors).
  static llvm::Expected<Specifier>
  parseImpl(llvm::StringRef Piece, unsigned ColumnBase, llvm::StringRef Whole);

  OperatorKind Op = OperatorKind::Equal;
  bool Wildcard = false;
  Version V;
  std::string Arbitrary; ///< The operand of `===`, verbatim.
};

/// A comma-separated conjunction of specifiers, e.g. `>=3.10, <3.14`. The
/// empty set matches every version.
class SpecifierSet {
public:
  static llvm::Expected<SpecifierSet> parse(llvm::StringRef Text);

  llvm::ArrayRef<Specifier> getSpecifiers() const { return Specs; }
  bool empty() const { return Specs.empty(); }

  /// Whether \p V satisfies every clause. With \p AllowPrereleases false a
  /// pre-release only matches when some clause mentions a pre-release (the
  /// PEP 440 default for installers).
  bool contains(const Version &V, bool AllowPrereleases = true) const;

  /// The clauses joined by `, ` in their original order.
  std::string str() const;

private:
  llvm::SmallVector<Specifier, 2> Specs;
};

} // namespace lambdaopt

#endif // LAMBDA_OPT_STANDARDS_VERSION_H
