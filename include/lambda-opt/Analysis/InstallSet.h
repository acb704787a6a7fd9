//===- lambda-opt/Analysis/InstallSet.h - What production installs -*- C++ -*-//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The install-set analysis: the packages that
/// `uv export --frozen --no-dev --no-editable` followed by
/// `uv pip install --target DIR --python-platform <lambda> --python 3.X`
/// puts into a Lambda deployment, the wheel chosen for each, and the
/// requirements.txt that pins them.
///
/// Semantics, precisely:
///
/// * Roots. With InstallOptions::Package set, that workspace member (or the
///   root package). Otherwise the root package (source `.`). A workspace root
///   that is not a project has every `[manifest].members` package as a root,
///   plus the `[manifest].requirements` and the requested
///   `[manifest.dependency-groups]` entries (matched to packages by name; a
///   name locked more than once picks the entry whose resolution markers hold
///   on the target).
/// * Groups. None by default, not even `dev`. Each name in Groups adds that
///   group's edges (from the root's `[package.dev-dependencies]`, or
///   `[manifest.dependency-groups]` for a non-project root); an unknown group
///   is an error.
/// * Extras. Extras / AllExtras activate the roots' optional dependencies
///   (an unknown extra is an error); an edge's `extra = [...]` activates
///   extras on its target.
/// * Markers. Every edge marker is evaluated in the target's environment and
///   only true edges are followed. `extra == 'x'` is true iff `x` is active
///   on the package that owns the edge. uv's conflict pseudo-extras are
///   decoded: `extra-N-pkg-x` is true iff extra `x` is active on a package
///   named `pkg`; `group-N-pkg-g` iff `g` was requested and `pkg` is a root;
///   `project-N-pkg` iff a package named `pkg` is reached. Because extras
///   activated deeper in the graph can turn such markers on, the traversal is
///   repeated until nothing more is activated (the result is the least fixed
///   point; edges are only ever added).
/// * Filtering. `virtual` packages (a virtual root, `[tool.uv] package =
///   false`) are traversed but not installed. The project itself, workspace
///   members and path / directory / editable packages are installed as
///   regular (non-editable) packages and flagged as local, except what the
///   export options leave out: NoEmitProject the project (the `--package`
///   member, else the root package; nothing for a workspace root that is not
///   a project), NoEmitWorkspace every workspace member and the root,
///   NoEmitPackages the packages so named.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_ANALYSIS_INSTALLSET_H
#define LAMBDA_OPT_ANALYSIS_INSTALLSET_H

#include "lambda-opt/Standards/Wheel.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lambdaopt {

class Package;
class Project;
struct Distribution;
struct MarkerEnvironment;
struct RuntimeInfo;

/// The deployment target: a Lambda runtime and an architecture.
struct TargetConfig {
  const RuntimeInfo *Runtime = nullptr;
  ArchKind Arch = ArchKind::X86_64;

  /// The PEP 508 environment markers are evaluated in.
  MarkerEnvironment getMarkerEnvironment() const;
  /// The wheel tags the target accepts.
  TagTarget getTagTarget() const;
  /// "python3.12/x86_64".
  std::string str() const;
};

/// Builds a TargetConfig from a runtime identifier ("python3.12") and a
/// Lambda architecture name ("x86_64", "arm64" or "aarch64").
llvm::Expected<TargetConfig> makeTargetConfig(llvm::StringRef RuntimeName,
                                              llvm::StringRef ArchName);

/// What to install (the export options).
struct InstallOptions {
  /// `--package NAME`: install one workspace member; empty for the default.
  std::string Package;
  /// `--extra`: extras of the roots.
  std::vector<std::string> Extras;
  /// `--all-extras`.
  bool AllExtras = false;
  /// `--group`: dependency groups to add (none by default).
  std::vector<std::string> Groups;
  /// `--find-links` folders. A locally built `linux_<arch>` wheel found in
  /// one of them is chosen when no portable wheel fits: its tag says nothing
  /// about the glibc it needs, so the native audit checks its bytes instead.
  std::vector<std::string> FindLinks;
  /// `--no-emit-project`: leave out the project itself.
  bool NoEmitProject = false;
  /// `--no-emit-workspace`: leave out the root and every workspace member.
  bool NoEmitWorkspace = false;
  /// `--no-emit-package`: leave out these packages (any spelling).
  std::vector<std::string> NoEmitPackages;
};

