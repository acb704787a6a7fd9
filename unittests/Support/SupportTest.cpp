//===- SupportTest.cpp - Percent-decoding, files, modules -----------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Support/Error.h"
#include "lambda-opt/Support/Files.h"
#include "lambda-opt/Support/Format.h"
#include "lambda-opt/Support/Module.h"
#include "lambda-opt/Support/PercentEncoding.h"
#include "lambda-opt/Support/URL.h"

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
  EXPECT_EQ(percentDecode("%41%42c%43"), std::string("ABcC"));
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

TEST(PercentEncodingTest, EncodesPaths) {
  EXPECT_EQ(percentEncodePath("my project/uv.lock"), "my%20project/uv.lock");
  EXPECT_EQ(percentEncodePath("a-b_c.d~e/f"), "a-b_c.d~e/f");
  EXPECT_EQ(percentEncodePath("100%#?"), "100%25%23%3F");
  EXPECT_EQ(percentEncodePath("caf\xc3\xa9"), "caf%C3%A9");
}

TEST(URLTest, HostAllowedWithDefaultPorts) {
  auto Allowed = [](llvm::StringRef URL, std::string Entry) {
    return isHostAllowed(URL, {Entry});
  };
  EXPECT_TRUE(Allowed("http://example.com/simple", "example.com"));
  EXPECT_TRUE(Allowed("http://example.com/simple", "example.com:80"));
  EXPECT_FALSE(Allowed("http://example.com/simple", "example.com:8080"));
  EXPECT_TRUE(Allowed("https://EXAMPLE.com:443/x", " example.COM:443 "));
  EXPECT_FALSE(Allowed("https://example.com/x", "example.com:80"));
  EXPECT_TRUE(
      Allowed("http://user:pw@mirror.example:8080/a", "mirror.example"));
  EXPECT_FALSE(Allowed("http://example.com.evil/x", "example.com"));
  EXPECT_TRUE(Allowed("http://[::1]:9/x", "[::1]:9"));
  EXPECT_FALSE(Allowed("http://example.com/", ""));
  EXPECT_EQ(parseURLHost("http://a@Host.Example/p?q")->Host, "host.example");
  EXPECT_EQ(parseURLHost("http://host/")->Port, "80");
}

TEST(FormatTest, SizesAndCounts) {
  EXPECT_EQ(formatSize(512), "512 bytes");
  EXPECT_EQ(formatSize(21800), "21.8 kB");
  EXPECT_EQ(formatSize(61234567), "61.2 MB");
  EXPECT_EQ(formatMegabytes(300000), "0.3 MB");
  EXPECT_EQ(formatThousands(262144000), "262,144,000");
  EXPECT_EQ(formatThousands(999), "999");
}

TEST(ErrorTest, MakeErrorCarriesTheMessage) {
  EXPECT_EQ(toString(makeError("no " + Twine(3) + " wheels")), "no 3 wheels");
}

} // namespace
