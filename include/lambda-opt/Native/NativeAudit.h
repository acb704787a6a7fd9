//===- lambda-opt/Native/NativeAudit.h - Will the native code load? -*- C++
//-*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Audits every native file of an install plan (shared objects and
/// executables, read from the wheels' bytes) against a Lambda runtime, the
/// way the runtime's loader will see them:
///
///  * the ELF machine, class and byte order against the architecture
///    (LO110 elf-wrong-arch, "invalid ELF header");
///  * the GLIBC_x.y versions needed against the runtime's glibc (LO111);
///  * the GLIBCXX_/CXXABI_ versions needed against its libstdc++ (LO112);
///  * every DT_NEEDED resolved as the loader resolves it: DT_RPATH (when
///    there is no DT_RUNPATH), the runtime's LD_LIBRARY_PATH
///    (/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:
///    /var/task:/var/task/lib:/opt/lib), DT_RUNPATH, with $ORIGIN expanded
///    inside the artifact; a library found nowhere is LO113.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_NATIVE_NATIVEAUDIT_H
#define LAMBDA_OPT_NATIVE_NATIVEAUDIT_H

#include "lambda-opt/Artifact/Layout.h"
#include "lambda-opt/Standards/Wheel.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/SMLoc.h"

#include <string>
#include <vector>

namespace lambdaopt {

class DiagnosticEngine;
struct RuntimeInfo;

enum class NativeIssueKind {
  WrongArch,       ///< LO110
  GlibcTooNew,     ///< LO111
  LibstdcxxTooNew, ///< LO112
  MissingLibrary,  ///< LO113
};

/// One problem of one native file.
struct NativeIssue {
  NativeIssueKind Kind;
  /// Index of the wheel in InstallPlan::Wheels (or ~0u for a file that is
  /// not from a wheel).
  unsigned Wheel = ~0u;
  /// The file's path in the artifact.
  std::string File;
  /// What it needs or is: "aarch64 64-bit code", "GLIBC_2.28",
  /// "GLIBCXX_3.4.26", "libGL.so.1".
  std::string Requirement;
  /// False when the runtime's library list is not known to be exhaustive
  /// (or layers may provide the library): the finding is then a warning.
  bool Certain = true;
};

struct NativeAuditOptions {
  /// Where the plan's root is mounted: /var/task for a function,
  /// /opt/python/lib/python3.X/site-packages for a layer.
  std::string Root = "/var/task";
  /// The function attaches layers, whose lib/ (/opt/lib) is unknown here.
  bool HasLayers = false;
  /// Where the ELF facts of wheel entries are kept between runs; empty:
  /// none. An entry of a wheel whose SHA-256 was verified is named by that
  /// digest and the entry's offset, which its bytes cannot change without
  /// changing the digest
  /// (<CacheDir>/elf-facts/wheel/<w[0:2]>/<w>/<offset>.json); an entry of an
  /// unverified wheel by the SHA-256 of its bytes as the wheel stores them
  /// (<CacheDir>/elf-facts/sha256/<h[0:2]>/<h>-<method>.json).
  std::string CacheDir;
};

/// What the audit looked at and found.
struct NativeAuditResult {
  unsigned FilesAudited = 0;
  /// NativeAuditOptions::HasLayers, for the findings' wording.
  bool HasLayers = false;
  std::vector<NativeIssue> Issues;
};

/// Audits the native files of \p Plan for \p Runtime on \p Arch. Fails only
/// when a wheel entry cannot be read or the ELF reader cannot be loaded.
llvm::Expected<NativeAuditResult>
auditInstallPlan(const InstallPlan &Plan, const RuntimeInfo &Runtime,
                 ArchKind Arch, const NativeAuditOptions &Opts);

/// Reports \p Result as LO110-LO113 findings. \p Packages holds the package
/// name of each wheel of the plan; \p RangeOf says where a finding about a
/// package points.
void reportNativeIssues(
    const NativeAuditResult &Result, const InstallPlan &Plan,
    llvm::ArrayRef<std::string> Packages, const RuntimeInfo &Runtime,
    ArchKind Arch, DiagnosticEngine &Diags,
    llvm::function_ref<llvm::SMRange(llvm::StringRef Package)> RangeOf);

} // namespace lambdaopt

#endif // LAMBDA_OPT_NATIVE_NATIVEAUDIT_H
