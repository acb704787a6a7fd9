//===- DiagnosticsTest.cpp - Engine, selection, renderers -----------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Diagnostics/Config.h"
#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/Diagnostics/Renderer.h"
#include "lambda-opt/TOML/TOML.h"

#include "llvm/Support/MemoryBuffer.h"
#include "gtest/gtest.h"

using namespace llvm;
using namespace lambdaopt;

namespace {

class DiagnosticsTest : public ::testing::Test {
protected:
  void SetUp() override {
    cantFail(Rules.addRule({"LO301", "missing-hash", Severity::Warning,
                            "hygiene", "lock-hygiene", "no hash", ""}));
    cantFail(Rules.addRule({"LO101", "no-wheel", Severity::Error, "wheels",
                            "wheels", "no wheel", ""}));
    cantFail(Rules.addRule({"LO399", "unused-ignore", Severity::Warning,
                            "hygiene", "", "unused", ""}));
    BufferID = SM.AddNewSourceBuffer(
        MemoryBuffer::getMemBuffer("name = \"a\"\nurl = \"http://x\"\n",
                                   "uv.lock"),
        SMLoc());
  }
  SMRange rangeOf(StringRef Needle) {
    StringRef Text = SM.getMemoryBuffer(BufferID)->getBuffer();
    const char *Start = Text.data() + Text.find(Needle);
    return SMRange(SMLoc::getFromPointer(Start),
                   SMLoc::getFromPointer(Start + Needle.size()));
  }
  std::string render(OutputFormatKind Kind, ArrayRef<Diagnostic> Diags) {
    RenderContext Ctx;
    Ctx.SM = &SM;
    Ctx.Rules = &Rules;
    std::string Out;
    raw_string_ostream OS(Out);
    renderDiagnostics(Kind, Diags, Ctx, OS);
    return OS.str();
  }

