//===- PipelineParserTest.cpp - Textual pipelines -------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Pipeline/PassBuilder.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace lambdaopt;

namespace {

class PipelineParserTest : public ::testing::Test {
protected:
  /// Parses \p Text and returns its canonical form, or "error: ...".
  std::string roundTrip(StringRef Text) {
    ProjectPassManager PM;
    if (Error E = PB.parsePassPipeline(PM, Text))
      return "error: " + toString(std::move(E));
    return PB.printPipeline(PM);
  }

  PassInstrumentationCallbacks PIC;
  PassBuilder PB{PIC};
};

TEST_F(PipelineParserTest, GrammarSplitsNamesParamsAndNesting) {
  auto Elements = parsePipelineText("a,b<x=1;y>(c,d<z>),e");
  ASSERT_TRUE(bool(Elements));
  ASSERT_EQ(Elements->size(), 3u);
  EXPECT_EQ((*Elements)[1].Name, "b");
  EXPECT_EQ((*Elements)[1].Params, "x=1;y");
  ASSERT_EQ((*Elements)[1].Inner.size(), 2u);
  EXPECT_EQ((*Elements)[1].Inner[1].Params, "z");
  EXPECT_FALSE((*Elements)[2].HasParams);
}

TEST_F(PipelineParserTest, MalformedTextIsAnError) {
  EXPECT_EQ(roundTrip("package(lock-hygiene"),
            "error: invalid pipeline 'package(lock-hygiene': missing ')' at "
            "column 21");
  EXPECT_EQ(roundTrip("verify,,print"),
            "error: invalid pipeline 'verify,,print': expected a pass name at "
            "column 8");
  EXPECT_EQ(roundTrip("verify)"),
            "error: invalid pipeline 'verify)': unexpected ')' at column 7");
  EXPECT_EQ(roundTrip(""), "error: empty pipeline");
}

TEST_F(PipelineParserTest, BarePackagePassesNest) {
  EXPECT_EQ(roundTrip("lock-hygiene"), "package(lock-hygiene)");
  EXPECT_EQ(roundTrip("verify,lock-hygiene,lock-hygiene,print"),
            "verify,package(lock-hygiene,lock-hygiene),print");
}

TEST_F(PipelineParserTest, CanonicalFormRoundTrips) {
  for (StringRef Text :
       {"project(verify,package(lock-hygiene),drop-package<name=Foo_Bar>)",
        "require<dependency-graph>,invalidate<dependency-graph>,"
        "print<dependency-graph>,emit-ir"}) {
    std::string Once = roundTrip(Text);
    ASSERT_EQ(Once.find("error"), std::string::npos) << Once;
    EXPECT_EQ(roundTrip(Once), Once);
  }
  EXPECT_EQ(roundTrip("project(verify,drop-package<name=Foo_Bar>)"),
            "verify,drop-package<name=foo-bar>");
}

TEST_F(PipelineParserTest, UnknownPassesSuggestANeighbour) {
  EXPECT_EQ(roundTrip("lock-hygeine"),
            "error: unknown pass name 'lock-hygeine'; did you mean "
            "'lock-hygiene'?");
  EXPECT_EQ(roundTrip("zzzzzzzz"), "error: unknown pass name 'zzzzzzzz'");
}

TEST_F(PipelineParserTest, BadParametersAndNesting) {
  EXPECT_EQ(roundTrip("drop-package"),
            "error: pass 'drop-package' needs a parameter: "
            "drop-package<name=<package>>");
  EXPECT_EQ(roundTrip("drop-package<nme=x>"),
            "error: invalid parameter 'nme=x' of pass 'drop-package' "
            "(expected name=<package>)");
  EXPECT_EQ(roundTrip("verify<x>"),
            "error: pass 'verify' takes no parameters, got '<x>'");
  EXPECT_EQ(roundTrip("package(verify)"),
            "error: 'verify' is a project pass; it cannot run inside "
            "package(...)");
  EXPECT_EQ(roundTrip("print<nothing>"),
            "error: print<nothing>: no printer for this analysis (expected "
            "print<dependency-graph>)");
}

TEST_F(PipelineParserTest, DefaultPipelineIsVerifyLintsEmitter) {
  ProjectPassManager PM;
  ASSERT_FALSE(bool(PB.buildDefaultPipeline(PM, "ir")));
  // verify first, every lint of the registry, the emitter last.
  std::string Text = PB.printPipeline(PM);
  EXPECT_TRUE(StringRef(Text).startswith("verify,")) << Text;
  EXPECT_TRUE(StringRef(Text).endswith(",emit-ir")) << Text;
  for (const std::string &Lint : PB.getLintPassNames())
    EXPECT_NE(Text.find(Lint), std::string::npos) << Lint;
  ProjectPassManager Bad;
  Error E = PB.buildDefaultPipeline(Bad, "zap");
  EXPECT_EQ(toString(std::move(E)),
            "unknown pass name 'emit-zap'; did you mean 'emit-zip'?");
}

TEST_F(PipelineParserTest, RulesComeFromTheRegistry) {
  const RuleInfo *R = PB.getRules().lookup("LO301");
  ASSERT_NE(R, nullptr);
  EXPECT_EQ(R->Name, "missing-hash");
  EXPECT_EQ(R->Pass, "lock-hygiene");
  EXPECT_NE(R->Documentation.find("## Why it matters on Lambda"),
            StringRef::npos);
  EXPECT_FALSE(bool(PB.registerRule(
      {"LO901", "my-rule", Severity::Error, "policy", "my-pass", "s", ""})));
  // Plugin rules add their pass after the built-in lints.
  std::vector<std::string> Lints = PB.getLintPassNames();
  ASSERT_GE(Lints.size(), 2u);
  EXPECT_EQ(Lints.back(), "my-pass");
  EXPECT_NE(llvm::find(Lints, "lock-hygiene"), Lints.end());
  Error Dup = PB.registerRule(
      {"LO901", "other", Severity::Error, "policy", "", "s", ""});
  EXPECT_TRUE(bool(Dup));
  consumeError(std::move(Dup));
}

} // namespace
