//===- lambda-opt/Emit/ImageEmitter.h - Container images --------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Lowers the install plan (see EmitPasses.h) to a Lambda container image
/// without a container daemon, so that images get the same wheels, layout,
/// lints and size transforms as zips.
///
///   emit-image           an OCI image layout at Options.OutputPath: the
///                        dependencies layer, then the function's own code
///                        (Options.Includes), both under /var/task, with the
///                        handler as the command; stacked on the local OCI
///                        layout Options.BaseImage names (oci:PATH[:TAG])
///   emit-image-context   a Docker build context at Options.OutputPath:
///                        FROM public.ecr.aws/lambda/python:3.X[-arm64], COPY
///                        of the prepared task root, CMD the handler
///
/// Both need Options.Handler, write nothing while error findings remain
/// (unless Options.Force), and with Options.CompileBytecode add
/// unchecked-hash .pyc files compiled by a Python of the runtime's version.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_EMIT_IMAGEEMITTER_H
#define LAMBDA_OPT_EMIT_IMAGEEMITTER_H

#include "lambda-opt/Artifact/Layout.h"
#include "lambda-opt/Emit/EmitPasses.h"
#include "lambda-opt/IR/Options.h"
#include "lambda-opt/Image/OCIImage.h"
#include "lambda-opt/Passes/PassManager.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace lambdaopt {

/// The image's task root: where Lambda's base images look for the code.
constexpr llvm::StringLiteral ImageTaskRoot = "/var/task";

/// Layer names, in image order.
constexpr llvm::StringLiteral DependenciesLayerName = "dependencies";
constexpr llvm::StringLiteral FunctionLayerName = "function";

/// Reads every file of \p Plan into two layers rooted at /var/task: the
/// installed wheels ("dependencies") and the function's own code
/// ("function", the files Options.Includes added). An empty layer is left
/// out.
llvm::Expected<std::vector<ImageLayerSpec>>
buildImageLayers(const InstallPlan &Plan);

/// What addBytecode did.
struct BytecodeSummary {
  /// .pyc files added.
  unsigned Compiled = 0;
  /// Sources the interpreter rejected, e.g. "pkg/py2_only.py".
  std::vector<std::string> Failed;
};

/// Compiles the .py files of each layer with \p Interpreter (Python
/// \p PythonMinor, e.g. "3.12") and adds the .pyc files to the same layer,
/// in `__pycache__/` next to their sources. A .pyc the layer already holds
/// is kept as it is.
llvm::Expected<BytecodeSummary> addBytecode(std::vector<ImageLayerSpec> &Layers,
                                            llvm::StringRef Interpreter,
                                            llvm::StringRef PythonMinor);

/// The image configuration for \p Opts: Cmd is the handler (an error with
/// a hint when there is none), the architecture from Opts.Arch, the creation
/// time from Opts.SourceDateEpoch (else the epoch), the reference name
/// Opts.ImageTag, WorkingDir and LAMBDA_TASK_ROOT /var/task.
llvm::Expected<ImageConfigSpec> makeImageConfig(const ProjectOptions &Opts);

/// The runtime's Python version of \p Opts, e.g. "3.12".
llvm::Expected<std::string> getImagePythonVersion(const ProjectOptions &Opts);

/// `emit-image`: writes an OCI image layout to Options.OutputPath and prints
/// `wrote <dir>: image <tag> (<arch>), <n> layers; manifest <digest>` on
/// stderr.
struct EmitImagePass : PassInfoMixin<EmitImagePass> {
  EmitImagePass() = default;
  explicit EmitImagePass(EmitterSettings Settings)
      : Settings(std::move(Settings)) {}
  llvm::Expected<PreservedAnalyses> run(Project &P, AnalysisManager &AM);
  void printPipeline(
      llvm::raw_ostream &OS,
      llvm::function_ref<llvm::StringRef(llvm::StringRef)> Map) const {
    printEmitterPipeline(OS, Map(name()), Settings);
  }
  EmitterSettings Settings;
};

/// `emit-image-context`: writes a Docker build context to
/// Options.OutputPath.
struct EmitImageContextPass : PassInfoMixin<EmitImageContextPass> {
  EmitImageContextPass() = default;
  explicit EmitImageContextPass(EmitterSettings Settings)
      : Settings(std::move(Settings)) {}
  llvm::Expected<PreservedAnalyses> run(Project &P, AnalysisManager &AM);
  void printPipeline(
      llvm::raw_ostream &OS,
      llvm::function_ref<llvm::StringRef(llvm::StringRef)> Map) const {
    printEmitterPipeline(OS, Map(name()), Settings);
  }
  EmitterSettings Settings;
};

} // namespace lambdaopt

#endif // LAMBDA_OPT_EMIT_IMAGEEMITTER_H