  RuleTable Rules;
  SourceMgr SM;
  unsigned BufferID = 0;
};

TEST_F(DiagnosticsTest, RuleTableIsSortedAndRejectsBadCodes) {
  EXPECT_EQ(Rules.getRules().front().Code, "LO101");
  EXPECT_EQ(Rules.getIndex("LO301"), 1);
  Error E = Rules.addRule({"X1", "x", Severity::Note, "", "", "", ""});
  EXPECT_EQ(toString(std::move(E)),
            "rule code 'X1' is not LO followed by 3 digits");
}

TEST_F(DiagnosticsTest, SelectionByCodePrefixNameAndGroup) {
  DiagnosticEngine Diags(Rules);
  DiagnosticOptions Opts;
  applyCommandLineSelectors({"LO1"}, {"hygiene"}, {"missing-hash"}, Opts);
  ASSERT_FALSE(bool(Diags.configure(Opts)));
  EXPECT_TRUE(Diags.isEnabled("LO101"));
  EXPECT_FALSE(Diags.isEnabled("LO301"));
  EXPECT_TRUE(Diags.isEnabled("LO399"));
  DiagnosticOptions Bad;
  applyCommandLineSelectors({"LO9"}, {}, {}, Bad);
  Error E = Diags.configure(Bad);
  EXPECT_EQ(toString(std::move(E)),
            "unknown rule selector 'LO9' (expected a code, code prefix, rule "
            "name, group or ALL)");
}

TEST_F(DiagnosticsTest, PerPackageIgnoresAndUnusedReport) {
  DiagnosticEngine Diags(Rules);
  DiagnosticOptions Opts;
  Opts.PerPackageIgnores.push_back({"boto3", {"LO301", rangeOf("name")}});
  Opts.PerPackageIgnores.push_back({"numpy", {"LO101", rangeOf("url")}});
  Opts.WarningsAsErrors = true;
  ASSERT_FALSE(bool(Diags.configure(Opts)));
  Diags.report(Diags.create("LO301", rangeOf("\"a\""), "ignored", "Boto3"));
  Diags.report(Diags.create("LO301", rangeOf("\"http://x\""), "kept", "a"));
  Diags.finish(SM);
  ASSERT_EQ(Diags.getDiagnostics().size(), 2u);
  EXPECT_EQ(Diags.getDiagnostics()[0].Code, "LO399");
  EXPECT_EQ(Diags.getDiagnostics()[1].Message, "kept");
  EXPECT_EQ(Diags.getCount(Severity::Error), 2u);
}

TEST_F(DiagnosticsTest, ConfigRejectsUnknownKeys) {
  toml::Parser Parser;
  toml::Document Doc;
  StringRef Text = "select = [\"LO1\"]\nper-package-ignores = { boto3 = "
                   "[\"LO301\"] }\nbogus = 1\n";
  ASSERT_FALSE(bool(Parser.parse(Text, Doc)));
  DiagnosticOptions Opts;
  Error E = readDiagnosticConfig(*Doc.getRoot(), {}, Opts);
  EXPECT_EQ(toString(std::move(E)),
            "unknown configuration key 'bogus' (known keys: extend-select, "
            "ignore, per-package-ignores, select, warnings-as-errors)");
  DiagnosticOptions Again;
  ASSERT_FALSE(bool(readDiagnosticConfig(*Doc.getRoot(), {"bogus"}, Again)));
  ASSERT_TRUE(Again.Select.hasValue());
  EXPECT_EQ(Again.Select->front().Text, "LO1");
  ASSERT_EQ(Again.PerPackageIgnores.size(), 1u);
  EXPECT_EQ(Again.PerPackageIgnores[0].Package, "boto3");
}

TEST_F(DiagnosticsTest, TextJSONSARIFAndGitHub) {
  DiagnosticEngine Diags(Rules);
  Diagnostic D =
      Diags.create("LO101", rangeOf("\"http://x\""), "50% done, a:b", "a");
  D.Notes.push_back("app \u2192 a");
  EXPECT_EQ(render(OutputFormatKind::Text, {D}),
            "uv.lock:2:7: error: 50% done, a:b [LO101]\n"
            "url = \"http://x\"\n"
            "      ^~~~~~~~~~\n"
            "note: app \u2192 a\n"
            "found 1 error, 0 warnings\n");
  EXPECT_EQ(render(OutputFormatKind::GitHub, {D}),
            "::error file=uv.lock,line=2,col=7,endLine=2,endColumn=17,"
            "title=LO101::50%25 done, a:b%0Anote: app \u2192 a\n");
  std::string JSON = render(OutputFormatKind::JSON, {D});
  EXPECT_NE(JSON.find("\"end_column\": 17"), std::string::npos) << JSON;
  EXPECT_NE(JSON.find("\"package\": \"a\""), std::string::npos) << JSON;
  std::string SARIF = render(OutputFormatKind::SARIF, {D});
  EXPECT_NE(SARIF.find("\"ruleIndex\": 0"), std::string::npos) << SARIF;
  EXPECT_NE(SARIF.find("\"version\": \"2.1.0\""), std::string::npos);
}

} // namespace

namespace {

TEST(LineTablesTest, AgreesWithSourceMgr) {
  // LF and CRLF line ends, an empty line, a last line without a line end.
  SourceMgr SM;
  StringRef Text = "a = 1\r\n\n[[package]]\nname = \"x\"\r\nlast";
  unsigned ID = SM.AddNewSourceBuffer(
      MemoryBuffer::getMemBuffer(Text, "uv.lock", false), SMLoc());
  LineTables Lines;
  for (size_t I = 0; I < Text.size(); ++I) {
    SMLoc Loc = SMLoc::getFromPointer(Text.data() + I);
    EXPECT_EQ(Lines.getLineAndColumn(SM, ID, Loc), SM.getLineAndColumn(Loc, ID))
        << "offset " << I;
  }
  EXPECT_EQ(Lines.getLine(SM, ID, 1), "a = 1");
  EXPECT_EQ(Lines.getLine(SM, ID, 2), "");
  EXPECT_EQ(Lines.getLine(SM, ID, 4), "name = \"x\"");
  EXPECT_EQ(Lines.getLine(SM, ID, 5), "last");
  EXPECT_EQ(Lines.getLine(SM, ID, 6), "");
}

} // namespace
