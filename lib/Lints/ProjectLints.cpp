//===- ProjectLints.cpp - Freshness, leakage and runtime lints ------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "LintSupport.h"
#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/IR/Project.h"
#include "lambda-opt/Lints/Lints.h"
#include "lambda-opt/Standards/Marker.h"
#include "lambda-opt/Standards/Version.h"
#include "lambda-opt/Target/Runtime.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace llvm;
using namespace lambdaopt;

//===----------------------------------------------------------------------===//
// lock-freshness
//===----------------------------------------------------------------------===//

namespace {
/// A requirement reduced to what uv records: normalized name, sorted
/// extras, canonical specifier, marker text and whether it is a direct
/// reference (URL, git or path) whose specifier uv does not keep.
struct ReqKey {
  std::string Name;
  std::vector<std::string> Extras;
  std::string Specifier;
  StringRef Marker;
  bool Direct = false;
  SMRange Range;
  StringRef Text; ///< As written, for messages.
  bool Matched = false;
};
} // namespace

/// Whitespace removed, comma-separated clauses sorted.
static std::string canonicalSpecifier(StringRef Spec) {
  std::string Flat;
  for (char C : Spec)
    if (!isSpace(C) && C != '(' && C != ')')
      Flat += C;
  SmallVector<StringRef, 4> Parts;
  StringRef(Flat).split(Parts, ',', -1, /*KeepEmpty=*/false);
  llvm::sort(Parts);
  return join(Parts, ",");
}

/// Splits a PEP 508 string: `name [extras] (specifier | @ url) ; marker`.
static ReqKey parsePep508(StringRef Text, SMRange Range) {
  ReqKey K;
  K.Range = Range;
  K.Text = Text;
  StringRef Rest = Text.trim();
  auto Split = Rest.split(';');
  K.Marker = Split.second.trim();
  Rest = Split.first.trim();
  size_t NameEnd = Rest.find_if(
      [](char C) { return !(isAlnum(C) || C == '-' || C == '_' || C == '.'); });
  K.Name = normalizePackageName(Rest.take_front(NameEnd));
  Rest = Rest.drop_front(std::min(NameEnd, Rest.size())).ltrim();
  if (Rest.consume_front("[")) {
    auto E = Rest.split(']');
    SmallVector<StringRef, 2> Extras;
    E.first.split(Extras, ',', -1, false);
    for (StringRef X : Extras)
      K.Extras.push_back(normalizePackageName(X.trim()));
    llvm::sort(K.Extras);
    Rest = E.second.ltrim();
  }
  if (Rest.startswith("@")) {
    K.Direct = true;
    return K;
  }
  K.Specifier = canonicalSpecifier(Rest);
  return K;
}

static ReqKey fromLock(const Requirement &R) {
  ReqKey K;
  K.Name = normalizePackageName(R.Name);
  for (StringRef X : R.Extras)
    K.Extras.push_back(normalizePackageName(X));
  llvm::sort(K.Extras);
  K.Specifier = canonicalSpecifier(R.Specifier);
  K.Marker = R.Marker;
  K.Direct = R.Src.has_value();
  K.Range = R.Range;
  return K;
}

static std::string describeLock(const ReqKey &K) {
  std::string Out = K.Name;
  if (!K.Extras.empty())
    Out += "[" + join(K.Extras, ",") + "]";
  Out += K.Specifier;
  if (!K.Marker.empty())
    Out += "; " + K.Marker.str();
  return Out;
}

