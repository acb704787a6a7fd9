//===- InstallSet.cpp - What production installs on Lambda ----------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The install-set traversal. See lambda-opt/Analysis/InstallSet.h for the
// semantics.
//
//===----------------------------------------------------------------------===//

#include "MarkerEvaluator.h"

#include "lambda-opt/Analysis/InstallSet.h"
#include "lambda-opt/IR/Project.h"
#include "lambda-opt/Standards/Version.h"
#include "lambda-opt/Standards/Wheel.h"
#include "lambda-opt/Support/Error.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Parallel.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <set>

using namespace llvm;
using namespace lambdaopt;
using namespace lambdaopt::analysis;

/// Orders packages by name, then by PEP 440 version (text when a version
/// does not parse), then by source text, so that output never depends on
/// pointer values.
static bool comparePackages(const Package *A, const Package *B) {
  if (A->Name != B->Name)
    return A->Name < B->Name;
  if (A->Version != B->Version) {
    Expected<Version> VA = Version::parse(A->Version);
    Expected<Version> VB = Version::parse(B->Version);
    if (VA && VB && *VA != *VB)
      return *VA < *VB;
    if (!VA)
      consumeError(VA.takeError());
    if (!VB)
      consumeError(VB.takeError());
    return A->Version < B->Version;
  }
  return A->Src.Value < B->Src.Value;
}

namespace {

/// A package the traversal reached and the extras active on it.
struct Node {
  const Package *Pkg = nullptr;
  std::set<std::string> Extras;
};

/// An edge that starts outside the lock's packages: a dependency group of
/// the root (Parent is the group's owner) or a `[manifest]` requirement or
/// group entry of a non-project workspace root (Parent is null).
struct RootEdge {
  const Package *Parent = nullptr;
  const Package *Target = nullptr;
  SmallVector<StringRef, 1> Extras;
  StringRef Marker;
};

class Traversal {
public:
  Traversal(const Project &P, const TargetConfig &Target,
            const InstallOptions &Opts)
      : P(P), Target(Target), Opts(Opts), Eval(Target) {}

  Error run(InstallSet &Out);

private:
  Error selectRoots();
  Error addRootExtras();
  Error addGroups(const Package *Owner);
  Error addManifestGroups();
  Expected<const Package *> resolveName(StringRef Name, StringRef Context);
  Error propagate();
  Error tryEdge(const Package *Parent, const Package *To,
                ArrayRef<StringRef> Extras, StringRef Marker, bool &Changed);
  unsigned getOrAddNode(const Package *Pkg, bool &Changed);
  bool isConflictActive(ConflictTargetKind Kind, StringRef Package,
                        StringRef Name) const;
  void buildResult(InstallSet &Out);
  void selectWheel(InstalledPackage &IP) const;
  /// A locally built linux_<arch> wheel of \p Parsed found in a find-links
  /// folder whose interpreter and ABI tags fit, or null.
  const Distribution *
  selectLocalBuild(llvm::ArrayRef<WheelFilename> Parsed,
                   llvm::ArrayRef<const Distribution *> Dists,
                   const TagTarget &Tags) const;

  const Project &P;
  const TargetConfig &Target;
  const InstallOptions &Opts;
  MarkerEvaluator Eval;

  StringSet<> Members;
  StringSet<> RootNames;
  StringSet<> RequestedGroups;
  std::vector<const Package *> Roots;
  std::vector<RootEdge> RootEdges;
  std::vector<Node> Nodes;
  DenseMap<const Package *, unsigned> NodeIndex;
  StringMap<SmallVector<unsigned, 1>> NodesByName;
  /// The edges followed in the last (stable) pass.
  std::vector<std::pair<const Package *, const Package *>> Edges;
  DenseSet<std::pair<const Package *, const Package *>> EdgeSet;
};

} // namespace

Expected<const Package *> Traversal::resolveName(StringRef Name,
                                                 StringRef Context) {
  std::string Normal = normalize(Name);
  ArrayRef<Package *> Found = P.lookup(Normal);
  if (Found.empty())
    return makeError(Context + " '" + Normal + "' is not in the lock");
  if (Found.size() == 1)
    return Found.front();
  // A forked name: keep the entries whose resolution markers hold here.
  const Package *Match = nullptr;
  unsigned Count = 0;
  for (const Package *Candidate : Found) {
    Expected<bool> On = Eval.anyTrue(Candidate->ResolutionMarkers);
    if (!On)
      return On.takeError();
    if (!*On)
      continue;
    Match = Candidate;
    ++Count;
  }
  if (Count != 1)
    return makeError(Context + " '" + Normal + "' matches " + Twine(Count) +
                     " of the " + Twine(Found.size()) + " locked entries on " +
                     Target.str());
  return Match;
}

