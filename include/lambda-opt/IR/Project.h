//===- lambda-opt/IR/Project.h - The lambda-opt IR ------------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The IR every pass works on. A Project (the unit a project pass runs on)
// holds the pyproject.toml metadata, the uv.lock header and the locked
// Packages (the unit a package pass runs on). Every node keeps the source
// range it came from so that diagnostics point at an exact line and column.
//
// Strings are StringRefs into the loaded buffers wherever the text needed no
// decoding; the rest live in the Project's allocator. The IR is therefore
// only valid while the Project (which owns the SourceMgr) is alive.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_IR_PROJECT_H
#define LAMBDA_OPT_IR_PROJECT_H

#include "lambda-opt/IR/Options.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/StringSaver.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace lambdaopt {

namespace toml {
class Document;
class Value;
} // namespace toml

class Package;
struct InstallPlan;

/// Where a locked package comes from (uv's source kinds, in uv's sort order).
enum class SourceKind : uint8_t {
  Registry,
  Git,
  URL,
  Path,
  Directory,
  Editable,
  Virtual,
};

/// "registry", "git", "url", "path", "directory", "editable" or "virtual".
llvm::StringRef getSourceKindName(SourceKind K);

/// A package source: the kind and its payload (index URL or path, git URL
/// with its `#commit`, archive URL, or a path relative to the workspace).
struct Source {
  SourceKind Kind = SourceKind::Registry;
  llvm::StringRef Value;
  llvm::StringRef Subdirectory; ///< URL sources only.
  llvm::SMRange Range;

  bool isLocalTree() const {
    return Kind == SourceKind::Directory || Kind == SourceKind::Editable ||
           Kind == SourceKind::Virtual;
  }
};

/// One distribution file: an sdist or a wheel. Exactly one of URL, Path and
/// Filename is set for wheels; an sdist may have none (url/path sources).
struct Distribution {
  llvm::StringRef URL;
  llvm::StringRef Path;
  llvm::StringRef Filename;
  llvm::StringRef Hash; ///< "sha256:<hex>", empty when absent.
  std::optional<uint64_t> Size;
  llvm::StringRef UploadTime; ///< RFC 3339 text; also from `upload_time`.
  llvm::StringRef ZstdHash;
  std::optional<uint64_t> ZstdSize;
  llvm::SMRange Range;
  /// getFileName()'s answer, kept by the lock reader (lints ask for it for
  /// every wheel, several times); empty: computed on each call.
  llvm::StringRef CachedFileName;

  /// The file name: Filename, or the last segment of URL or Path (still
  /// percent-encoded; see Standards for decoding).
  llvm::StringRef getFileName() const;
  /// The hex digest when Hash is "sha256:<hex>", else empty.
  llvm::StringRef getSHA256() const;
};

/// A dependency edge from a package (or group / extra) to a package.
struct Dependency {
  llvm::StringRef Name;
  llvm::StringRef Version;   ///< Set only when the name is ambiguous.
  std::optional<Source> Src; ///< Set only when the name is ambiguous.
  llvm::StringRef Marker;
  llvm::SmallVector<llvm::StringRef, 1> Extras;
  llvm::SMRange Range;
  /// The package this edge points to; filled in by the front end.
  Package *Target = nullptr;
};

/// A requirement as uv records it in [package.metadata] and [manifest]
/// (a structured PEP 508 requirement with uv's source forms).
struct Requirement {
  llvm::StringRef Name;
  llvm::SmallVector<llvm::StringRef, 1> Extras;
  llvm::SmallVector<llvm::StringRef, 1> Groups;
  llvm::StringRef Marker;
  llvm::StringRef Specifier;
  llvm::StringRef Index;
  std::optional<Source> Src;
  llvm::SMRange Range;
};

using DependencyGroups =
    llvm::MapVector<llvm::StringRef, std::vector<Dependency>>;
using RequirementGroups =
    llvm::MapVector<llvm::StringRef, std::vector<Requirement>>;

