//===- EmitTest.cpp - Size transforms over an install plan ----------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Artifact/Layout.h"
#include "lambda-opt/Emit/EmitPasses.h"

#include "Common/FixtureTest.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include "gtest/gtest.h"

#include <string>
#include <vector>

using namespace llvm;
using namespace lambdaopt;

namespace {

//===----------------------------------------------------------------------===//
// parseStripKind
//===----------------------------------------------------------------------===//

TEST(StripKindTest, NamesRoundTrip) {
  for (StripKind K :
       {StripKind::Tests, StripKind::Stubs, StripKind::RuntimeProvided}) {
    Expected<StripKind> Parsed = parseStripKind(getStripKindName(K));
    ASSERT_TRUE(bool(Parsed)) << toString(Parsed.takeError());
    EXPECT_EQ(*Parsed, K);
  }
  EXPECT_EQ(getStripKindName(StripKind::Tests), "tests");
  EXPECT_EQ(getStripKindName(StripKind::Stubs), "stubs");
  EXPECT_EQ(getStripKindName(StripKind::RuntimeProvided), "runtime-provided");
}

TEST(StripKindTest, UnknownNamesFail) {
  // A near miss gets a suggestion in the user's terms.
  std::pair<StringRef, StringRef> Near[] = {
      {"test", "tests"},
      {"Tests", "tests"},
      {"runtime_provided", "runtime-provided"},
      {"stubs ", "stubs"}};
  for (auto [Bad, Meant] : Near) {
    Expected<StripKind> K = parseStripKind(Bad);
    ASSERT_FALSE(bool(K)) << Bad.str();
    EXPECT_EQ(toString(K.takeError()), "unknown strip kind '" + Bad.str() +
                                           "' (did you mean " + Meant.str() +
                                           "?)");
  }
  for (StringRef Bad : {"", "everything"}) {
    Expected<StripKind> K = parseStripKind(Bad);
    ASSERT_FALSE(bool(K)) << Bad.str();
    EXPECT_EQ(toString(K.takeError()),
              "unknown strip kind '" + Bad.str() +
                  "' (expected tests, stubs or runtime-provided)");
  }
}

//===----------------------------------------------------------------------===//
// stripPlan on a plan built by hand
//===----------------------------------------------------------------------===//

PlannedFile wheelFile(StringRef Path, uint64_t Size, unsigned Wheel = 0) {
  PlannedFile F;
  F.Path = Path.str();
  F.Source = PlannedSourceKind::WheelEntry;
  F.Wheel = Wheel;
  F.Size = Size;
  return F;
}

PlannedFile appFile(StringRef Path, uint64_t Size) {
  PlannedFile F;
  F.Path = Path.str();
  F.Source = PlannedSourceKind::DiskFile;
  F.DiskPath = "/nonexistent/" + Path.str();
  F.Size = Size;
  return F;
}

InstallPlan makePlan(std::vector<PlannedFile> Files) {
  InstallPlan Plan;
  llvm::sort(Files, [](const PlannedFile &A, const PlannedFile &B) {
    return A.Path < B.Path;
  });
  for (const PlannedFile &F : Files)
    Plan.UncompressedSize += F.Size;
  Plan.Files = std::move(Files);
  return Plan;
}

std::vector<std::string> pathsOf(const InstallPlan &Plan) {
  std::vector<std::string> Paths;
  for (const PlannedFile &F : Plan.Files)
    Paths.push_back(F.Path);
  return Paths;
}

TEST(StripPlanTest, TestsDropsTestFoldersAndBytecode) {
  InstallPlan Plan = makePlan({
      appFile("tests/test_handler.py", 11),
      appFile("__pycache__/handler.cpython-312.pyc", 13),
      wheelFile("lib/__init__.py", 5),
      wheelFile("lib/tests/test_a.py", 20),
      wheelFile("lib/test/helper.py", 7),
      wheelFile("lib/tests/_native.cpython-312-x86_64-linux-gnu.so", 100),
      wheelFile("lib/test/libfoo.so.1", 50),
      wheelFile("lib/__pycache__/m.cpython-312.pyc", 3),
      wheelFile("lib/stale.pyc", 2),
      wheelFile("lib/testing/util.py", 6),
      wheelFile("lib/tests.py", 8),
      wheelFile("lib-1.0.dist-info/licenses/tests/LICENSE", 4),
      wheelFile("lib-1.0.dist-info/RECORD", 9),
  });
  uint64_t Before = Plan.UncompressedSize;
  FilterStats S = stripPlan(Plan, StripKind::Tests);
  EXPECT_EQ(S.Files, 4u);
  EXPECT_EQ(S.Bytes, 20u + 7u + 3u + 2u);
  EXPECT_EQ(Plan.UncompressedSize, Before - S.Bytes);
  std::vector<std::string> Want = {
      "__pycache__/handler.cpython-312.pyc",
      "lib-1.0.dist-info/RECORD",
      "lib-1.0.dist-info/licenses/tests/LICENSE",
      "lib/__init__.py",
      "lib/test/libfoo.so.1",
      "lib/testing/util.py",
      "lib/tests.py",
      "lib/tests/_native.cpython-312-x86_64-linux-gnu.so",
      "tests/test_handler.py",
  };
  EXPECT_EQ(pathsOf(Plan), Want);

  // A second run finds nothing left to remove.
  FilterStats Again = stripPlan(Plan, StripKind::Tests);
  EXPECT_EQ(Again.Files, 0u);
  EXPECT_EQ(Again.Bytes, 0u);
}

TEST(StripPlanTest, StubsDropsOnlyPyi) {
  InstallPlan Plan = makePlan({
      appFile("handler.pyi", 30),
      wheelFile("lib/api.pyi", 40),
      wheelFile("lib/sub/types.pyi", 15),
      wheelFile("lib/api.py", 70),
      wheelFile("lib/py.typed", 0),
      wheelFile("lib/tests/test_api.py", 9),
      wheelFile("lib-stubs-1.0.dist-info/METADATA", 12),
      wheelFile("lib-stubs-1.0.dist-info/extra.pyi", 1),
  });
  FilterStats S = stripPlan(Plan, StripKind::Stubs);
  EXPECT_EQ(S.Files, 2u);
  EXPECT_EQ(S.Bytes, 55u);
  EXPECT_EQ(Plan.UncompressedSize, 30u + 70u + 9u + 12u + 1u);
  std::vector<std::string> Want = {
      "handler.pyi",
      "lib-stubs-1.0.dist-info/METADATA",
      "lib-stubs-1.0.dist-info/extra.pyi",
      "lib/api.py",
      "lib/py.typed",
      "lib/tests/test_api.py",
  };
  EXPECT_EQ(pathsOf(Plan), Want);
}

TEST(StripPlanTest, RuntimeProvidedWithoutWheelsKeepsEverything) {
  InstallPlan Plan = makePlan({wheelFile("boto3/__init__.py", 10)});
  FilterStats S = stripPlan(Plan, StripKind::RuntimeProvided, {"boto3"});
  EXPECT_EQ(S.Files, 0u);
  EXPECT_EQ(Plan.Files.size(), 1u);
}

//===----------------------------------------------------------------------===//
// stripPlan on a plan of real wheels
//===----------------------------------------------------------------------===//

/// A scratch directory with wheels made by the fixture tool.
class StripWheelsTest : public FixtureTest {
protected:
  StripWheelsTest() : FixtureTest("lambda-opt-emit") {}
};

TEST_F(StripWheelsTest, RuntimeProvidedDropsWholeDistributions) {
  std::string Boto = makeWheel({"--name", "boto3", "--version", "1.35.0",
                                "--file", "boto3/__init__.py=b = 1\\n",
                                "--file", "boto3/session.py=s = 2\\n"});
  std::string Core = makeWheel({"--name", "botocore", "--version", "1.35.0",
                                "--file", "botocore/__init__.py=c = 3\\n",
                                "--file", "botocore/_speedups.so=ELF"});
  std::string Lib = makeWheel({"--name", "requests", "--version", "2.32.0",
                               "--file", "requests/__init__.py=r = 4\\n"});
  ASSERT_FALSE(Boto.empty());
  ASSERT_FALSE(Core.empty());
  ASSERT_FALSE(Lib.empty());
  Expected<InstallPlan> Plan = planInstall(
      {{Boto, "boto3", ""}, {Core, "botocore", ""}, {Lib, "requests", ""}}, {},
      LayoutOptions());
  ASSERT_TRUE(bool(Plan)) << toString(Plan.takeError());

  // What should go: every boto3 file and its dist-info. botocore keeps its
  // shared object, so its dist-info stays to describe it.
  uint64_t WantBytes = 0, WantFiles = 0;
  for (const PlannedFile &F : Plan->Files)
    if (StringRef(F.Path).startswith("boto3/") ||
        StringRef(F.Path).startswith("boto3-1.35.0.dist-info/") ||
        F.Path == "botocore/__init__.py") {
      WantBytes += F.Size;
      ++WantFiles;
    }
  ASSERT_GE(WantFiles, 5u); // Two modules, METADATA, WHEEL, RECORD at least.
  uint64_t Before = Plan->UncompressedSize;

  StringRef Provided[] = {"boto3", "botocore", "s3transfer"};
  FilterStats S = stripPlan(*Plan, StripKind::RuntimeProvided, Provided);
  EXPECT_EQ(S.Files, WantFiles);
  EXPECT_EQ(S.Bytes, WantBytes);
  EXPECT_EQ(Plan->UncompressedSize, Before - WantBytes);

  bool HasSpeedups = false, HasCoreMetadata = false, HasRequests = false;
  for (const PlannedFile &F : Plan->Files) {
    EXPECT_FALSE(StringRef(F.Path).startswith("boto3")) << F.Path;
    HasSpeedups |= F.Path == "botocore/_speedups.so";
    HasCoreMetadata |= F.Path == "botocore-1.35.0.dist-info/METADATA";
    HasRequests |= F.Path == "requests/__init__.py";
  }
  EXPECT_TRUE(HasSpeedups);
  EXPECT_TRUE(HasCoreMetadata);
  EXPECT_TRUE(HasRequests);
}

TEST_F(StripWheelsTest, RuntimeProvidedWithNothingProvided) {
  std::string Boto = makeWheel({"--name", "boto3", "--version", "1.35.0",
                                "--file", "boto3/__init__.py=b = 1\\n"});
  Expected<InstallPlan> Plan =
      planInstall({{Boto, "boto3", ""}}, {}, LayoutOptions());
  ASSERT_TRUE(bool(Plan)) << toString(Plan.takeError());
  size_t Count = Plan->Files.size();
  FilterStats S = stripPlan(*Plan, StripKind::RuntimeProvided, {});
  EXPECT_EQ(S.Files, 0u);
  EXPECT_EQ(S.Bytes, 0u);
  EXPECT_EQ(Plan->Files.size(), Count);
}

//===----------------------------------------------------------------------===//
// Emitter settings as pass parameters
//===----------------------------------------------------------------------===//

TEST(EmitterSettingsTest, PrintParsesBack) {
  EmitterSettings S;
  S.Output = "out/img";
  S.Force = true;
  S.SourceDateEpoch = 86400;
  S.Handler = "app.main.handler";
  S.CompileBytecode = false;
  S.ImageTag = "v1";
  S.BaseImage = "oci:base:3.12";
  std::string Text = S.print();
  EXPECT_EQ(Text, "output=out/img;force;handler=app.main.handler;"
                  "no-compile-bytecode;tag=v1;base-image=oci:base:3.12;"
                  "source-date-epoch=86400");
  Expected<EmitterSettings> Back =
      parseEmitterSettings("emit-image", Text, /*ForImage=*/true);
  ASSERT_TRUE(bool(Back)) << toString(Back.takeError());
  EXPECT_EQ(Back->print(), Text);
}

TEST(EmitterSettingsTest, AppliesOverTheOptions) {
  ProjectOptions Opts;
  Opts.OutputPath = "from-cli.zip";
  Opts.Force = true;
  Expected<EmitterSettings> S =
      parseEmitterSettings("emit-zip", "output=p.zip;no-force", false);
  ASSERT_TRUE(bool(S)) << toString(S.takeError());
  ProjectOptions Applied = S->apply(Opts);
  EXPECT_EQ(Applied.OutputPath, "p.zip");
  EXPECT_FALSE(Applied.Force);
  // Settings left out keep the options' values.
  Expected<EmitterSettings> None = parseEmitterSettings("emit-zip", "", false);
  ASSERT_TRUE(bool(None));
  EXPECT_EQ(None->apply(Opts).OutputPath, "from-cli.zip");
  EXPECT_TRUE(None->apply(Opts).Force);
}

TEST(EmitterSettingsTest, RejectsWhatTheEmitterDoesNotTake) {
  for (StringRef Bad : {"handler=a.b", "output", "force=1", "tag=x", "out=x",
                        "source-date-epoch=-1", "source-date-epoch=x"}) {
    Expected<EmitterSettings> S = parseEmitterSettings("emit-zip", Bad, false);
    EXPECT_FALSE(bool(S)) << Bad.str();
    consumeError(S.takeError());
  }
}

} // namespace
