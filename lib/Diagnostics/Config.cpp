//===- Config.cpp - Reading [tool.lambda-opt] -----------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Diagnostics/Config.h"
#include "lambda-opt/Support/SourceError.h"
#include "lambda-opt/TOML/TOML.h"

#include "llvm/ADT/STLExtras.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace llvm;
using namespace lambdaopt;

/// The keys this file reads; passes and plugins declare their own.
static constexpr StringLiteral KnownKeys[] = {
    "extend-select",      "ignore", "per-package-ignores", "select",
    "warnings-as-errors",
};

static Error expectKind(const toml::Value &V, toml::ValueKind Kind,
                        StringRef Key) {
  if (V.getKind() == Kind)
    return Error::success();
  return makeSourceError(V.getRange(), "'" + Key + "' must be " +
                                           toml::getKindName(Kind) + ", not " +
                                           toml::getKindName(V.getKind()));
}

static Error readSelectors(const toml::Value &V, StringRef Key,
                           std::vector<RuleSelector> &Out) {
  if (Error E = expectKind(V, toml::ValueKind::Array, Key))
    return E;
  for (const toml::Value *Elt : V.getElements()) {
    if (!Elt->isString())
      return makeSourceError(Elt->getRange(),
                             "'" + Key + "' entries must be strings, not " +
                                 toml::getKindName(Elt->getKind()));
    Out.push_back({Elt->getString().str(), Elt->getRange()});
  }
  return Error::success();
}

static Error readPerPackageIgnores(const toml::Value &V,
                                   DiagnosticOptions &Opts) {
  if (Error E = expectKind(V, toml::ValueKind::Table, "per-package-ignores"))
    return E;
  for (const toml::Entry &Ent : V.getEntries()) {
    std::vector<RuleSelector> Selectors;
    if (Error E = readSelectors(*Ent.Val, Ent.Key, Selectors))
      return E;
    std::string Package = normalizePackageName(Ent.Key);
    for (RuleSelector &S : Selectors)
      Opts.PerPackageIgnores.push_back({Package, std::move(S)});
  }
  return Error::success();
}

Error lambdaopt::readDiagnosticConfig(const toml::Value &Table,
                                      ArrayRef<std::string> ExtraKeys,
                                      DiagnosticOptions &Opts) {
  if (Error E = expectKind(Table, toml::ValueKind::Table, "tool.lambda-opt"))
    return E;
  for (const toml::Entry &Ent : Table.getEntries()) {
    StringRef Key = Ent.Key;
    const toml::Value &V = *Ent.Val;
    if (Key == "select") {
      Opts.Select.emplace();
      if (Error E = readSelectors(V, Key, *Opts.Select))
        return E;
      continue;
    }
    if (Key == "extend-select" || Key == "ignore") {
      auto &Out = Key == "ignore" ? Opts.Ignore : Opts.ExtendSelect;
      if (Error E = readSelectors(V, Key, Out))
        return E;
      continue;
    }
    if (Key == "warnings-as-errors") {
      if (Error E = expectKind(V, toml::ValueKind::Boolean, Key))
        return E;
      Opts.WarningsAsErrors = V.getBoolean();
      continue;
    }
    if (Key == "per-package-ignores") {
      if (Error E = readPerPackageIgnores(V, Opts))
        return E;
      continue;
    }
    if (is_contained(ExtraKeys, Key))
      continue;
    std::vector<std::string> Known(ExtraKeys.begin(), ExtraKeys.end());
    for (StringRef K : KnownKeys)
      Known.push_back(K.str());
    llvm::sort(Known);
    // Suggest the closest key when it is a likely typo.
    StringRef Best;
    unsigned BestDistance = 3;
    for (const std::string &K : Known) {
      unsigned D = Key.edit_distance(K, true, BestDistance);
      if (D < BestDistance) {
        Best = K;
        BestDistance = D;
      }
    }
    if (!Best.empty())
      return makeSourceError(Ent.KeyRange, "unknown configuration key '" + Key +
                                               "'; did you mean '" + Best +
                                               "'?");
    return makeSourceError(Ent.KeyRange,
                           "unknown configuration key '" + Key +
                               "' (known keys: " + join(Known, ", ") + ")");
  }
  return Error::success();
}

void lambdaopt::applyCommandLineSelectors(ArrayRef<std::string> Select,
                                          ArrayRef<std::string> ExtendSelect,
                                          ArrayRef<std::string> Ignore,
                                          DiagnosticOptions &Opts) {
  auto ToSelectors = [](ArrayRef<std::string> Texts,
                        std::vector<RuleSelector> &Out) {
    for (const std::string &T : Texts)
      Out.push_back({T, SMRange()});
  };
  if (!Select.empty()) {
    Opts.Select.emplace();
    ToSelectors(Select, *Opts.Select);
  }
  ToSelectors(ExtendSelect, Opts.ExtendSelect);
  ToSelectors(Ignore, Opts.Ignore);
}