Error Traversal::selectRoots() {
  for (const LocatedString &M : P.LockFile.Manifest.Members)
    Members.insert(normalize(M.Value));
  const Package *RootPkg = P.getRootPackage();
  if (RootPkg)
    Members.insert(RootPkg->Name);

  if (!Opts.Package.empty()) {
    std::string Name = normalize(Opts.Package);
    if (!Members.count(Name)) {
      std::vector<std::string> Names;
      for (const auto &M : Members)
        Names.push_back(M.getKey().str());
      llvm::sort(Names);
      return makeError(
          "package '" + Name +
          "' is not a workspace member; members: " + join(Names, ", "));
    }
    Expected<const Package *> Pkg = resolveName(Name, "workspace member");
    if (!Pkg)
      return Pkg.takeError();
    Roots.push_back(*Pkg);
  } else if (RootPkg) {
    Roots.push_back(RootPkg);
  } else {
    if (Members.empty())
      return makeError("the lock has no root package and no workspace "
                       "members");
    std::vector<std::string> Names;
    for (const auto &M : Members)
      Names.push_back(M.getKey().str());
    llvm::sort(Names);
    for (const std::string &Name : Names) {
      Expected<const Package *> Pkg = resolveName(Name, "workspace member");
      if (!Pkg)
        return Pkg.takeError();
      Roots.push_back(*Pkg);
    }
  }
  for (const Package *R : Roots)
    RootNames.insert(R->Name);

  if (Error E = addRootExtras())
    return E;
  for (const std::string &G : Opts.Groups)
    RequestedGroups.insert(normalize(G));
  if (!RootPkg && Opts.Package.empty()) {
    for (const Requirement &R : P.LockFile.Manifest.Requirements) {
      Expected<const Package *> To = resolveName(R.Name, "requirement");
      if (!To)
        return To.takeError();
      RootEdges.push_back({nullptr, *To, R.Extras, R.Marker});
    }
    return addManifestGroups();
  }
  return addGroups(Roots.front());
}

Error Traversal::addRootExtras() {
  bool Unused = false;
  for (const Package *R : Roots)
    getOrAddNode(R, Unused);
  if (Opts.AllExtras) {
    for (const Package *R : Roots) {
      std::set<std::string> &Extras = Nodes[NodeIndex[R]].Extras;
      for (const auto &KV : R->OptionalDependencies)
        Extras.insert(KV.first.str());
      for (StringRef E : R->ProvidesExtras)
        Extras.insert(normalize(E));
    }
  }
  for (const std::string &Requested : Opts.Extras) {
    std::string Extra = normalize(Requested);
    bool Defined = false, Checkable = false;
    for (const Package *R : Roots) {
      bool Has = R->OptionalDependencies.count(Extra) ||
                 llvm::any_of(R->ProvidesExtras, [&](StringRef E) {
                   return normalize(E) == Extra;
                 });
      // Without provides-extras (old locks), extras with no dependencies
      // are invisible in the lock; the project's own pyproject.toml still
      // lists them. With neither, any name is accepted.
      bool FromPyProject = !R->HasProvidesExtras &&
                           P.Metadata.HasProjectTable &&
                           !P.Metadata.isDynamic("optional-dependencies") &&
                           normalize(P.Metadata.Name.Value) == R->Name;
      if (FromPyProject)
        Has |=
            llvm::any_of(P.Metadata.OptionalDependencies, [&](const auto &KV) {
              return normalize(KV.first) == Extra;
            });
      else if (!R->HasProvidesExtras)
        Has = true;
      Checkable |= R->HasProvidesExtras || FromPyProject;
      if (!Has)
        continue;
      Defined = true;
      Nodes[NodeIndex[R]].Extras.insert(Extra);
    }
    if (!Defined && Checkable)
      return makeError("extra '" + Extra + "' is not defined by " +
                       Roots.front()->Name +
                       (Roots.size() > 1 ? " or any other root" : ""));
  }
  return Error::success();
}

