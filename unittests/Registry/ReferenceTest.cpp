//===- ReferenceTest.cpp - Image references and Docker credentials --------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Registry/Registry.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace lambdaopt;

namespace {

template <typename T> bool fails(Expected<T> E) {
  if (E)
    return false;
  consumeError(E.takeError());
  return true;
}

TEST(ReferenceTest, AWSBaseImage) {
  Expected<ImageReference> R =
      parseImageReference("public.ecr.aws/lambda/python:3.13");
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_EQ(R->Registry, "public.ecr.aws");
  EXPECT_EQ(R->Repository, "lambda/python");
  EXPECT_EQ(R->Tag, "3.13");
  EXPECT_EQ(R->Digest, "");
  EXPECT_EQ(R->str(), "public.ecr.aws/lambda/python:3.13");
  EXPECT_EQ(R->getAPIHost(), "public.ecr.aws");
  EXPECT_EQ(getLambdaBaseImage("3.13"), "public.ecr.aws/lambda/python:3.13");
}

TEST(ReferenceTest, DockerHubDefaults) {
  Expected<ImageReference> R = parseImageReference("docker://python");
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_EQ(R->Registry, "docker.io");
  EXPECT_EQ(R->Repository, "library/python");
  EXPECT_EQ(R->Tag, "latest");
  EXPECT_EQ(R->getAPIHost(), "registry-1.docker.io");
  R = parseImageReference("user/app:v1");
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_EQ(R->str(), "docker.io/user/app:v1");
}

TEST(ReferenceTest, PortAndDigest) {
  std::string Hex(64, 'a');
  Expected<ImageReference> R =
      parseImageReference("127.0.0.1:5000/fn/app@sha256:" + Hex);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_EQ(R->Registry, "127.0.0.1:5000");
  EXPECT_EQ(R->Repository, "fn/app");
  EXPECT_EQ(R->Tag, "");
  EXPECT_EQ(R->getManifestReference(), "sha256:" + Hex);
  R = parseImageReference("localhost/app:1@sha256:" + Hex);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_EQ(R->Registry, "localhost");
  EXPECT_EQ(R->Tag, "1");
  EXPECT_EQ(R->getManifestReference(), "sha256:" + Hex);
}

TEST(ReferenceTest, Invalid) {
  EXPECT_TRUE(fails(parseImageReference("")));
  EXPECT_TRUE(fails(parseImageReference("Registry.io/UPPER:1")));
  EXPECT_TRUE(fails(parseImageReference("host.io/app:")));
  EXPECT_TRUE(fails(parseImageReference("host.io/app@sha256:12")));
  EXPECT_TRUE(fails(parseImageReference("host.io//app")));
  EXPECT_FALSE(isRegistryReference("oci:base:3.12"));
  EXPECT_FALSE(isRegistryReference("scratch"));
  EXPECT_FALSE(isRegistryReference("./base"));
  EXPECT_TRUE(isRegistryReference("public.ecr.aws/lambda/python:3.13"));
  EXPECT_TRUE(isRegistryReference("docker://python:3.13"));
}

TEST(ReferenceTest, PlainHTTPOnlyOnLoopbackOrAllowed) {
  EXPECT_TRUE(isPlainHTTPRegistry("127.0.0.1:5000", {}));
  EXPECT_TRUE(isPlainHTTPRegistry("localhost:5000", {}));
  EXPECT_TRUE(isPlainHTTPRegistry("[::1]:5000", {}));
  EXPECT_FALSE(isPlainHTTPRegistry("public.ecr.aws", {}));
  EXPECT_FALSE(isPlainHTTPRegistry("127.example.com", {}));
  EXPECT_TRUE(isPlainHTTPRegistry("registry.lan:5000", {"registry.lan"}));
  EXPECT_FALSE(isPlainHTTPRegistry("registry.lan:5000", {"other.lan"}));
}

class DockerConfigTest : public ::testing::Test {
protected:
  SmallString<128> Dir;
  void SetUp() override {
    ASSERT_FALSE(sys::fs::createUniqueDirectory("docker-config", Dir));
  }
  void TearDown() override { sys::fs::remove_directories(Dir); }
  void write(StringRef Text) {
    SmallString<128> P(Dir);
    sys::path::append(P, "config.json");
    std::error_code EC;
    raw_fd_ostream OS(P, EC);
    ASSERT_FALSE(EC);
    OS << Text;
  }
};

TEST_F(DockerConfigTest, Auths) {
  // base64("user:pa:ss")
  write(R"({"auths": {"registry.example.com": {"auth": "dXNlcjpwYTpzcw=="},
            "https://index.docker.io/v1/": {"auth": "aHViOnNlY3JldA=="}}})");
  Expected<std::optional<RegistryCredentials>> C =
      findDockerCredentials("registry.example.com", Dir);
  ASSERT_TRUE(bool(C)) << toString(C.takeError());
  ASSERT_TRUE(C->has_value());
  EXPECT_EQ((*C)->Username, "user");
  EXPECT_EQ((*C)->Password, "pa:ss");
  C = findDockerCredentials("docker.io", Dir);
  ASSERT_TRUE(bool(C)) << toString(C.takeError());
  ASSERT_TRUE(C->has_value());
  EXPECT_EQ((*C)->Username, "hub");
  EXPECT_EQ((*C)->Password, "secret");
  C = findDockerCredentials("other.example.com", Dir);
  ASSERT_TRUE(bool(C)) << toString(C.takeError());
  EXPECT_FALSE(C->has_value());
}

TEST_F(DockerConfigTest, BadAuthAndMissingHelper) {
  write(R"({"auths": {"registry.example.com": {"auth": "!!!!"}}})");
  EXPECT_TRUE(fails(findDockerCredentials("registry.example.com", Dir)));
  write(R"({"credHelpers": {"registry.example.com": "no-such-helper-x"}})");
  Expected<std::optional<RegistryCredentials>> C =
      findDockerCredentials("registry.example.com", Dir);
  ASSERT_FALSE(bool(C));
  EXPECT_NE(toString(C.takeError()).find("docker-credential-no-such-helper-x"),
            std::string::npos);
}

} // namespace
