//===- BytecodeTest.cpp - Tests for reproducible .pyc files ---------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Image/Bytecode.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

using namespace llvm;
using namespace lambdaopt;

namespace {

constexpr const char *Minor = "3.11";

std::optional<std::string> findTestInterpreter() {
  return findPythonInterpreter(Minor);
}

std::vector<ImageFile> makeSources() {
  return {
      {"pkg/__init__.py", 0644, ""},
      {"pkg/mod.py", 0644,
       "NAMES = frozenset({'alpha', 'beta', 'gamma', 'delta'})\n"
       "def handler(event, context):\n    return 'x' in NAMES\n"},
      {"legacy.py", 0644, "print 'python 2'\n"},
      {"pkg/data.txt", 0644, "not python\n"},
      {"top.py", 0755, "VALUE = 42\n"},
  };
}

TEST(BytecodeTest, PycachePath) {
  Expected<std::string> P = getBytecodePath("a/b/c.py", "3.12");
  ASSERT_TRUE(bool(P)) << toString(P.takeError());
  EXPECT_EQ(*P, "a/b/__pycache__/c.cpython-312.pyc");
  P = getBytecodePath("top.py", "3.9");
  ASSERT_TRUE(bool(P)) << toString(P.takeError());
  EXPECT_EQ(*P, "__pycache__/top.cpython-39.pyc");

  Expected<std::string> Bad = getBytecodePath("a/b.txt", "3.12");
  ASSERT_FALSE(bool(Bad));
  EXPECT_EQ(toString(Bad.takeError()), "'a/b.txt' is not a .py file name");
  Bad = getBytecodePath("a.py", "python3.12");
  ASSERT_FALSE(bool(Bad));
  EXPECT_EQ(toString(Bad.takeError()),
            "python version 'python3.12' is not of the form 3.N");
}

TEST(BytecodeTest, MissingInterpreterIsNotFound) {
  SmallString<128> Empty;
  ASSERT_FALSE(sys::fs::createUniqueDirectory("bytecode-empty", Empty));
  InterpreterSearch Search;
  Search.Path = {std::string(Empty)};
  Search.PyenvVersions = std::string(Empty);
  EXPECT_FALSE(findPythonInterpreter("3.11", Search).has_value());
  EXPECT_FALSE(findPythonInterpreter("3.99").has_value());
  EXPECT_FALSE(findPythonInterpreter("three").has_value());
  sys::fs::remove_directories(Empty);
}

TEST(BytecodeTest, FoundInterpreterHasTheVersion) {
  std::optional<std::string> Python = findTestInterpreter();
  if (!Python)
    GTEST_SKIP() << "no Python " << Minor << " here";
  EXPECT_TRUE(sys::fs::can_execute(*Python)) << *Python;
}

TEST(BytecodeTest, CompilesDeterministicUncheckedHashPycs) {
  std::optional<std::string> Python = findTestInterpreter();
  if (!Python)
    GTEST_SKIP() << "no Python " << Minor << " here";
  std::vector<ImageFile> Sources = makeSources();
  Expected<BytecodeResult> First =
      compileBytecode(*Python, Minor, Sources, "/var/task");
  ASSERT_TRUE(bool(First)) << toString(First.takeError());

  std::vector<std::string> Paths;
  for (const ImageFile &F : First->Files)
    Paths.push_back(F.Path);
  EXPECT_EQ(Paths, (std::vector<std::string>{
                       "__pycache__/top.cpython-311.pyc",
                       "pkg/__pycache__/__init__.cpython-311.pyc",
                       "pkg/__pycache__/mod.cpython-311.pyc"}));
  EXPECT_EQ(First->Failed, std::vector<std::string>{"legacy.py"});

  for (const ImageFile &F : First->Files) {
    EXPECT_EQ(F.Mode, 0644u) << F.Path;
    ASSERT_GE(F.Contents.size(), 16u) << F.Path;
    // PEP 552 flags word: bit 0 (hash-based) set, bit 1 (check_source)
    // clear.
    EXPECT_EQ(F.Contents[4], 1) << F.Path;
    EXPECT_EQ(F.Contents[5], 0) << F.Path;
  }
  // The code object names the in-image path, not the scratch folder.
  const std::string &Mod = First->Files[2].Contents;
  EXPECT_NE(Mod.find("/var/task/pkg/mod.py"), std::string::npos);
  EXPECT_EQ(Mod.find("lambda-opt-bytecode"), std::string::npos);

  // Reordered input, same bytes out.
  std::reverse(Sources.begin(), Sources.end());
  Expected<BytecodeResult> Second =
      compileBytecode(*Python, Minor, Sources, "/var/task/");
  ASSERT_TRUE(bool(Second)) << toString(Second.takeError());
  ASSERT_EQ(Second->Files.size(), First->Files.size());
  for (size_t I = 0; I != First->Files.size(); ++I) {
    EXPECT_EQ(Second->Files[I].Path, First->Files[I].Path);
    EXPECT_TRUE(Second->Files[I].Contents == First->Files[I].Contents)
        << First->Files[I].Path << " differs between runs";
  }
}

TEST(BytecodeTest, WrongVersionIsAnError) {
  std::optional<std::string> Python = findTestInterpreter();
  if (!Python)
    GTEST_SKIP() << "no Python " << Minor << " here";
  Expected<BytecodeResult> R =
      compileBytecode(*Python, "3.9", makeSources(), "/var/task");
  ASSERT_FALSE(bool(R));
  std::string Msg = toString(R.takeError());
  EXPECT_NE(Msg.find("failed to compile 4 files (exit status 3)"),
            std::string::npos)
      << Msg;
  EXPECT_NE(Msg.find("interpreter is Python 3.11, not 3.9"), std::string::npos)
      << Msg;
}

TEST(BytecodeTest, NothingToCompile) {
  std::vector<ImageFile> Sources = {{"README.txt", 0644, "hi"}};
  Expected<BytecodeResult> R =
      compileBytecode("/nonexistent/python3", "3.11", Sources, "/var/task");
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_TRUE(R->Files.empty());
  Expected<BytecodeResult> Bad =
      compileBytecode("/nonexistent/python3", "3.11", Sources, "var/task");
  ASSERT_FALSE(bool(Bad));
  EXPECT_EQ(toString(Bad.takeError()),
            "bytecode root 'var/task' must be an absolute path");
}

} // namespace
