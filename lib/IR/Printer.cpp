//===- Printer.cpp - Textual IR dump --------------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/IR/Printer.h"
#include "lambda-opt/Artifact/Layout.h"
#include "lambda-opt/IR/Project.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"

using namespace llvm;
using namespace lambdaopt;

namespace {

/// Writes `"text"` with C-style escapes.
struct Quoted {
  StringRef S;
};
raw_ostream &operator<<(raw_ostream &OS, Quoted Q) {
  OS << '"';
  OS.write_escaped(Q.S);
  return OS << '"';
}

void printList(raw_ostream &OS, ArrayRef<StringRef> Items) {
  OS << '[';
  for (size_t I = 0; I != Items.size(); ++I)
    OS << (I ? ", " : "") << Quoted{Items[I]};
  OS << ']';
}

void printSource(raw_ostream &OS, const Source &S) {
  OS << getSourceKindName(S.Kind) << ' ' << Quoted{S.Value};
  if (!S.Subdirectory.empty())
    OS << " subdirectory " << Quoted{S.Subdirectory};
}

void printDependency(raw_ostream &OS, const Dependency &D) {
  OS << "dep " << Quoted{D.Name};
  if (!D.Version.empty())
    OS << " version " << Quoted{D.Version};
  if (D.Src) {
    OS << " source ";
    printSource(OS, *D.Src);
  }
  if (!D.Extras.empty()) {
    OS << " extra ";
    printList(OS, D.Extras);
  }
  if (!D.Marker.empty())
    OS << " marker " << Quoted{D.Marker};
  OS << '\n';
}

void printRequirement(raw_ostream &OS, const Requirement &R) {
  OS << Quoted{R.Name};
  if (!R.Extras.empty()) {
    OS << " extras ";
    printList(OS, R.Extras);
  }
  if (!R.Groups.empty()) {
    OS << " groups ";
    printList(OS, R.Groups);
  }
  if (!R.Specifier.empty())
    OS << " specifier " << Quoted{R.Specifier};
  if (!R.Index.empty())
    OS << " index " << Quoted{R.Index};
  if (R.Src) {
    OS << " source ";
    printSource(OS, *R.Src);
  }
  if (!R.Marker.empty())
    OS << " marker " << Quoted{R.Marker};
  OS << '\n';
}

void printDistribution(raw_ostream &OS, StringRef Kind, const Distribution &D) {
  OS << "  " << Kind;
  if (!D.URL.empty())
    OS << " url " << Quoted{D.URL};
  if (!D.Path.empty())
    OS << " path " << Quoted{D.Path};
  if (!D.Filename.empty())
    OS << " filename " << Quoted{D.Filename};
  if (!D.Hash.empty())
    OS << " hash " << Quoted{D.Hash};
  if (D.Size)
    OS << " size " << *D.Size;
  if (!D.UploadTime.empty())
    OS << " upload-time " << Quoted{D.UploadTime};
  if (!D.ZstdHash.empty())
    OS << " zstd-hash " << Quoted{D.ZstdHash};
  if (D.ZstdSize)
    OS << " zstd-size " << *D.ZstdSize;
  OS << '\n';
}

void printConflicts(raw_ostream &OS, StringRef Indent,
                    ArrayRef<ConflictSet> Sets) {
  for (const ConflictSet &Set : Sets) {
    OS << Indent << "conflict";
    for (const ConflictEntry &I : Set) {
      // In pyproject.toml the package is implicit: print only what is set.
      const char *Sep = "";
      OS << " {";
      for (auto KV : {std::make_pair("package", I.Package),
                      std::make_pair("extra", I.Extra),
                      std::make_pair("group", I.Group)}) {
        if (KV.second.empty())
          continue;
        OS << Sep << KV.first << ' ' << Quoted{KV.second};
        Sep = " ";
      }
      OS << '}';
    }
    OS << '\n';
  }
}

void printLock(raw_ostream &OS, const Lock &L) {
  OS << "lock version " << L.Version << " revision " << L.Revision << '\n';
  if (!L.RequiresPython.Value.empty())
    OS << "  requires-python " << Quoted{L.RequiresPython.Value} << '\n';
  for (const LocatedString &M : L.ResolutionMarkers)
    OS << "  resolution-marker " << Quoted{M.Value} << '\n';
  for (const LocatedString &M : L.SupportedMarkers)
    OS << "  supported-marker " << Quoted{M.Value} << '\n';
  for (const LocatedString &M : L.RequiredMarkers)
    OS << "  required-marker " << Quoted{M.Value} << '\n';
  printConflicts(OS, "  ", L.Conflicts);

  const Lock::OptionsTable &O = L.Options;
  auto Option = [&](StringRef Key, StringRef Value) {
    if (!Value.empty())
      OS << "  option " << Key << ' ' << Quoted{Value} << '\n';
  };
  Option("resolution-mode", O.ResolutionMode);
  Option("prerelease-mode", O.PrereleaseMode);
  Option("fork-strategy", O.ForkStrategy);
  Option("exclude-newer", O.ExcludeNewer);
  Option("exclude-newer-span", O.ExcludeNewerSpan);
  for (const auto &KV : O.PrereleasePackage)
    OS << "  option prerelease-package " << Quoted{KV.first} << ' '
       << Quoted{KV.second} << '\n';
  for (const auto &KV : O.ExcludeNewerPackage)
    OS << "  option exclude-newer-package " << Quoted{KV.first} << ' '
       << Quoted{KV.second} << '\n';

  const Lock::ManifestTable &M = L.Manifest;
  for (const LocatedString &S : M.Members)
    OS << "  manifest member " << Quoted{S.Value} << '\n';
  auto Reqs = [&](StringRef Key, ArrayRef<Requirement> Rs) {
    for (const Requirement &R : Rs) {
      OS << "  manifest " << Key << ' ';
      printRequirement(OS, R);
    }
  };
  Reqs("requirement", M.Requirements);
  Reqs("constraint", M.Constraints);
  Reqs("override", M.Overrides);
  Reqs("build-constraint", M.BuildConstraints);
  for (const LocatedString &S : M.Excludes)
    OS << "  manifest exclude " << Quoted{S.Value} << '\n';
  for (const auto &G : M.DependencyGroups)
    for (const Requirement &R : G.second) {
      OS << "  manifest group " << Quoted{G.first} << ' ';
      printRequirement(OS, R);
    }
  for (const DependencyMetadata &DM : M.Metadata) {
    OS << "  manifest dependency-metadata " << Quoted{DM.Name};
    if (!DM.Version.empty())
      OS << " version " << Quoted{DM.Version};
    if (!DM.RequiresPython.empty())
      OS << " requires-python " << Quoted{DM.RequiresPython};
    if (!DM.RequiresDist.empty()) {
      OS << " requires-dist ";
      printList(OS, DM.RequiresDist);
    }
    if (!DM.ProvidesExtras.empty()) {
      OS << " provides-extras ";
      printList(OS, DM.ProvidesExtras);
    }
    OS << '\n';
  }
}

void printPyProject(raw_ostream &OS, const PyProject &P) {
  if (!P.Present) {
    OS << "pyproject none\n";
    return;
  }
  OS << "pyproject";
  if (P.HasProjectTable) {
    OS << " name " << Quoted{P.Name.Value};
    if (!P.Version.Value.empty())
      OS << " version " << Quoted{P.Version.Value};
    if (!P.RequiresPython.Value.empty())
      OS << " requires-python " << Quoted{P.RequiresPython.Value};
  } else {
    OS << " (no [project] table)";
  }
  OS << '\n';
  for (const LocatedString &D : P.Dynamic)
    OS << "  dynamic " << Quoted{D.Value} << '\n';
  for (const RequirementString &R : P.Dependencies)
    OS << "  dependency " << Quoted{R.Value} << '\n';
  for (const auto &KV : P.OptionalDependencies)
    for (const RequirementString &R : KV.second)
      OS << "  optional " << Quoted{KV.first} << ' ' << Quoted{R.Value} << '\n';
  for (const auto &KV : P.DependencyGroups)
    for (const GroupEntry &G : KV.second) {
      OS << "  group " << Quoted{KV.first} << ' ';
      if (!G.IncludeGroup.empty())
        OS << "include-group " << Quoted{G.IncludeGroup} << '\n';
      else
        OS << Quoted{G.Requirement} << '\n';
    }
  const PyProject::UvTable &U = P.Uv;
  if (!U.Present)
    return;
  OS << "  tool.uv";
  if (U.Package)
    OS << " package " << (*U.Package ? "true" : "false");
  if (U.DefaultGroupsAll)
    OS << " default-groups all";
  if (U.DefaultGroups) {
    SmallVector<StringRef, 4> Names;
    for (const LocatedString &S : *U.DefaultGroups)
      Names.push_back(S.Value);
    OS << " default-groups ";
    printList(OS, Names);
  }
  OS << '\n';
  auto Strings = [&](StringRef Key, ArrayRef<LocatedString> L) {
    for (const LocatedString &S : L)
      OS << "  tool.uv " << Key << ' ' << Quoted{S.Value} << '\n';
  };
  Strings("dev-dependency", U.DevDependencies);
  Strings("workspace-member", U.WorkspaceMembers);
  Strings("workspace-exclude", U.WorkspaceExclude);
  for (const auto &S : U.Sources)
    OS << "  tool.uv source " << Quoted{S.first} << '\n';
  Strings("environment", U.Environments);
  Strings("required-environment", U.RequiredEnvironments);
  printConflicts(OS, "  tool.uv ", U.Conflicts);
}

} // namespace

