//===- StandardPasses.cpp - Built-in passes and analyses ------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Passes/StandardPasses.h"
#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/IR/Printer.h"
#include "lambda-opt/Passes/PassParameters.h"
#include "lambda-opt/Support/Error.h"
#include "lambda-opt/Support/URL.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

#include <deque>

using namespace llvm;
using namespace lambdaopt;

/// Calls \p F on every dependency edge of \p Pkg: runtime, extras and dev
/// groups.
template <typename PackageT, typename FnT>
static void forEachDependency(PackageT &Pkg, FnT F, bool IncludeDev = true) {
  for (auto &D : Pkg.Dependencies)
    F(D);
  for (auto &Group : Pkg.OptionalDependencies)
    for (auto &D : Group.second)
      F(D);
  if (!IncludeDev)
    return;
  for (auto &Group : Pkg.DevDependencies)
    for (auto &D : Group.second)
      F(D);
}

//===----------------------------------------------------------------------===//
// verify
//===----------------------------------------------------------------------===//

Error lambdaopt::verifyProject(const Project &P) {
  std::vector<std::string> Problems;
  DenseSet<const Package *> Members;
  for (const std::unique_ptr<Package> &Pkg : P.Packages)
    Members.insert(Pkg.get());
  StringSet<> Seen;
  for (const std::unique_ptr<Package> &Pkg : P.Packages) {
    std::string Normal = normalizePackageName(Pkg->Name);
    if (Normal != Pkg->Name)
      Problems.push_back("package name '" + Pkg->Name.str() +
                         "' is not normalized (expected '" + Normal + "')");
    std::string Key =
        (Pkg->Name + "\x1f" + Pkg->Version + "\x1f" +
         getSourceKindName(Pkg->Src.Kind) + "\x1f" + Pkg->Src.Value)
            .str();
    if (!Seen.insert(Key).second)
      Problems.push_back("package " + Pkg->getDisplayName() +
                         " from the same source is locked twice");
    forEachDependency(*Pkg, [&](const Dependency &D) {
      if (!D.Target)
        Problems.push_back("dependency '" + D.Name.str() + "' of " +
                           Pkg->getDisplayName() + " has no target");
      else if (!Members.count(D.Target))
        Problems.push_back("dependency '" + D.Name.str() + "' of " +
                           Pkg->getDisplayName() +
                           " points at a package that is not in the project");
    });
  }
  if (Problems.empty())
    return Error::success();
  return makeError("IR verification failed: " + join(Problems, "; "));
}

Expected<PreservedAnalyses> VerifyPass::run(Project &P, AnalysisManager &) {
  if (Error E = verifyProject(P))
    return E;
  return PreservedAnalyses::all();
}

//===----------------------------------------------------------------------===//
// dependency-graph
//===----------------------------------------------------------------------===//

AnalysisKey DependencyGraphAnalysis::Key;

DependencyGraph DependencyGraphAnalysis::run(Project &P, AnalysisManager &) {
  DependencyGraph G;
  for (const std::unique_ptr<Package> &Pkg : P.Packages)
    forEachDependency(
        *Pkg,
        [&](const Dependency &D) {
          if (!D.Target)
            return;
          auto &List = G.Dependents[D.Target];
          if (!is_contained(List, Pkg.get()))
            List.push_back(Pkg.get());
        },
        /*IncludeDev=*/false);
  // Roots: the project itself, or for a workspace without one every
  // package nothing depends on.
  std::deque<const Package *> Queue;
  if (const Package *Root = P.getRootPackage()) {
    Queue.push_back(Root);
  } else {
    for (const std::unique_ptr<Package> &Pkg : P.Packages)
      if (!G.Dependents.count(Pkg.get()))
        Queue.push_back(Pkg.get());
  }
  for (const Package *Root : Queue)
    G.Parent[Root] = nullptr;
  while (!Queue.empty()) {
    const Package *Pkg = Queue.front();
    Queue.pop_front();
    forEachDependency(
        *Pkg,
        [&](const Dependency &D) {
          if (!D.Target || G.Parent.count(D.Target))
            return;
          G.Parent[D.Target] = Pkg;
          Queue.push_back(D.Target);
        },
        /*IncludeDev=*/false);
  }
  return G;
}

ArrayRef<const Package *>
DependencyGraph::getDependents(const Package &Pkg) const {
  auto It = Dependents.find(&Pkg);
  if (It == Dependents.end())
    return {};
  return It->second;
}

std::vector<StringRef> DependencyGraph::getPathTo(const Package &Pkg) const {
  std::vector<StringRef> Path;
  if (!isReachable(Pkg))
    return Path;
  for (const Package *Cur = &Pkg; Cur; Cur = Parent.lookup(Cur))
    Path.push_back(Cur->Name);
  std::reverse(Path.begin(), Path.end());
  return Path;
}

std::string DependencyGraph::formatPathTo(const Package &Pkg) const {
  return join(getPathTo(Pkg), " \u2192 ");
}

void DependencyGraph::print(const Project &P, raw_ostream &OS) const {
  OS << "dependency graph:\n";
  for (const std::unique_ptr<Package> &Pkg : P.Packages) {
    OS << "  " << Pkg->getDisplayName() << ": ";
    if (isReachable(*Pkg))
      OS << "path " << formatPathTo(*Pkg);
    else
      OS << "unreachable";
    std::vector<StringRef> Names;
    for (const Package *D : getDependents(*Pkg))
      Names.push_back(D->Name);
    if (!Names.empty())
      OS << "; dependents " << join(Names, ", ");
    OS << '\n';
  }
}