/// Compares one section (dependencies, one extra, one group) and reports
/// each pyproject entry that the lock does not record, and each lock entry
/// that pyproject no longer has.
static void compareSection(StringRef What, std::vector<ReqKey> &Written,
                           std::vector<ReqKey> &Locked,
                           DiagnosticEngine &Diags) {
  // Markers are not compared: uv narrows them from [tool.uv.sources]
  // entries with markers (one locked requirement per source) and from a
  // group's requires-python, so a fresh lock legitimately differs there.
  auto Equal = [&](const ReqKey &W, const ReqKey &L) {
    return W.Name == L.Name && W.Extras == L.Extras &&
           (W.Direct || L.Direct || W.Specifier == L.Specifier);
  };
  // A requirement may stand several times on either side (one per source
  // marker), so equal entries match each other many-to-many.
  for (ReqKey &W : Written) {
    bool Found = false;
    for (ReqKey &L : Locked)
      if (Equal(W, L)) {
        L.Matched = true;
        Found = true;
      }
    if (Found) {
      W.Matched = true;
      continue;
    }
    ReqKey *SameName = nullptr;
    for (ReqKey &L : Locked)
      if (!L.Matched && L.Name == W.Name) {
        SameName = &L;
        break;
      }
    if (SameName) {
      SameName->Matched = true;
      Diags.report(Diags.create("LO304", W.Range,
                                What + " '" + W.Text +
                                    "' differs from uv.lock, which has '" +
                                    describeLock(*SameName) + "'",
                                W.Name));
      continue;
    }
    Diags.report(Diags.create("LO304", W.Range,
                              What + " '" + W.Text + "' is not in uv.lock",
                              W.Name));
  }
  for (const ReqKey &L : Locked)
    if (!L.Matched)
      Diags.report(Diags.create("LO304", L.Range,
                                "uv.lock records " + What + " '" +
                                    describeLock(L) +
                                    "' that pyproject.toml no longer has",
                                L.Name));
}

/// Appends the requirements of group \p Name, following include-group.
static void flattenGroup(const PyProject &Py, StringRef Name,
                         std::vector<ReqKey> &Out, unsigned Depth) {
  if (Depth > 16)
    return;
  for (const auto &G : Py.DependencyGroups) {
    if (normalizePackageName(G.first) != Name)
      continue;
    for (const GroupEntry &E : G.second) {
      if (!E.IncludeGroup.empty())
        flattenGroup(Py, normalizePackageName(E.IncludeGroup), Out, Depth + 1);
      else
        Out.push_back(parsePep508(E.Requirement, E.Range));
    }
  }
}

PreservedAnalyses LockFreshnessPass::run(Project &P, AnalysisManager &AM) {
  DiagnosticEngine &Diags = AM.getDiagnostics();
  const Package *Root = P.getRootPackage();
  const PyProject &Py = P.Metadata;
  if (!Root || !Root->HasMetadata || !Py.Present || !Py.HasProjectTable ||
      !Diags.isEnabled("LO304"))
    return PreservedAnalyses::all();

  // [project] dependencies and optional dependencies against requires-dist.
  std::vector<ReqKey> Deps;
  for (const RequirementString &R : Py.Dependencies)
    Deps.push_back(parsePep508(R.Value, R.Range));
  std::vector<ReqKey> LockedDeps;
  StringMap<std::vector<ReqKey>> LockedExtras;
  for (const Requirement &R : Root->RequiresDist) {
    ReqKey K = fromLock(R);
    SmallVector<std::string, 1> Extras;
    if (Expected<Marker> M = Marker::parse(R.Marker))
      M->collectExtras(Extras);
    else
      consumeError(M.takeError());
    if (Extras.empty())
      LockedDeps.push_back(std::move(K));
    else
      LockedExtras[Extras.front()].push_back(std::move(K));
  }
  // A field the build backend computes (`dynamic`) cannot be compared.
  if (!Py.isDynamic("dependencies"))
    compareSection("dependency", Deps, LockedDeps, Diags);
  std::vector<std::string> ExtraNames;
  bool DynamicExtras = Py.isDynamic("optional-dependencies");
  for (const auto &Extra : Py.OptionalDependencies) {
    if (DynamicExtras)
      break;
    std::string Name = normalizePackageName(Extra.first);
    ExtraNames.push_back(Name);
    std::vector<ReqKey> Written;
    for (const RequirementString &R : Extra.second)
      Written.push_back(parsePep508(R.Value, R.Range));
    std::vector<ReqKey> Empty;
    auto It = LockedExtras.find(Name);
    compareSection("optional dependency (extra '" + Name + "')", Written,
                   It == LockedExtras.end() ? Empty : It->second, Diags);
  }
  // Extras the lock has and pyproject dropped (sorted for determinism).
  std::vector<StringRef> Dropped;
  for (const auto &E : LockedExtras)
    if (!DynamicExtras && !is_contained(ExtraNames, E.getKey().str()))
      Dropped.push_back(E.getKey());
  llvm::sort(Dropped);
  for (StringRef Name : Dropped) {
    std::vector<ReqKey> None;
    compareSection(("optional dependency (extra '" + Name + "')").str(), None,
                   LockedExtras[Name], Diags);
  }

  // Dependency groups against requires-dev.
  std::vector<std::string> Groups;
  for (const auto &G : Py.DependencyGroups)
    if (!is_contained(Groups, normalizePackageName(G.first)))
      Groups.push_back(normalizePackageName(G.first));
  if (!Py.Uv.DevDependencies.empty() && !is_contained(Groups, "dev"))
    Groups.push_back("dev");
  for (const auto &G : Root->RequiresDev)
    if (!is_contained(Groups, normalizePackageName(G.first)))
      Groups.push_back(normalizePackageName(G.first));
  for (const std::string &Group : Groups) {
    std::vector<ReqKey> Written;
    flattenGroup(Py, Group, Written, 0);
    if (Group == "dev")
      for (const LocatedString &R : Py.Uv.DevDependencies)
        Written.push_back(parsePep508(R.Value, R.Range));
    std::vector<ReqKey> Locked;
    for (const auto &G : Root->RequiresDev)
      if (normalizePackageName(G.first) == Group)
        for (const Requirement &R : G.second)
          Locked.push_back(fromLock(R));
    compareSection("dependency group '" + Group + "' entry", Written, Locked,
                   Diags);
  }
  return PreservedAnalyses::all();
}

