//===- Reference.cpp - Image references -----------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Registry/Registry.h"
#include "lambda-opt/Support/Error.h"
#include "lambda-opt/Support/Module.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

using namespace llvm;
using namespace lambdaopt;

std::string ImageReference::getName() const {
  return Registry + "/" + Repository;
}

std::string ImageReference::str() const {
  std::string S = getName();
  if (!Tag.empty())
    S += ":" + Tag;
  if (!Digest.empty())
    S += "@" + Digest;
  return S;
}

std::string ImageReference::getManifestReference() const {
  return Digest.empty() ? Tag : Digest;
}

std::string ImageReference::getAPIHost() const {
  if (Registry == "docker.io")
    return "registry-1.docker.io";
  return Registry;
}

static bool isRepositoryComponent(StringRef C) {
  if (C.empty() || !isAlnum(C.front()) || !isAlnum(C.back()))
    return false;
  return all_of(C, [](char Ch) {
    return isDigit(Ch) || (Ch >= 'a' && Ch <= 'z') || Ch == '.' || Ch == '_' ||
           Ch == '-';
  });
}

static bool isTag(StringRef T) {
  if (T.empty() || T.size() > 128 || T.front() == '.' || T.front() == '-')
    return false;
  return all_of(T, [](char Ch) {
    return isAlnum(Ch) || Ch == '_' || Ch == '.' || Ch == '-';
  });
}

bool lambdaopt::isSha256Digest(StringRef D) {
  StringRef Hex = D;
  return Hex.consume_front("sha256:") && Hex.size() == 64 &&
         all_of(Hex,
                [](char C) { return isDigit(C) || (C >= 'a' && C <= 'f'); });
}

Expected<ImageReference> lambdaopt::parseImageReference(StringRef Ref) {
  StringRef Rest = Ref.trim();
  Rest.consume_front("docker://");
  auto Bad = [&](const Twine &Why) {
    return makeError("image reference '" + Ref + "' " + Why +
                     " (expected [REGISTRY/]REPOSITORY[:TAG][@sha256:DIGEST], "
                     "e.g. public.ecr.aws/lambda/python:3.13)");
  };
  if (Rest.empty())
    return Bad("is empty");
  ImageReference Result;
  size_t At = Rest.find('@');
  if (At != StringRef::npos) {
    Result.Digest = Rest.substr(At + 1).str();
    Rest = Rest.substr(0, At);
    if (!isSha256Digest(Result.Digest))
      return Bad("has digest '" + Result.Digest +
                 "', not sha256:<64 lowercase hex digits>");
  }
  // The registry: a first component that looks like a host.
  size_t Slash = Rest.find('/');
  if (Slash != StringRef::npos) {
    StringRef First = Rest.substr(0, Slash);
    if (First.contains('.') || First.contains(':') || First == "localhost") {
      Result.Registry = First.lower();
      Rest = Rest.substr(Slash + 1);
      if (Result.Registry.empty())
        return Bad("has an empty registry");
    }
  }
  if (Result.Registry.empty())
    Result.Registry = "docker.io";
  // The tag: after the last ':' of the repository path.
  size_t Colon = Rest.rfind(':');
  if (Colon != StringRef::npos) {
    Result.Tag = Rest.substr(Colon + 1).str();
    Rest = Rest.substr(0, Colon);
    if (!isTag(Result.Tag))
      return Bad("has an invalid tag '" + Result.Tag + "'");
  }
  SmallVector<StringRef, 4> Parts;
  Rest.split(Parts, '/');
  for (StringRef P : Parts)
    if (!isRepositoryComponent(P))
      return Bad(P.empty() ? Twine("has an empty path component")
                           : "has an invalid repository component '" + P +
                                 "' (lowercase letters, digits, '.', '_' "
                                 "and '-')");
  Result.Repository = Rest.str();
  if (Result.Registry == "docker.io" && Parts.size() == 1)
    Result.Repository = "library/" + Result.Repository;
  if (Result.Tag.empty() && Result.Digest.empty())
    Result.Tag = "latest";
  return Result;
}

bool lambdaopt::isRegistryReference(StringRef Ref) {
  Ref = Ref.trim();
  if (Ref.startswith("docker://"))
    return true;
  if (Ref.empty() || Ref.startswith("oci:") || Ref == ScratchBaseImage ||
      Ref.startswith("/") || Ref.startswith("."))
    return false;
  Expected<ImageReference> R = parseImageReference(Ref);
  if (!R) {
    consumeError(R.takeError());
    return false;
  }
  return true;
}

bool lambdaopt::isPlainHTTPRegistry(StringRef Registry,
                                    ArrayRef<std::string> InsecureHosts) {
  std::string Lower = Registry.lower();
  StringRef HostPort = Lower;
  StringRef Host = HostPort;
  if (Host.startswith("[")) {
    Host = Host.drop_front().split(']').first;
  } else {
    Host = Host.split(':').first;
  }
  SmallVector<StringRef, 4> Octets;
  Host.split(Octets, '.');
  bool IPv4Loopback = Octets.size() == 4 && Octets[0] == "127" &&
                      all_of(Octets, [](StringRef O) {
                        unsigned N = 0;
                        return !O.getAsInteger(10, N) && N < 256;
                      });
  if (Host == "localhost" || Host == "::1" || IPv4Loopback)
    return true;
  for (const std::string &Entry : InsecureHosts) {
    std::string E = StringRef(Entry).trim().lower();
    if (E == Host || E == HostPort)
      return true;
  }
  return false;
}

std::string lambdaopt::getLambdaBaseImage(StringRef PythonMinor) {
  return ("public.ecr.aws/lambda/python:" + PythonMinor).str();
}

Expected<const RegistryModule *> lambdaopt::getRegistryModule() {
  return getModuleTable<RegistryModule>("LambdaOptRegistryNet",
                                        "lambdaopt_registry_module_v1");
}
