//===- DiagnosticEngine.cpp - Collecting and filtering findings -----------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/Support/SourceError.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <tuple>

using namespace llvm;
using namespace lambdaopt;

bool DiagnosticEngine::matches(const RuleSelector &S, const RuleInfo &R) const {
  StringRef Text = S.Text;
  if (Text == "ALL")
    return true;
  if (Text == R.Name || Text == R.Group)
    return true;
  // A code or a code prefix: "LO", "LO3", "LO30", "LO301".
  return Text.size() >= 2 && Text.size() <= 5 && Text.startswith("LO") &&
         all_of(Text.drop_front(2), isDigit) && R.Code.startswith(Text);
}

static Error unknownSelector(const RuleSelector &S) {
  std::string Message = "unknown rule selector '" + S.Text +
                        "' (expected a code, code prefix, rule name, group "
                        "or ALL)";
  if (S.Range.isValid())
    return makeSourceError(S.Range, Message);
  return createStringError(inconvertibleErrorCode(), Message);
}

Error DiagnosticEngine::configure(const DiagnosticOptions &NewOpts) {
  auto Check = [&](const RuleSelector &S) -> Error {
    for (const RuleInfo &R : Rules.getRules())
      if (matches(S, R))
        return Error::success();
    return unknownSelector(S);
  };
  if (NewOpts.Select)
    for (const RuleSelector &S : *NewOpts.Select)
      if (Error E = Check(S))
        return E;
  for (const RuleSelector &S : NewOpts.ExtendSelect)
    if (Error E = Check(S))
      return E;
  for (const RuleSelector &S : NewOpts.Ignore)
    if (Error E = Check(S))
      return E;
  for (const PackageIgnore &PI : NewOpts.PerPackageIgnores)
    if (Error E = Check(PI.Selector))
      return E;
  Opts = NewOpts;
  IgnoreHits.assign(Opts.PerPackageIgnores.size(), 0);
  return Error::success();
}

Diagnostic DiagnosticEngine::create(StringRef Code, SMRange Range,
                                    const Twine &Message,
                                    StringRef Package) const {
  Diagnostic D;
  D.Code = Code.str();
  D.Range = Range;
  D.Message = Message.str();
  D.Package = Package.str();
  const RuleInfo *R = Rules.lookup(Code);
  assert(R && "reporting a rule that is not registered");
  if (!R)
    return D;
  D.Name = R->Name.str();
  D.Level = R->DefaultSeverity;
  return D;
}

bool DiagnosticEngine::isEnabled(StringRef Code) const {
  const RuleInfo *R = Rules.lookup(Code);
  if (!R)
    return false;
  auto Matches = [&](const RuleSelector &S) { return matches(S, *R); };
  bool Selected = !Opts.Select || any_of(*Opts.Select, Matches) ||
                  any_of(Opts.ExtendSelect, Matches);
  return Selected && none_of(Opts.Ignore, Matches);
}

bool DiagnosticEngine::isSuppressed(const Diagnostic &D) {
  const RuleInfo *R = Rules.lookup(D.Code);
  if (!R || D.Package.empty())
    return false;
  std::string Pkg = normalizePackageName(D.Package);
  bool Suppressed = false;
  for (size_t I = 0, E = Opts.PerPackageIgnores.size(); I != E; ++I) {
    const PackageIgnore &PI = Opts.PerPackageIgnores[I];
    if (PI.Package != Pkg || !matches(PI.Selector, *R))
      continue;
    ++IgnoreHits[I];
    Suppressed = true;
  }
  return Suppressed;
}

void DiagnosticEngine::report(Diagnostic D) {
  if (!isEnabled(D.Code) || isSuppressed(D))
    return;
  if (Opts.WarningsAsErrors && D.Level == Severity::Warning)
    D.Level = Severity::Error;
  Diags.push_back(std::move(D));
}

void DiagnosticEngine::finish(const SourceMgr &SM) {
  bool HaveUnusedRule = Rules.lookup(UnusedIgnoreCode) != nullptr;
  for (size_t I = 0, E = Opts.PerPackageIgnores.size(); I != E; ++I) {
    if (IgnoreHits[I] || !HaveUnusedRule)
      continue;
    const PackageIgnore &PI = Opts.PerPackageIgnores[I];
    report(create(UnusedIgnoreCode, PI.Selector.Range,
                  "per-package ignore of '" + PI.Selector.Text +
                      "' for package '" + PI.Package + "' matched no finding"));
  }
  // Sort by buffer, offset, code: the order of the input, not of reporting.
  // Findings without a location (about the run or the artifact, such as
  // "not writing fn.zip") come after the located ones that explain them.
  auto Key = [&](const Diagnostic &D) {
    if (!D.Range.isValid())
      return std::make_tuple(~0u, ~static_cast<size_t>(0));
    unsigned Buffer = SM.FindBufferContainingLoc(D.Range.Start);
    if (!Buffer)
      return std::make_tuple(~0u, static_cast<size_t>(0));
    const char *Begin = SM.getMemoryBuffer(Buffer)->getBufferStart();
    return std::make_tuple(
        Buffer, static_cast<size_t>(D.Range.Start.getPointer() - Begin));
  };
  llvm::stable_sort(Diags, [&](const Diagnostic &A, const Diagnostic &B) {
    auto KA = Key(A), KB = Key(B);
    if (KA != KB)
      return KA < KB;
    return A.Code < B.Code;
  });
}

unsigned DiagnosticEngine::getCount(Severity S) const {
  return count_if(Diags, [&](const Diagnostic &D) { return D.Level == S; });
}
