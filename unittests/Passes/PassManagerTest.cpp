//===- PassManagerTest.cpp - Managers, analyses, invalidation -------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Passes/PassManager.h"
#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/FrontEnd/FrontEnd.h"
#include "lambda-opt/Passes/StandardPasses.h"

#include "llvm/Support/MemoryBuffer.h"
#include "gtest/gtest.h"

using namespace llvm;
using namespace lambdaopt;

namespace {

constexpr const char *Lock = R"(version = 1
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "fastapi" }]

[[package]]
name = "fastapi"
version = "0.115.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "pydantic-core" }]
wheels = [{ url = "https://files.example/fastapi-0.115.0-py3-none-any.whl", hash = "sha256:aa" }]

[[package]]
name = "pydantic-core"
version = "2.23.4"
source = { registry = "https://pypi.org/simple" }
wheels = [{ url = "https://files.example/pydantic_core-2.23.4-py3-none-any.whl" }]
)";

std::unique_ptr<Project> loadTestProject() {
  auto P = std::make_unique<Project>();
  LoadOptions Opts;
  Opts.ReadPyProject = false;
  cantFail(
      parseLock(*P, MemoryBuffer::getMemBufferCopy(Lock, "uv.lock"), Opts));
  return P;
}

/// Counts how often it is computed, per unit kind.
struct CountingProjectAnalysis : AnalysisInfoMixin<CountingProjectAnalysis> {
  static AnalysisKey Key;
  static unsigned Runs;
  using Result = size_t;
  Result run(Project &P, AnalysisManager &) {
    ++Runs;
    return P.Packages.size();
  }
};
AnalysisKey CountingProjectAnalysis::Key;
unsigned CountingProjectAnalysis::Runs = 0;

struct CountingPackageAnalysis : AnalysisInfoMixin<CountingPackageAnalysis> {
  static AnalysisKey Key;
  static unsigned Runs;
  using Result = std::string;
  Result run(Package &Pkg, AnalysisManager &) {
    ++Runs;
    return Pkg.Name.str();
  }
};
AnalysisKey CountingPackageAnalysis::Key;
unsigned CountingPackageAnalysis::Runs = 0;

/// Uses both analyses, preserves everything.
struct UserPass : PassInfoMixin<UserPass> {
  PreservedAnalyses run(Project &P, AnalysisManager &AM) {
    AM.getResult<CountingProjectAnalysis>(P);
    for (auto &Pkg : P.Packages)
      AM.getResult<CountingPackageAnalysis>(*Pkg);
    return PreservedAnalyses::all();
  }
};

/// A transform that keeps only the package analysis.
struct KeepPackageAnalysisPass : PassInfoMixin<KeepPackageAnalysisPass> {
  PreservedAnalyses run(Project &, AnalysisManager &) {
    PreservedAnalyses PA = PreservedAnalyses::none();
    PA.preserve<CountingPackageAnalysis>();
    return PA;
  }
};

struct FailingPass : PassInfoMixin<FailingPass> {
  Expected<PreservedAnalyses> run(Project &, AnalysisManager &) {
    return createStringError(inconvertibleErrorCode(), "boom");
  }
};

struct MarkPass : PassInfoMixin<MarkPass> {
  explicit MarkPass(std::vector<std::string> &Log) : Log(&Log) {}
  PreservedAnalyses run(Package &Pkg, AnalysisManager &) {
    Log->push_back(Pkg.Name.str());
    return PreservedAnalyses::all();
  }
  std::vector<std::string> *Log;
};

class PassManagerTest : public ::testing::Test {
protected:
  void SetUp() override {
    CountingProjectAnalysis::Runs = 0;
    CountingPackageAnalysis::Runs = 0;
  }
  std::unique_ptr<Project> P = loadTestProject();
  RuleTable Rules;
  DiagnosticEngine Diags{Rules};
};

TEST_F(PassManagerTest, AnalysesAreLazyAndCached) {
  AnalysisManager AM(*P, Diags);
  EXPECT_EQ(AM.getCachedResult<CountingProjectAnalysis>(*P), nullptr);
  EXPECT_EQ(CountingProjectAnalysis::Runs, 0u);
  ProjectPassManager PM;
  PM.addPass(UserPass());
  PM.addPass(UserPass());
  ASSERT_TRUE(bool(PM.run(*P, AM)));
  EXPECT_EQ(CountingProjectAnalysis::Runs, 1u);
  EXPECT_EQ(CountingPackageAnalysis::Runs, 3u);
  EXPECT_EQ(AM.getNumCachedResults(), 4u);
  ASSERT_NE(AM.getCachedResult<CountingProjectAnalysis>(*P), nullptr);
  EXPECT_EQ(*AM.getCachedResult<CountingProjectAnalysis>(*P), 3u);
}

TEST_F(PassManagerTest, TransformsInvalidateWhatTheyDoNotPreserve) {
  AnalysisManager AM(*P, Diags);
  ProjectPassManager PM;
  PM.addPass(UserPass());
  PM.addPass(KeepPackageAnalysisPass());
  PM.addPass(UserPass());
  Expected<PreservedAnalyses> PA = PM.run(*P, AM);
  ASSERT_TRUE(bool(PA));
  EXPECT_EQ(CountingProjectAnalysis::Runs, 2u);
  EXPECT_EQ(CountingPackageAnalysis::Runs, 3u);
  EXPECT_FALSE(PA->isPreserved<CountingProjectAnalysis>());
  EXPECT_TRUE(PA->isPreserved<CountingPackageAnalysis>());
}

