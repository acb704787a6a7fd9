//===- Version.cpp - PEP 440 versions and specifiers ----------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Standards/Version.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace lambdaopt;

namespace {

bool isSeparator(char C) { return C == '-' || C == '_' || C == '.'; }

StringRef trimSpace(StringRef S) { return S.trim(StringRef(" \t\n\r\f\v", 6)); }

/// A cursor over the (lowercased) text of a version, reporting columns
/// relative to the original string.
class VersionLexer {
public:
  VersionLexer(StringRef Lower, unsigned ColumnBase)
      : Text(Lower), ColumnBase(ColumnBase) {}

  bool atEnd() const { return Pos >= Text.size(); }
  char peek(unsigned Ahead = 0) const {
    return Pos + Ahead < Text.size() ? Text[Pos + Ahead] : '\0';
  }
  unsigned column() const { return ColumnBase + Pos + 1; }
  size_t Pos = 0;
  StringRef Text;
  unsigned ColumnBase;

  bool consume(StringRef Word) {
    if (!Text.substr(Pos).startswith(Word))
      return false;
    Pos += Word.size();
    return true;
  }
  bool consumeSeparator() {
    if (!isSeparator(peek()))
      return false;
    ++Pos;
    return true;
  }
  /// Reads a run of digits. Returns false (without moving) if there is none.
  bool readNumber(uint64_t &Out, bool &Overflow) {
    size_t Start = Pos;
    while (isDigit(peek()))
      ++Pos;
    if (Pos == Start)
      return false;
    // Leading zeros are fine for getAsInteger; it fails only on overflow.
    Overflow = Text.slice(Start, Pos).getAsInteger(10, Out);
    return true;
  }
};

} // namespace

static Error makeParseError(StringRef Kind, StringRef Whole, const Twine &What,
                            unsigned Column) {
  return createStringError(
      inconvertibleErrorCode(), "invalid %s '%s': %s at column %u",
      Kind.str().c_str(), Whole.str().c_str(), What.str().c_str(), Column);
}

Expected<Version> Version::parse(StringRef Text) {
  return parseImpl(Text, 0, "version", Text);
}

Expected<Version> Version::parseImpl(StringRef Original, unsigned ColumnBase,
                                     StringRef Kind, StringRef Whole) {
  auto makeVersionError = [&](const Twine &What, unsigned Column) {
    return makeParseError(Kind, Whole, What, Column);
  };
  size_t Lead = ColumnBase;
  for (char C : Original) {
    if (!isSpace(C))
      break;
    ++Lead;
  }
  StringRef Trimmed = trimSpace(Original);
  if (Trimmed.empty())
    return makeVersionError("expected a version", ColumnBase + 1);
  std::string Lower = Trimmed.lower();
  VersionLexer L(Lower, Lead);
  Version V;
  bool Overflow = false;
  auto TooLarge = [&](unsigned Column) {
    return makeVersionError("number too large", Column);
  };

  L.consume("v");
  uint64_t N = 0;
  unsigned NumberColumn = L.column();
  if (!L.readNumber(N, Overflow))
    return makeVersionError("expected a release number", L.column());
  if (Overflow)
    return TooLarge(NumberColumn);
  if (L.peek() == '!') {
    V.Epoch = N;
    ++L.Pos;
    NumberColumn = L.column();
    if (!L.readNumber(N, Overflow))
      return makeVersionError("expected a release number after the epoch",
                              L.column());
    if (Overflow)
      return TooLarge(NumberColumn);
  }
  V.Release.push_back(N);
  while (L.peek() == '.' && isDigit(L.peek(1))) {
    ++L.Pos;
    NumberColumn = L.column();
    L.readNumber(N, Overflow);
    if (Overflow)
      return TooLarge(NumberColumn);
    V.Release.push_back(N);
  }

  // Pre-release: [-_.]? (alpha|a|beta|b|preview|pre|c|rc) [-_.]? N?
  {
    size_t Save = L.Pos;
    L.consumeSeparator();
    static constexpr struct {
      const char *Word;
      PreKind Kind;
    } PreWords[] = {{"alpha", PreKind::Alpha}, {"a", PreKind::Alpha},
                    {"beta", PreKind::Beta},   {"b", PreKind::Beta},
                    {"preview", PreKind::RC},  {"pre", PreKind::RC},
                    {"c", PreKind::RC},        {"rc", PreKind::RC}};
    bool Found = false;
    for (const auto &W : PreWords) {
      if (!L.consume(W.Word))
        continue;
      Found = true;
      V.HasPre = true;
      V.Pre = W.Kind;
      break;
    }
    if (Found) {
      // The separator is consumed even without a number ("1.0a." is 1.0a0).
      L.consumeSeparator();
      NumberColumn = L.column();
      if (L.readNumber(V.PreNumber, Overflow) && Overflow)
        return TooLarge(NumberColumn);
    } else {
      L.Pos = Save;
    }
  }

  // Post-release: -N | [-_.]? (post|rev|r) [-_.]? N?
  {
    size_t Save = L.Pos;
    if (L.peek() == '-' && isDigit(L.peek(1))) {
      ++L.Pos;
      NumberColumn = L.column();
      L.readNumber(V.Post, Overflow);
      if (Overflow)
        return TooLarge(NumberColumn);
      V.HasPost = true;
    } else {
      L.consumeSeparator();
      if (L.consume("post") || L.consume("rev") || L.consume("r")) {
        V.HasPost = true;
        L.consumeSeparator();
        NumberColumn = L.column();
        if (L.readNumber(V.Post, Overflow) && Overflow)
          return TooLarge(NumberColumn);
      } else {
        L.Pos = Save;
      }
    }
  }

  // Development release: [-_.]? dev [-_.]? N?
  {
    size_t Save = L.Pos;
    L.consumeSeparator();
    if (L.consume("dev")) {
      V.HasDev = true;
      L.consumeSeparator();
      NumberColumn = L.column();
      if (L.readNumber(V.Dev, Overflow) && Overflow)
        return TooLarge(NumberColumn);
    } else {
      L.Pos = Save;
    }
  }

  // Local version label: + [a-z0-9]+ ([-_.][a-z0-9]+)*
  if (L.peek() == '+') {
    ++L.Pos;
    while (true) {
      size_t Start = L.Pos;
      while (isAlnum(L.peek()))
        ++L.Pos;
      if (L.Pos == Start)
        return makeVersionError("expected a local version segment", L.column());
      StringRef Segment = StringRef(Lower).slice(Start, L.Pos);
      LocalSegment Seg;
      if (all_of(Segment, isDigit)) {
        Seg.IsNumber = true;
        if (Segment.getAsInteger(10, Seg.Number))
          return TooLarge(Lead + Start + 1);
      } else {
        Seg.Text = Segment.str();
      }
      V.Local.push_back(std::move(Seg));
      if (!isSeparator(L.peek()))
        break;
      ++L.Pos;
    }
  }

  if (!L.atEnd())
    return makeVersionError(Twine("unexpected '") + Twine(Trimmed[L.Pos]) + "'",
                            L.column());
  return V;
}

