//===- lambda-opt/Target/Runtime.h - AWS Lambda Python runtimes -*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The table of AWS Lambda Python runtimes (python3.9 ... python3.14): their
/// operating system, glibc, interpreter version, architectures, lifecycle
/// dates, container base image and preinstalled packages, plus the marker
/// environment and wheel tag target each runtime implies.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_TARGET_RUNTIME_H
#define LAMBDA_OPT_TARGET_RUNTIME_H

#include "lambda-opt/Standards/Marker.h"
#include "lambda-opt/Standards/Wheel.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace lambdaopt {

/// The date (YYYY-MM-DD) the runtime table was last checked against the AWS
/// Lambda documentation.
llvm::StringRef getRuntimeTableReadDate();

/// The system libraries of a runtime's base image: what a shared object in
/// the artifact may link against without shipping it.
struct SystemLibraries {
  /// libstdc++'s newest GLIBCXX_3.4.N and CXXABI_1.3.N symbol versions.
  unsigned GlibcxxMinor, CxxabiMinor; ///< 24 (GLIBCXX_3.4.24), 11
  /// Sonames found on the loader's path (/var/lang/lib, /lib64, /usr/lib64)
  /// of the base image, sorted.
  llvm::ArrayRef<llvm::StringRef> Sonames;
  /// Sonames known to be absent (libGL.so.1), sorted: needing one of them is
  /// an error even when Sonames is not exhaustive.
  llvm::ArrayRef<llvm::StringRef> KnownAbsent;
  /// False when Sonames may miss libraries the image has: then a soname in
  /// neither list is only a warning.
  bool Exhaustive;
  /// Where the lists come from, and the date (YYYY-MM-DD) they were read.
  llvm::StringRef Source;
  llvm::StringRef ReadDate;

  bool provides(llvm::StringRef Soname) const;
  bool lacks(llvm::StringRef Soname) const;
};

/// One Lambda Python runtime. Dates are ISO YYYY-MM-DD strings (so they
/// compare lexicographically), empty when AWS has not announced them.
struct RuntimeInfo {
  llvm::StringRef Identifier;        ///< "python3.12"
  unsigned PythonMinor;              ///< 12
  llvm::StringRef OperatingSystem;   ///< "Amazon Linux 2023"
  unsigned GlibcMajor, GlibcMinor;   ///< 2, 34
  llvm::StringRef PythonFullVersion; ///< "3.12.11", for markers
  bool SupportsX86_64, SupportsArm64;
  llvm::StringRef DeprecationDate;
  llvm::StringRef BlockCreateDate;
  llvm::StringRef BlockUpdateDate;
  llvm::StringRef BaseImage; ///< "public.ecr.aws/lambda/python:3.12"
  /// Normalized names of the packages the runtime preinstalls (sorted).
  llvm::ArrayRef<llvm::StringRef> ProvidedPackages;
  /// The base image's system libraries.
  const SystemLibraries *System;

  bool supportsArch(ArchKind Arch) const {
    return Arch == ArchKind::X86_64 ? SupportsX86_64 : SupportsArm64;
  }
  /// True if \p NormalizedName is preinstalled in the runtime.
  bool providesPackage(llvm::StringRef NormalizedName) const;
};

/// Where a runtime is in its deprecation lifecycle on a given date.
enum class RuntimeStatusKind : uint8_t {
  Supported,
  Deprecated,    ///< Past the deprecation date: no more patches.
  CreateBlocked, ///< New functions can no longer be created.
  UpdateBlocked, ///< Existing functions can no longer be updated.
};

/// The lifecycle status of \p Runtime on \p IsoDate (YYYY-MM-DD).
RuntimeStatusKind getRuntimeStatus(const RuntimeInfo &Runtime,
                                   llvm::StringRef IsoDate);

/// All runtimes, oldest first.
llvm::ArrayRef<RuntimeInfo> getRuntimes();

/// The runtime named \p Identifier ("python3.12"), or null.
const RuntimeInfo *lookupRuntime(llvm::StringRef Identifier);

/// Like lookupRuntime, but fails with "unknown runtime 'python3.8'; expected
/// one of python3.9, ..., python3.14".
llvm::Expected<const RuntimeInfo *> findRuntime(llvm::StringRef Identifier);

/// "python3.9, python3.10, ..., python3.14", for error messages.
std::string suggestRuntimeNames();

/// Parses an architecture name: "x86_64" or "arm64" ("aarch64" is accepted
/// as an alias of arm64).
llvm::Expected<ArchKind> parseArch(llvm::StringRef Name);

/// Lambda's spelling of \p Arch: "x86_64" or "arm64".
llvm::StringRef getLambdaArchName(ArchKind Arch);

/// The PEP 508 environment of \p Runtime on \p Arch (linux, posix, cpython,
/// platform_machine x86_64 / aarch64). platform_release and platform_version
/// (the kernel) are not known ahead of time and are left empty.
MarkerEnvironment makeMarkerEnvironment(const RuntimeInfo &Runtime,
                                        ArchKind Arch);

/// The wheel tag target of \p Runtime on \p Arch.
TagTarget makeTagTarget(const RuntimeInfo &Runtime, ArchKind Arch);

} // namespace lambdaopt

#endif // LAMBDA_OPT_TARGET_RUNTIME_H
