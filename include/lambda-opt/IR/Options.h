//===- lambda-opt/IR/Options.h - What the run is for ----------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The settings a pipeline runs with: the Lambda target, which part of the
// lock is installed, where wheels come from and what the emitter writes.
// They come from [tool.lambda-opt] (or --config) and then the command line,
// which wins. A value read from a file keeps its range so that a pass can
// point at it ("runtime python3.8 in pyproject.toml:12:11 is unknown").
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_IR_OPTIONS_H
#define LAMBDA_OPT_IR_OPTIONS_H

#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lambdaopt {

struct ProjectOptions {
  /// Target: a Lambda runtime identifier and architecture.
  std::string Runtime = "python3.13";
  llvm::SMRange RuntimeRange;
  std::string Arch = "x86_64";
  llvm::SMRange ArchRange;

  /// Install set: `--package` (one workspace member), extras, groups.
  std::string Package;
  std::vector<std::string> Extras;
  bool AllExtras = false;
  std::vector<std::string> Groups;
  /// uv's export filters: `--no-emit-project`, `--no-emit-workspace`,
  /// `--no-emit-package NAME`.
  bool NoEmitProject = false;
  bool NoEmitWorkspace = false;
  std::vector<std::string> NoEmitPackages;

  /// Size budget: unzipped sizes of the layers the function attaches, and a
  /// stricter budget than Lambda's own when set.
  std::vector<uint64_t> LayerSizes;
  std::optional<uint64_t> SizeBudget;
  llvm::SMRange SizeBudgetRange;

  /// Reproducibility: index hosts a lock may use (empty: any).
  std::vector<std::string> AllowedIndexHosts;
  llvm::SMRange AllowedIndexHostsRange;

  /// Wheels: where they come from.
  std::vector<std::string> FindLinks;
  std::string CacheDir;
  bool Offline = false;
  std::vector<std::string> AllowInsecureHosts;
  unsigned Jobs = 8;

  /// Emission.
  std::string OutputPath = "-";
  std::vector<std::string> Includes;
  /// Ship what --include folders leave out by default (VCS and editor
  /// folders, virtual environments, node_modules, .env*, backup files).
  bool IncludeHidden = false;
  bool Force = false;
  std::optional<int64_t> SourceDateEpoch;
  std::string Handler;
  llvm::SMRange HandlerRange;
  std::string BaseImage;
  std::string ImageTag = "latest";
  bool CompileBytecode = false;
  /// Opt-in size transforms for the default pipeline: "tests", "stubs",
  /// "runtime-provided" (the boto3 stack Lambda already ships).
  std::vector<std::string> Strip;

  /// Registries: credentials for the one pushed to (or pulled from when
  /// nothing is pushed), and the upload chunk size (0: one PUT per blob).
  std::string RegistryUsername;
  std::string RegistryPassword;
  uint64_t RegistryChunkSize = 0;
  /// --no-deps: the zip holds the function's own code only (its packages
  /// ship in a layer).
  bool NoDeps = false;
};

} // namespace lambdaopt

#endif // LAMBDA_OPT_IR_OPTIONS_H
