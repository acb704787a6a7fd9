//===- URLTest.cpp - URL hosts and redaction ------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Support/URL.h"

#include "gtest/gtest.h"

using namespace lambdaopt;

namespace {

TEST(URLTest, ParseHost) {
  std::optional<URLHost> H = parseURLHost("HTTP://u:p@Mirror.Example.:8080/x");
  ASSERT_TRUE(H);
  EXPECT_EQ(H->Scheme, "http");
  EXPECT_EQ(H->Host, "mirror.example");
  EXPECT_EQ(H->Port, "8080");
  EXPECT_TRUE(H->HasUserInfo);
  H = parseURLHost("https://[::1]/simple");
  ASSERT_TRUE(H);
  EXPECT_EQ(H->Host, "::1");
  EXPECT_EQ(H->Port, "443");
  EXPECT_FALSE(parseURLHost("no-scheme/x"));
  EXPECT_FALSE(parseURLHost("http:///x"));
}

TEST(URLTest, AllowedHostIsExact) {
  std::vector<std::string> Allowed = {"mirror.example", "other.example:8080",
                                      "[::1]:81", " Upper.Example "};
  EXPECT_TRUE(isHostAllowed("http://mirror.example/x", Allowed));
  EXPECT_TRUE(isHostAllowed("http://mirror.example:9999/x", Allowed));
  EXPECT_TRUE(isHostAllowed("http://user@MIRROR.example/x", Allowed));
  EXPECT_TRUE(isHostAllowed("http://other.example:8080/x", Allowed));
  EXPECT_TRUE(isHostAllowed("http://[::1]:81/x", Allowed));
  EXPECT_TRUE(isHostAllowed("http://upper.example/x", Allowed));
  // Neighbours do not match: another port, a suffix, a prefix, user
  // information that looks like the host.
  EXPECT_FALSE(isHostAllowed("http://other.example/x", Allowed));
  EXPECT_FALSE(isHostAllowed("http://other.example:8081/x", Allowed));
  EXPECT_FALSE(isHostAllowed("http://mirror.example.evil/x", Allowed));
  EXPECT_FALSE(isHostAllowed("http://evilmirror.example/x", Allowed));
  EXPECT_FALSE(isHostAllowed("http://mirror.example@evil.example/x", Allowed));
  EXPECT_FALSE(isHostAllowed("http://[::1]/x", Allowed));
  EXPECT_TRUE(isHostAllowed("http://[::1]:5/x", {"::1"}));
  // A port entry matches the scheme's default port.
  EXPECT_TRUE(isHostAllowed("http://h.example/x", {"h.example:80"}));
  EXPECT_FALSE(isHostAllowed("https://h.example/x", {"h.example:80"}));
  // A URL entry names its host (and port when it writes one).
  EXPECT_TRUE(isHostAllowed("http://h.example:8/x", {"http://h.example/"}));
  EXPECT_FALSE(isHostAllowed("http://h.example:8/x", {"http://h.example:9/"}));
}

TEST(URLTest, Redact) {
  EXPECT_EQ(redactURL("https://user:pw@host.example/simple/x.whl"),
            "https://***@host.example/simple/x.whl");
  EXPECT_EQ(redactURL("https://host.example/x.whl?token=abc&sig=def#sha256=1"),
            "https://host.example/x.whl?token=***&sig=***#sha256=1");
  EXPECT_EQ(redactURL("https://host.example/x.whl?s3cr3t"),
            "https://host.example/x.whl?***");
  EXPECT_EQ(redactURL("https://host.example/a@b/x.whl"),
            "https://host.example/a@b/x.whl");
  EXPECT_EQ(redactURL("https://host.example"), "https://host.example");
  EXPECT_EQ(redactURL("not a url"), "not a url");
}

TEST(URLTest, MaskSecretsKeepsColumns) {
  std::string Line = "source = { registry = \"https://user:pw@idx.example/"
                     "simple?token=abc&x=1#frag\" }";
  std::string Masked = maskURLSecrets(Line);
  EXPECT_EQ(Masked.size(), Line.size());
  EXPECT_EQ(Masked, "source = { registry = \"https://*******@idx.example/"
                    "simple?token=***&x=*#frag\" }");
  EXPECT_EQ(maskURLSecrets("url = \"https://files.example/a.whl\""),
            "url = \"https://files.example/a.whl\"");
  EXPECT_EQ(maskURLSecrets("a http://h/?s b https://t@h2/"),
            "a http://h/?* b https://*@h2/");
}

} // namespace
