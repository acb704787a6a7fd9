//===- PathMatch.h - Path wildcards and .gitignore rules --------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The two kinds of path patterns build backends use: shell wildcards on
// '/'-separated paths (`*` and `?` stay within one segment, `**` spans any
// number of segments) and .gitignore pattern lists (hatchling's include,
// exclude and VCS rules).
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_LIB_BUILD_PATHMATCH_H
#define LAMBDA_OPT_LIB_BUILD_PATHMATCH_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace lambdaopt {
namespace build {

/// True when \p Path matches \p Pattern: `*` and `?` do not match '/',
/// `[...]` is a character class (`!` or `^` negates), and a `**` segment
/// matches zero or more whole segments.
bool matchPathWildcard(llvm::StringRef Pattern, llvm::StringRef Path);

/// A list of .gitignore patterns; the last pattern that matches decides.
class GitIgnoreList {
public:
  /// Adds the lines of a .gitignore file or a list of patterns (comments,
  /// blank lines and trailing spaces are ignored).
  void addLines(llvm::StringRef Text);
  void add(llvm::StringRef Pattern);
  bool empty() const { return Patterns.empty(); }
  /// True when the file \p Path (relative, '/'-separated) is matched: by a
  /// pattern for the file itself or for any folder above it.
  bool matches(llvm::StringRef Path) const;

private:
  struct Pattern {
    std::string Glob;
    bool Negated = false;
    bool DirOnly = false;
    bool Anchored = false;
  };
  std::vector<Pattern> Patterns;
};

} // namespace build
} // namespace lambdaopt

#endif // LAMBDA_OPT_LIB_BUILD_PATHMATCH_H