Error Traversal::addGroups(const Package *Owner) {
  for (const std::string &G : Opts.Groups) {
    std::string Name = normalize(G);
    auto It = Owner->DevDependencies.find(Name);
    if (It == Owner->DevDependencies.end()) {
      if (Owner->RequiresDev.count(Name))
        continue; // An empty group.
      std::vector<std::string> Known;
      for (const auto &KV : Owner->DevDependencies)
        Known.push_back(KV.first.str());
      llvm::sort(Known);
      return makeError(
          "group '" + Name + "' is not defined by " + Owner->Name +
          " (groups: " + (Known.empty() ? "none" : join(Known, ", ")) + ")");
    }
    for (const Dependency &D : It->second)
      RootEdges.push_back({Owner, D.Target, D.Extras, D.Marker});
  }
  return Error::success();
}

Error Traversal::addManifestGroups() {
  const RequirementGroups &Groups = P.LockFile.Manifest.DependencyGroups;
  for (const std::string &G : Opts.Groups) {
    std::string Name = normalize(G);
    auto It = Groups.find(Name);
    if (It == Groups.end()) {
      std::vector<std::string> Known;
      for (const auto &KV : Groups)
        Known.push_back(KV.first.str());
      llvm::sort(Known);
      return makeError("group '" + Name +
                       "' is not defined by the workspace root (groups: " +
                       (Known.empty() ? "none" : join(Known, ", ")) + ")");
    }
    for (const Requirement &R : It->second) {
      Expected<const Package *> To = resolveName(R.Name, "requirement");
      if (!To)
        return To.takeError();
      RootEdges.push_back({nullptr, *To, R.Extras, R.Marker});
    }
  }
  return Error::success();
}

unsigned Traversal::getOrAddNode(const Package *Pkg, bool &Changed) {
  auto It = NodeIndex.find(Pkg);
  if (It != NodeIndex.end())
    return It->second;
  unsigned Index = Nodes.size();
  Nodes.push_back({Pkg, {}});
  NodeIndex[Pkg] = Index;
  NodesByName[Pkg->Name].push_back(Index);
  Changed = true;
  return Index;
}

bool Traversal::isConflictActive(ConflictTargetKind Kind, StringRef Package,
                                 StringRef Name) const {
  switch (Kind) {
  case ConflictTargetKind::Extra: {
    auto It = NodesByName.find(Package);
    if (It == NodesByName.end())
      return false;
    return llvm::any_of(It->second, [&](unsigned I) {
      return Nodes[I].Extras.count(Name.str()) != 0;
    });
  }
  case ConflictTargetKind::Group:
    return RootNames.count(Package) && RequestedGroups.count(Name);
  case ConflictTargetKind::Project:
    return NodesByName.count(Package) != 0;
  }
  return false;
}

Error Traversal::tryEdge(const Package *Parent, const Package *To,
                         ArrayRef<StringRef> Extras, StringRef Marker,
                         bool &Changed) {
  if (!To)
    return Error::success();
  auto IsExtraActive = [&](StringRef Extra) {
    if (!Parent)
      return false;
    auto It = NodeIndex.find(Parent);
    return It != NodeIndex.end() &&
           Nodes[It->second].Extras.count(Extra.str()) != 0;
  };
  auto IsConflictActive = [&](ConflictTargetKind Kind, StringRef Package,
                              StringRef Name) {
    return isConflictActive(Kind, Package, Name);
  };
  Expected<bool> On = Eval.evaluate(Marker, IsExtraActive, IsConflictActive);
  if (!On)
    return makeError("dependency " + (Parent ? Parent->Name : "(root)") +
                     " -> " + To->Name + ": " + toString(On.takeError()));
  if (!*On)
    return Error::success();
  if (EdgeSet.insert({Parent, To}).second)
    Edges.push_back({Parent, To});
  unsigned Index = getOrAddNode(To, Changed);
  for (StringRef Extra : Extras)
    if (Nodes[Index].Extras.insert(normalize(Extra)).second)
      Changed = true;
  return Error::success();
}

Error Traversal::propagate() {
  bool Changed = true;
  while (Changed) {
    Changed = false;
    Edges.clear();
    EdgeSet.clear();
    for (const RootEdge &E : RootEdges)
      if (Error Err = tryEdge(E.Parent, E.Target, E.Extras, E.Marker, Changed))
        return Err;
    // Nodes grows while we walk it; index, do not hold references.
    for (size_t I = 0; I != Nodes.size(); ++I) {
      const Package *Pkg = Nodes[I].Pkg;
      for (const Dependency &D : Pkg->Dependencies)
        if (Error Err = tryEdge(Pkg, D.Target, D.Extras, D.Marker, Changed))
          return Err;
      std::vector<std::string> Active(Nodes[I].Extras.begin(),
                                      Nodes[I].Extras.end());
      for (const std::string &Extra : Active) {
        auto It = Pkg->OptionalDependencies.find(Extra);
        if (It == Pkg->OptionalDependencies.end())
          continue;
        for (const Dependency &D : It->second)
          if (Error Err = tryEdge(Pkg, D.Target, D.Extras, D.Marker, Changed))
            return Err;
      }
    }
  }
  return Error::success();
}

