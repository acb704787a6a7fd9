//===- OutputTest.cpp - Output targets and input checks -------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Support/Output.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <sys/stat.h>
#include <unistd.h>

using namespace llvm;
using namespace lambdaopt;

namespace {

class OutputTest : public ::testing::Test {
protected:
  SmallString<128> Dir;
  void SetUp() override {
    ASSERT_FALSE(sys::fs::createUniqueDirectory("lambda-opt-output", Dir));
  }
  void TearDown() override { sys::fs::remove_directories(Dir); }
  std::string path(StringRef Name) {
    SmallString<128> P(Dir);
    sys::path::append(P, Name);
    return std::string(P);
  }
  /// Names in Dir.
  std::vector<std::string> list() {
    std::vector<std::string> Names;
    std::error_code EC;
    for (sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
         It.increment(EC))
      Names.push_back(sys::path::filename(It->path()).str());
    std::sort(Names.begin(), Names.end());
    return Names;
  }
};

TEST_F(OutputTest, RegularFilesAreReplacedWhole) {
  EXPECT_EQ(classifyOutput(path("new.txt")), OutputKind::Replace);
  ASSERT_FALSE(bool(writeOutput(path("new.txt"), "one")));
  ASSERT_FALSE(bool(writeOutput(path("new.txt"), "two")));
  auto Buf = MemoryBuffer::getFile(path("new.txt"));
  ASSERT_TRUE(bool(Buf));
  EXPECT_EQ((*Buf)->getBuffer(), "two");
  EXPECT_EQ(list(), std::vector<std::string>{"new.txt"});
}

TEST_F(OutputTest, FifoIsWrittenInPlace) {
  ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0600), 0);
  EXPECT_EQ(classifyOutput(path("fifo")), OutputKind::InPlace);
  EXPECT_EQ(classifyOutput("-"), OutputKind::Stdout);
  // sys::fs::remove (and remove_directories) leave FIFOs alone.
  EXPECT_EQ(::unlink(path("fifo").c_str()), 0);
}

TEST_F(OutputTest, MissingFolderNamesTheOutput) {
  Error E = writeOutput(path("missing/out.txt"), "x");
  ASSERT_TRUE(bool(E));
  std::string Msg = toString(std::move(E));
  EXPECT_NE(Msg.find("cannot write '" + path("missing/out.txt") + "'"),
            std::string::npos)
      << Msg;
  EXPECT_EQ(Msg.find(".tmp-"), std::string::npos) << Msg;
}

TEST_F(OutputTest, TempOutputIsRemovedUnlessCommitted) {
  {
    Expected<TempOutput> T = TempOutput::create(path("a.zip"));
    ASSERT_TRUE(bool(T));
    EXPECT_EQ(list().size(), 1u);
  }
  EXPECT_TRUE(list().empty());
}

TEST_F(OutputTest, InputsMustBeRegularAndBounded) {
  ASSERT_FALSE(bool(writeOutput(path("small"), "12345")));
  EXPECT_FALSE(bool(checkInputFile(path("small"), "lock file")));
  Error Big = checkInputFile(path("small"), "lock file", 4);
  ASSERT_TRUE(bool(Big));
  EXPECT_NE(toString(std::move(Big)).find("it is 5 bytes"), std::string::npos);
  std::string Msg = toString(checkInputFile("/dev/zero", "lock file"));
  EXPECT_EQ(Msg, "cannot read lock file '/dev/zero': it is a character "
                 "device, not a regular file");
  Msg = toString(checkInputFile(std::string(Dir), "lock file"));
  EXPECT_NE(Msg.find("it is a folder"), std::string::npos);
}

} // namespace