//===----------------------------------------------------------------------===//
// dev-leakage
//===----------------------------------------------------------------------===//

Expected<PreservedAnalyses> DevLeakagePass::run(Project &P,
                                                AnalysisManager &AM) {
  DiagnosticEngine &Diags = AM.getDiagnostics();
  const PyProject::UvTable &Uv = P.Metadata.Uv;
  if (Uv.DefaultGroups)
    for (const LocatedString &G : *Uv.DefaultGroups) {
      if (normalizePackageName(G.Value) == "dev")
        continue;
      Diagnostic D = Diags.create(
          "LO402", G.Range,
          "default group '" + G.Value +
              "' is installed by `uv sync` and kept by `uv export --no-dev`, "
              "which removes only 'dev'");
      D.FixHint = "export with `--no-default-groups`, or move the group's "
                  "tools into 'dev'";
      Diags.report(std::move(D));
    }
  if (Uv.DefaultGroupsAll) {
    std::vector<std::string> Names;
    for (const auto &G : P.Metadata.DependencyGroups)
      if (normalizePackageName(G.first) != "dev")
        Names.push_back(G.first.str());
    if (!Names.empty())
      Diags.report(Diags.create(
          "LO402", Uv.Range,
          "default-groups = \"all\" installs group(s) " + join(Names, ", ") +
              ", which `uv export --no-dev` keeps (it removes only 'dev')"));
  }

  Expected<const InstallSetResult *> R = getInstallSet(P, AM);
  if (!R)
    return R.takeError();
  if (!*R)
    return PreservedAnalyses::all();
  for (const InstalledPackage &IP : (*R)->get().Packages) {
    const Package &Pkg = *IP.Pkg;
    if (isDevelopmentTool(Pkg.Name)) {
      Diagnostic D = Diags.create(
          "LO401", getPackageRange(Pkg),
          Pkg.getDisplayName() +
              " is a development tool but is in the production install set",
          Pkg.Name);
      D.Notes.push_back(formatDependencyPath(IP));
      D.FixHint = "move it to the 'dev' dependency group: `uv remove " +
                  Pkg.Name.str() + " && uv add --dev " + Pkg.Name.str() + "`";
      Diags.report(std::move(D));
    }
    // The project and workspace members are built from the checkout on
    // purpose; a path dependency from wherever its folder points.
    if (IP.IsLocal && !IP.IsWorkspaceMember && Pkg.Src.isLocalTree()) {
      Diagnostic D = Diags.create(
          "LO403", Pkg.Src.Range,
          Pkg.getDisplayName() + " is built from the local " +
              getSourceKindName(Pkg.Src.Kind) + " source '" + Pkg.Src.Value +
              "', outside the workspace; the artifact holds whatever that "
              "folder holds when it is built",
          Pkg.Name);
      D.Notes.push_back(formatDependencyPath(IP));
      D.FixHint = "make it a workspace member, or publish it and depend on "
                  "a released version";
      Diags.report(std::move(D));
    }
  }
  return PreservedAnalyses::all();
}

