//===- TOMLTest.cpp - Tests for the TOML document model -------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/TOML/TOML.h"
#include "lambda-opt/Support/SourceError.h"

#include "gtest/gtest.h"

#include <string>

using namespace llvm;
using namespace lambdaopt;
using namespace lambdaopt::toml;

namespace {

/// Parses one document and keeps its text alive for the test.
class TOMLTest : public ::testing::Test {
protected:
  std::string Text;
  Document Doc;
  Parser P;

  /// Parses \p Src; fails the test on an error.
  const Value &parseOK(StringRef Src) {
    Text = Src.str();
    Error E = P.parse(Text, Doc);
    EXPECT_FALSE(static_cast<bool>(E)) << toString(std::move(E));
    return *Doc.getRoot();
  }

  /// Parses \p Src, which must fail; returns the message and sets
  /// \p Offset to the error's byte offset.
  std::string parseError(StringRef Src, size_t &Offset) {
    Text = Src.str();
    Error E = P.parse(Text, Doc);
    if (!E) {
      ADD_FAILURE() << "expected an error for: " << Src.str();
      return "";
    }
    std::string Msg;
    handleAllErrors(std::move(E), [&](const SourceError &SE) {
      Msg = SE.getMessage();
      Offset = SE.getLoc().getPointer() - Text.data();
    });
    return Msg;
  }
};

TEST_F(TOMLTest, ScalarValues) {
  const Value &Root = parseOK("s = \"text\"\n"
                              "i = -42\n"
                              "h = 0xff\n"
                              "o = 0o17\n"
                              "b = 0b101\n"
                              "u = 1_000\n"
                              "f = 1.5e3\n"
                              "t = true\n"
                              "d = 1979-05-27T07:32:00Z\n"
                              "ld = 1979-05-27\n");
  ASSERT_TRUE(Root.get("s")->isString());
  EXPECT_EQ(Root.get("s")->getString(), "text");
  EXPECT_EQ(Root.get("i")->getInteger(), -42);
  EXPECT_EQ(Root.get("h")->getInteger(), 255);
  EXPECT_EQ(Root.get("o")->getInteger(), 15);
  EXPECT_EQ(Root.get("b")->getInteger(), 5);
  EXPECT_EQ(Root.get("u")->getInteger(), 1000);
  EXPECT_EQ(Root.get("f")->getKind(), ValueKind::Float);
  EXPECT_DOUBLE_EQ(Root.get("f")->getFloat(), 1500.0);
  EXPECT_TRUE(Root.get("t")->getBoolean());
  EXPECT_EQ(Root.get("d")->getKind(), ValueKind::OffsetDateTime);
  EXPECT_EQ(Root.get("d")->getString(), "1979-05-27T07:32:00Z");
  EXPECT_EQ(Root.get("ld")->getKind(), ValueKind::LocalDate);
  EXPECT_EQ(Root.get("missing"), nullptr);
}

TEST_F(TOMLTest, IntegerLimits) {
  const Value &Root = parseOK("max = 9223372036854775807\n"
                              "min = -9223372036854775808\n");
  EXPECT_EQ(Root.get("max")->getInteger(), INT64_MAX);
  EXPECT_EQ(Root.get("min")->getInteger(), INT64_MIN);
  size_t Offset = 0;
  EXPECT_EQ(parseError("x = 9223372036854775808\n", Offset),
            "invalid TOML: integer 9223372036854775808 does not fit in 64 "
            "bits");
  EXPECT_EQ(Offset, 4u);
}

TEST_F(TOMLTest, Strings) {
  const Value &Root = parseOK("a = \"tab\\there \\u00e9 \\U0001F600\"\n"
                              "b = 'C:\\path'\n"
                              "c = \"\"\"\nfirst\nsecond\"\"\"\n"
                              "d = '''\nraw \\n'''\n"
                              "e = \"\"\"joined \\\n    here\"\"\"\n");
  EXPECT_EQ(Root.get("a")->getString(), "tab\there \xC3\xA9 \xF0\x9F\x98\x80");
  EXPECT_EQ(Root.get("b")->getString(), "C:\\path");
  EXPECT_EQ(Root.get("c")->getString(), "first\nsecond");
  EXPECT_EQ(Root.get("d")->getString(), "raw \\n");
  EXPECT_EQ(Root.get("e")->getString(), "joined here");
  // Strings without escapes point into the buffer.
  const char *B = Text.data();
  StringRef Raw = Root.get("b")->getString();
  EXPECT_TRUE(Raw.begin() >= B && Raw.end() <= B + Text.size());
}

TEST_F(TOMLTest, KeysAndDottedKeys) {
  const Value &Root = parseOK("\"quoted key\" = 1\n"
                              "'lit' = 2\n"
                              "a.b.c = 3\n"
                              "a.b.d = 4\n"
                              "site.\"google.com\" = true\n");
  EXPECT_EQ(Root.get("quoted key")->getInteger(), 1);
  EXPECT_EQ(Root.get("lit")->getInteger(), 2);
  const Value *B = Root.get("a")->get("b");
  ASSERT_TRUE(B && B->isTable());
  EXPECT_EQ(B->getOrigin(), TableOrigin::Dotted);
  ASSERT_EQ(B->getEntries().size(), 2u);
  EXPECT_EQ(B->getEntries()[0].Key, "c");
  EXPECT_EQ(B->getEntries()[1].Key, "d");
  EXPECT_TRUE(Root.get("site")->get("google.com")->getBoolean());
}

TEST_F(TOMLTest, TablesAndArraysOfTables) {
  const Value &Root = parseOK("[a.b]\n"
                              "x = 1\n"
                              "[a]\n"
                              "y = 2\n"
                              "[[p]]\n"
                              "n = 1\n"
                              "[p.sub]\n"
                              "z = 3\n"
                              "[[p]]\n"
                              "n = 2\n"
                              "inline = { k = [1, 2], t = {} }\n");
  const Value *A = Root.get("a");
  ASSERT_TRUE(A);
  EXPECT_EQ(A->getOrigin(), TableOrigin::Header);
  EXPECT_EQ(A->get("y")->getInteger(), 2);
  EXPECT_EQ(A->get("b")->get("x")->getInteger(), 1);
  const Value *P = Root.get("p");
  ASSERT_TRUE(P && P->isArrayOfTables());
  ASSERT_EQ(P->getElements().size(), 2u);
  EXPECT_EQ(P->getElements()[0]->get("sub")->get("z")->getInteger(), 3);
  const Value *Inline = P->getElements()[1]->get("inline");
  ASSERT_TRUE(Inline);
  EXPECT_EQ(Inline->getOrigin(), TableOrigin::Inline);
  EXPECT_EQ(Inline->get("k")->getElements().size(), 2u);
  EXPECT_TRUE(Inline->get("t")->getEntries().empty());
}

TEST_F(TOMLTest, Ranges) {
  const Value &Root = parseOK("key = \"value\"\n");
  const Entry &E = Root.getEntries()[0];
  EXPECT_EQ(E.KeyRange.Start.getPointer() - Text.data(), 0);
  EXPECT_EQ(E.Val->getRange().Start.getPointer() - Text.data(), 6);
  EXPECT_EQ(E.Val->getRange().End.getPointer() - Text.data(), 13);
}

TEST_F(TOMLTest, TableRuleErrors) {
  size_t Offset = 0;
  EXPECT_EQ(parseError("a = 1\na = 2\n", Offset),
            "invalid TOML: duplicate key 'a'");
  EXPECT_EQ(Offset, 6u);
  EXPECT_EQ(parseError("[t]\n[t]\n", Offset),
            "invalid TOML: duplicate table [t]");
  EXPECT_EQ(Offset, 4u);
  EXPECT_EQ(parseError("t = { a = 1 }\n[t.b]\n", Offset),
            "invalid TOML: cannot extend inline table 't'");
  EXPECT_EQ(Offset, 15u);
  EXPECT_EQ(parseError("t = { a = 1 }\n[t]\n", Offset),
            "invalid TOML: cannot extend inline table 't' with a table "
            "header");
  EXPECT_EQ(parseError("t = { a = 1 }\nt.b = 2\n", Offset),
            "invalid TOML: cannot extend 't' with a dotted key: it is "
            "already defined");
  EXPECT_EQ(parseError("a = 1\n[[a]]\n", Offset),
            "invalid TOML: cannot define [[a]]: the key is already an "
            "integer");
  EXPECT_EQ(Offset, 6u);
  EXPECT_EQ(parseError("a = [1]\n[a.b]\n", Offset),
            "invalid TOML: key 'a' is already an array, not a table");
}

TEST_F(TOMLTest, SyntaxErrorsAreLocated) {
  size_t Offset = 0;
  EXPECT_EQ(parseError("a = 1\nb = \"open\n", Offset),
            "invalid TOML: unterminated string");
  EXPECT_EQ(Offset, 10u);
  EXPECT_EQ(parseError("name \"x\"\n", Offset),
            "invalid TOML: expected '=' after the key, found '\"'");
  EXPECT_EQ(Offset, 5u);
  EXPECT_EQ(parseError("[t\n", Offset),
            "invalid TOML: expected ']' to close the table header, found a "
            "new line");
  EXPECT_EQ(Offset, 2u);
  EXPECT_EQ(parseError("a = 1 2\n", Offset),
            "invalid TOML: unexpected '2' after a value; expected a new line");
  EXPECT_EQ(Offset, 6u);
  EXPECT_EQ(parseError("a = \"\\q\"\n", Offset),
            "invalid TOML: invalid escape sequence '\\q'");
  EXPECT_EQ(Offset, 5u);
  EXPECT_EQ(parseError("a = \"\\u12\"\n", Offset),
            "invalid TOML: invalid unicode escape '\\u12\"': \\u takes 4 hex "
            "digits");
  EXPECT_EQ(Offset, 5u);
  EXPECT_EQ(parseError("a = \"\\uDFFF\"\n", Offset),
            "invalid TOML: \\u escape is not a unicode scalar value");
  EXPECT_EQ(parseError("a = \"x\x01\"\n", Offset),
            "invalid TOML: control character U+0001 is not allowed in a "
            "string");
  EXPECT_EQ(Offset, 6u);
  EXPECT_EQ(parseError(StringRef("\0\0", 2), Offset),
            "invalid TOML: expected a key, found control character U+0000");
  EXPECT_EQ(Offset, 0u);
  EXPECT_EQ(parseError("a = [1,\n", Offset),
            "invalid TOML: unterminated array: no ']' before the end of the "
            "file");
  EXPECT_EQ(Offset, 4u);
}

TEST_F(TOMLTest, NestingLimit) {
  std::string Deep =
      "x = " + std::string(10000, '[') + std::string(10000, ']') + "\n";
  size_t Offset = 0;
  EXPECT_EQ(parseError(Deep, Offset),
            "invalid TOML: arrays and inline tables nested deeper than 128 "
            "levels");
  EXPECT_EQ(Offset, 4u + 128u);
  // Within the limit, nesting is fine.
  std::string Ok = "x = " + std::string(100, '[') + std::string(100, ']');
  const Value &Root = parseOK(Ok);
  EXPECT_TRUE(Root.get("x")->isArray());
  // The limit is a parameter.
  ParseOptions Tight;
  Tight.MaxDepth = 2;
  Text = "x = [[[1]]]\n";
  EXPECT_TRUE(static_cast<bool>(errorToBool(P.parse(Text, Doc, Tight))));
}

TEST_F(TOMLTest, ScratchParseMatchesParse) {
  std::string Src = "[[package]]\nname = \"a\\u0041\"\n[[package]]\n"
                    "name = \"b\"\n";
  BumpPtrAllocator Scratch;
  Document D2;
  ASSERT_FALSE(errorToBool(Parser::parseWithScratch(Src, D2, Scratch)));
  const Value *Pkgs = D2.getRoot()->get("package");
  ASSERT_TRUE(Pkgs);
  ASSERT_EQ(Pkgs->getElements().size(), 2u);
  EXPECT_EQ(Pkgs->getElements()[0]->get("name")->getString(), "aA");
  // The parser is reusable after an error.
  size_t Offset = 0;
  parseError("a = \n", Offset);
  const Value &Root = parseOK("a = 1\n");
  EXPECT_EQ(Root.get("a")->getInteger(), 1);
}

} // namespace