TEST_F(PassManagerTest, PreservedAnalysesIntersectAndAbandon) {
  PreservedAnalyses PA = PreservedAnalyses::all();
  EXPECT_TRUE(PA.areAllPreserved());
  PA.abandon<CountingProjectAnalysis>();
  EXPECT_FALSE(PA.areAllPreserved());
  EXPECT_FALSE(PA.isPreserved<CountingProjectAnalysis>());
  EXPECT_TRUE(PA.isPreserved<CountingPackageAnalysis>());
  PreservedAnalyses Some = PreservedAnalyses::none();
  Some.preserve<CountingPackageAnalysis>();
  Some.preserve<CountingProjectAnalysis>();
  Some.intersect(PA);
  EXPECT_TRUE(Some.isPreserved<CountingPackageAnalysis>());
  EXPECT_FALSE(Some.isPreserved<CountingProjectAnalysis>());
}

TEST_F(PassManagerTest, FailureStopsThePipeline) {
  AnalysisManager AM(*P, Diags);
  ProjectPassManager PM;
  PM.addPass(FailingPass());
  PM.addPass(UserPass());
  Expected<PreservedAnalyses> PA = PM.run(*P, AM);
  ASSERT_FALSE(bool(PA));
  EXPECT_EQ(toString(PA.takeError()), "boom");
  EXPECT_EQ(CountingProjectAnalysis::Runs, 0u);
}

TEST_F(PassManagerTest, AdaptorRunsEachPackageInLockOrder) {
  AnalysisManager AM(*P, Diags);
  std::vector<std::string> Log;
  PackagePassManager Inner;
  Inner.addPass(MarkPass(Log));
  ProjectPassManager PM;
  PM.addPass(createProjectToPackagePassAdaptor(std::move(Inner)));
  ASSERT_TRUE(bool(PM.run(*P, AM)));
  EXPECT_EQ(Log, (std::vector<std::string>{"app", "fastapi", "pydantic-core"}));
}

TEST_F(PassManagerTest, InstrumentationSeesPassesAndAnalyses) {
  PassInstrumentationCallbacks PIC;
  std::vector<std::string> Events;
  PIC.registerBeforePassCallback([&](StringRef Name, const IRUnitRef &IR) {
    Events.push_back(("before " + Name + " " + IR.getName()).str());
  });
  PIC.registerBeforeAnalysisCallback([&](StringRef Name, const IRUnitRef &IR) {
    Events.push_back(("analysis " + Name + " " + IR.getName()).str());
  });
  PIC.registerAnalysisInvalidatedCallback(
      [&](StringRef Name, const IRUnitRef &IR) {
        Events.push_back(("invalidate " + Name + " " + IR.getName()).str());
      });
  AnalysisManager AM(*P, Diags, &PIC);
  AM.getResult<CountingProjectAnalysis>(*P);
  ProjectPassManager PM;
  PM.addPass(KeepPackageAnalysisPass());
  ASSERT_TRUE(bool(PM.run(*P, AM)));
  EXPECT_EQ(Events, (std::vector<std::string>{
                        "analysis CountingProjectAnalysis [project]",
                        "before KeepPackageAnalysisPass [project]",
                        "invalidate CountingProjectAnalysis [project]"}));
}

TEST_F(PassManagerTest, DependencyGraphGivesPaths) {
  AnalysisManager AM(*P, Diags);
  const DependencyGraph &G = AM.getResult<DependencyGraphAnalysis>(*P);
  Package *Core = P->lookup("pydantic-core").front();
  EXPECT_EQ(G.formatPathTo(*Core), "app \u2192 fastapi \u2192 pydantic-core");
  ASSERT_EQ(G.getDependents(*Core).size(), 1u);
  EXPECT_EQ(G.getDependents(*Core).front()->Name, "fastapi");
}

TEST_F(PassManagerTest, DropPackageRemovesEdgesAndInvalidates) {
  AnalysisManager AM(*P, Diags);
  AM.getResult<DependencyGraphAnalysis>(*P);
  ProjectPassManager PM;
  Expected<std::string> Name = parseDropPackageParams("name=fastapi");
  ASSERT_TRUE(bool(Name));
  PM.addPass(DropPackagePass(*Name));
  ASSERT_TRUE(bool(PM.run(*P, AM)));
  EXPECT_EQ(P->Packages.size(), 2u);
  EXPECT_TRUE(P->lookup("fastapi").empty());
  EXPECT_TRUE(P->getRootPackage()->Dependencies.empty());
  EXPECT_EQ(AM.getCachedResult<DependencyGraphAnalysis>(*P), nullptr);
  EXPECT_FALSE(bool(verifyProject(*P)));
}

TEST_F(PassManagerTest, VerifierCatchesDanglingEdges) {
  P->getRootPackage()->Dependencies.front().Target = nullptr;
  Error E = verifyProject(*P);
  ASSERT_TRUE(bool(E));
  EXPECT_EQ(toString(std::move(E)),
            "IR verification failed: dependency 'fastapi' of app 0.1.0 has "
            "no target");
}

} // namespace
