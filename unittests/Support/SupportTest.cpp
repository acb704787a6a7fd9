//===- SupportTest.cpp - Percent-decoding, files, modules -----------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Support/Files.h"
#include "lambda-opt/Support/Module.h"
#include "lambda-opt/Support/PercentEncoding.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace lambdaopt;

namespace {

TEST(PercentEncodingTest, DecodesEscapes) {
  EXPECT_EQ(percentDecode("torch-2.11.0%2Bcu130-cp313-cp313-linux_x86_64.whl"),
            std::string("torch-2.11.0+cu130-cp313-cp313-linux_x86_64.whl"));
  EXPECT_EQ(percentDecode("a%20b%2fc"), std::string("a b/c"));
  EXPECT_EQ(percentDecode("plain"), std::string("plain"));
  EXPECT_EQ(percentDecode(""), std::string(""));
}

TEST(PercentEncodingTest, ReportsTheFirstBadEscape) {
  size_t Bad = 0;
  EXPECT_FALSE(percentDecode("ok%2Bthen%zz", &Bad));
  EXPECT_EQ(Bad, 9u);
  EXPECT_FALSE(percentDecode("cut%2", &Bad));
  EXPECT_EQ(Bad, 3u);
  EXPECT_FALSE(percentDecode("%", &Bad));
  EXPECT_EQ(Bad, 0u);
}

TEST(FilesTest, WritesAndNamesTheFileOnError) {
  SmallString<128> Dir;
  ASSERT_FALSE(sys::fs::createUniqueDirectory("lambda-opt-support", Dir));
  SmallString<128> Path(Dir);
  sys::path::append(Path, "out.txt");
  ASSERT_FALSE(bool(writeFile(Path, "hello\n")));
  auto Buf = MemoryBuffer::getFile(Path);
  ASSERT_TRUE(bool(Buf));
  EXPECT_EQ((*Buf)->getBuffer(), "hello\n");

  // A directory cannot be written as a file; the error names it.
  Error E = writeFile(Dir, "x");
  ASSERT_TRUE(bool(E));
  EXPECT_NE(toString(std::move(E)).find(std::string(Dir)), std::string::npos);
  sys::fs::remove(Path);
  sys::fs::remove(Dir);
}

TEST(ModuleTest, MissingModuleIsAClearError) {
  Expected<void *> Sym =
      getModuleSymbol("LambdaOptNoSuchModule", "lambdaopt_nothing_v1");
  ASSERT_FALSE(bool(Sym));
  std::string Msg = toString(Sym.takeError());
  EXPECT_NE(Msg.find("libLambdaOptNoSuchModule.so"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("cannot load"), std::string::npos) << Msg;
}

} // namespace
