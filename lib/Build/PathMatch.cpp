//===- PathMatch.cpp - Path wildcards and .gitignore rules ----------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "PathMatch.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

using namespace llvm;
using namespace lambdaopt;
using namespace lambdaopt::build;

/// Matches one character class starting at Pat[0] == '['; advances Pat past
/// it. Returns false when \p C is not in the class.
static bool matchClass(StringRef &Pat, char C) {
  size_t I = 1;
  bool Negate = false;
  if (I < Pat.size() && (Pat[I] == '!' || Pat[I] == '^')) {
    Negate = true;
    ++I;
  }
  bool Found = false;
  bool First = true;
  for (; I < Pat.size() && (First || Pat[I] != ']'); ++I, First = false) {
    if (I + 2 < Pat.size() && Pat[I + 1] == '-' && Pat[I + 2] != ']') {
      Found |= Pat[I] <= C && C <= Pat[I + 2];
      I += 2;
      continue;
    }
    Found |= Pat[I] == C;
  }
  if (I >= Pat.size()) {
    // No closing bracket: a literal '['.
    Pat = Pat.drop_front(1);
    return C == '[';
  }
  Pat = Pat.drop_front(I + 1);
  return Found != Negate;
}

/// Matches one path segment against one pattern segment (no '/').
static bool matchSegment(StringRef Pat, StringRef Str) {
  while (!Pat.empty()) {
    char P = Pat.front();
    if (P == '*') {
      Pat = Pat.drop_while([](char C) { return C == '*'; });
      if (Pat.empty())
        return true;
      for (size_t I = 0; I <= Str.size(); ++I)
        if (matchSegment(Pat, Str.drop_front(I)))
          return true;
      return false;
    }
    if (Str.empty())
      return false;
    if (P == '?') {
      Pat = Pat.drop_front();
    } else if (P == '[') {
      if (!matchClass(Pat, Str.front()))
        return false;
    } else {
      if (P == '\\' && Pat.size() > 1) {
        Pat = Pat.drop_front();
        P = Pat.front();
      }
      if (P != Str.front())
        return false;
      Pat = Pat.drop_front();
    }
    Str = Str.drop_front();
  }
  return Str.empty();
}

static bool matchSegments(ArrayRef<StringRef> Pat, ArrayRef<StringRef> Str) {
  if (Pat.empty())
    return Str.empty();
  if (Pat.front() == "**") {
    for (size_t I = 0; I <= Str.size(); ++I)
      if (matchSegments(Pat.drop_front(), Str.drop_front(I)))
        return true;
    return false;
  }
  if (Str.empty() || !matchSegment(Pat.front(), Str.front()))
    return false;
  return matchSegments(Pat.drop_front(), Str.drop_front());
}

bool build::matchPathWildcard(StringRef Pattern, StringRef Path) {
  SmallVector<StringRef, 8> Pat, Str;
  Pattern.split(Pat, '/', -1, /*KeepEmpty=*/false);
  Path.split(Str, '/', -1, /*KeepEmpty=*/false);
  return matchSegments(Pat, Str);
}

void GitIgnoreList::addLines(StringRef Text) {
  SmallVector<StringRef, 16> Lines;
  Text.split(Lines, '\n');
  for (StringRef Line : Lines)
    add(Line);
}

void GitIgnoreList::add(StringRef Line) {
  Line = Line.rtrim("\r");
  // Trailing spaces go unless escaped.
  while (Line.endswith(" ") && !Line.endswith("\\ "))
    Line = Line.drop_back();
  if (Line.empty() || Line.startswith("#"))
    return;
  Pattern P;
  if (Line.consume_front("!"))
    P.Negated = true;
  else
    Line.consume_front("\\");
  if (Line.endswith("/")) {
    P.DirOnly = true;
    Line = Line.rtrim('/');
  }
  if (Line.empty())
    return;
  // A slash at the start or in the middle anchors the pattern at the root.
  P.Anchored = Line.contains('/');
  Line.consume_front("/");
  P.Glob = Line.str();
  Patterns.push_back(std::move(P));
}

bool GitIgnoreList::matches(StringRef Path) const {
  SmallVector<StringRef, 8> Parts;
  Path.split(Parts, '/', -1, /*KeepEmpty=*/false);
  bool Matched = false;
  for (const Pattern &P : Patterns) {
    SmallVector<StringRef, 8> Pat;
    StringRef(P.Glob).split(Pat, '/', -1, /*KeepEmpty=*/false);
    bool Hit = false;
    // A match on a folder above the file matches the file too; a match on
    // the file itself only when the pattern is not for folders.
    for (size_t N = 1; N <= Parts.size() && !Hit; ++N) {
      bool IsFile = N == Parts.size();
      if (IsFile && P.DirOnly)
        break;
      ArrayRef<StringRef> Prefix(Parts.data(), N);
      if (P.Anchored)
        Hit = matchSegments(Pat, Prefix);
      else
        Hit = matchSegment(P.Glob, Prefix.back());
    }
    if (Hit)
      Matched = !P.Negated;
  }
  return Matched;
}