//===----------------------------------------------------------------------===//
// print, print<dependency-graph>, emit-ir
//===----------------------------------------------------------------------===//

PreservedAnalyses PrintProjectPass::run(Project &P, AnalysisManager &) {
  printProject(P, *OS);
  return PreservedAnalyses::all();
}

Expected<bool> lambdaopt::parsePrintAnalysisParams(StringRef Params) {
  if (Params == "dependency-graph")
    return true;
  return makeError("print<" + Params +
                   ">: no printer for this analysis (expected "
                   "print<dependency-graph>)");
}

PreservedAnalyses PrintDependencyGraphPass::run(Project &P,
                                                AnalysisManager &AM) {
  AM.getResult<DependencyGraphAnalysis>(P).print(P, *OS);
  return PreservedAnalyses::all();
}

PreservedAnalyses EmitIRPass::run(Project &P, AnalysisManager &) {
  printProject(P, *OS);
  return PreservedAnalyses::all();
}

//===----------------------------------------------------------------------===//
// lock-hygiene
//===----------------------------------------------------------------------===//

/// Whether \p URL is plain http to a host the user has not allowed with
/// --allow-insecure-host (the downloader's rule, Support/URL.h).
static bool isInsecureURL(StringRef URL, ArrayRef<std::string> Allowed) {
  return URL.trim().startswith_insensitive("http://") &&
         !isHostAllowed(URL, Allowed);
}

PreservedAnalyses LockHygienePass::run(Package &Pkg, AnalysisManager &AM) {
  DiagnosticEngine &Diags = AM.getDiagnostics();
  ArrayRef<std::string> Allowed = AM.getProject().Options.AllowInsecureHosts;
  bool Downloaded = Pkg.Src.Kind == SourceKind::Registry ||
                    Pkg.Src.Kind == SourceKind::URL ||
                    Pkg.Src.Kind == SourceKind::Path;
  auto Check = [&](const Distribution &Dist, StringRef Kind) {
    if (Downloaded && Dist.Hash.empty()) {
      StringRef File = Dist.getFileName();
      Diagnostic D = Diags.create("LO301", Dist.Range,
                                  Kind + " '" + File + "' of " +
                                      Pkg.getDisplayName() + " has no hash",
                                  Pkg.Name);
      D.FixHint = "lock from an index that publishes sha256 hashes, then run "
                  "`uv lock --refresh-package " +
                  Pkg.Name.str() + "`";
      Diags.report(std::move(D));
    }
    if (isInsecureURL(Dist.URL, Allowed))
      Diags.report(Diags.create("LO302", Dist.Range,
                                Kind + " '" + Dist.getFileName() + "' of " +
                                    Pkg.getDisplayName() +
                                    " is downloaded over plain http",
                                Pkg.Name));
  };
  if ((Pkg.Src.Kind == SourceKind::Registry ||
       Pkg.Src.Kind == SourceKind::URL) &&
      isInsecureURL(Pkg.Src.Value, Allowed))
    Diags.report(Diags.create("LO302", Pkg.Src.Range,
                              "source '" + redactURL(Pkg.Src.Value) + "' of " +
                                  Pkg.getDisplayName() + " uses plain http",
                              Pkg.Name));
  if (Pkg.Sdist)
    Check(*Pkg.Sdist, "sdist");
  for (const Distribution &Wheel : Pkg.Wheels)
    Check(Wheel, "wheel");
  return PreservedAnalyses::all();
}

//===----------------------------------------------------------------------===//
// drop-package
//===----------------------------------------------------------------------===//

Expected<std::string> lambdaopt::parseDropPackageParams(StringRef Params) {
  auto KVs = parsePassParameters("drop-package", Params);
  if (!KVs)
    return KVs.takeError();
  std::string Name;
  for (const auto &KV : *KVs) {
    if (KV.first != "name" || KV.second.empty())
      return makeError("invalid parameter '" + KV.first +
                       (KV.second.empty() ? "" : "=" + KV.second) +
                       "' of pass 'drop-package' (expected name=<package>)");
    Name = normalizePackageName(KV.second);
  }
  if (Name.empty())
    return makeError("pass 'drop-package' needs a parameter: "
                     "drop-package<name=<package>>");
  return Name;
}

Expected<PreservedAnalyses> DropPackagePass::run(Project &P,
                                                 AnalysisManager &AM) {
  DenseSet<const Package *> Dropped;
  for (const std::unique_ptr<Package> &Pkg : P.Packages)
    if (Pkg->Name == Name)
      Dropped.insert(Pkg.get());
  if (Dropped.empty())
    return makeError("drop-package: the lock has no package named '" + Name +
                     "'");
  auto IsDropped = [&](const Dependency &D) {
    return D.Target ? Dropped.count(D.Target) != 0 : D.Name == Name;
  };
  for (const std::unique_ptr<Package> &Pkg : P.Packages) {
    erase_if(Pkg->Dependencies, IsDropped);
    for (auto &Group : Pkg->OptionalDependencies)
      erase_if(Group.second, IsDropped);
    for (auto &Group : Pkg->DevDependencies)
      erase_if(Group.second, IsDropped);
  }
  for (const std::unique_ptr<Package> &Pkg : P.Packages)
    if (Dropped.count(Pkg.get()))
      AM.clear(*Pkg);
  erase_if(P.Packages, [&](const std::unique_ptr<Package> &Pkg) {
    return Dropped.count(Pkg.get()) != 0;
  });
  P.reindex();
  return PreservedAnalyses::none();
}