/// One `[[package]]` of uv.lock.
class Package {
public:
  llvm::StringRef Name;    ///< Normalized, as uv writes it.
  llvm::StringRef Version; ///< Empty when the version is dynamic.
  bool HasVersion = false;
  Source Src;
  std::vector<llvm::StringRef> ResolutionMarkers;
  std::optional<Distribution> Sdist;
  std::vector<Distribution> Wheels;
  std::vector<Dependency> Dependencies;
  DependencyGroups OptionalDependencies; ///< extra name -> edges
  DependencyGroups DevDependencies;      ///< group name -> edges

  /// [package.metadata]: present for mutable sources.
  bool HasMetadata = false;
  std::vector<Requirement> RequiresDist;
  RequirementGroups RequiresDev;
  std::vector<llvm::StringRef> ProvidesExtras;
  bool HasProvidesExtras = false;

  /// The `[[package]]` header.
  llvm::SMRange Range;
  llvm::SMRange NameRange;
  llvm::SMRange VersionRange;

  /// "name 1.2.3" or "name (source)" for a dynamic version.
  std::string getDisplayName() const;
};

/// A `{ package = "x", extra = "y" }` / `group = "z"` conflict item.
struct ConflictEntry {
  llvm::StringRef Package;
  llvm::StringRef Extra;
  llvm::StringRef Group;
  llvm::SMRange Range;
};
using ConflictSet = std::vector<ConflictEntry>;

/// A `[[manifest.dependency-metadata]]` entry.
struct DependencyMetadata {
  llvm::StringRef Name;
  llvm::StringRef Version;
  llvm::StringRef RequiresPython;
  std::vector<llvm::StringRef> RequiresDist;
  std::vector<llvm::StringRef> ProvidesExtras;
  llvm::SMRange Range;
};

/// A string with the range it came from.
struct LocatedString {
  llvm::StringRef Value;
  llvm::SMRange Range;
};

/// The header of uv.lock: everything but the packages.
struct Lock {
  int64_t Version = 0;
  int64_t Revision = 0;
  llvm::SMRange VersionRange;
  LocatedString RequiresPython;
  std::vector<LocatedString> ResolutionMarkers;
  std::vector<LocatedString> SupportedMarkers;
  std::vector<LocatedString> RequiredMarkers;
  std::vector<ConflictSet> Conflicts;
  /// True when the file used the old `[[distribution]]` spelling.
  bool UsesDistributionAlias = false;

  struct OptionsTable {
    llvm::StringRef ResolutionMode;
    llvm::StringRef PrereleaseMode;
    llvm::StringRef ForkStrategy;
    llvm::StringRef ExcludeNewer;
    llvm::StringRef ExcludeNewerSpan;
    /// name -> mode
    std::vector<std::pair<llvm::StringRef, llvm::StringRef>> PrereleasePackage;
    /// name -> timestamp, "false", or "timestamp span"
    std::vector<std::pair<llvm::StringRef, llvm::StringRef>>
        ExcludeNewerPackage;
    llvm::SMRange Range;
  } Options;

  struct ManifestTable {
    std::vector<LocatedString> Members;
    std::vector<Requirement> Requirements;
    std::vector<Requirement> Constraints;
    std::vector<Requirement> Overrides;
    std::vector<Requirement> BuildConstraints;
    std::vector<LocatedString> Excludes;
    RequirementGroups DependencyGroups;
    std::vector<DependencyMetadata> Metadata;
    llvm::SMRange Range;
  } Manifest;
};

/// A PEP 508 requirement string from pyproject.toml, with its range.
using RequirementString = LocatedString;

/// A `[dependency-groups]` entry: a requirement or `{include-group = "x"}`.
struct GroupEntry {
  llvm::StringRef Requirement;
  llvm::StringRef IncludeGroup;
  llvm::SMRange Range;
};

