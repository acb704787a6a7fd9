//===- lambda-opt/FrontEnd/FrontEnd.h - uv.lock and pyproject.toml -*- C++ -*-//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Reads uv.lock and pyproject.toml into a Project. Every failure is a
// SourceError located in the Project's SourceMgr, so the caller prints it
// with the Project still alive:
//
//   auto P = std::make_unique<Project>();
//   if (Error E = loadProject(*P, "path/to/project"))
//     printError(std::move(E), P->getSourceMgr(), "lambda-opt", errs());
//
// Large lock files are split at their `[[package]]` headers and the pieces
// are parsed in parallel, each syntax tree freed as soon as its packages are
// in the IR. A file that does not split cleanly is parsed whole, so the
// result and any error are the same either way.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_FRONTEND_FRONTEND_H
#define LAMBDA_OPT_FRONTEND_FRONTEND_H

#include "lambda-opt/IR/Project.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

namespace lambdaopt {

/// How a lock is read.
struct LoadOptions {
  /// Worker threads for a large lock; 0 picks the hardware's count.
  unsigned Threads = 0;
  /// Files smaller than this are parsed whole, on the calling thread.
  size_t ParallelThreshold = 128 * 1024;
  /// Whether to read pyproject.toml beside uv.lock.
  bool ReadPyProject = true;
  /// Whether the TOML parser may read array bodies written one value per line
  /// itself (toml::ParseOptions::LineArrays).
  bool LineArrays = true;
};

/// Loads the project at \p PathOrDir: a directory holding uv.lock (and
/// usually pyproject.toml), or the path of a uv.lock file.
llvm::Error loadProject(Project &P, llvm::StringRef PathOrDir,
                        const LoadOptions &Opts = LoadOptions());

/// Parses \p Buffer as uv.lock into \p P (adding it to P's SourceMgr).
llvm::Error parseLock(Project &P, std::unique_ptr<llvm::MemoryBuffer> Buffer,
                      const LoadOptions &Opts = LoadOptions());

/// Parses \p Buffer as pyproject.toml into \p P.
llvm::Error parsePyProject(Project &P,
                           std::unique_ptr<llvm::MemoryBuffer> Buffer);

} // namespace lambdaopt

#endif // LAMBDA_OPT_FRONTEND_FRONTEND_H
