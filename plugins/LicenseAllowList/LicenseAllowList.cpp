//===- LicenseAllowList.cpp - Licence allow-list plugin -------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The `license-allowlist` pass reads the METADATA of the wheels it finds in a
// local folder (like pip's --find-links) and checks each package's licence
// against an allow list:
//
//   [tool.lambda-opt.licenses]
//   allow = ["MIT", "BSD-3-Clause", "Apache-2.0"]
//   wheel-dir = "wheels"             # relative to the project root
//
// `license-allowlist<wheel-dir=DIR>` overrides the folder. The licence is
// the License-Expression field, else License, else the last part of each
// "License ::" classifier; any of them on the list is enough. Packages with
// no wheel in the folder are skipped.
//
//   LO911 license-not-allowed (error), LO912 unknown-license (warning)
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Artifact/Wheel.h"
#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/Pipeline/PassBuilder.h"
#include "lambda-opt/Plugin/PassPlugin.h"
#include "lambda-opt/Support/Error.h"
#include "lambda-opt/Support/SourceError.h"
#include "lambda-opt/TOML/TOML.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace llvm;
using namespace lambdaopt;

namespace {

/// The METADATA text of the wheel at \p Path, read with lambda-opt's
/// hardened wheel reader (sizes, paths and compression ratios bounded).
Expected<std::string> readWheelMetadata(StringRef Path) {
  Expected<std::unique_ptr<WheelArchive>> Wheel = WheelArchive::open(Path);
  if (!Wheel)
    return Wheel.takeError();
  return (*Wheel)->getMetadata().str();
}

/// The licence names METADATA declares, most specific first.
std::vector<std::string> getLicenses(StringRef Metadata) {
  std::vector<std::string> Expression, License, Classifiers;
  SmallVector<StringRef, 32> Lines;
  Metadata.split(Lines, '\n');
  for (StringRef Line : Lines) {
    Line = Line.rtrim("\r");
    if (Line.empty())
      break; // The body starts after the first empty line.
    auto KV = Line.split(':');
    StringRef Key = KV.first.trim(), Value = KV.second.trim();
    if (Key.equals_insensitive("License-Expression") && !Value.empty())
      Expression.push_back(Value.str());
    else if (Key.equals_insensitive("License") && !Value.empty())
      License.push_back(Value.str());
    else if (Key.equals_insensitive("Classifier") &&
             Value.startswith("License ::"))
      Classifiers.push_back(Value.rsplit("::").second.trim().str());
  }
  std::vector<std::string> All = std::move(Expression);
  llvm::append_range(All, License);
  llvm::append_range(All, Classifiers);
  return All;
}

struct LicenseAllowListPass : PassInfoMixin<LicenseAllowListPass> {
  explicit LicenseAllowListPass(std::string WheelDir = "")
      : WheelDir(std::move(WheelDir)) {}

