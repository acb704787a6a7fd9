//===- lambda-opt/Diagnostics/Diagnostic.h - Lint findings -----*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// A Diagnostic is one finding of one lint rule: a rule code and name, a
// severity, a source range in the Project's SourceMgr, the package it is
// about, a message with concrete figures, notes and an optional fix hint.
// Rules are described by RuleInfo rows collected in a RuleTable (built-in
// rules come from lib/Pipeline/PassRegistry.def, plugins add their own).
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_DIAGNOSTICS_DIAGNOSTIC_H
#define LAMBDA_OPT_DIAGNOSTICS_DIAGNOSTIC_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/Optional.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/StringSaver.h"

#include <string>
#include <vector>

namespace lambdaopt {

/// How serious a finding is; ordered so that a larger value is worse.
enum class Severity : uint8_t { Note, Warning, Error };

/// "note", "warning" or "error".
llvm::StringRef getSeverityName(Severity S);

/// Parses "note", "warning" or "error".
llvm::Optional<Severity> parseSeverity(llvm::StringRef Name);

/// The static description of a lint rule.
struct RuleInfo {
  llvm::StringRef Code; ///< "LO301": LO + three digits.
  llvm::StringRef Name; ///< "missing-hash": a kebab-case slug.
  Severity DefaultSeverity = Severity::Warning;
  llvm::StringRef Group;   ///< "hygiene", "wheels", ...: a selector too.
  llvm::StringRef Pass;    ///< The pipeline name of the pass reporting it.
  llvm::StringRef Summary; ///< One line, used by --print-passes and SARIF.
  llvm::StringRef Documentation; ///< Markdown for --explain; may be empty.
};

/// True when \p Code is "LO" followed by exactly three digits.
bool isValidRuleCode(llvm::StringRef Code);

/// The set of known rules, kept sorted by code.
class RuleTable {
public:
  RuleTable() : Saver(Alloc) {}
  RuleTable(const RuleTable &) = delete;
  RuleTable &operator=(const RuleTable &) = delete;

  /// Adds \p R, copying its strings. Fails on a malformed or duplicate code
  /// or a duplicate name.
  llvm::Error addRule(const RuleInfo &R);

  /// Finds a rule by code ("LO301") or name ("missing-hash").
  const RuleInfo *lookup(llvm::StringRef CodeOrName) const;

  /// Every rule, sorted by code.
  llvm::ArrayRef<RuleInfo> getRules() const { return Rules; }

  /// The index of \p Code in getRules(), or -1.
  int getIndex(llvm::StringRef Code) const;

private:
  llvm::BumpPtrAllocator Alloc;
  llvm::StringSaver Saver;
  std::vector<RuleInfo> Rules;
};

/// One finding.
struct Diagnostic {
  std::string Code; ///< Rule code, e.g. "LO301".
  std::string Name; ///< Rule name, e.g. "missing-hash".
  Severity Level = Severity::Warning;
  /// The primary location (SMRange into the Project's SourceMgr); may be
  /// invalid for a finding about the whole project.
  llvm::SMRange Range;
  std::string Package; ///< Normalized package name; empty if none.
  std::string Message;
  std::vector<std::string> Notes; ///< E.g. "app → fastapi → pydantic-core".
  std::string FixHint;            ///< Empty when there is no hint.
};

} // namespace lambdaopt

#endif // LAMBDA_OPT_DIAGNOSTICS_DIAGNOSTIC_H