void lambdaopt::printPackage(const Project &P, const Package &Pkg,
                             raw_ostream &OS) {
  OS << "package " << Quoted{Pkg.Name};
  if (Pkg.HasVersion)
    OS << ' ' << Quoted{Pkg.Version};
  OS << ' ';
  printSource(OS, Pkg.Src);
  OS << '\n';
  for (StringRef M : Pkg.ResolutionMarkers)
    OS << "  resolution-marker " << Quoted{M} << '\n';
  for (const Dependency &D : Pkg.Dependencies) {
    OS << "  ";
    printDependency(OS, D);
  }
  for (const auto &KV : Pkg.OptionalDependencies)
    for (const Dependency &D : KV.second) {
      OS << "  extra " << Quoted{KV.first} << ' ';
      printDependency(OS, D);
    }
  for (const auto &KV : Pkg.DevDependencies)
    for (const Dependency &D : KV.second) {
      OS << "  group " << Quoted{KV.first} << ' ';
      printDependency(OS, D);
    }
  if (Pkg.Sdist)
    printDistribution(OS, "sdist", *Pkg.Sdist);
  for (const Distribution &W : Pkg.Wheels)
    printDistribution(OS, "wheel", W);
  if (!Pkg.HasMetadata)
    return;
  for (const Requirement &R : Pkg.RequiresDist) {
    OS << "  requires-dist ";
    printRequirement(OS, R);
  }
  for (const auto &KV : Pkg.RequiresDev) {
    if (KV.second.empty())
      OS << "  requires-dev " << Quoted{KV.first} << " (empty)\n";
    for (const Requirement &R : KV.second) {
      OS << "  requires-dev " << Quoted{KV.first} << ' ';
      printRequirement(OS, R);
    }
  }
  if (Pkg.HasProvidesExtras) {
    OS << "  provides-extras ";
    printList(OS, Pkg.ProvidesExtras);
    OS << '\n';
  }
}

