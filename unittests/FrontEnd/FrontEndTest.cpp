//===- FrontEndTest.cpp - Tests for the uv.lock front end -----------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/FrontEnd/FrontEnd.h"
#include "lambda-opt/IR/Project.h"
#include "lambda-opt/Support/SourceError.h"

#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <string>

using namespace llvm;
using namespace lambdaopt;

namespace {

constexpr const char *Header = "version = 1\n"
                               "revision = 3\n"
                               "requires-python = \">=3.12\"\n";

/// Parses \p Text as uv.lock into \p P.
Error parse(Project &P, StringRef Text,
            const LoadOptions &Opts = LoadOptions()) {
  return parseLock(P, MemoryBuffer::getMemBufferCopy(Text, "uv.lock"), Opts);
}

/// The error printed as the driver would, with line and column.
std::string render(Error E, const Project &P) {
  std::string S;
  raw_string_ostream OS(S);
  printError(std::move(E), P.getSourceMgr(), "test", OS);
  return OS.str();
}

std::string registryPackage(StringRef Name, StringRef Version,
                            StringRef Deps = "") {
  std::string S = "\n[[package]]\nname = \"" + Name.str() + "\"\nversion = \"" +
                  Version.str() +
                  "\"\nsource = { registry = \"https://pypi.org/simple\" }\n";
  if (!Deps.empty())
    S += "dependencies = [" + Deps.str() + "]\n";
  S += "sdist = { url = \"https://f/" + Name.str() + ".tar.gz\" }\n";
  S += "wheels = [\n    { url = \"https://f/" + Name.str() +
       "-py3-none-any.whl\", size = 10 },\n    { url = \"https://f/" +
       Name.str() + "-cp312-abi3-linux_x86_64.whl\" },\n]\n";
  return S;
}

TEST(FrontEndTest, CountsAndFields) {
  Project P;
  std::string Text = std::string(Header) +
                     "\n[[package]]\nname = \"app\"\nsource = { virtual = "
                     "\".\" }\ndependencies = [{ name = \"a\" }]\n" +
                     registryPackage("a", "1.0", "{ name = \"b\" }") +
                     registryPackage("b", "2.0");
  ASSERT_FALSE(errorToBool(parse(P, Text)));
  EXPECT_EQ(P.LockFile.Version, 1);
  EXPECT_EQ(P.LockFile.Revision, 3);
  EXPECT_EQ(P.LockFile.RequiresPython.Value, ">=3.12");
  ASSERT_EQ(P.Packages.size(), 3u);
  const Package &App = *P.Packages[0];
  EXPECT_EQ(App.Name, "app");
  EXPECT_FALSE(App.HasVersion);
  EXPECT_EQ(App.Src.Kind, SourceKind::Virtual);
  EXPECT_EQ(P.getRootPackage(), &App);
  const Package &A = *P.Packages[1];
  EXPECT_EQ(A.Version, "1.0");
  ASSERT_TRUE(A.Sdist.has_value());
  EXPECT_EQ(A.Wheels.size(), 2u);
  EXPECT_EQ(A.Wheels[0].Size, std::optional<uint64_t>(10));
  EXPECT_EQ(A.Wheels[1].getFileName(), "a-cp312-abi3-linux_x86_64.whl");
}

TEST(FrontEndTest, DistributionFileNames) {
  auto Name = [](StringRef URL, StringRef Path = "") {
    Distribution D;
    D.URL = URL;
    D.Path = Path;
    return D.getFileName().str();
  };
  EXPECT_EQ(Name("https://h/p/a-1-py3-none-any.whl"), "a-1-py3-none-any.whl");
  // A query or fragment goes first, even one that holds a '/'.
  EXPECT_EQ(Name("https://h/p/a-1-py3-none-any.whl?sig=x/y#sha256=z"),
            "a-1-py3-none-any.whl");
  EXPECT_EQ(Name("https://h/p/a.whl#frag/ment"), "a.whl");
  // Windows separators count after the last '/'.
  EXPECT_EQ(Name("", "wheels\\sub/dir\\a.whl"), "a.whl");
  EXPECT_EQ(Name("", "C:\\wheels\\a.whl"), "a.whl");
  EXPECT_EQ(Name("", "a.whl"), "a.whl");
  // What the reader keeps is the same answer.
  Distribution D;
  D.URL = "https://h/a.whl?x";
  D.CachedFileName = D.getFileName();
  EXPECT_EQ(D.getFileName(), "a.whl");
}

TEST(FrontEndTest, ResolvesEdges) {
  Project P;
  std::string Text =
      std::string(Header) +
      registryPackage("a", "1.0",
                      "{ name = \"b\", version = \"2.0\", source = { "
                      "registry = \"https://pypi.org/simple\" } }") +
      registryPackage("b", "1.0") + registryPackage("b", "2.0") +
      "\n[package.optional-dependencies]\nx = [{ name = \"a\" }]\n";
  ASSERT_FALSE(errorToBool(parse(P, Text)));
  ASSERT_EQ(P.Packages.size(), 3u);
  Package &A = *P.Packages[0];
  ASSERT_EQ(A.Dependencies.size(), 1u);
  EXPECT_EQ(A.Dependencies[0].Target, P.Packages[2].get());
  EXPECT_EQ(P.lookup("b").size(), 2u);
  Package &B2 = *P.Packages[2];
  ASSERT_EQ(B2.OptionalDependencies.size(), 1u);
  EXPECT_EQ(B2.OptionalDependencies["x"][0].Target, &A);
}

TEST(FrontEndTest, LocatedErrors) {
  {
    Project P;
    std::string Text =
        std::string(Header) + registryPackage("a", "1.0", "{ name = \"zz\" }");
    std::string Msg = render(parse(P, Text), P);
    EXPECT_NE(Msg.find("uv.lock:9:17: error: dependency 'zz' of 'a' is not "
                       "a package in the lock"),
              std::string::npos)
        << Msg;
  }
  {
    Project P;
    std::string Msg = render(parse(P, "version = 2\n"), P);
    EXPECT_NE(Msg.find("uv.lock:1:11: error: unsupported lock version 2"),
              std::string::npos)
        << Msg;
  }
  {
    Project P;
    std::string Msg = render(parse(P, ""), P);
    EXPECT_NE(Msg.find("error: the lock file is empty"), std::string::npos);
  }
  {
    Project P;
    std::string Text = std::string(Header) + "\n[[package]]\nname = \"a\"\n";
    std::string Msg = render(parse(P, Text), P);
    EXPECT_NE(Msg.find("uv.lock:5:1: error: missing required field 'source' "
                       "in [[package]]"),
              std::string::npos)
        << Msg;
  }
}

TEST(FrontEndTest, SplitParseMatchesWholeParse) {
  std::string Text = Header;
  for (int I = 0; I < 400; ++I)
    Text += registryPackage(("p" + Twine(I)).str(), "1.0",
                            I ? "{ name = \"p0\" }" : "");
  LoadOptions Split;
  Split.ParallelThreshold = 1024;
  Split.Threads = 2;
  Project Whole, Parts;
  ASSERT_FALSE(errorToBool(parse(Whole, Text)));
  ASSERT_FALSE(errorToBool(parse(Parts, Text, Split)));
  ASSERT_EQ(Whole.Packages.size(), 400u);
  ASSERT_EQ(Parts.Packages.size(), 400u);
  for (size_t I = 0; I < 400; ++I) {
    EXPECT_EQ(Whole.Packages[I]->Name, Parts.Packages[I]->Name);
    EXPECT_EQ(Whole.Packages[I]->Wheels.size(),
              Parts.Packages[I]->Wheels.size());
    EXPECT_EQ(Whole.Packages[I]->Dependencies.size(),
              Parts.Packages[I]->Dependencies.size());
  }
  EXPECT_EQ(Parts.Packages[399]->Dependencies[0].Target,
            Parts.Packages[0].get());
  // An error in a split lock is the same error as in the whole parse.
  std::string Bad = Text + registryPackage("q", "1.0", "{ name = \"nope\" }");
  Project BadWhole, BadParts;
  std::string M1 = render(parse(BadWhole, Bad), BadWhole);
  std::string M2 = render(parse(BadParts, Bad, Split), BadParts);
  EXPECT_FALSE(M1.empty());
  EXPECT_EQ(M1, M2);
}

TEST(FrontEndTest, PyProject) {
  Project P;
  ASSERT_FALSE(errorToBool(parse(P, Header)));
  StringRef Py = "[project]\nname = \"app\"\ndependencies = [\"six\"]\n"
                 "[dependency-groups]\ndev = [{ include-group = \"lint\" }]\n"
                 "lint = [\"ruff\"]\n"
                 "[tool.uv]\ndefault-groups = \"all\"\n"
                 "[tool.lambda-opt]\nselect = []\n";
  ASSERT_FALSE(errorToBool(
      parsePyProject(P, MemoryBuffer::getMemBufferCopy(Py, "pyproject.toml"))));
  EXPECT_TRUE(P.Metadata.Present);
  EXPECT_EQ(P.Metadata.Name.Value, "app");
  ASSERT_EQ(P.Metadata.Dependencies.size(), 1u);
  EXPECT_EQ(P.Metadata.DependencyGroups["dev"][0].IncludeGroup, "lint");
  EXPECT_TRUE(P.Metadata.Uv.DefaultGroupsAll);
  ASSERT_NE(P.Metadata.LambdaOpt, nullptr);

  Project Q;
  ASSERT_FALSE(errorToBool(parse(Q, Header)));
  std::string Msg =
      render(parsePyProject(Q, MemoryBuffer::getMemBufferCopy(
                                   "[project]\nname = 3\n", "pyproject.toml")),
             Q);
  EXPECT_NE(Msg.find("pyproject.toml:2:8: error: 'name' must be a string, "
                     "not an integer"),
            std::string::npos)
      << Msg;
}

} // namespace
