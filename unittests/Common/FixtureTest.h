//===- FixtureTest.h - Scratch directories and fixture wheels --*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// A test fixture with a scratch directory (removed at the end of the test),
// python3, and wheels built by the project's fixture tool. A test target that
// uses it defines LAMBDA_OPT_FIXTURE_TOOL as the tool's path.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_UNITTESTS_COMMON_FIXTURETEST_H
#define LAMBDA_OPT_UNITTESTS_COMMON_FIXTURETEST_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/Optional.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include "gtest/gtest.h"

#include <string>
#include <vector>

namespace lambdaopt {

class FixtureTest : public ::testing::Test {
protected:
  /// \p Prefix names the scratch directory.
  explicit FixtureTest(llvm::StringRef Prefix) : Prefix(Prefix.str()) {}

  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory(Prefix, Dir));
    llvm::ErrorOr<std::string> Py = llvm::sys::findProgramByName("python3");
    ASSERT_TRUE(bool(Py));
    Python = *Py;
  }
  void TearDown() override { llvm::sys::fs::remove_directories(Dir); }

  /// \p Rel inside the scratch directory.
  std::string path(llvm::StringRef Rel) const {
    llvm::SmallString<256> P(Dir);
    llvm::sys::path::append(P, Rel);
    return std::string(P);
  }

  /// Runs python3 with \p Args and returns its stdout. The test fails on a
  /// non-zero exit unless \p Status is given to receive it.
  std::string runPython(llvm::ArrayRef<std::string> Args,
                        int *Status = nullptr) {
    std::string Out = path("stdout.txt"), Err = path("stderr.txt");
    llvm::sys::fs::remove(Out);
    llvm::sys::fs::remove(Err);
    std::vector<llvm::StringRef> Argv = {Python};
    for (const std::string &A : Args)
      Argv.push_back(A);
    llvm::Optional<llvm::StringRef> Redirects[] = {
        llvm::None, llvm::StringRef(Out), llvm::StringRef(Err)};
    int RC = llvm::sys::ExecuteAndWait(Python, Argv, llvm::None, Redirects);
    auto OutBuf = llvm::MemoryBuffer::getFile(Out);
    auto ErrBuf = llvm::MemoryBuffer::getFile(Err);
    std::string Text = OutBuf ? (*OutBuf)->getBuffer().str() : "";
    if (Status)
      *Status = RC;
    else
      EXPECT_EQ(RC, 0) << (ErrBuf ? (*ErrBuf)->getBuffer().str() : "");
    return Text;
  }

  /// Builds a wheel with the fixture tool into path("wheels") and returns
  /// its path.
  std::string makeWheel(std::vector<std::string> Args) {
    Args.insert(Args.begin(), {LAMBDA_OPT_FIXTURE_TOOL, "wheel"});
    Args.push_back("--out");
    Args.push_back(path("wheels"));
    return llvm::StringRef(runPython(Args)).trim().str();
  }

  std::string Prefix;
  llvm::SmallString<256> Dir;
  std::string Python;
};

} // namespace lambdaopt

#endif // LAMBDA_OPT_UNITTESTS_COMMON_FIXTURETEST_H
