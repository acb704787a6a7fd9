//===- Layout.h - Install tree planning -----------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Computes the files `pip install --target DIR --no-deps --no-compile`
/// would create from a set of wheels, plus application files, as a sorted
/// plan that the zip writer (or an image writer) turns into an artifact.
///
/// Differences from pip, by design:
///  * dist-info keeps everything except INSTALLER, REQUESTED and
///    direct_url.json. RECORD is rewritten the way pip rewrites it (installed
///    paths, rehashed changed scripts, rows sorted, CRLF line ends) minus the
///    rows for those three files.
///  * console_scripts/gui_scripts wrappers are not generated (a note says so).
///  * `#!python` script shebangs become `#!<ScriptInterpreter>` instead of
///    the interpreter running the tool.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_ARTIFACT_LAYOUT_H
#define LAMBDA_OPT_ARTIFACT_LAYOUT_H

#include "lambda-opt/Artifact/Wheel.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace lambdaopt {

/// Where the install tree sits in the artifact.
enum class LayoutKind {
  Function, ///< At the zip root.
  Layer     ///< Under python/lib/python3.X/site-packages/.
};

/// One wheel to install.
struct WheelInput {
  std::string Path;
  /// Package name, for messages.
  std::string Package;
  /// Expected hex SHA-256 of the file ("sha256:" prefix allowed); empty to
  /// skip verification.
  std::string Sha256;
};

/// An application file or directory to add next to the packages.
struct IncludePath {
  std::string DiskPath;
};

/// Opt-in size transforms. None ever drops a .so file or a dist-info file.
struct LayoutFilters {
  /// Drop files under `tests/` and `test/` folders.
  bool DropTests = false;
  /// Drop `__pycache__` folders and `*.pyc` files.
  bool DropPycache = false;
  /// Drop `*.pyi` type stubs.
  bool DropStubs = false;
  /// Top-level import names to drop (e.g. the runtime-provided boto3 stack).
  /// A wheel all of whose files are dropped loses its dist-info too.
  std::vector<std::string> DropPackages;
};

/// What one filter removed.
struct FilterStats {
  uint64_t Files = 0;
  uint64_t Bytes = 0;
};

struct LayoutOptions {
  LayoutKind Kind = LayoutKind::Function;
  /// "3.X", used for the Layer prefix.
  std::string PythonVersion = "3.12";
  /// Replaces `python` in `#!python` script shebangs.
  std::string ScriptInterpreter = "/var/lang/bin/python3";
  LayoutFilters Filters;
  WheelLimits Limits;
  /// Ship what an --include folder holds by default left out: version
  /// control and editor folders, virtual environments, node_modules,
  /// `.env*` and editor backup files (InstallPlan::Excluded).
  bool IncludeHidden = false;
  /// Check the digests of large wheels (DeferredDigestSize bytes or more)
  /// in the background, after planning, instead of before planInstall
  /// returns: the checks then overlap the work that follows (an archive's
  /// writing). The plan's wheels are then unverified until
  /// InstallPlan::waitVerified() has succeeded, and nothing read from them
  /// may be committed or reported before.
  bool DeferVerification = false;
};

/// The size from which a wheel is hashed by a task of its own, beside the one
/// that parses it, and from which LayoutOptions::DeferVerification defers
/// its check (smaller ones are hashed as they are opened).
constexpr uint64_t DeferredDigestSize = uint64_t(4) << 20;

/// Where the bytes of a planned file come from.
enum class PlannedSourceKind {
  WheelEntry, ///< Entry Entry of wheel Wheel, copied unchanged.
  DiskFile,   ///< The file DiskPath.
  Memory      ///< The bytes in Data (rewritten scripts, RECORD).
};

/// One file of the artifact.
struct PlannedFile {
  /// Path in the artifact, with the layout prefix, '/'-separated.
  std::string Path;
  /// 0644 or 0755.
  unsigned Mode = 0644;
  PlannedSourceKind Source = PlannedSourceKind::Memory;
  unsigned Wheel = 0;
  uint64_t Entry = 0;
  std::string DiskPath;
  std::string Data;
  /// Uncompressed size.
  uint64_t Size = 0;
  /// Part of a package built from a local source tree (the project, a
  /// workspace member): it changes with the project's code, not its lock.
  bool FromSourceTree = false;
};

struct PendingDigests;

/// The sorted install tree.
struct InstallPlan {
  /// Opened wheels, in input order; PlannedFile::Wheel indexes these.
  std::vector<std::unique_ptr<WheelArchive>> Wheels;
  /// The package of each wheel (WheelInput::Package), parallel to Wheels.
  std::vector<std::string> WheelPackages;
  /// Files sorted by Path (byte order), no duplicates.
  std::vector<PlannedFile> Files;
  /// Things done differently from a plain extraction, for the user.
  std::vector<std::string> Notes;
  /// What --include folders held and the plan left out, as artifact paths
  /// with the reason ("app/.git/ (version control)"), in walk order.
  std::vector<std::string> Excluded;
  FilterStats Tests, Pycache, Stubs, Packages;
  /// Sum of Files[*].Size.
  uint64_t UncompressedSize = 0;
  /// The digest checks LayoutOptions::DeferVerification left running; null
  /// when every wheel was verified before planInstall returned.
  std::shared_ptr<PendingDigests> Pending;

  /// Waits for the deferred digest checks: the sha256 mismatch errors (in
  /// wheel order), else success, and the same answer on every call. Wheels
  /// found intact are marked verified.
  llvm::Error waitVerified();

  /// Uncompressed bytes of \p F.
  llvm::Expected<std::string> readPlannedFile(const PlannedFile &F) const;
};

/// Whether install-relative \p Path is a shared object the runtime loads:
/// `*.so` or a versioned `*.so.N` (a `.pyd` is a Windows DLL Linux never
/// loads). Filters and size transforms never drop one.
bool isSharedObjectPath(llvm::StringRef Path);

/// Whether \p Path lies in a top-level `*.dist-info` folder.
bool isDistInfoPath(llvm::StringRef Path);

/// True when a folder on \p Path (not its file name) is one of \p Names.
bool hasDirComponent(llvm::StringRef Path,
                     llvm::ArrayRef<llvm::StringRef> Names);

/// A package installed from files planned elsewhere (a natively built local
/// package): its files, dist-info included, relative to the install root.
struct PlannedPackage {
  /// Package name, for messages.
  std::string Package;
  std::vector<PlannedFile> Files;
};

/// Verifies and opens \p Wheels (in parallel), then plans the install tree
/// of the wheels, the \p Local packages and the application files. (See
/// LayoutOptions::DeferVerification for checks that finish later.)
llvm::Expected<InstallPlan>
planInstall(llvm::ArrayRef<WheelInput> Wheels,
            llvm::ArrayRef<IncludePath> Includes, const LayoutOptions &Options,
            llvm::ArrayRef<PlannedPackage> Local = {});

} // namespace lambdaopt

#endif // LAMBDA_OPT_ARTIFACT_LAYOUT_H