const Distribution *
Traversal::selectLocalBuild(ArrayRef<WheelFilename> Parsed,
                            ArrayRef<const Distribution *> Dists,
                            const TagTarget &Tags) const {
  if (Opts.FindLinks.empty())
    return nullptr;
  std::string Local = "linux_" + getArchName(Tags.Arch).str();
  std::vector<WheelFilename> Candidates;
  std::vector<const Distribution *> CandidateDists;
  for (size_t I = 0; I < Parsed.size(); ++I) {
    if (!is_contained(Parsed[I].PlatformTags, Local))
      continue;
    bool InFindLinks = any_of(Opts.FindLinks, [&](const std::string &Dir) {
      SmallString<256> Path(Dir);
      sys::path::append(Path, Dists[I]->getFileName());
      return sys::fs::exists(Path);
    });
    if (!InFindLinks)
      continue;
    // Ranked as if built for the oldest manylinux: the interpreter and ABI
    // tags still have to fit.
    WheelFilename W = Parsed[I];
    W.PlatformTags = {"manylinux_2_17_" + getArchName(Tags.Arch).str()};
    Candidates.push_back(std::move(W));
    CandidateDists.push_back(Dists[I]);
  }
  if (std::optional<size_t> Best = selectBestWheel(Candidates, Tags))
    return CandidateDists[*Best];
  return nullptr;
}

void Traversal::selectWheel(InstalledPackage &IP) const {
  TagTarget Tags = Target.getTagTarget();
  std::vector<WheelFilename> Parsed;
  std::vector<const Distribution *> ParsedDist;
  for (const Distribution &W : IP.Pkg->Wheels) {
    Expected<WheelFilename> Name = WheelFilename::parse(W.getFileName());
    if (!Name) {
      consumeError(Name.takeError()); // getRejectedWheels says why.
      continue;
    }
    Parsed.push_back(std::move(*Name));
    ParsedDist.push_back(&W);
  }
  if (std::optional<size_t> Best = selectBestWheel(Parsed, Tags))
    IP.Wheel = ParsedDist[*Best];
  else
    IP.Wheel = selectLocalBuild(Parsed, ParsedDist, Tags);
}

std::vector<RejectedWheel>
lambdaopt::getRejectedWheels(const InstalledPackage &IP,
                             const TargetConfig &Target) {
  std::vector<RejectedWheel> Rejected;
  TagTarget Tags = Target.getTagTarget();
  for (const Distribution &W : IP.Pkg->Wheels) {
    if (&W == IP.Wheel)
      continue;
    Expected<WheelFilename> Name = WheelFilename::parse(W.getFileName());
    if (!Name) {
      Rejected.push_back(
          {&W, std::nullopt,
           "invalid wheel file name: " + toString(Name.takeError())});
      continue;
    }
    if (std::optional<Incompatibility> Why =
            explainIncompatibility(*Name, Tags))
      Rejected.push_back({&W, Why->Kind, Why->Message});
  }
  return Rejected;
}