/// A wheel that does not fit the target, and why.
struct RejectedWheel {
  const Distribution *Wheel = nullptr;
  /// std::nullopt when the file name is not a valid wheel name.
  std::optional<IncompatibilityKind> Kind;
  std::string Reason;
};

/// One package the deployment installs.
struct InstalledPackage {
  const Package *Pkg = nullptr;
  /// The breadth-first tree of the traversal (package -> the package it
  /// was first reached from; roots map to null), shared by every package so
  /// that a deep dependency chain costs memory linear in its length.
  std::shared_ptr<const llvm::DenseMap<const Package *, const Package *>>
      ParentTree;
  /// The package's own source is a path, directory or editable tree (the
  /// project itself and workspace members included).
  bool IsLocal = false;
  /// The package is the root package or a workspace member.
  bool IsWorkspaceMember = false;
  /// Some package before it on Path is an installed local tree that is not
  /// a workspace member (a path dependency).
  bool ViaLocalTree = false;
  /// Extras active on the package (normalized, sorted).
  std::vector<std::string> Extras;
  /// The chosen wheel; null for an sdist-only package, a source tree, or
  /// when no wheel fits the target.
  const Distribution *Wheel = nullptr;

  /// One shortest dependency path: package names from a root to this one.
  std::vector<llvm::StringRef> getPath() const;
  /// getPath() joined with " -> ", e.g. "app -> fastapi -> pydantic-core".
  std::string getPathString() const;
  /// True when the package has wheels but none fits the target.
  bool hasNoCompatibleWheel() const;
};

/// Why each wheel of \p IP's package but the chosen one cannot be used on
/// \p Target, in lock order; compatible wheels that lost to a better one are
/// not listed. Computed on demand, not with the install set: a large lock
/// has tens of thousands of wheels, and no lint needs every reason.
std::vector<RejectedWheel> getRejectedWheels(const InstalledPackage &IP,
                                             const TargetConfig &Target);

/// The result of computeInstallSet.
class InstallSet {
public:
  /// The installed packages, sorted by name, then version.
  std::vector<InstalledPackage> Packages;
  /// The roots of the traversal, in traversal order.
  std::vector<const Package *> Roots;
  /// Every package reached, installed or not (members, virtual packages),
  /// sorted by name, then version.
  std::vector<const Package *> Reached;

  /// The installed packages called \p Name (normalized name).
  llvm::SmallVector<const InstalledPackage *, 1>
  lookup(llvm::StringRef Name) const;
  /// True when \p P is installed.
  bool isInstalled(const Package *P) const;
  /// The packages \p P pulls in on the target (edges followed), sorted.
  llvm::ArrayRef<const Package *> getDependencies(const Package *P) const;
  /// The packages that pull in \p P on the target, sorted.
  llvm::ArrayRef<const Package *> getDependents(const Package *P) const;

  /// Filled by computeInstallSet.
  llvm::DenseMap<const Package *, std::vector<const Package *>> Forward;
  llvm::DenseMap<const Package *, std::vector<const Package *>> Reverse;
  llvm::DenseMap<const Package *, size_t> InstalledIndex;
};

/// Computes what the project installs on \p Target; see the file comment.
/// Errors: an unknown --package, extra or group, an ambiguous root name, or
/// an invalid marker on a followed path.
llvm::Expected<InstallSet> computeInstallSet(const Project &P,
                                             const TargetConfig &Target,
                                             const InstallOptions &Opts);

/// Writes a requirements.txt for \p Set, one line per package sorted by
/// name:
///   registry:  `name==version --hash=sha256:<hex>` (the chosen wheel's hash,
///              else the sdist's, else no --hash)
///   git:       `name @ git+URL@COMMIT[#subdirectory=DIR]`
///   url:       `name @ URL[#subdirectory=DIR]`
///   local:     `./path` as `uv export --no-editable` writes it (`.` for
///              the project, `./` added to a relative path that does not
///              already start with `./` or `../`)
void writeRequirements(const InstallSet &Set, llvm::raw_ostream &OS);

/// The requirements line of one package (no newline).
std::string getRequirementLine(const InstalledPackage &IP);

} // namespace lambdaopt

#endif // LAMBDA_OPT_ANALYSIS_INSTALLSET_H
