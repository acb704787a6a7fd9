//===- lambda-opt/Image/OCIImage.h - Daemonless OCI images -----*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Writes reproducible OCI image layouts (image-spec v1) without a container
/// daemon, optionally stacked on a base image read from another OCI layout,
/// and writes the equivalent Docker build context.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_IMAGE_OCIIMAGE_H
#define LAMBDA_OPT_IMAGE_OCIIMAGE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lambdaopt {

/// One regular file placed in an image layer or a build context.
struct ImageFile {
  /// Path relative to the layer root, e.g. "requests/__init__.py".
  std::string Path;
  /// Permission bits, e.g. 0644 or 0755.
  unsigned Mode = 0644;
  std::string Contents;
};

/// One filesystem layer: every file lands under Root inside the image.
struct ImageLayerSpec {
  /// Short description recorded in the config history, e.g. "dependencies".
  std::string Comment;
  /// Absolute directory inside the image, e.g. "/var/task".
  std::string Root = "/var/task";
  std::vector<ImageFile> Files;
};

/// The runtime configuration of the produced image.
struct ImageConfigSpec {
  /// OCI architecture name: "amd64" or "arm64" (see normalizeImageArch).
  std::string Arch = "amd64";
  /// The handler, e.g. {"app.main.handler"}.
  std::vector<std::string> Cmd;
  /// Overrides the base image's entrypoint when non-empty.
  std::vector<std::string> Entrypoint;
  std::string WorkingDir = "/var/task";
  /// Extra "KEY=VALUE" entries; the base's Env comes first, and
  /// LAMBDA_TASK_ROOT=/var/task is appended unless some entry sets it.
  std::vector<std::string> Env;
  /// Seconds since the epoch (SOURCE_DATE_EPOCH) used for every timestamp.
  int64_t Created = 0;
  /// Value of the org.opencontainers.image.ref.name annotation in index.json.
  std::string RefName = "latest";
};

/// A base image inside a local OCI layout, spelled "oci:PATH[:TAG]".
struct BaseImage {
  std::string LayoutDir;
  /// Empty when the layout must hold exactly one manifest.
  std::string Tag;
};

/// Parses "oci:PATH[:TAG]". A last ':' followed by no '/' starts the tag.
llvm::Expected<BaseImage> parseBaseImageRef(llvm::StringRef Ref);

/// Maps a Lambda or OCI architecture name ("x86_64", "amd64", "arm64",
/// "aarch64") to its OCI name ("amd64" or "arm64").
llvm::Expected<std::string> normalizeImageArch(llvm::StringRef Arch);

/// Digests ("sha256:<hex>") of what writeOCIImage produced.
struct ImageResult {
  std::string ManifestDigest;
  std::string ConfigDigest;
  /// Compressed layer blob digests, base layers first.
  std::vector<std::string> LayerDigests;
};

/// Writes an OCI image layout to OutDir holding one image made of the base's
/// layers (when Base is non-null) followed by one gzip'd tar per entry of
/// Layers. Output is byte-for-byte reproducible. The layout is assembled in
/// a sibling temporary directory and renamed into place; an existing OCI
/// layout (or empty directory) at OutDir is replaced, anything else is
/// refused. On error nothing is left behind.
llvm::Expected<ImageResult> writeOCIImage(llvm::StringRef OutDir,
                                          llvm::ArrayRef<ImageLayerSpec> Layers,
                                          const ImageConfigSpec &Config,
                                          const BaseImage *Base);

/// Writes a Docker build context to OutDir: a Dockerfile building FROM
/// public.ecr.aws/lambda/python:<PythonMinor>[-arm64], the task/ folder with
/// TaskRootFiles and a .dockerignore. PythonMinor is like "3.12". Replaces an
/// existing context (a directory holding a Dockerfile, or an empty one)
/// atomically and refuses anything else.
llvm::Error writeImageContext(llvm::StringRef OutDir,
                              llvm::StringRef PythonMinor, llvm::StringRef Arch,
                              llvm::ArrayRef<ImageFile> TaskRootFiles,
                              llvm::ArrayRef<std::string> Cmd);

/// The entry points above as libLambdaOptOCI.so provides them: the tool
/// loads that library (and libarchive with it) only when it writes an image.
struct OCIModule {
  decltype(&parseBaseImageRef) ParseBaseImageRef;
  decltype(&normalizeImageArch) NormalizeImageArch;
  decltype(&writeOCIImage) WriteOCIImage;
  decltype(&writeImageContext) WriteImageContext;
};

/// Loads libLambdaOptOCI.so once (see Support/Module.h).
llvm::Expected<const OCIModule *> getOCIModule();

} // namespace lambdaopt

#endif // LAMBDA_OPT_IMAGE_OCIIMAGE_H
