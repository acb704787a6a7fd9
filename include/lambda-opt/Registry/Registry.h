//===- lambda-opt/Registry/Registry.h - OCI registries ---------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Pulls base images from and pushes images to container registries over the
/// OCI distribution API, without a container daemon.
///
/// References are spelled as Docker spells them (`public.ecr.aws/lambda/
/// python:3.13`, `python:3.13` on Docker Hub, `REGISTRY/REPO@sha256:...`),
/// optionally behind `docker://`. Pulled blobs are verified against their
/// digests and kept in a content-addressed store under the cache directory
/// (`<cache>/images/blobs/sha256/<hex>`); each pulled reference becomes a
/// small OCI layout under `<cache>/images/refs/` whose blobs are that store,
/// so the image writer reads a pulled base like any local layout.
///
/// Credentials, in order: the ones given on the command line (for the
/// registry they name), then the Docker configuration
/// (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`): `credHelpers`,
/// `credsStore` (both through the `docker-credential-NAME get` protocol) and
/// `auths`. Registries that answer 401 with a Bearer challenge get a token
/// from their realm; Basic challenges get the credentials directly.
///
/// The transfers link libcurl and live in libLambdaOptRegistryNet.so, loaded
/// on first use (see Support/Module.h); reference parsing is in the core.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_REGISTRY_REGISTRY_H
#define LAMBDA_OPT_REGISTRY_REGISTRY_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace lambdaopt {

/// The base-image value that asks for no base at all.
constexpr llvm::StringLiteral ScratchBaseImage = "scratch";

/// A parsed image reference, e.g. public.ecr.aws/lambda/python:3.13.
struct ImageReference {
  /// "public.ecr.aws", "127.0.0.1:5000", "docker.io".
  std::string Registry;
  /// "lambda/python"; Docker Hub's single names get "library/".
  std::string Repository;
  /// "3.13"; "latest" when neither a tag nor a digest is given.
  std::string Tag;
  /// "sha256:<hex>" when the reference pins one.
  std::string Digest;

  /// "REGISTRY/REPOSITORY".
  std::string getName() const;
  /// "REGISTRY/REPOSITORY[:TAG][@DIGEST]".
  std::string str() const;
  /// The tag or digest the manifest is addressed by (the digest wins).
  std::string getManifestReference() const;
  /// The host serving the API: registry-1.docker.io for docker.io.
  std::string getAPIHost() const;
};

/// Parses `docker://REF` or a bare Docker reference `[REGISTRY/]REPO[:TAG]
/// [@sha256:HEX]`. A first component with a '.' or ':', or `localhost`, is
/// the registry; otherwise the registry is docker.io.
llvm::Expected<ImageReference> parseImageReference(llvm::StringRef Ref);

/// Whether \p Digest is "sha256:" and 64 lowercase hex digits, the only
/// digests lambda-opt reads or writes.
bool isSha256Digest(llvm::StringRef Digest);

/// Whether \p Ref names a registry image rather than `oci:PATH[:TAG]` or
/// `scratch`.
bool isRegistryReference(llvm::StringRef Ref);

/// Whether \p Registry ("host" or "host:port") is on the loopback interface:
/// such registries, and those on \p InsecureHosts, are spoken to over plain
/// http; every other registry over https.
bool isPlainHTTPRegistry(llvm::StringRef Registry,
                         llvm::ArrayRef<std::string> InsecureHosts);

/// The AWS base image of a Python runtime, e.g.
/// "public.ecr.aws/lambda/python:3.13" for \p PythonMinor "3.13".
std::string getLambdaBaseImage(llvm::StringRef PythonMinor);

/// A user name and a password (or token).
struct RegistryCredentials {
  std::string Username;
  std::string Password;
};

/// How the registry client works.
struct RegistryOptions {
  /// The cache root (see Fetch.h's getDefaultCacheDir).
  std::string CacheDir;
  /// Pull nothing: use what the cache holds, or fail saying how to get it.
  bool Offline = false;
  /// Registries ("host" or "host:port") spoken to over plain http.
  std::vector<std::string> AllowInsecureHosts;
  /// Credentials given on the command line, and the registry they are for
  /// (empty: every registry).
  std::optional<RegistryCredentials> Credentials;
  std::string CredentialsRegistry;
  /// Where the Docker configuration lives; empty means $DOCKER_CONFIG, else
  /// ~/.docker.
  std::string DockerConfigDir;
  /// Extra attempts after a 5xx, a 429 or a connection failure.
  unsigned Retries = 3;
  unsigned RetryBaseDelayMs = 200;
  unsigned TimeoutSeconds = 30;
  /// Blobs larger than this are uploaded in chunks of this size (PATCH
  /// with Content-Range, then PUT); 0 sends blobs up to 4 MiB in one PUT
  /// and larger ones in one PATCH.
  uint64_t ChunkSize = 0;
  /// Where notes go (retries, cache use); null means llvm::errs().
  llvm::raw_ostream *Notes = nullptr;
};

/// A base image made available as a local OCI layout.
struct PulledImage {
  /// An OCI layout holding exactly this image (for --arch).
  std::string LayoutDir;
  /// The platform manifest's digest.
  std::string ManifestDigest;
  /// Blobs and bytes downloaded by this pull (0 when all were cached).
  unsigned BlobsFetched = 0;
  uint64_t BytesFetched = 0;
  /// True when the registry was not asked at all (offline, or a digest
  /// reference already cached).
  bool FromCache = false;
};

/// Pulls \p Ref for the OCI architecture \p Arch ("amd64" or "arm64"):
/// indexes and manifest lists are resolved to linux/\p Arch, every blob is
/// checked against its digest and stored in the cache; blobs already there
/// are not downloaded again.
llvm::Expected<PulledImage> pullImage(const ImageReference &Ref,
                                      llvm::StringRef Arch,
                                      const RegistryOptions &Opts);

/// What pushImage did.
struct PushResult {
  std::string ManifestDigest;
  unsigned Uploaded = 0;
  unsigned Skipped = 0;
  unsigned Mounted = 0;
  uint64_t BytesUploaded = 0;
};

/// Pushes the one image of the OCI layout \p LayoutDir to \p Dest: blobs the
/// registry has are skipped (HEAD), blobs of \p MountFrom (a repository of
/// the same registry, may be null) are mounted, the rest uploaded; then the
/// manifest is put under Dest's tag (or digest). Fails when the registry
/// reports another digest than the one computed here.
llvm::Expected<PushResult> pushImage(llvm::StringRef LayoutDir,
                                     const ImageReference &Dest,
                                     const ImageReference *MountFrom,
                                     const RegistryOptions &Opts);

/// The credentials the Docker configuration in \p ConfigDir (empty: the
/// default) holds for \p Registry, or std::nullopt.
llvm::Expected<std::optional<RegistryCredentials>>
findDockerCredentials(llvm::StringRef Registry, llvm::StringRef ConfigDir);

/// The entry points of libLambdaOptRegistryNet.so.
struct RegistryModule {
  decltype(&pullImage) PullImage;
  decltype(&pushImage) PushImage;
  decltype(&findDockerCredentials) FindDockerCredentials;
};

/// Loads libLambdaOptRegistryNet.so once.
llvm::Expected<const RegistryModule *> getRegistryModule();

} // namespace lambdaopt

#endif // LAMBDA_OPT_REGISTRY_REGISTRY_H