Version Version::fromRelease(ArrayRef<uint64_t> Release) {
  Version V;
  V.Release.assign(Release.begin(), Release.end());
  if (V.Release.empty())
    V.Release.push_back(0);
  return V;
}

std::string Version::str() const {
  std::string Out;
  raw_string_ostream OS(Out);
  if (Epoch)
    OS << Epoch << '!';
  ListSeparator Dot(".");
  for (uint64_t N : Release)
    OS << Dot << N;
  if (HasPre) {
    static constexpr const char *PreNames[] = {"a", "b", "rc"};
    OS << PreNames[static_cast<unsigned>(Pre)] << PreNumber;
  }
  if (HasPost)
    OS << ".post" << Post;
  if (HasDev)
    OS << ".dev" << Dev;
  if (!Local.empty()) {
    OS << '+';
    ListSeparator LocalDot(".");
    for (const LocalSegment &S : Local) {
      OS << LocalDot;
      if (S.IsNumber)
        OS << S.Number;
      else
        OS << S.Text;
    }
  }
  return OS.str();
}

Version Version::getPublic() const {
  Version V = *this;
  V.Local.clear();
  return V;
}

Version Version::getBase() const {
  Version V;
  V.Epoch = Epoch;
  V.Release = Release;
  return V;
}

template <typename T> static int cmp3(const T &A, const T &B) {
  if (A < B)
    return -1;
  return B < A ? 1 : 0;
}

