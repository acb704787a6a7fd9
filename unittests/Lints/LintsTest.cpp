//===- LintsTest.cpp - Lint helpers and the LO101 message builder ---------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Lints/Lints.h"
#include "../../lib/Lints/LintSupport.h"
#include "lambda-opt/IR/Options.h"
#include "lambda-opt/Standards/Wheel.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <string>
#include <vector>

using namespace llvm;
using namespace lambdaopt;

namespace {

//===----------------------------------------------------------------------===//
// Small helpers
//===----------------------------------------------------------------------===//

TEST(LintSupportTest, DevelopmentTools) {
  for (StringRef Name :
       {"pytest", "pytest-cov", "ruff", "mypy", "black", "moto", "ipython",
        "pre-commit", "flake8-bugbear", "mypy-boto3-s3", "types-requests"})
    EXPECT_TRUE(isDevelopmentTool(Name)) << Name.str();
  for (StringRef Name :
       {"requests", "boto3", "pydantic", "typer", "pytest_", "pytestify",
        "mypy-extensions", "blacken", "typing", "typing-extensions", ""})
    EXPECT_FALSE(isDevelopmentTool(Name)) << Name.str();
}

TEST(LintSupportTest, FormatMegabytes) {
  EXPECT_EQ(formatMegabytes(0), "0.0 MB");
  EXPECT_EQ(formatMegabytes(999), "0.0 MB");
  EXPECT_EQ(formatMegabytes(52428800), "52.4 MB");
  EXPECT_EQ(formatMegabytes(13000000), "13.0 MB");
  EXPECT_EQ(formatMegabytes(262144000), "262.1 MB");
  EXPECT_EQ(formatMegabytes(1950001), "2.0 MB");
}

TEST(LintSupportTest, FormatThousands) {
  EXPECT_EQ(formatThousands(0), "0");
  EXPECT_EQ(formatThousands(999), "999");
  EXPECT_EQ(formatThousands(1000), "1,000");
  EXPECT_EQ(formatThousands(100000), "100,000");
  EXPECT_EQ(formatThousands(52428800), "52,428,800");
  EXPECT_EQ(formatThousands(18446744073709551615ULL),
            "18,446,744,073,709,551,615");
}

TEST(LintSupportTest, RuntimeLists) {
  EXPECT_EQ(formatRuntimeList({}), "");
  EXPECT_EQ(formatRuntimeList({"python3.12"}), "python3.12");
  EXPECT_EQ(formatRuntimeList({"python3.12", "python3.13", "python3.14"}),
            "python3.12 and later");
  EXPECT_EQ(formatRuntimeList({"python3.9", "python3.10"}),
            "python3.10 and earlier");
  EXPECT_EQ(formatRuntimeList({"python3.10", "python3.12", "python3.13"}),
            "python3.10, python3.12 and python3.13");
}

TEST(LintSupportTest, PythonTagsSortNumerically) {
  std::vector<std::string> Tags = {"cp311", "cp39",  "py3",        "cp310",
                                   "cp38",  "cp312", "cp310-abi3", "pp310"};
  llvm::sort(Tags, [](const std::string &A, const std::string &B) {
    return comparePythonTags(A, B);
  });
  std::vector<std::string> Want = {"cp38",  "cp39",  "cp310", "cp310-abi3",
                                   "cp311", "cp312", "pp310", "py3"};
  EXPECT_EQ(Tags, Want);
  EXPECT_FALSE(comparePythonTags("cp39", "cp39"));
}

TEST(LintSupportTest, InstallOptionsFollowTheSelection) {
  ProjectOptions Opts;
  InstallOptions Default = getInstallOptions(Opts);
  EXPECT_TRUE(Default.Package.empty());
  EXPECT_TRUE(Default.Extras.empty());
  EXPECT_FALSE(Default.AllExtras);
  EXPECT_TRUE(Default.Groups.empty());

  Opts.Package = "api";
  Opts.Extras = {"s3", "yaml"};
  Opts.AllExtras = true;
  Opts.Groups = {"prod"};
  Opts.Runtime = "python3.9"; // Not part of the install options.
  InstallOptions IO = getInstallOptions(Opts);
  EXPECT_EQ(IO.Package, "api");
  EXPECT_EQ(IO.Extras, (std::vector<std::string>{"s3", "yaml"}));
  EXPECT_TRUE(IO.AllExtras);
  EXPECT_EQ(IO.Groups, (std::vector<std::string>{"prod"}));
}

//===----------------------------------------------------------------------===//
// LO101 messages
//===----------------------------------------------------------------------===//

class NoWheelTest : public ::testing::Test {
protected:
  /// The advice for package \p Name 1.0 with wheels \p Tags (tag triples such
  /// as "cp312-cp312-manylinux_2_17_x86_64") on \p Runtime / \p Arch.
  WheelAdvice explain(ArrayRef<StringRef> Tags,
                      StringRef Runtime = "python3.11",
                      StringRef Arch = "x86_64", StringRef Name = "pkg") {
    std::vector<WheelFilename> Wheels;
    for (StringRef Tag : Tags) {
      Expected<WheelFilename> W =
          WheelFilename::parse((Name + "-1.0-" + Tag + ".whl").str());
      EXPECT_TRUE(bool(W)) << Tag.str();
      if (!W) {
        consumeError(W.takeError());
        continue;
      }
      Wheels.push_back(std::move(*W));
    }
    Expected<TargetConfig> Target = makeTargetConfig(Runtime, Arch);
    EXPECT_TRUE(bool(Target));
    if (!Target) {
      consumeError(Target.takeError());
      return {};
    }
    return explainNoCompatibleWheel(Name, (Name + " 1.0").str(), Wheels,
                                    *Target);
  }
};

TEST_F(NoWheelTest, NoValidFileName) {
  WheelAdvice A = explain({});
  EXPECT_EQ(A.Message, "pkg 1.0 has no wheel with a valid file name");
  EXPECT_EQ(A.FixHint, "check the wheel URLs of pkg in uv.lock, then run "
                       "`uv lock --refresh-package pkg`");
}

TEST_F(NoWheelTest, GlibcTooOldWithNewerRuntime) {
  WheelAdvice A = explain({"cp311-abi3-manylinux_2_34_x86_64"}, "python3.11",
                          "x86_64", "cryptography");
  EXPECT_EQ(A.Message, "cryptography 1.0 ships only manylinux_2_34 wheels; "
                       "python3.11 runs glibc 2.26 (Amazon Linux 2); works on "
                       "python3.12 and later");
  EXPECT_EQ(A.FixHint,
            "deploy with --runtime=python3.12 (Amazon Linux 2023, glibc 2.34), "
            "or pin an older cryptography that still ships manylinux2014 "
            "(glibc 2.17) wheels");
}

TEST_F(NoWheelTest, GlibcTooOldEverywhere) {
  WheelAdvice A = explain({"cp312-cp312-manylinux_2_39_x86_64",
                           "cp312-cp312-manylinux_2_35_x86_64"},
                          "python3.12");
  EXPECT_EQ(A.Message, "pkg 1.0 ships only manylinux_2_35 or newer wheels; "
                       "python3.12 runs glibc 2.34 (Amazon Linux 2023)");
  EXPECT_EQ(A.FixHint, "pin an older pkg that still ships manylinux2014 (glibc "
                       "2.17) wheels, or build one for manylinux2014 x86_64 in "
                       "public.ecr.aws/lambda/python:3.12 and lock it");
}

TEST_F(NoWheelTest, NewerCPythonOnly) {
  WheelAdvice A = explain({"cp312-cp312-manylinux_2_17_x86_64",
                           "cp313-cp313-manylinux_2_17_x86_64"});
  EXPECT_EQ(A.Message, "pkg 1.0 ships only cp312 and cp313 wheels for x86_64; "
                       "python3.11 needs cp311 or abi3 wheels; works on "
                       "python3.12 and python3.13");
  EXPECT_EQ(A.FixHint, "deploy with --runtime=python3.12, or pin an older pkg "
                       "that still ships cp311 or abi3 wheels");
}

TEST_F(NoWheelTest, OlderCPythonOnlySortsNumerically) {
  WheelAdvice A = explain({"cp311-cp311-manylinux2014_x86_64",
                           "cp39-cp39-manylinux2014_x86_64",
                           "cp310-cp310-manylinux2014_x86_64"},
                          "python3.12");
  EXPECT_EQ(A.Message, "pkg 1.0 ships only cp39, cp310 and cp311 wheels for "
                       "x86_64; python3.12 needs cp312 or abi3 wheels; works "
                       "on python3.11 and earlier");
  EXPECT_EQ(A.FixHint, "upgrade pkg to a release that ships cp312 or abi3 "
                       "wheels, or deploy with --runtime=python3.11");
}

TEST_F(NoWheelTest, CPythonOlderThanEveryRuntime) {
  WheelAdvice A = explain({"cp38-cp38-manylinux2014_x86_64"});
  EXPECT_EQ(A.Message, "pkg 1.0 ships only cp38 wheels for x86_64; python3.11 "
                       "needs cp311 or abi3 wheels");
  EXPECT_EQ(A.FixHint,
            "upgrade pkg to a release that ships cp311 or abi3 wheels");
}

TEST_F(NoWheelTest, Abi3TooNew) {
  WheelAdvice A = explain({"cp312-abi3-manylinux_2_17_x86_64"});
  EXPECT_EQ(A.Message, "pkg 1.0 ships only cp312-abi3 wheels for x86_64; "
                       "python3.11 needs cp311 wheels, or abi3 wheels built "
                       "for cp311 or older; works on python3.12 and later");
}

TEST_F(NoWheelTest, MixedCPythonVersions) {
  WheelAdvice A = explain(
      {"cp310-cp310-manylinux2014_x86_64", "cp312-cp312-manylinux2014_x86_64"});
  EXPECT_EQ(A.FixHint, "pick a release of pkg that ships cp311 or abi3 "
                       "wheels, or deploy with --runtime=python3.12");
}

TEST_F(NoWheelTest, OtherArchitectureOnly) {
  WheelAdvice A = explain({"cp311-cp311-manylinux_2_17_aarch64"});
  EXPECT_EQ(A.Message, "pkg 1.0 ships only aarch64 (arm64) wheels; this "
                       "function is x86_64; works on arm64 with python3.11");
  EXPECT_EQ(A.FixHint, "deploy with --arch=arm64, or pick a release of pkg "
                       "that ships x86_64 wheels");
  // Nothing about "x86_64 needs x86_64".
  EXPECT_EQ(A.Message.find("needs"), std::string::npos);
}

TEST_F(NoWheelTest, OtherArchitectureAndRuntime) {
  WheelAdvice A = explain({"cp311-cp311-manylinux_2_17_aarch64"}, "python3.13");
  EXPECT_EQ(A.FixHint, "deploy with --arch=arm64 --runtime=python3.11, or pick "
                       "a release of pkg that ships x86_64 wheels");
  WheelAdvice B =
      explain({"py3-none-manylinux2014_x86_64"}, "python3.12", "arm64");
  EXPECT_EQ(B.Message, "pkg 1.0 ships only x86_64 wheels; this function is "
                       "arm64; works on x86_64 with python3.9 and later");
}

TEST_F(NoWheelTest, DesktopPlatformsOnly) {
  WheelAdvice A =
      explain({"cp311-cp311-win_amd64", "cp311-cp311-macosx_11_0_arm64",
               "cp311-cp311-macosx_10_9_x86_64"});
  EXPECT_EQ(A.Message, "pkg 1.0 ships only macOS and Windows wheels; "
                       "python3.11 on x86_64 needs a manylinux x86_64 wheel "
                       "(glibc 2.26 or older)");
  EXPECT_EQ(A.FixHint, "build a manylinux2014 x86_64 wheel of pkg in "
                       "public.ecr.aws/lambda/python:3.11 and lock it, or pick "
                       "a release that ships manylinux wheels");
}

TEST_F(NoWheelTest, MusllinuxOnly) {
  WheelAdvice A =
      explain({"cp312-cp312-musllinux_1_2_aarch64"}, "python3.12", "arm64");
  EXPECT_EQ(A.Message, "pkg 1.0 ships only musllinux wheels; python3.12 on "
                       "arm64 needs a manylinux aarch64 wheel (glibc 2.34 or "
                       "older)");
}

TEST_F(NoWheelTest, LocallyBuiltOnly) {
  WheelAdvice A = explain({"cp311-cp311-linux_x86_64"});
  EXPECT_EQ(A.Message, "pkg 1.0 ships only linux_x86_64 (locally built) "
                       "wheels; python3.11 on x86_64 needs a manylinux x86_64 "
                       "wheel (glibc 2.26 or older)");
  EXPECT_NE(A.FixHint.find("auditwheel repair"), std::string::npos)
      << A.FixHint;
  EXPECT_NE(A.FixHint.find("public.ecr.aws/lambda/python:3.11"),
            std::string::npos)
      << A.FixHint;
}

TEST_F(NoWheelTest, OtherInterpretersOnly) {
  WheelAdvice A = explain({"pp310-pypy310_pp73-manylinux_2_17_x86_64"});
  EXPECT_EQ(A.Message, "pkg 1.0 ships only pp310-pypy310_pp73 wheels; "
                       "python3.11 on x86_64 needs a manylinux x86_64 wheel "
                       "(glibc 2.26 or older)");
}

TEST_F(NoWheelTest, MessagesAreDeterministic) {
  WheelAdvice A =
      explain({"cp311-cp311-win_amd64", "cp311-cp311-musllinux_1_2_x86_64",
               "cp311-cp311-macosx_11_0_arm64"});
  WheelAdvice B =
      explain({"cp311-cp311-macosx_11_0_arm64",
               "cp311-cp311-musllinux_1_2_x86_64", "cp311-cp311-win_amd64"});
  EXPECT_EQ(A.Message, B.Message);
  EXPECT_EQ(A.Message, "pkg 1.0 ships only musllinux, macOS and Windows "
                       "wheels; python3.11 on x86_64 needs a manylinux x86_64 "
                       "wheel (glibc 2.26 or older)");
}

} // namespace