/// The parts of pyproject.toml that matter for packaging.
struct PyProject {
  bool Present = false;
  bool HasProjectTable = false;
  LocatedString Name;
  LocatedString Version;
  LocatedString RequiresPython;
  std::vector<RequirementString> Dependencies;
  llvm::MapVector<llvm::StringRef, std::vector<RequirementString>>
      OptionalDependencies;
  /// `[project] dynamic`: fields a build backend computes, which
  /// pyproject.toml therefore does not spell out.
  std::vector<LocatedString> Dynamic;
  bool isDynamic(llvm::StringRef Field) const {
    for (const LocatedString &D : Dynamic)
      if (D.Value == Field)
        return true;
    return false;
  }
  llvm::MapVector<llvm::StringRef, std::vector<GroupEntry>> DependencyGroups;
  llvm::SMRange DependencyGroupsRange;

  /// [tool.uv]
  struct UvTable {
    bool Present = false;
    std::optional<bool> Package;
    bool DefaultGroupsAll = false;
    std::optional<std::vector<LocatedString>> DefaultGroups;
    std::vector<LocatedString> DevDependencies;
    std::vector<LocatedString> WorkspaceMembers;
    std::vector<LocatedString> WorkspaceExclude;
    /// name -> the source table, as written.
    std::vector<std::pair<llvm::StringRef, const toml::Value *>> Sources;
    std::vector<LocatedString> Environments;
    std::vector<LocatedString> RequiredEnvironments;
    std::vector<ConflictSet> Conflicts;
    llvm::SMRange Range;
  } Uv;

  /// [tool.lambda-opt], kept as written for the passes that read it.
  const toml::Value *LambdaOpt = nullptr;
};

/// The unit a project pass runs on: one project's lock and metadata.
class Project {
public:
  Project();
  ~Project();
  Project(const Project &) = delete;
  Project &operator=(const Project &) = delete;

  llvm::SourceMgr &getSourceMgr() { return SM; }
  const llvm::SourceMgr &getSourceMgr() const { return SM; }

  /// The directory holding uv.lock (the workspace root).
  std::string RootDir;
  std::string LockPath;
  std::string PyProjectPath; ///< Empty when there is no pyproject.toml.
  unsigned LockBufferID = 0;
  unsigned PyProjectBufferID = 0;

  Lock LockFile;
  PyProject Metadata;
  std::vector<std::unique_ptr<Package>> Packages;
  /// What this run is for: target, install selection, emission.
  ProjectOptions Options;
  /// The project lowered to the files of the artifact (set by `plan-install`,
  /// narrowed by the size transforms, written by the emitters); null until
  /// planned. Opaque here so that the IR does not depend on Artifact.
  std::shared_ptr<InstallPlan> Plan;
  /// Set once the native files of the install set have been audited for this
  /// target (by the `native-audit` lint when the wheels were at hand, or by
  /// an emitter), so that the findings are reported once.
  bool NativeAudited = false;

  /// All packages called \p Name (uv.lock may lock a name more than once).
  llvm::ArrayRef<Package *> lookup(llvm::StringRef Name) const;
  /// The root package: the one whose source is `editable = "."` or
  /// `virtual = "."`; null for a workspace root that is not a project.
  Package *getRootPackage() const;
  /// Rebuilds the name index after packages were added or removed.
  void reindex();

  /// Memory for decoded strings.
  llvm::UniqueStringSaver &getStrings() { return Strings; }
  llvm::BumpPtrAllocator &getAllocator() { return Alloc; }
  /// Keeps \p Doc (and the values the IR points into) alive with the IR.
  void adoptDocument(std::unique_ptr<toml::Document> Doc);
  /// Keeps an allocator filled by a parser thread alive with the IR.
  void adoptAllocator(std::unique_ptr<llvm::BumpPtrAllocator> A);

private:
  llvm::SourceMgr SM;
  llvm::BumpPtrAllocator Alloc;
  llvm::UniqueStringSaver Strings;
  std::vector<std::unique_ptr<toml::Document>> Documents;
  std::vector<std::unique_ptr<llvm::BumpPtrAllocator>> Allocators;
  llvm::StringMap<llvm::SmallVector<Package *, 1>> ByName;
};

} // namespace lambdaopt

#endif // LAMBDA_OPT_IR_PROJECT_H