int Version::compare(const Version &Other) const {
  if (int C = cmp3(Epoch, Other.Epoch))
    return C;
  size_t N = std::max(Release.size(), Other.Release.size());
  for (size_t I = 0; I != N; ++I)
    if (int C = cmp3(getReleaseComponent(I), Other.getReleaseComponent(I)))
      return C;

  // Pre-release key: a bare dev release sorts before any pre-release, and a
  // version without a pre-release after all of them.
  auto PreRank = [](const Version &V) {
    if (!V.HasPre && !V.HasPost && V.HasDev)
      return 0;
    return V.HasPre ? 1 : 2;
  };
  if (int C = cmp3(PreRank(*this), PreRank(Other)))
    return C;
  if (HasPre && Other.HasPre) {
    if (int C =
            cmp3(static_cast<unsigned>(Pre), static_cast<unsigned>(Other.Pre)))
      return C;
    if (int C = cmp3(PreNumber, Other.PreNumber))
      return C;
  }
  if (int C = cmp3(HasPost, Other.HasPost))
    return C;
  if (HasPost)
    if (int C = cmp3(Post, Other.Post))
      return C;
  // No dev part sorts after any dev part.
  if (int C = cmp3(!HasDev, !Other.HasDev))
    return C;
  if (HasDev)
    if (int C = cmp3(Dev, Other.Dev))
      return C;

  if (int C = cmp3(!Local.empty(), !Other.Local.empty()))
    return C;
  size_t M = std::min(Local.size(), Other.Local.size());
  for (size_t I = 0; I != M; ++I) {
    const LocalSegment &A = Local[I], &B = Other.Local[I];
    if (int C = cmp3(A.IsNumber, B.IsNumber))
      return C;
    if (A.IsNumber) {
      if (int C = cmp3(A.Number, B.Number))
        return C;
      continue;
    }
    if (int C = A.Text.compare(B.Text))
      return C < 0 ? -1 : 1;
  }
  return cmp3(Local.size(), Other.Local.size());
}

//===----------------------------------------------------------------------===//
// Specifier
//===----------------------------------------------------------------------===//

namespace {
struct OperatorSpelling {
  const char *Text;
  Specifier::OperatorKind Kind;
};
// Longest spellings first so that "===" is not read as "==".
constexpr OperatorSpelling Operators[] = {
    {"===", Specifier::OperatorKind::ArbitraryEqual},
    {"~=", Specifier::OperatorKind::Compatible},
    {"==", Specifier::OperatorKind::Equal},
    {"!=", Specifier::OperatorKind::NotEqual},
    {"<=", Specifier::OperatorKind::LessEqual},
    {">=", Specifier::OperatorKind::GreaterEqual},
    {"<", Specifier::OperatorKind::Less},
    {">", Specifier::OperatorKind::Greater},
};

StringRef getOperatorSpelling(Specifier::OperatorKind Kind) {
  for (const OperatorSpelling &O : Operators)
    if (O.Kind == Kind)
      return O.Text;
  return "";
}
} // namespace

Expected<Specifier> Specifier::parse(StringRef Text) {
  return parseImpl(Text, 0, Text);
}

Expected<Specifier> Specifier::parseImpl(StringRef Piece, unsigned ColumnBase,
                                         StringRef Whole) {
  auto Fail = [&](const Twine &What, unsigned Column) {
    return makeParseError("specifier", Whole, What, Column);
  };
  size_t Lead = 0;
  while (Lead < Piece.size() && isSpace(Piece[Lead]))
    ++Lead;
  StringRef Rest = trimSpace(Piece);
  Specifier S;
  bool Found = false;
  for (const OperatorSpelling &O : Operators) {
    if (!Rest.startswith(O.Text))
      continue;
    S.Op = O.Kind;
    Rest = Rest.drop_front(strlen(O.Text));
    Lead += strlen(O.Text);
    Found = true;
    break;
  }
  if (!Found)
    return Fail("expected an operator (~=, ==, !=, <=, >=, <, >, ===)",
                ColumnBase + Lead + 1);
  while (!Rest.empty() && isSpace(Rest.front())) {
    Rest = Rest.drop_front();
    ++Lead;
  }
  unsigned VersionColumn = ColumnBase + Lead + 1;
  if (Rest.empty())
    return Fail("expected a version", VersionColumn);

  if (S.Op == OperatorKind::ArbitraryEqual) {
    for (size_t I = 0; I != Rest.size(); ++I)
      if (isSpace(Rest[I]) || Rest[I] == ';' || Rest[I] == ')')
        return Fail(Twine("unexpected '") + Twine(Rest[I]) + "'",
                    VersionColumn + I);
    S.Arbitrary = Rest.str();
    return S;
  }

  bool CanWildcard =
      S.Op == OperatorKind::Equal || S.Op == OperatorKind::NotEqual;
  if (CanWildcard && Rest.endswith(".*")) {
    S.Wildcard = true;
    Rest = Rest.drop_back(2);
  }
  Expected<Version> V =
      Version::parseImpl(Rest, VersionColumn - 1, "specifier", Whole);
  if (!V)
    return V.takeError();
  S.V = std::move(*V);
  StringRef OpText = getOperatorSpelling(S.Op);
  if (S.Wildcard &&
      (S.V.isPrerelease() || S.V.isPostrelease() || S.V.hasLocal()))
    return Fail("a '.*' suffix must follow a plain release number",
                VersionColumn + Rest.size());
  if (S.V.hasLocal() && !CanWildcard)
    return Fail(Twine("a local version is not allowed with '") + OpText + "'",
                VersionColumn);
  if (S.Op == OperatorKind::Compatible && S.V.getRelease().size() < 2)
    return Fail("'~=' needs at least two release components", VersionColumn);
  return S;
}