void Traversal::buildResult(InstallSet &Out) {
  Out.Roots = Roots;
  for (const Node &N : Nodes)
    Out.Reached.push_back(N.Pkg);
  llvm::sort(Out.Reached, comparePackages);

  // The graph: Parent -> To for every followed edge with a parent.
  std::vector<const Package *> EntryPoints = Roots;
  for (const auto &E : Edges) {
    if (!E.first) {
      EntryPoints.push_back(E.second);
      continue;
    }
    Out.Forward[E.first].push_back(E.second);
    Out.Reverse[E.second].push_back(E.first);
  }
  for (auto &KV : Out.Forward)
    llvm::sort(KV.second, comparePackages);
  for (auto &KV : Out.Reverse)
    llvm::sort(KV.second, comparePackages);

  // Breadth-first from the roots for one shortest path to each package.
  // The project `--no-emit-project` leaves out: the selected member, else
  // the root package.
  std::string ProjectName;
  if (!Opts.Package.empty())
    ProjectName = normalize(Opts.Package);
  else if (const Package *RootPkg = P.getRootPackage())
    ProjectName = RootPkg->Name.str();
  StringSet<> Omitted;
  for (const std::string &Name : Opts.NoEmitPackages)
    Omitted.insert(normalize(Name));

  // Whether a path passes through an installed local tree is memoised in
  // the same order, so both cost linear time in the graph.
  auto IsInstalled = [&](const Package *Pkg) {
    if (Pkg->Src.Kind == SourceKind::Virtual || Omitted.count(Pkg->Name))
      return false;
    if (Opts.NoEmitWorkspace && Members.count(Pkg->Name))
      return false;
    return !(Opts.NoEmitProject && Pkg->Name == ProjectName);
  };
  auto IsLocal = [](const Package *Pkg) {
    SourceKind K = Pkg->Src.Kind;
    return K == SourceKind::Path || K == SourceKind::Directory ||
           K == SourceKind::Editable;
  };
  auto Tree = std::make_shared<DenseMap<const Package *, const Package *>>();
  DenseMap<const Package *, const Package *> &Parent = *Tree;
  DenseMap<const Package *, bool> ViaLocal;
  std::vector<const Package *> Queue;
  for (const Package *R : EntryPoints)
    if (Parent.try_emplace(R, nullptr).second) {
      Queue.push_back(R);
      ViaLocal[R] = false;
    }
  for (size_t I = 0; I != Queue.size(); ++I) {
    const Package *From = Queue[I];
    auto It = Out.Forward.find(From);
    if (It == Out.Forward.end())
      continue;
    // Workspace members are the project's own code, not a local tree.
    bool Via = ViaLocal[From] || (IsInstalled(From) && IsLocal(From) &&
                                  !Members.count(From->Name));
    for (const Package *To : It->second)
      if (Parent.try_emplace(To, From).second) {
        Queue.push_back(To);
        ViaLocal[To] = Via;
      }
  }

  for (const Package *Pkg : Out.Reached) {
    if (!IsInstalled(Pkg))
      continue;
    InstalledPackage IP;
    IP.Pkg = Pkg;
    IP.IsLocal = IsLocal(Pkg);
    IP.ParentTree = Tree;
    IP.ViaLocalTree = ViaLocal.lookup(Pkg);
    IP.IsWorkspaceMember = Members.count(Pkg->Name) != 0;
    const Node &N = Nodes[NodeIndex[Pkg]];
    IP.Extras.assign(N.Extras.begin(), N.Extras.end());
    Out.InstalledIndex[Pkg] = Out.Packages.size();
    Out.Packages.push_back(std::move(IP));
  }
  // Wheel choice reads each package's wheel names alone: a large lock's
  // tens of thousands of file names are parsed on every core.
  parallelForEach(Out.Packages,
                  [this](InstalledPackage &IP) { selectWheel(IP); });
}

Error Traversal::run(InstallSet &Out) {
  if (!Target.Runtime)
    return makeError("no target runtime given");
  if (Error E = selectRoots())
    return E;
  if (Error E = propagate())
    return E;
  buildResult(Out);
  return Error::success();
}

Expected<InstallSet> lambdaopt::computeInstallSet(const Project &P,
                                                  const TargetConfig &Target,
                                                  const InstallOptions &Opts) {
  InstallSet Out;
  Traversal T(P, Target, Opts);
  if (Error E = T.run(Out))
    return E;
  return Out;
}

std::vector<StringRef> InstalledPackage::getPath() const {
  std::vector<StringRef> Path;
  for (const Package *Step = Pkg; Step;
       Step = ParentTree ? ParentTree->lookup(Step) : nullptr)
    Path.push_back(Step->Name);
  std::reverse(Path.begin(), Path.end());
  return Path;
}

std::string InstalledPackage::getPathString() const {
  return join(getPath(), " -> ");
}

bool InstalledPackage::hasNoCompatibleWheel() const {
  return !Wheel && !Pkg->Wheels.empty();
}

SmallVector<const InstalledPackage *, 1>
InstallSet::lookup(StringRef Name) const {
  SmallVector<const InstalledPackage *, 1> Found;
  for (const InstalledPackage &IP : Packages)
    if (IP.Pkg->Name == Name)
      Found.push_back(&IP);
  return Found;
}

bool InstallSet::isInstalled(const Package *P) const {
  return InstalledIndex.count(P) != 0;
}

ArrayRef<const Package *> InstallSet::getDependencies(const Package *P) const {
  auto It = Forward.find(P);
  if (It == Forward.end())
    return {};
  return It->second;
}

ArrayRef<const Package *> InstallSet::getDependents(const Package *P) const {
  auto It = Reverse.find(P);
  if (It == Reverse.end())
    return {};
  return It->second;
}
