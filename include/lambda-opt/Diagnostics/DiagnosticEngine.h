//===- lambda-opt/Diagnostics/DiagnosticEngine.h - Findings -----*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The DiagnosticEngine collects the findings lint passes report, applies the
// rule selection (select / extend-select / ignore, by code, code prefix,
// rule name or group), the per-package ignores and --warnings-as-errors, and
// hands back a sorted list for the renderers.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_DIAGNOSTICS_DIAGNOSTICENGINE_H
#define LAMBDA_OPT_DIAGNOSTICS_DIAGNOSTICENGINE_H

#include "lambda-opt/Diagnostics/Diagnostic.h"
#include "lambda-opt/Standards/PackageName.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/SourceMgr.h"

namespace lambdaopt {

/// A rule selector as written ("LO301", "LO3", "missing-hash", "hygiene",
/// "ALL") with where it was written (invalid for the command line).
struct RuleSelector {
  std::string Text;
  llvm::SMRange Range;
};

/// `"boto3" = ["LO501"]` in per-package-ignores.
struct PackageIgnore {
  std::string Package; ///< Normalized.
  RuleSelector Selector;
};

/// What the user asked for, merged from the config file and the command
/// line (see Config.h).
struct DiagnosticOptions {
  /// When set, replaces the default selection (every rule).
  llvm::Optional<std::vector<RuleSelector>> Select;
  std::vector<RuleSelector> ExtendSelect;
  std::vector<RuleSelector> Ignore;
  std::vector<PackageIgnore> PerPackageIgnores;
  bool WarningsAsErrors = false;
};

/// The rule (registered in PassRegistry.def) that reports per-package
/// ignores that matched nothing.
constexpr llvm::StringLiteral UnusedIgnoreCode = "LO399";
constexpr llvm::StringLiteral UnusedIgnoreName = "unused-ignore";

class DiagnosticEngine {
public:
  explicit DiagnosticEngine(const RuleTable &Rules) : Rules(Rules) {}

  /// Checks every selector against the rule table and adopts \p Opts.
  /// Unknown selectors are errors (SourceErrors when they have a range).
  llvm::Error configure(const DiagnosticOptions &Opts);

  const RuleTable &getRules() const { return Rules; }

  /// Starts a finding of rule \p Code (which must be in the rule table),
  /// filled with the rule's name and default severity.
  Diagnostic create(llvm::StringRef Code, llvm::SMRange Range,
                    const llvm::Twine &Message,
                    llvm::StringRef Package = "") const;

  /// Records \p D unless its rule is not selected or the package ignores it.
  void report(Diagnostic D);

  /// True when findings of \p Code are kept (for passes that want to skip
  /// expensive work).
  bool isEnabled(llvm::StringRef Code) const;

  /// Adds a warning for every per-package ignore that suppressed nothing,
  /// then sorts the findings by file, position and code. Call once, after
  /// the pipeline ran.
  void finish(const llvm::SourceMgr &SM);

  llvm::ArrayRef<Diagnostic> getDiagnostics() const { return Diags; }
  unsigned getCount(Severity S) const;

private:
  bool matches(const RuleSelector &S, const RuleInfo &R) const;
  bool isSuppressed(const Diagnostic &D);

  const RuleTable &Rules;
  DiagnosticOptions Opts;
  std::vector<unsigned> IgnoreHits; ///< Parallel to PerPackageIgnores.
  std::vector<Diagnostic> Diags;
};

} // namespace lambdaopt

#endif // LAMBDA_OPT_DIAGNOSTICS_DIAGNOSTICENGINE_H
