//===- OCIMediaTypes.h - OCI and Docker media types -------------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The media types and annotation keys of OCI image layouts and Docker
/// registry manifests, shared by the image writer (Image) and the registry
/// client (Registry).
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_ARTIFACT_OCIMEDIATYPES_H
#define LAMBDA_OPT_ARTIFACT_OCIMEDIATYPES_H

namespace lambdaopt {
namespace oci {

constexpr const char *RefNameKey = "org.opencontainers.image.ref.name";
constexpr const char *IndexType = "application/vnd.oci.image.index.v1+json";
constexpr const char *ManifestType =
    "application/vnd.oci.image.manifest.v1+json";
constexpr const char *ConfigType = "application/vnd.oci.image.config.v1+json";
constexpr const char *LayerGzipType =
    "application/vnd.oci.image.layer.v1.tar+gzip";
constexpr const char *DockerListType =
    "application/vnd.docker.distribution.manifest.list.v2+json";
constexpr const char *DockerManifestType =
    "application/vnd.docker.distribution.manifest.v2+json";
constexpr const char *DockerLayerGzipType =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";

} // namespace oci
} // namespace lambdaopt

#endif // LAMBDA_OPT_ARTIFACT_OCIMEDIATYPES_H
