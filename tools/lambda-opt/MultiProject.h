//===- MultiProject.h - Checking several projects in one run ----*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// `lambda-opt a/ b/uv.lock c/pyproject.toml` checks each project on a
// thread pool and reports them together: text grouped per project in the
// order given, one JSON document, one SARIF run, and the worst exit status.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_TOOLS_MULTIPROJECT_H
#define LAMBDA_OPT_TOOLS_MULTIPROJECT_H

#include "lambda-opt/Diagnostics/Diagnostic.h"
#include "lambda-opt/Diagnostics/Renderer.h"
#include "lambda-opt/IR/Project.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lambdaopt {

/// What checking one project left for the report.
struct ProjectRun {
  std::unique_ptr<Project> P;
  std::vector<Diagnostic> Diags;
  /// Errors and debugging output, written while the project was checked.
  std::string Log;
  /// The run's summary line: runtime, arch, packages, sizes.
  std::string Summary;
  /// 0 clean, 1 error findings, 2 the project could not be checked.
  int Status = 0;
};

/// One project to check: what to hand to the loader and how to name it.
struct ProjectInput {
  std::string Path;  ///< A folder or the path of a lock.
  std::string Label; ///< The lock's path, e.g. "services/api/uv.lock".
};

/// Turns PROJECT arguments (folders, lock paths, pyproject.toml paths) into
/// distinct projects in the order given. A pyproject.toml stands for its
/// folder, or for the nearest folder above holding uv.lock when it belongs
/// to a workspace; a project named twice is checked once.
std::vector<ProjectInput>
collectProjectInputs(llvm::ArrayRef<std::string> Args);

/// Checks a project into a ProjectRun; called from several threads at once.
using ProjectChecker = std::function<void(llvm::StringRef Path, ProjectRun &)>;

/// Checks \p Inputs on a thread pool with \p Check, renders every project's
/// findings in \p Format to stdout (text: stderr), projects in the order
/// given, and returns the worst exit status.
int checkProjects(llvm::ArrayRef<ProjectInput> Inputs,
                  const ProjectChecker &Check, OutputFormatKind Format,
                  const RenderContext &Ctx, bool ExitZero);

} // namespace lambdaopt

#endif // LAMBDA_OPT_TOOLS_MULTIPROJECT_H
