//===- OrgPolicy.cpp - An organisation's package policy as a plugin -------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The `org-policy` pass enforces the re2 patterns of
//
//   [tool.lambda-opt.policy]
//   forbidden-packages = ["^pycrypto$"]          # LO901 forbidden-package
//   allowed-index-hosts = ["^pypi\\.org$"]       # LO902 disallowed-index
//   required-pins = ["^boto3$"]                  # LO903 unpinned-requirement
//
// Package names are matched in their normalized form; index hosts are the
// host part of registry sources; required pins apply to the requirements of
// [project].dependencies, which must then use `==`.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/Passes/StandardPasses.h"
#include "lambda-opt/Pipeline/PassBuilder.h"
#include "lambda-opt/Plugin/PassPlugin.h"
#include "lambda-opt/Support/SourceError.h"
#include "lambda-opt/TOML/TOML.h"

#include <re2/re2.h>

using namespace llvm;
using namespace lambdaopt;

namespace {

struct Pattern {
  std::unique_ptr<re2::RE2> Regex;
  std::string Text;
};

/// Compiles the string array at \p Key of \p Policy into \p Out.
Error readPatterns(const toml::Value &Policy, StringRef Key,
                   std::vector<Pattern> &Out) {
  const toml::Value *List = Policy.get(Key);
  if (!List)
    return Error::success();
  if (!List->isArray())
    return makeSourceError(List->getRange(),
                           "policy key '" + Key + "' must be an array");
  for (const toml::Value *Elt : List->getElements()) {
    if (!Elt->isString())
      return makeSourceError(Elt->getRange(),
                             "policy patterns must be strings");
    re2::RE2::Options Opts;
    Opts.set_log_errors(false);
    auto Regex = std::make_unique<re2::RE2>(
        re2::StringPiece(Elt->getString().data(), Elt->getString().size()),
        Opts);
    if (!Regex->ok())
      return makeSourceError(Elt->getRange(), "invalid pattern '" +
                                                  Elt->getString() +
                                                  "': " + Regex->error());
    Out.push_back({std::move(Regex), Elt->getString().str()});
  }
  return Error::success();
}

const Pattern *findMatch(const std::vector<Pattern> &Patterns, StringRef S) {
  for (const Pattern &P : Patterns)
    if (re2::RE2::PartialMatch(re2::StringPiece(S.data(), S.size()), *P.Regex))
      return &P;
  return nullptr;
}

/// The host of a URL, or "" when it has none.
std::string getHost(StringRef URL) {
  static const re2::RE2 HostRE("^[A-Za-z][A-Za-z0-9+.-]*://"
                               "(?:[^/@]*@)?([^/:?#]+)");
  std::string Host;
  re2::RE2::PartialMatch(re2::StringPiece(URL.data(), URL.size()), HostRE,
                         &Host);
  return Host;
}

struct OrgPolicyPass : PassInfoMixin<OrgPolicyPass> {
  Expected<PreservedAnalyses> run(Project &P, AnalysisManager &AM) {
    const toml::Value *Config = P.Metadata.LambdaOpt;
    const toml::Value *Policy = Config ? Config->get("policy") : nullptr;
    if (!Policy)
      return PreservedAnalyses::all();
    if (!Policy->isTable())
      return makeSourceError(Policy->getRange(),
                             "[tool.lambda-opt.policy] must be a table");
    for (const toml::Entry &E : Policy->getEntries())
      if (E.Key != "forbidden-packages" && E.Key != "allowed-index-hosts" &&
          E.Key != "required-pins")
        return makeSourceError(E.KeyRange,
                               "unknown policy key '" + E.Key + "'");
    std::vector<Pattern> Forbidden, Hosts, Pins;
    if (Error E = readPatterns(*Policy, "forbidden-packages", Forbidden))
      return std::move(E);
    if (Error E = readPatterns(*Policy, "allowed-index-hosts", Hosts))
      return std::move(E);
    if (Error E = readPatterns(*Policy, "required-pins", Pins))
      return std::move(E);

    DiagnosticEngine &Diags = AM.getDiagnostics();
    const DependencyGraph &Graph = AM.getResult<DependencyGraphAnalysis>(P);
    const Package *Root = P.getRootPackage();
    for (const std::unique_ptr<Package> &Pkg : P.Packages) {
      if (Pkg.get() == Root)
        continue;
      if (const Pattern *Match = findMatch(Forbidden, Pkg->Name)) {
        Diagnostic D = Diags.create("LO901", Pkg->NameRange,
                                    "package '" + Pkg->Name +
                                        "' is forbidden by policy pattern '" +
                                        Match->Text + "'",
                                    Pkg->Name);
        std::string Path = Graph.formatPathTo(*Pkg);
        if (!Path.empty())
          D.Notes.push_back("required through " + Path);
        Diags.report(std::move(D));
      }
      if (Hosts.empty() || Pkg->Src.Kind != SourceKind::Registry)
        continue;
      std::string Host = getHost(Pkg->Src.Value);
      if (!Host.empty() && !findMatch(Hosts, Host))
        Diags.report(Diags.create("LO902", Pkg->Src.Range,
                                  "index host '" + Host + "' of " +
                                      Pkg->getDisplayName() +
                                      " is not an allowed index host",
                                  Pkg->Name));
    }
    static const re2::RE2 NameRE("^\\s*([A-Za-z0-9][A-Za-z0-9._-]*)");
    for (const RequirementString &Req : P.Metadata.Dependencies) {
      std::string Name;
      if (!re2::RE2::PartialMatch(
              re2::StringPiece(Req.Value.data(), Req.Value.size()), NameRE,
              &Name))
        continue;
      std::string Normal = normalizePackageName(Name);
      const Pattern *Match = findMatch(Pins, Normal);
      if (!Match || Req.Value.contains("=="))
        continue;
      Diagnostic D = Diags.create("LO903", Req.Range,
                                  "requirement '" + Req.Value +
                                      "' must be pinned with '==' (policy "
                                      "pattern '" +
                                      Match->Text + "')",
                                  Normal);
      D.FixHint = "pin an exact version, e.g. '" + Normal + "==<version>'";
      Diags.report(std::move(D));
    }
    return PreservedAnalyses::all();
  }
};

void registerOrgPolicy(PassBuilder &PB) {
  PB.registerProjectPass<OrgPolicyPass>(
      "org-policy", "lint: the organisation's [tool.lambda-opt.policy]");
  PB.registerConfigKey("policy");
  cantFail(PB.registerRule({"LO901", "forbidden-package", Severity::Error,
                            "policy", "org-policy",
                            "a locked package is forbidden by policy", ""}));
  cantFail(PB.registerRule({"LO902", "disallowed-index", Severity::Error,
                            "policy", "org-policy",
                            "a package comes from an index host the policy "
                            "does not allow",
                            ""}));
  cantFail(PB.registerRule({"LO903", "unpinned-requirement", Severity::Warning,
                            "policy", "org-policy",
                            "a requirement the policy wants pinned is not "
                            "pinned with ==",
                            ""}));
}

} // namespace

extern "C" LambdaOptPluginInfo lambdaOptGetPluginInfo() {
  return {LAMBDA_OPT_PLUGIN_API_VERSION, "org-policy", "1.0",
          registerOrgPolicy};
}
