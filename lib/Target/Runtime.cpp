//===- Runtime.cpp - AWS Lambda Python runtime table ----------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The single source of truth for Lambda runtime facts. When AWS changes a
// date or an image, update the row and TableReadDate together.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Target/Runtime.h"

#include "llvm/ADT/STLExtras.h"

using namespace llvm;
using namespace lambdaopt;

namespace {

constexpr const char TableReadDate[] = "2026-11-26";

/// Packages every Python runtime ships (the AWS SDK and its dependencies),
/// normalized and sorted.
constexpr StringRef ProvidedPackages[] = {
    "boto3",      "botocore", "jmespath", "python-dateutil",
    "s3transfer", "six",      "urllib3",
};

constexpr RuntimeInfo Runtimes[] = {
    {"python3.9", 9, "Amazon Linux 2", 2, 26, "3.9.23", true, true,
     "2025-12-15", "2026-01-15", "2026-02-15",
     "public.ecr.aws/lambda/python:3.9", ProvidedPackages},
    {"python3.10", 10, "Amazon Linux 2", 2, 26, "3.10.18", true, true,
     "2026-06-30", "2026-07-31", "2026-08-31",
     "public.ecr.aws/lambda/python:3.10", ProvidedPackages},
    {"python3.11", 11, "Amazon Linux 2", 2, 26, "3.11.13", true, true,
     "2027-06-30", "2027-07-31", "2027-08-31",
     "public.ecr.aws/lambda/python:3.11", ProvidedPackages},
    {"python3.12", 12, "Amazon Linux 2023", 2, 34, "3.12.11", true, true,
     "2028-10-31", "2028-11-30", "2029-01-10",
     "public.ecr.aws/lambda/python:3.12", ProvidedPackages},
    {"python3.13", 13, "Amazon Linux 2023", 2, 34, "3.13.7", true, true,
     "2029-06-30", "2029-07-31", "2029-08-31",
     "public.ecr.aws/lambda/python:3.13", ProvidedPackages},
    {"python3.14", 14, "Amazon Linux 2023", 2, 34, "3.14.0", true, true, "", "",
     "", "public.ecr.aws/lambda/python:3.14", ProvidedPackages},
};

} // namespace

StringRef lambdaopt::getRuntimeTableReadDate() { return TableReadDate; }

bool RuntimeInfo::providesPackage(StringRef NormalizedName) const {
  return is_contained(ProvidedPackages, NormalizedName);
}

RuntimeStatusKind lambdaopt::getRuntimeStatus(const RuntimeInfo &Runtime,
                                              StringRef IsoDate) {
  auto Reached = [&](StringRef Date) {
    return !Date.empty() && IsoDate >= Date;
  };
  if (Reached(Runtime.BlockUpdateDate))
    return RuntimeStatusKind::UpdateBlocked;
  if (Reached(Runtime.BlockCreateDate))
    return RuntimeStatusKind::CreateBlocked;
  if (Reached(Runtime.DeprecationDate))
    return RuntimeStatusKind::Deprecated;
  return RuntimeStatusKind::Supported;
}

ArrayRef<RuntimeInfo> lambdaopt::getRuntimes() { return Runtimes; }

const RuntimeInfo *lambdaopt::lookupRuntime(StringRef Identifier) {
  for (const RuntimeInfo &R : Runtimes)
    if (R.Identifier == Identifier)
      return &R;
  return nullptr;
}

std::string lambdaopt::suggestRuntimeNames() {
  std::string Out;
  for (const RuntimeInfo &R : Runtimes) {
    if (!Out.empty())
      Out += ", ";
    Out += R.Identifier;
  }
  return Out;
}

Expected<const RuntimeInfo *> lambdaopt::findRuntime(StringRef Identifier) {
  if (const RuntimeInfo *R = lookupRuntime(Identifier))
    return R;
  return createStringError(
      inconvertibleErrorCode(), "unknown runtime '%s'; expected one of %s",
      Identifier.str().c_str(), suggestRuntimeNames().c_str());
}

Expected<ArchKind> lambdaopt::parseArch(StringRef Name) {
  if (Name == "x86_64")
    return ArchKind::X86_64;
  if (Name == "arm64" || Name == "aarch64")
    return ArchKind::AArch64;
  return createStringError(inconvertibleErrorCode(),
                           "unknown architecture '%s'; expected x86_64 or "
                           "arm64",
                           Name.str().c_str());
}

StringRef lambdaopt::getLambdaArchName(ArchKind Arch) {
  return Arch == ArchKind::X86_64 ? "x86_64" : "arm64";
}

MarkerEnvironment lambdaopt::makeMarkerEnvironment(const RuntimeInfo &Runtime,
                                                   ArchKind Arch) {
  MarkerEnvironment Env;
  Env.ImplementationName = "cpython";
  Env.ImplementationVersion = Runtime.PythonFullVersion.str();
  Env.OsName = "posix";
  Env.PlatformMachine = getArchName(Arch).str();
  Env.PlatformPythonImplementation = "CPython";
  Env.PlatformSystem = "Linux";
  Env.PythonFullVersion = Runtime.PythonFullVersion.str();
  Env.PythonVersion = "3." + std::to_string(Runtime.PythonMinor);
  Env.SysPlatform = "linux";
  return Env;
}

TagTarget lambdaopt::makeTagTarget(const RuntimeInfo &Runtime, ArchKind Arch) {
  TagTarget T;
  T.PythonMinor = Runtime.PythonMinor;
  T.Arch = Arch;
  T.GlibcMajor = Runtime.GlibcMajor;
  T.GlibcMinor = Runtime.GlibcMinor;
  return T;
}