//===----------------------------------------------------------------------===//
// runtime-check
//===----------------------------------------------------------------------===//

/// LO501: the lock's requires-python against the runtime's interpreter.
static void checkRequiresPython(const Project &P, const RuntimeInfo &RT,
                                DiagnosticEngine &Diags) {
  const LocatedString &RP = P.LockFile.RequiresPython;
  if (RP.Value.empty())
    return;
  Expected<SpecifierSet> Specs = SpecifierSet::parse(RP.Value);
  if (!Specs) {
    consumeError(Specs.takeError());
    return;
  }
  auto Accepts = [&](const RuntimeInfo &R) {
    Expected<Version> V = Version::parse(R.PythonFullVersion);
    if (!V) {
      consumeError(V.takeError());
      return true;
    }
    return Specs->contains(*V);
  };
  if (Accepts(RT))
    return;
  std::vector<StringRef> Works;
  for (const RuntimeInfo &R : getRuntimes())
    if (Accepts(R))
      Works.push_back(R.Identifier);
  std::string Msg = ("requires-python '" + RP.Value + "' excludes " +
                     RT.Identifier + " (Python " + RT.PythonFullVersion + ")")
                        .str();
  if (!Works.empty())
    Msg += "; works on " + formatRuntimeList(Works);
  Diagnostic D = Diags.create("LO501", RP.Range, Msg);
  if (!Works.empty())
    D.FixHint = "deploy to " + Works.back().str() +
                ", or widen requires-python and run `uv lock`";
  Diags.report(std::move(D));
}

/// LO502: the runtime's lifecycle on \p Today.
static void checkLifecycle(const Project &P, const RuntimeInfo &RT,
                           StringRef Today, DiagnosticEngine &Diags) {
  RuntimeStatusKind Status = getRuntimeStatus(RT, Today);
  if (Status == RuntimeStatusKind::Supported)
    return;
  std::string Msg = RT.Identifier.str() + " is deprecated since " +
                    RT.DeprecationDate.str() + " (no more security patches)";
  if (Status == RuntimeStatusKind::Deprecated)
    Msg += "; creating functions is blocked from " + RT.BlockCreateDate.str() +
           " and updating them from " + RT.BlockUpdateDate.str();
  else if (Status == RuntimeStatusKind::CreateBlocked)
    Msg += "; creating functions is blocked since " + RT.BlockCreateDate.str() +
           " and updating them from " + RT.BlockUpdateDate.str();
  else
    Msg += "; creating and updating functions is blocked since " +
           RT.BlockUpdateDate.str();
  Msg += " (today is " + Today.str() + ")";
  Diagnostic D = Diags.create("LO502", P.Options.RuntimeRange, Msg);
  const RuntimeInfo *Newest = nullptr;
  for (const RuntimeInfo &R : getRuntimes())
    if (getRuntimeStatus(R, Today) == RuntimeStatusKind::Supported)
      Newest = &R;
  if (Newest)
    D.FixHint = "move to " + Newest->Identifier.str();
  Diags.report(std::move(D));
}

