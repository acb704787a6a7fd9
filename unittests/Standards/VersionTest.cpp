//===- VersionTest.cpp - PEP 440 version tests ----------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Standards/Version.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace lambdaopt;

namespace {

Version ver(StringRef S) {
  Expected<Version> V = Version::parse(S);
  if (!V) {
    ADD_FAILURE() << toString(V.takeError());
    return Version();
  }
  return *V;
}

std::string errorOf(StringRef S) {
  Expected<Version> V = Version::parse(S);
  if (V)
    return "";
  return toString(V.takeError());
}

TEST(VersionTest, ParsesAllParts) {
  Version V = ver("1!2.3.4rc5.post6.dev7+Ubuntu.007");
  EXPECT_EQ(V.getEpoch(), 1u);
  ASSERT_EQ(V.getRelease().size(), 3u);
  EXPECT_EQ(V.getMajor(), 2u);
  EXPECT_EQ(V.getMinor(), 3u);
  EXPECT_EQ(V.getMicro(), 4u);
  EXPECT_TRUE(V.hasPre());
  EXPECT_EQ(V.getPreKind(), Version::PreKind::RC);
  EXPECT_EQ(V.getPreNumber(), 5u);
  EXPECT_EQ(V.getPost(), std::optional<uint64_t>(6));
  EXPECT_EQ(V.getDev(), std::optional<uint64_t>(7));
  ASSERT_EQ(V.getLocal().size(), 2u);
  EXPECT_EQ(V.getLocal()[0].Text, "ubuntu");
  EXPECT_TRUE(V.getLocal()[1].IsNumber);
  EXPECT_EQ(V.str(), "1!2.3.4rc5.post6.dev7+ubuntu.7");
  EXPECT_TRUE(V.isPrerelease());
}

TEST(VersionTest, CanonicalSpellings) {
  EXPECT_EQ(ver("v1.0").str(), "1.0");
  EXPECT_EQ(ver(" 1.0 ").str(), "1.0");
  EXPECT_EQ(ver("1.0alpha1").str(), "1.0a1");
  EXPECT_EQ(ver("1.0-beta.2").str(), "1.0b2");
  EXPECT_EQ(ver("1.0c3").str(), "1.0rc3");
  EXPECT_EQ(ver("1.0preview").str(), "1.0rc0");
  EXPECT_EQ(ver("1.0-1").str(), "1.0.post1");
  EXPECT_EQ(ver("1.0rev").str(), "1.0.post0");
  EXPECT_EQ(ver("1.0_DEV_3").str(), "1.0.dev3");
  EXPECT_EQ(ver("1.0a.").str(), "1.0a0");
  EXPECT_EQ(ver("0!01.02").str(), "1.2");
  EXPECT_EQ(ver("2.11.0+cu130").str(), "2.11.0+cu130");
  EXPECT_FALSE(ver("1.0.post1").isPrerelease());
  EXPECT_TRUE(ver("1.0.dev0").isPrerelease());
}

TEST(VersionTest, ErrorsNameTheColumn) {
  EXPECT_EQ(errorOf("1.0-"), "invalid version '1.0-': unexpected '-' at "
                             "column 4");
  EXPECT_EQ(errorOf(""), "invalid version '': expected a version at column 1");
  EXPECT_EQ(errorOf("abc"),
            "invalid version 'abc': expected a release number at column 1");
  EXPECT_EQ(errorOf("1.0+"),
            "invalid version '1.0+': expected a local version segment at "
            "column 5");
  EXPECT_EQ(errorOf("  1.0 x"),
            "invalid version '  1.0 x': unexpected ' ' at column 6");
  EXPECT_NE(errorOf("1..0"), "");
  EXPECT_NE(errorOf("1.0.post1.post2"), "");
  EXPECT_NE(errorOf("99999999999999999999999"), "");
}

TEST(VersionTest, Ordering) {
  const char *Sorted[] = {
      "1.0.dev0",       "1.0a1.dev1", "1.0a1",   "1.0a1.post1", "1.0b1",
      "1.0rc1",         "1.0",        "1.0+abc", "1.0+abc.1",   "1.0+1",
      "1.0.post1.dev1", "1.0.post1",  "1.0.1",   "1.1",         "2",
      "1!0.1"};
  for (size_t I = 0; I + 1 < std::size(Sorted); ++I)
    EXPECT_LT(ver(Sorted[I]), ver(Sorted[I + 1]))
        << Sorted[I] << " < " << Sorted[I + 1];
  EXPECT_EQ(ver("1.0"), ver("1.0.0.0"));
  EXPECT_EQ(ver("1.0+ABC"), ver("1.0+abc"));
  EXPECT_NE(ver("1.0"), ver("1.0+abc"));
  EXPECT_EQ(ver("1.0").compare(ver("1.0.0")), 0);
}

bool matches(StringRef Spec, StringRef V, bool AllowPre = true) {
  Expected<SpecifierSet> S = SpecifierSet::parse(Spec);
  if (!S) {
    ADD_FAILURE() << toString(S.takeError());
    return false;
  }
  return S->contains(ver(V), AllowPre);
}

TEST(SpecifierTest, Ranges) {
  EXPECT_TRUE(matches(">=3.10, <3.14", "3.13.7"));
  EXPECT_FALSE(matches(">=3.10, <3.14", "3.14.0"));
  EXPECT_FALSE(matches(">=3.10, <3.14", "3.9.23"));
  EXPECT_TRUE(matches("", "0.1"));
  EXPECT_TRUE(matches(">=1.0,,<2", "1.5"));
}

TEST(SpecifierTest, Wildcards) {
  EXPECT_TRUE(matches("==3.12.*", "3.12.11"));
  EXPECT_TRUE(matches("==3.12.*", "3.12"));
  EXPECT_TRUE(matches("==3.12.*", "3.12.0rc1"));
  EXPECT_FALSE(matches("==3.12.*", "3.13.0"));
  EXPECT_TRUE(matches("!=3.11.*", "3.12.0"));
  EXPECT_FALSE(matches("!=3.11.*", "3.11.2"));
  EXPECT_TRUE(matches("==1.0.0.*", "1.0"));
  EXPECT_FALSE(matches("==1!1.*", "1.0"));
}

TEST(SpecifierTest, CompatibleRelease) {
  EXPECT_TRUE(matches("~=3.12", "3.13.0"));
  EXPECT_FALSE(matches("~=3.12", "4.0"));
  EXPECT_FALSE(matches("~=3.12", "3.11"));
  EXPECT_TRUE(matches("~=1.4.5", "1.4.9"));
  EXPECT_FALSE(matches("~=1.4.5", "1.5.0"));
  EXPECT_TRUE(matches("~=v1.27", "1.27"));
}

TEST(SpecifierTest, ExclusiveComparisons) {
  EXPECT_FALSE(matches("<3.0", "3.0rc1"));
  EXPECT_TRUE(matches("<3.0rc2", "3.0rc1"));
  EXPECT_TRUE(matches("<3.0", "2.9"));
  EXPECT_FALSE(matches(">3.0", "3.0.post1"));
  EXPECT_FALSE(matches(">3.0", "3.0+local"));
  EXPECT_TRUE(matches(">3.0.post1", "3.0.post2"));
  EXPECT_TRUE(matches(">3.0", "3.1"));
}

TEST(SpecifierTest, LocalVersionsAndArbitraryEquality) {
  EXPECT_TRUE(matches("==1.0", "1.0+cu130"));
  EXPECT_FALSE(matches("==1.0+cpu", "1.0+cu130"));
  EXPECT_TRUE(matches("==1.0+cpu", "1.0+CPU"));
  EXPECT_TRUE(matches("<=1.0", "1.0+local"));
  EXPECT_TRUE(matches("===1.0", "1.0"));
  EXPECT_FALSE(matches("===1.0", "1.0.0"));
}

TEST(SpecifierTest, Prereleases) {
  EXPECT_TRUE(matches(">=1.0", "2.0b1", /*AllowPre=*/true));
  EXPECT_FALSE(matches(">=1.0", "2.0b1", /*AllowPre=*/false));
  EXPECT_TRUE(matches(">=1.0b1", "2.0b1", /*AllowPre=*/false));
  EXPECT_FALSE(matches("", "2.0b1", /*AllowPre=*/false));
  EXPECT_TRUE(matches("", "2.0", /*AllowPre=*/false));
}

TEST(SpecifierTest, ParseErrors) {
  auto Err = [](StringRef S) {
    Expected<SpecifierSet> Set = SpecifierSet::parse(S);
    return Set ? std::string() : toString(Set.takeError());
  };
  EXPECT_EQ(Err(">=3.10, <3.x"),
            "invalid specifier '>=3.10, <3.x': unexpected '.' at column 11");
  EXPECT_EQ(Err("=1.0"), "invalid specifier '=1.0': expected an operator "
                         "(~=, ==, !=, <=, >=, <, >, ===) at column 1");
  EXPECT_EQ(Err("~=3"),
            "invalid specifier '~=3': '~=' needs at least two release "
            "components at column 3");
  EXPECT_EQ(Err(">=1.0+local"), "invalid specifier '>=1.0+local': a local "
                                "version is not allowed with '>=' at column 3");
  EXPECT_NE(Err("==1.0a1.*"), "");
  EXPECT_NE(Err(">=1.0.*"), "");
  EXPECT_NE(Err(">="), "");
  EXPECT_EQ(Err(">=3.10 , <3.14"), "");
}

TEST(SpecifierTest, Printing) {
  Expected<SpecifierSet> S = SpecifierSet::parse(" >= 3.10 ,<3.14, ==3.12.*");
  ASSERT_TRUE(static_cast<bool>(S)) << toString(S.takeError());
  EXPECT_EQ(S->str(), ">=3.10, <3.14, ==3.12.*");
  ASSERT_EQ(S->getSpecifiers().size(), 3u);
  EXPECT_EQ(S->getSpecifiers()[0].getOperator(),
            Specifier::OperatorKind::GreaterEqual);
  EXPECT_TRUE(S->getSpecifiers()[2].isWildcard());
}

} // namespace
