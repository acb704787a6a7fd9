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

/// Sonames of the glibc, gcc and compression libraries, for both images.
/// Neither list is exhaustive: the base images are published as root file
/// system tarballs whose contents are not listed, so these come from the
/// Amazon Linux package contents (glibc, libgcc, libstdc++, zlib, ...) of
/// the release each image is built on, and from the interpreter's own
/// libraries in /var/lang/lib. A soname in neither list is a warning.
constexpr StringRef AL2Sonames[] = {
    "ld-linux-aarch64.so.1",
    "ld-linux-x86-64.so.2",
    "libBrokenLocale.so.1",
    "libacl.so.1",
    "libanl.so.1",
    "libattr.so.1",
    "libbz2.so.1",
    "libcap.so.2",
    "libcom_err.so.2",
    "libcrypt.so.1",
    "libcrypto.so.10",
    "libcrypto.so.1.1",
    "libdl.so.2",
    "libexpat.so.1",
    "libffi.so.6",
    "libgcc_s.so.1",
    "libgdbm.so.4",
    "libgssapi_krb5.so.2",
    "libk5crypto.so.3",
    "libkeyutils.so.1",
    "libkrb5.so.3",
    "libkrb5support.so.0",
    "liblzma.so.5",
    "libm.so.6",
    "libncursesw.so.6",
    "libnsl.so.1",
    "libnss_dns.so.2",
    "libnss_files.so.2",
    "libpcre.so.1",
    "libpthread.so.0",
    "libpython3.so",
    "libresolv.so.2",
    "librt.so.1",
    "libselinux.so.1",
    "libsqlite3.so.0",
    "libssl.so.10",
    "libssl.so.1.1",
    "libstdc++.so.6",
    "libtinfo.so.6",
    "libutil.so.1",
    "libuuid.so.1",
    "libz.so.1",
    "libc.so.6",
};
constexpr StringRef AL2023Sonames[] = {
    "ld-linux-aarch64.so.1",
    "ld-linux-x86-64.so.2",
    "libBrokenLocale.so.1",
    "libacl.so.1",
    "libanl.so.1",
    "libattr.so.1",
    "libbz2.so.1",
    "libc.so.6",
    "libcap.so.2",
    "libcrypt.so.2",
    "libcrypto.so.3",
    "libdl.so.2",
    "libexpat.so.1",
    "libffi.so.8",
    "libgcc_s.so.1",
    "liblzma.so.5",
    "libm.so.6",
    "libncursesw.so.6",
    "libnss_dns.so.2",
    "libnss_files.so.2",
    "libpcre2-8.so.0",
    "libpthread.so.0",
    "libpython3.so",
    "libresolv.so.2",
    "librt.so.1",
    "libselinux.so.1",
    "libsqlite3.so.0",
    "libssl.so.3",
    "libstdc++.so.6",
    "libtinfo.so.6",
    "libutil.so.1",
    "libuuid.so.1",
    "libz.so.1",
};
/// Libraries neither image has (graphics and desktop stacks): the cause of
/// `libGL.so.1: cannot open shared object file` with opencv-python.
constexpr StringRef AbsentSonames[] = {
    "libEGL.so.1",     "libGL.so.1",          "libGLX.so.0", "libICE.so.6",
    "libOpenGL.so.0",  "libSM.so.6",          "libX11.so.6", "libXext.so.6",
    "libXrender.so.1", "libgthread-2.0.so.0", "libxcb.so.1",
};
constexpr const char SystemSource[] =
    "Amazon Linux package contents (glibc, libgcc, libstdc++ and the "
    "libraries the interpreter links) for the release each base image "
    "names; the images' root file systems are not published as lists";

/// Amazon Linux 2: gcc 7 (GLIBCXX_3.4.24, CXXABI_1.3.11).
const SystemLibraries AL2System = {
    24, 11, AL2Sonames, AbsentSonames, false, SystemSource, "2026-11-30"};
/// Amazon Linux 2023: gcc 11 (GLIBCXX_3.4.29, CXXABI_1.3.13).
const SystemLibraries AL2023System = {
    29, 13, AL2023Sonames, AbsentSonames, false, SystemSource, "2026-11-30"};

constexpr RuntimeInfo Runtimes[] = {
    {"python3.9", 9, "Amazon Linux 2", 2, 26, "3.9.23", true, true,
     "2025-12-15", "2026-01-15", "2026-02-15",
     "public.ecr.aws/lambda/python:3.9", ProvidedPackages, &AL2System},
    {"python3.10", 10, "Amazon Linux 2", 2, 26, "3.10.18", true, true,
     "2026-06-30", "2026-07-31", "2026-08-31",
     "public.ecr.aws/lambda/python:3.10", ProvidedPackages, &AL2System},
    {"python3.11", 11, "Amazon Linux 2", 2, 26, "3.11.13", true, true,
     "2027-06-30", "2027-07-31", "2027-08-31",
     "public.ecr.aws/lambda/python:3.11", ProvidedPackages, &AL2System},
    {"python3.12", 12, "Amazon Linux 2023", 2, 34, "3.12.11", true, true,
     "2028-10-31", "2028-11-30", "2029-01-10",
     "public.ecr.aws/lambda/python:3.12", ProvidedPackages, &AL2023System},
    {"python3.13", 13, "Amazon Linux 2023", 2, 34, "3.13.7", true, true,
     "2029-06-30", "2029-07-31", "2029-08-31",
     "public.ecr.aws/lambda/python:3.13", ProvidedPackages, &AL2023System},
    {"python3.14", 14, "Amazon Linux 2023", 2, 34, "3.14.0", true, true, "", "",
     "", "public.ecr.aws/lambda/python:3.14", ProvidedPackages, &AL2023System},
};

} // namespace

StringRef lambdaopt::getRuntimeTableReadDate() { return TableReadDate; }

bool SystemLibraries::provides(StringRef Soname) const {
  return is_contained(Sonames, Soname);
}

bool SystemLibraries::lacks(StringRef Soname) const {
  return is_contained(KnownAbsent, Soname);
}

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
