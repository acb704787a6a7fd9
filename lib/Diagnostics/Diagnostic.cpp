//===- Diagnostic.cpp - Lint findings and rules ---------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Diagnostics/Diagnostic.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace llvm;
using namespace lambdaopt;

StringRef lambdaopt::getSeverityName(Severity S) {
  switch (S) {
  case Severity::Note:
    return "note";
  case Severity::Warning:
    return "warning";
  case Severity::Error:
    return "error";
  }
  llvm_unreachable("unknown severity");
}

Optional<Severity> lambdaopt::parseSeverity(StringRef Name) {
  if (Name == "note")
    return Severity::Note;
  if (Name == "warning")
    return Severity::Warning;
  if (Name == "error")
    return Severity::Error;
  return None;
}

bool lambdaopt::isValidRuleCode(StringRef Code) {
  return Code.size() == 5 && Code.startswith("LO") &&
         all_of(Code.drop_front(2), isDigit);
}

Error RuleTable::addRule(const RuleInfo &R) {
  if (!isValidRuleCode(R.Code))
    return createStringError(inconvertibleErrorCode(),
                             "rule code '%s' is not LO followed by 3 digits",
                             R.Code.str().c_str());
  if (R.Name.empty())
    return createStringError(inconvertibleErrorCode(), "rule %s has no name",
                             R.Code.str().c_str());
  for (const RuleInfo &Old : Rules) {
    if (Old.Code == R.Code || Old.Name == R.Name)
      return createStringError(inconvertibleErrorCode(),
                               "rule %s (%s) clashes with rule %s (%s)",
                               R.Code.str().c_str(), R.Name.str().c_str(),
                               Old.Code.str().c_str(), Old.Name.str().c_str());
  }
  RuleInfo Copy;
  Copy.Code = Saver.save(R.Code);
  Copy.Name = Saver.save(R.Name);
  Copy.DefaultSeverity = R.DefaultSeverity;
  Copy.Group = Saver.save(R.Group);
  Copy.Pass = Saver.save(R.Pass);
  Copy.Summary = Saver.save(R.Summary);
  Copy.Documentation = Saver.save(R.Documentation);
  auto It = partition_point(
      Rules, [&](const RuleInfo &Old) { return Old.Code < Copy.Code; });
  Rules.insert(It, Copy);
  return Error::success();
}

const RuleInfo *RuleTable::lookup(StringRef CodeOrName) const {
  for (const RuleInfo &R : Rules)
    if (R.Code == CodeOrName || R.Name == CodeOrName)
      return &R;
  return nullptr;
}

int RuleTable::getIndex(StringRef Code) const {
  for (size_t I = 0, E = Rules.size(); I != E; ++I)
    if (Rules[I].Code == Code)
      return static_cast<int>(I);
  return -1;
}
