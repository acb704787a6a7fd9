//===- MarkerTest.cpp - PEP 508 marker tests ------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Standards/Marker.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace lambdaopt;

namespace {

MarkerEnvironment lambdaEnv(StringRef Full, StringRef Short,
                            StringRef Machine = "x86_64") {
  MarkerEnvironment E;
  E.ImplementationName = "cpython";
  E.ImplementationVersion = Full.str();
  E.OsName = "posix";
  E.PlatformMachine = Machine.str();
  E.PlatformPythonImplementation = "CPython";
  E.PlatformSystem = "Linux";
  E.PythonFullVersion = Full.str();
  E.PythonVersion = Short.str();
  E.SysPlatform = "linux";
  return E;
}

Marker parseOk(StringRef Text) {
  Expected<Marker> M = Marker::parse(Text);
  if (!M) {
    ADD_FAILURE() << toString(M.takeError());
    return *Marker::parse("");
  }
  return std::move(*M);
}

bool eval(StringRef Text, const MarkerEnvironment &Env,
          StringRef ActiveExtra = "") {
  return parseOk(Text).evaluate(Env, [&](StringRef E) {
    return !ActiveExtra.empty() && E == ActiveExtra;
  });
}

std::string parseError(StringRef Text) {
  Expected<Marker> M = Marker::parse(Text);
  return M ? std::string() : toString(M.takeError());
}

TEST(NormalizeNameTest, Pep503) {
  EXPECT_EQ(normalizePackageName("Foo__Bar.baz"), "foo-bar-baz");
  EXPECT_EQ(normalizePackageName("pydantic_core"), "pydantic-core");
  EXPECT_EQ(normalizePackageName("A-._b"), "a-b");
  EXPECT_EQ(normalizePackageName("six"), "six");
}

TEST(MarkerTest, VersionComparisons) {
  MarkerEnvironment E = lambdaEnv("3.12.11", "3.12");
  EXPECT_TRUE(eval("python_version >= '3.10'", E));
  EXPECT_FALSE(eval("python_version < '3.10'", E));
  // PEP 440, not string order: "3.12" > "3.9".
  EXPECT_TRUE(eval("python_version > \"3.9\"", E));
  EXPECT_TRUE(eval("python_full_version == '3.12.*'", E));
  EXPECT_TRUE(eval("python_version ~= '3.10'", E));
  EXPECT_FALSE(eval("python_full_version < '3.12.11'", E));
  EXPECT_TRUE(eval("'3.9' < python_version", E));
  EXPECT_TRUE(eval("implementation_version >= '3.12'", E));
  EXPECT_TRUE(eval("python_version === '3.12'", E));
  // Not a specifier: string comparison fallback.
  EXPECT_TRUE(eval("python_version >= '3.12.*'", E) ==
              ("3.12" >= StringRef("3.12.*")));
}

TEST(MarkerTest, PrereleaseInterpreterSatisfiesRange) {
  MarkerEnvironment E = lambdaEnv("3.14.0rc1", "3.14");
  EXPECT_TRUE(eval("python_full_version >= '3.13'", E));
}

TEST(MarkerTest, StringsAndMembership) {
  MarkerEnvironment E = lambdaEnv("3.11.13", "3.11", "aarch64");
  EXPECT_TRUE(
      eval("sys_platform == 'linux' and platform_machine == 'aarch64'", E));
  EXPECT_FALSE(eval("sys_platform == 'darwin' or sys_platform == 'win32'", E));
  EXPECT_TRUE(eval("python_version in '3.10 3.11'", E));
  EXPECT_FALSE(eval("python_version not in '3.10 3.11'", E));
  EXPECT_TRUE(eval("'linux' in sys_platform", E));
  EXPECT_TRUE(eval("os.name == 'posix'", E));
  EXPECT_TRUE(eval("platform_python_implementation != 'PyPy'", E));
  EXPECT_FALSE(eval("os_name ~= 'posix'", E));
}

TEST(MarkerTest, PrecedenceAndParentheses) {
  MarkerEnvironment E = lambdaEnv("3.12.11", "3.12");
  // and binds tighter than or.
  EXPECT_TRUE(
      eval("os_name == 'nt' and os_name == 'nt' or os_name == 'posix'", E));
  EXPECT_FALSE(
      eval("os_name == 'nt' and (os_name == 'nt' or os_name == 'posix')", E));
  EXPECT_TRUE(eval("((python_version >= '3.12'))", E));
}

TEST(MarkerTest, Extras) {
  MarkerEnvironment E = lambdaEnv("3.12.11", "3.12");
  EXPECT_TRUE(eval("extra == 'Security_Extra'", E, "security-extra"));
  EXPECT_FALSE(eval("extra == 'socks'", E, "security-extra"));
  EXPECT_TRUE(eval("extra != 'socks'", E, "security-extra"));
  EXPECT_TRUE(eval("'dev.test' == extra", E, "dev-test"));
  EXPECT_FALSE(eval("extra == 'socks'", E));

  // uv's conflict pseudo-extras go to the callback verbatim.
  std::vector<std::string> Seen;
  Marker M = parseOk("extra == 'extra-7-nemo-rl-vllm' or "
                     "extra != 'group-11-pydantic-ai-dev'");
  bool R = M.evaluate(E, [&](StringRef X) {
    Seen.push_back(X.str());
    return false;
  });
  EXPECT_TRUE(R);
  ASSERT_EQ(Seen.size(), 2u);
  EXPECT_EQ(Seen[0], "extra-7-nemo-rl-vllm");
  EXPECT_EQ(Seen[1], "group-11-pydantic-ai-dev");

  SmallVector<std::string, 2> Extras;
  M.collectExtras(Extras);
  ASSERT_EQ(Extras.size(), 2u);
  EXPECT_EQ(Extras[1], "group-11-pydantic-ai-dev");
}

TEST(MarkerTest, EmptyMarkerIsTrue) {
  Marker M = parseOk("   ");
  EXPECT_TRUE(M.isAlwaysTrue());
  EXPECT_TRUE(M.evaluate(MarkerEnvironment()));
  EXPECT_EQ(M.str(), "");
}

TEST(MarkerTest, Printing) {
  EXPECT_EQ(parseOk("python_full_version>=\"3.12\" and (sys_platform=='linux' "
                    "or sys.platform == 'darwin')")
                .str(),
            "python_full_version >= '3.12' and (sys_platform == 'linux' or "
            "sys_platform == 'darwin')");
}

TEST(MarkerTest, Errors) {
  EXPECT_EQ(parseError("python_version >= '3.10"),
            "invalid marker 'python_version >= '3.10': unterminated string "
            "at column 19");
  EXPECT_EQ(parseError("foo == 'x'"),
            "invalid marker 'foo == 'x'': unknown marker variable 'foo' at "
            "column 1");
  EXPECT_EQ(parseError("os_name == 'posix' and"),
            "invalid marker 'os_name == 'posix' and': expected a marker "
            "variable or a quoted string at column 23");
  EXPECT_NE(parseError("(os_name == 'posix'"), "");
  EXPECT_NE(parseError("'a' == 'b'"), "");
  EXPECT_NE(parseError("python_version == python_full_version"), "");
  EXPECT_NE(parseError("os_name = 'posix'"), "");
  EXPECT_NE(parseError("os_name not 'posix'"), "");
  EXPECT_NE(parseError("os_name == 'posix' xor"), "");
}

TEST(MarkerCacheTest, ParsesOnce) {
  MarkerCache Cache;
  Expected<const Marker *> A = Cache.get("sys_platform == 'linux'");
  Expected<const Marker *> B = Cache.get("sys_platform == 'linux'");
  ASSERT_TRUE(static_cast<bool>(A));
  ASSERT_TRUE(static_cast<bool>(B));
  EXPECT_EQ(*A, *B);
  EXPECT_EQ(Cache.size(), 1u);
  Expected<const Marker *> Bad = Cache.get("sys_platform ==");
  EXPECT_FALSE(static_cast<bool>(Bad));
  consumeError(Bad.takeError());
  EXPECT_EQ(Cache.size(), 1u);
}

TEST(ConflictExtraTest, Decodes) {
  std::optional<ConflictItem> A = decodeConflictExtra("extra-7-nemo-rl-vllm");
  ASSERT_TRUE(A);
  EXPECT_EQ(A->ItemKind, ConflictItem::Kind::Extra);
  EXPECT_EQ(A->Package, "nemo-rl");
  EXPECT_EQ(A->Name, "vllm");

  std::optional<ConflictItem> G =
      decodeConflictExtra("group-11-pydantic-ai-dev");
  ASSERT_TRUE(G);
  EXPECT_EQ(G->ItemKind, ConflictItem::Kind::Group);
  EXPECT_EQ(G->Package, "pydantic-ai");
  EXPECT_EQ(G->Name, "dev");

  std::optional<ConflictItem> P = decodeConflictExtra("project-5-hello");
  ASSERT_TRUE(P);
  EXPECT_EQ(P->ItemKind, ConflictItem::Kind::Project);
  EXPECT_EQ(P->Package, "hello");
  EXPECT_EQ(P->Name, "");

  EXPECT_FALSE(decodeConflictExtra("security"));
  EXPECT_FALSE(decodeConflictExtra("extra-x-foo-bar"));
  EXPECT_FALSE(decodeConflictExtra("extra-9-nemo-rl"));
  EXPECT_FALSE(decodeConflictExtra("extra-7-nemo-rl-"));
  EXPECT_FALSE(decodeConflictExtra("project-5-hello-x"));
}

} // namespace