Expected<PreservedAnalyses> RuntimeCheckPass::run(Project &P,
                                                  AnalysisManager &AM) {
  DiagnosticEngine &Diags = AM.getDiagnostics();
  Expected<const RuntimeInfo *> RT = findRuntime(P.Options.Runtime);
  if (!RT)
    return RT.takeError();
  checkRequiresPython(P, **RT, Diags);
  checkLifecycle(P, **RT, Today.empty() ? getToday() : Today, Diags);

  Expected<const InstallSetResult *> R = getInstallSet(P, AM);
  if (!R)
    return R.takeError();
  if (!*R)
    return PreservedAnalyses::all();
  std::vector<const InstalledPackage *> SDK;
  const InstalledPackage *Boto3 = nullptr;
  uint64_t Bytes = 0;
  for (const InstalledPackage &IP : (*R)->get().Packages) {
    if (IP.IsLocal || !(*RT)->providesPackage(IP.Pkg->Name))
      continue;
    SDK.push_back(&IP);
    if (IP.Wheel && IP.Wheel->Size)
      Bytes += *IP.Wheel->Size;
    if (IP.Pkg->Name == "boto3")
      Boto3 = &IP;
  }
  if (SDK.empty())
    return PreservedAnalyses::all();
  if (Boto3) {
    std::vector<StringRef> Names;
    for (const InstalledPackage *IP : SDK)
      Names.push_back(IP->Pkg->Name);
    Diagnostic D = Diags.create(
        "LO503", getPackageRange(*Boto3->Pkg),
        Boto3->Pkg->getDisplayName() + " is bundled although " +
            (*RT)->Identifier + " provides it; the bundled SDK packages (" +
            join(Names, ", ") + ") cost " + formatMegabytes(Bytes) +
            " zipped (" + formatThousands(Bytes) + " bytes)",
        "boto3");
    D.Notes.push_back(formatDependencyPath(*Boto3));
    D.FixHint = "rely on the runtime's SDK (--strip=runtime-provided), or "
                "keep it bundled on purpose to pin its version";
    Diags.report(std::move(D));
    return PreservedAnalyses::all();
  }
  // Only botocore and s3transfer are released in lockstep with boto3; the
  // rest of the closure (urllib3, six, ...) is ordinary shared dependencies.
  std::vector<const InstalledPackage *> Pinned;
  for (const InstalledPackage *IP : SDK)
    if (IP->Pkg->Name == "botocore" || IP->Pkg->Name == "s3transfer")
      Pinned.push_back(IP);
  if (Pinned.empty())
    return PreservedAnalyses::all();
  std::vector<std::string> PinnedNames, Bundled;
  for (const InstalledPackage *IP : Pinned)
    PinnedNames.push_back(IP->Pkg->getDisplayName());
  for (const InstalledPackage *IP : SDK)
    Bundled.push_back(IP->Pkg->getDisplayName());
  llvm::sort(Bundled);
  const InstalledPackage &First = *Pinned.front();
  bool One = Pinned.size() == 1;
  Diagnostic D = Diags.create(
      "LO504", getPackageRange(*First.Pkg),
      join(PinnedNames, " and ") + (One ? " is" : " are") +
          " bundled but boto3 is not: the boto3 of " + (*RT)->Identifier +
          " would import " + (One ? "this " + First.Pkg->Name.str() : "them") +
          " instead of the " + (One ? "version" : "versions") +
          " it was released with",
      First.Pkg->Name);
  D.Notes.push_back("bundled SDK packages: " + join(Bundled, ", "));
  D.Notes.push_back(formatDependencyPath(First));
  D.FixHint = "add boto3 pinned to the release that matches " +
              First.Pkg->getDisplayName() +
              " (bundle the whole SDK), or drop " +
              join(map_range(Pinned,
                             [](const InstalledPackage *IP) {
                               return IP->Pkg->Name.str();
                             }),
                   " and ") +
              " and use the runtime's SDK";
  Diags.report(std::move(D));
  return PreservedAnalyses::all();
}