bool Specifier::mentionsPrerelease() const {
  switch (Op) {
  case OperatorKind::Compatible:
  case OperatorKind::Equal:
  case OperatorKind::LessEqual:
  case OperatorKind::GreaterEqual:
    return V.isPrerelease();
  case OperatorKind::ArbitraryEqual: {
    Expected<Version> Parsed = Version::parse(Arbitrary);
    if (!Parsed) {
      consumeError(Parsed.takeError());
      return false;
    }
    return Parsed->isPrerelease();
  }
  case OperatorKind::NotEqual:
  case OperatorKind::Less:
  case OperatorKind::Greater:
    return false;
  }
  return false;
}

/// `==Prefix.*`: the epoch matches and the candidate's release, padded with
/// zeros, starts with the prefix's release components.
static bool matchesPrefix(const Version &Candidate, const Version &Prefix) {
  if (Candidate.getEpoch() != Prefix.getEpoch())
    return false;
  ArrayRef<uint64_t> Want = Prefix.getRelease();
  for (unsigned I = 0, E = Want.size(); I != E; ++I)
    if (Candidate.getReleaseComponent(I) != Want[I])
      return false;
  return true;
}

bool Specifier::contains(const Version &Candidate) const {
  switch (Op) {
  case OperatorKind::ArbitraryEqual:
    return StringRef(Candidate.str()).equals_insensitive(Arbitrary);
  case OperatorKind::Equal:
  case OperatorKind::NotEqual: {
    bool Equal;
    if (Wildcard)
      Equal = matchesPrefix(Candidate, V);
    else if (V.hasLocal())
      Equal = Candidate == V;
    else
      Equal = Candidate.getPublic() == V;
    return Equal == (Op == OperatorKind::Equal);
  }
  case OperatorKind::Compatible: {
    if (Candidate.getPublic() < V)
      return false;
    Version Prefix = Version::fromRelease(V.getRelease().drop_back());
    Prefix.Epoch = V.getEpoch();
    return matchesPrefix(Candidate, Prefix);
  }
  case OperatorKind::LessEqual:
    return Candidate.getPublic() <= V;
  case OperatorKind::GreaterEqual:
    return Candidate.getPublic() >= V;
  case OperatorKind::Less:
    if (!(Candidate < V))
      return false;
    // "<3.0" must not admit 3.0rc1.
    return V.isPrerelease() || !Candidate.isPrerelease() ||
           Candidate.getBase() != V.getBase();
  case OperatorKind::Greater:
    if (!(Candidate > V))
      return false;
    // ">3.0" must admit neither 3.0.post1 nor 3.0+local.
    if (!V.isPostrelease() && Candidate.isPostrelease() &&
        Candidate.getBase() == V.getBase())
      return false;
    return !Candidate.hasLocal() || Candidate.getBase() != V.getBase();
  }
  return false;
}

std::string Specifier::str() const {
  std::string Out = getOperatorSpelling(Op).str();
  if (Op == OperatorKind::ArbitraryEqual)
    return Out + Arbitrary;
  Out += V.str();
  if (Wildcard)
    Out += ".*";
  return Out;
}

//===----------------------------------------------------------------------===//
// SpecifierSet
//===----------------------------------------------------------------------===//

Expected<SpecifierSet> SpecifierSet::parse(StringRef Text) {
  SpecifierSet Set;
  size_t Start = 0;
  while (Start <= Text.size()) {
    size_t Comma = Text.find(',', Start);
    if (Comma == StringRef::npos)
      Comma = Text.size();
    StringRef Piece = Text.slice(Start, Comma);
    if (!trimSpace(Piece).empty()) {
      Expected<Specifier> S = Specifier::parseImpl(Piece, Start, Text);
      if (!S)
        return S.takeError();
      Set.Specs.push_back(std::move(*S));
    }
    Start = Comma + 1;
  }
  return Set;
}

bool SpecifierSet::contains(const Version &V, bool AllowPrereleases) const {
  if (!AllowPrereleases && V.isPrerelease() &&
      none_of(Specs, [](const Specifier &S) { return S.mentionsPrerelease(); }))
    return false;
  return all_of(Specs, [&](const Specifier &S) { return S.contains(V); });
}

std::string SpecifierSet::str() const {
  std::string Out;
  for (const Specifier &S : Specs) {
    if (!Out.empty())
      Out += ", ";
    Out += S.str();
  }
  return Out;
}