void lambdaopt::printInstallPlan(const InstallPlan &Plan, raw_ostream &OS) {
  OS << "; install plan: " << Plan.Files.size() << " files, "
     << Plan.UncompressedSize << " bytes\n";
  for (const PlannedFile &F : Plan.Files) {
    OS << "file " << Quoted{F.Path} << " size " << F.Size;
    if (F.Mode != 0644)
      OS << " mode " << format("%04o", F.Mode);
    switch (F.Source) {
    case PlannedSourceKind::WheelEntry:
      OS << " from wheel "
         << Quoted{F.Wheel < Plan.Wheels.size() && Plan.Wheels[F.Wheel]
                       ? sys::path::filename(Plan.Wheels[F.Wheel]->getPath())
                       : StringRef("?")};
      break;
    case PlannedSourceKind::DiskFile:
      OS << " from include " << Quoted{F.DiskPath};
      break;
    case PlannedSourceKind::Memory:
      OS << " generated";
      break;
    }
    OS << '\n';
  }
}

void lambdaopt::printProject(const Project &P, raw_ostream &OS) {
  OS << "; lambda-opt IR: " << P.Packages.size() << " packages\n";
  printLock(OS, P.LockFile);
  printPyProject(OS, P.Metadata);
  for (const auto &Pkg : P.Packages) {
    OS << '\n';
    printPackage(P, *Pkg, OS);
  }
  // The second level: what the artifact installs, once planned.
  if (P.Plan) {
    OS << '\n';
    printInstallPlan(*P.Plan, OS);
  }
}
