//===- lambda-opt/Build/LocalBuild.h - Native builds of local trees -*- C++
//-*-//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Builds a pure-Python local package (the project itself, a workspace
/// member, a path dependency) into the files `pip install --no-deps --target`
/// creates from the wheel its build backend makes, without Python or the
/// backend: the package files its backend selects and a dist-info with the
/// backend's file set (METADATA, WHEEL, entry_points.txt, licence files,
/// setuptools' top_level.txt) plus RECORD as pip writes it.
///
/// Supported backends and configuration (anything else is refused with a
/// located error, never built differently):
///  * hatchling: the default file selection (`pkg/`, `src/pkg/`, `pkg.py`,
///    `*/pkg/` namespaces, else every `*.py` but `test*`), `packages`,
///    `only-include`, `include`, `exclude`, `sources`, `force-include`,
///    `.gitignore`; a static version or `[tool.hatch.version] path`.
///  * setuptools (pyproject.toml only, no setup.py / setup.cfg / MANIFEST.in):
///    src- and flat-layout discovery, `packages`, `packages.find`,
///    `py-modules`, `package-dir`, `package-data`, `exclude-package-data`;
///    a static version or `[tool.setuptools.dynamic] version` from `attr` or
///    `file`.
///  * flit_core: `[tool.flit.module] name`, flat and src layouts, single
///    modules; a static version or `__version__` (and the docstring as the
///    summary when `description` is dynamic).
///  * poetry-core: metadata from `[project]` or `[tool.poetry]` (plain
///    version constraints, `^` and `~` converted as poetry does), `packages`
///    with `include` and `from`, else the module named after the project.
///  * pdm-backend (its documented defaults): `package-dir` (else `src/` when
///    it exists), the top-level packages with their data files, else the
///    top-level modules, `tests/` left to the sdist; a static version or
///    `[tool.pdm.version] source = "file"`.
///  * uv_build: `[tool.uv.build-backend] module-root` and `module-name`.
///
/// Native extensions, build hooks, VCS versions, other backends and unknown
/// backend settings are refused.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_BUILD_LOCALBUILD_H
#define LAMBDA_OPT_BUILD_LOCALBUILD_H

#include "lambda-opt/Artifact/Layout.h"
#include "lambda-opt/Standards/Wheel.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/SourceMgr.h"

#include <optional>
#include <string>
#include <vector>

namespace lambdaopt {

/// The installed tree of one natively built local package.
struct LocalBuildResult {
  /// `[project] name` as written, and the version (static or read).
  std::string Name;
  std::string Version;
  /// "hatchling", "setuptools", "flit_core", "poetry-core", "pdm-backend"
  /// or "uv_build".
  std::string Backend;
  /// "name-1.0.dist-info" as the backend spells it.
  std::string DistInfo;
  /// Every installed file (dist-info and RECORD included), paths relative to
  /// the install root, sorted. Package files are DiskFile entries.
  std::vector<PlannedFile> Files;
  /// Things the user should know (console scripts not generated, ...).
  std::vector<std::string> Notes;
};

/// Builds the package whose pyproject.toml is in \p SourceDir. The
/// pyproject.toml is added to \p SM, so that a SourceError returned for an
/// unsupported configuration is located there (at `[build-system]` or the
/// offending setting). Other errors (no pyproject.toml, unreadable files)
/// are plain errors naming the path.
/// With \p CheckOnly the files are selected but not read: no RECORD is
/// written (a lint needs to know only whether the build is possible).
llvm::Expected<LocalBuildResult> buildLocalPackage(llvm::StringRef SourceDir,
                                                   llvm::SourceMgr &SM,
                                                   bool CheckOnly = false);

/// \p E with every SourceError turned into a plain error whose message
/// starts with `file:line:col: ` as \p SM locates it.
llvm::Error flattenSourceErrors(llvm::Error E, const llvm::SourceMgr &SM);

/// A wheel of \p Name \p Version (any version when empty) in one of the
/// \p FindLinks folders that
/// fits \p Tags (the best one by the target's tag order); std::nullopt when
/// there is none.
std::optional<std::string> findLocalWheel(llvm::ArrayRef<std::string> FindLinks,
                                          llvm::StringRef Name,
                                          llvm::StringRef Version,
                                          const TagTarget &Tags);

} // namespace lambdaopt

#endif // LAMBDA_OPT_BUILD_LOCALBUILD_H
