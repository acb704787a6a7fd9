//===- RuntimeTest.cpp - Lambda runtime table tests -----------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Target/Runtime.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace lambdaopt;

namespace {

TEST(RuntimeTableTest, Rows) {
  ArrayRef<RuntimeInfo> All = getRuntimes();
  ASSERT_EQ(All.size(), 6u);
  EXPECT_EQ(All.front().Identifier, "python3.9");
  EXPECT_EQ(All.back().Identifier, "python3.14");
  for (size_t I = 0; I != All.size(); ++I) {
    const RuntimeInfo &R = All[I];
    EXPECT_EQ(R.PythonMinor, 9 + I);
    bool AL2023 = R.PythonMinor >= 12;
    EXPECT_EQ(R.OperatingSystem,
              AL2023 ? "Amazon Linux 2023" : "Amazon Linux 2");
    EXPECT_EQ(R.GlibcMinor, AL2023 ? 34u : 26u);
    EXPECT_EQ(R.BaseImage,
              ("public.ecr.aws/lambda/python:3." + Twine(R.PythonMinor)).str());
    EXPECT_TRUE(R.PythonFullVersion.startswith(
        ("3." + Twine(R.PythonMinor) + ".").str()));
    EXPECT_TRUE(R.supportsArch(ArchKind::X86_64));
    EXPECT_TRUE(R.supportsArch(ArchKind::AArch64));
    EXPECT_TRUE(R.providesPackage("boto3"));
    EXPECT_TRUE(R.providesPackage("python-dateutil"));
    EXPECT_FALSE(R.providesPackage("requests"));
    // Lifecycle dates are in order when known.
    if (!R.DeprecationDate.empty()) {
      EXPECT_LT(R.DeprecationDate, R.BlockCreateDate);
      EXPECT_LT(R.BlockCreateDate, R.BlockUpdateDate);
    }
  }
  EXPECT_EQ(getRuntimeTableReadDate(), "2026-11-26");
}

TEST(RuntimeTableTest, SystemLibraries) {
  for (const RuntimeInfo &R : getRuntimes()) {
    ASSERT_TRUE(R.System) << R.Identifier.str();
    const SystemLibraries &S = *R.System;
    bool AL2023 = R.PythonMinor >= 12;
    // gcc 7 on Amazon Linux 2, gcc 11 on Amazon Linux 2023.
    EXPECT_EQ(S.GlibcxxMinor, AL2023 ? 29u : 24u);
    EXPECT_EQ(S.CxxabiMinor, AL2023 ? 13u : 11u);
    for (StringRef Soname : {"libc.so.6", "libm.so.6", "libpthread.so.0",
                             "libstdc++.so.6", "libgcc_s.so.1", "libz.so.1"})
      EXPECT_TRUE(S.provides(Soname)) << Soname.str();
    EXPECT_TRUE(S.lacks("libGL.so.1"));
    EXPECT_FALSE(S.provides("libGL.so.1"));
    EXPECT_FALSE(S.lacks("libc.so.6"));
    // No soname is both present and absent.
    for (StringRef Soname : S.Sonames)
      EXPECT_FALSE(S.lacks(Soname)) << Soname.str();
    EXPECT_FALSE(S.Exhaustive);
    EXPECT_FALSE(S.Source.empty());
    EXPECT_EQ(S.ReadDate.size(), 10u);
  }
}

TEST(RuntimeTableTest, Lookup) {
  const RuntimeInfo *R = lookupRuntime("python3.12");
  ASSERT_NE(R, nullptr);
  EXPECT_EQ(R->PythonFullVersion, "3.12.11");
  EXPECT_EQ(R->BlockUpdateDate, "2029-01-10");
  EXPECT_EQ(lookupRuntime("python3.8"), nullptr);
  EXPECT_EQ(lookupRuntime("Python3.12"), nullptr);

  Expected<const RuntimeInfo *> Bad = findRuntime("python3.8");
  ASSERT_FALSE(static_cast<bool>(Bad));
  EXPECT_EQ(toString(Bad.takeError()),
            "unknown runtime 'python3.8'; expected one of python3.9, "
            "python3.10, python3.11, python3.12, python3.13, python3.14");
  Expected<const RuntimeInfo *> Good = findRuntime("python3.14");
  ASSERT_TRUE(static_cast<bool>(Good));
  EXPECT_TRUE((*Good)->DeprecationDate.empty());
}

TEST(RuntimeTableTest, Status) {
  const RuntimeInfo *R = lookupRuntime("python3.9");
  ASSERT_NE(R, nullptr);
  EXPECT_EQ(getRuntimeStatus(*R, "2025-12-14"), RuntimeStatusKind::Supported);
  EXPECT_EQ(getRuntimeStatus(*R, "2025-12-15"), RuntimeStatusKind::Deprecated);
  EXPECT_EQ(getRuntimeStatus(*R, "2026-01-20"),
            RuntimeStatusKind::CreateBlocked);
  EXPECT_EQ(getRuntimeStatus(*R, "2026-11-26"),
            RuntimeStatusKind::UpdateBlocked);
  EXPECT_EQ(getRuntimeStatus(*lookupRuntime("python3.14"), "2099-01-01"),
            RuntimeStatusKind::Supported);
}

TEST(ArchTest, Parse) {
  Expected<ArchKind> A = parseArch("arm64");
  ASSERT_TRUE(static_cast<bool>(A));
  EXPECT_EQ(*A, ArchKind::AArch64);
  Expected<ArchKind> B = parseArch("aarch64");
  ASSERT_TRUE(static_cast<bool>(B));
  EXPECT_EQ(*B, ArchKind::AArch64);
  Expected<ArchKind> C = parseArch("x86_64");
  ASSERT_TRUE(static_cast<bool>(C));
  EXPECT_EQ(*C, ArchKind::X86_64);
  Expected<ArchKind> D = parseArch("amd64");
  ASSERT_FALSE(static_cast<bool>(D));
  EXPECT_EQ(toString(D.takeError()),
            "unknown architecture 'amd64'; expected x86_64 or arm64");
  EXPECT_EQ(getLambdaArchName(ArchKind::AArch64), "arm64");
  EXPECT_EQ(getArchName(ArchKind::AArch64), "aarch64");
}

TEST(RuntimeEnvironmentTest, MarkersAndTags) {
  const RuntimeInfo *R = lookupRuntime("python3.11");
  ASSERT_NE(R, nullptr);
  MarkerEnvironment Env = makeMarkerEnvironment(*R, ArchKind::AArch64);
  EXPECT_EQ(Env.PythonVersion, "3.11");
  EXPECT_EQ(Env.PythonFullVersion, "3.11.13");
  EXPECT_EQ(Env.PlatformMachine, "aarch64");
  EXPECT_EQ(Env.SysPlatform, "linux");
  EXPECT_EQ(Env.OsName, "posix");
  EXPECT_EQ(Env.ImplementationName, "cpython");
  EXPECT_EQ(Env.PlatformSystem, "Linux");

  Expected<Marker> M = Marker::parse(
      "python_version >= '3.11' and platform_machine == 'aarch64' and "
      "sys_platform == 'linux' and platform_python_implementation == "
      "'CPython'");
  ASSERT_TRUE(static_cast<bool>(M));
  EXPECT_TRUE(M->evaluate(Env));
  EXPECT_FALSE(M->evaluate(makeMarkerEnvironment(*R, ArchKind::X86_64)));

  TagTarget T = makeTagTarget(*R, ArchKind::AArch64);
  EXPECT_EQ(T.PythonMinor, 11u);
  EXPECT_EQ(T.Arch, ArchKind::AArch64);
  EXPECT_EQ(T.GlibcMajor, 2u);
  EXPECT_EQ(T.GlibcMinor, 26u);
  Expected<WheelFilename> W = WheelFilename::parse(
      "cryptography-44.0.0-cp39-abi3-manylinux_2_28_aarch64.whl");
  ASSERT_TRUE(static_cast<bool>(W));
  std::optional<Incompatibility> I = explainIncompatibility(*W, T);
  ASSERT_TRUE(I);
  EXPECT_EQ(I->Message,
            "needs glibc 2.28 (manylinux_2_28); python3.11 runs glibc 2.26");
  EXPECT_FALSE(explainIncompatibility(
      *W, makeTagTarget(*lookupRuntime("python3.12"), ArchKind::AArch64)));
}

} // namespace