  Expected<PreservedAnalyses> run(Project &P, AnalysisManager &AM) {
    const toml::Value *Config = P.Metadata.LambdaOpt;
    const toml::Value *Table = Config ? Config->get("licenses") : nullptr;
    if (!Table)
      return PreservedAnalyses::all();
    std::vector<std::string> Allow;
    std::string Dir = WheelDir;
    for (const toml::Entry &E : Table->getEntries()) {
      if (E.Key == "allow" && E.Val->isArray()) {
        for (const toml::Value *V : E.Val->getElements()) {
          if (!V->isString())
            return makeSourceError(V->getRange(),
                                   "licence names must be strings");
          Allow.push_back(V->getString().lower());
        }
        continue;
      }
      if (E.Key == "wheel-dir" && E.Val->isString()) {
        if (Dir.empty())
          Dir = E.Val->getString().str();
        continue;
      }
      return makeSourceError(E.KeyRange,
                             "unknown or mistyped key '" + E.Key +
                                 "' in [tool.lambda-opt.licenses] (expected "
                                 "allow = [...], wheel-dir = \"...\")");
    }
    if (Dir.empty())
      return PreservedAnalyses::all();
    SmallString<256> Folder(Dir);
    if (sys::path::is_relative(Folder) && !P.RootDir.empty())
      sys::fs::make_absolute(P.RootDir, Folder);
    if (!sys::fs::is_directory(Folder))
      return makeError("license-allowlist: wheel folder '" + Folder +
                       "' does not exist");

    DiagnosticEngine &Diags = AM.getDiagnostics();
    for (const std::unique_ptr<Package> &Pkg : P.Packages) {
      for (const Distribution &Wheel : Pkg->Wheels) {
        SmallString<256> Path(Folder);
        sys::path::append(Path, Wheel.getFileName());
        if (!sys::fs::exists(Path))
          continue;
        Expected<std::string> Metadata = readWheelMetadata(Path);
        if (!Metadata) {
          Diags.report(Diags.create("LO912", Wheel.Range,
                                    Pkg->getDisplayName() +
                                        ": cannot read its licence: " +
                                        toString(Metadata.takeError()),
                                    Pkg->Name));
          break;
        }
        std::vector<std::string> Licenses = getLicenses(*Metadata);
        if (Licenses.empty()) {
          Diags.report(Diags.create("LO912", Wheel.Range,
                                    Pkg->getDisplayName() +
                                        " declares no licence in " +
                                        Wheel.getFileName(),
                                    Pkg->Name));
          break;
        }
        bool Allowed = any_of(Licenses, [&](const std::string &L) {
          return is_contained(Allow, StringRef(L).lower());
        });
        if (!Allowed)
          Diags.report(Diags.create("LO911", Pkg->NameRange,
                                    Pkg->getDisplayName() + " is licensed '" +
                                        Licenses.front() +
                                        "', which is not on the allow list",
                                    Pkg->Name));
        break;
      }
    }
    return PreservedAnalyses::all();
  }

  void printPipeline(raw_ostream &OS,
                     function_ref<StringRef(StringRef)> Map) const {
    OS << Map(name());
    if (!WheelDir.empty())
      OS << "<wheel-dir=" << WheelDir << '>';
  }

  std::string WheelDir;
};

Error addLicensePass(StringRef Params, ProjectPassManager &PM) {
  auto KVs = parsePassParameters("license-allowlist", Params);
  if (!KVs)
    return KVs.takeError();
  std::string Dir;
  for (const auto &KV : *KVs) {
    if (KV.first != "wheel-dir" || KV.second.empty())
      return makeError("invalid parameter '" + KV.first +
                       "' of pass 'license-allowlist' (expected "
                       "wheel-dir=<folder>)");
    Dir = KV.second.str();
  }
  PM.addPass(LicenseAllowListPass(Dir));
  return Error::success();
}

void registerLicenseAllowList(PassBuilder &PB) {
  PB.getInstrumentation().addClassToPassName(LicenseAllowListPass::name(),
                                             "license-allowlist");
  PB.registerProjectPass(
      "license-allowlist",
      "lint: licences of the wheels at hand vs an allow list", addLicensePass);
  PB.registerProjectPass("license-allowlist",
                         "same, with the wheel folder given here",
                         addLicensePass, "wheel-dir=<folder>");
  PB.registerConfigKey("licenses");
  cantFail(
      PB.registerRule({"LO911", "license-not-allowed", Severity::Error,
                       "license", "license-allowlist",
                       "a package's licence is not on the allow list", ""}));
  cantFail(PB.registerRule({"LO912", "unknown-license", Severity::Warning,
                            "license", "license-allowlist",
                            "a wheel declares no licence", ""}));
}

} // namespace

extern "C" LambdaOptPluginInfo lambdaOptGetPluginInfo() {
  return {LAMBDA_OPT_PLUGIN_API_VERSION, "license-allowlist", "1.0",
          registerLicenseAllowList};
}
