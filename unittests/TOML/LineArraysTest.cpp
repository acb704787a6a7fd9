//===- LineArraysTest.cpp - The line reader against tree-sitter alone -----===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The parser reads arrays written one value per line itself and lets
// tree-sitter skip them. Every test here parses the same text twice, with and
// without that, and requires the same document (ranges included) or the same
// error at the same offset.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Support/SourceError.h"
#include "lambda-opt/TOML/TOML.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <random>
#include <string>

using namespace llvm;
using namespace lambdaopt;
using namespace lambdaopt::toml;

namespace {

/// The document printed with offsets, or the error with its offset.
std::string parseToText(StringRef Text, bool LineArrays, unsigned MaxDepth,
                        unsigned *Read = nullptr) {
  ParseOptions Opts;
  Opts.LineArrays = LineArrays;
  Opts.MaxDepth = MaxDepth;
  Document Doc;
  BumpPtrAllocator Scratch;
  Error E = Parser::parseWithScratch(Text, Doc, Scratch, Opts);
  std::string Out;
  raw_string_ostream OS(Out);
  if (E) {
    handleAllErrors(std::move(E), [&](const SourceError &SE) {
      OS << "error @" << (SE.getLoc().getPointer() - Text.data()) << ": "
         << SE.getMessage();
    });
    return OS.str();
  }
  if (Read)
    *Read = Doc.getLineArraysRead();
  printValue(*Doc.getRoot(), Text.data(), OS);
  return OS.str();
}

/// Parses \p Text both ways; returns how many bodies the line reader read.
unsigned expectSameDocument(StringRef Text, unsigned MaxDepth = 128) {
  unsigned Read = 0;
  std::string With = parseToText(Text, true, MaxDepth, &Read);
  std::string Without = parseToText(Text, false, MaxDepth);
  EXPECT_EQ(With, Without) << "input:\n" << Text.str();
  return Read;
}

const char *const Wheels =
    "[[package]]\n"
    "name = \"idna\"\n"
    "version = \"3.7\"\n"
    "source = { registry = \"https://pypi.org/simple\" }\n"
    "dependencies = [\n"
    "    { name = \"a\", marker = \"python_full_version < '3.11'\" },\n"
    "    { name = \"b\", extra = [\"socks\", \"http2\"], source = { "
    "registry = \"https://x\" } },\n"
    "]\n"
    "wheels = [\n"
    "    { url = \"https://f/idna-3.7-py3-none-any.whl\", hash = "
    "\"sha256:82fe\", size = 66836, upload-time = "
    "\"2024-04-11T03:34:43.123Z\" },\n"
    "    { url = \"https://f/idna-3.7.tar.gz\", hash = \"sha256:028f\", "
    "size = 0 },\n"
    "]\n"
    "\n"
    "[package.metadata]\n"
    "requires-dist = [\n"
    "    \"a>=1\",\n"
    "    \"b[socks]\",\n"
    "]\n";

TEST(LineArraysTest, ReadsTheArraysUvWrites) {
  EXPECT_EQ(expectSameDocument(Wheels), 3u);
}

TEST(LineArraysTest, CRLFAndBlanks) {
  EXPECT_EQ(expectSameDocument("a = [\r\n  {\tx = 1 ,y=\"\t\"}\t,\r\n]\r\n"
                               "b = [ \t\n 1\n]"),
            2u);
}

TEST(LineArraysTest, NoTrailingNewline) {
  EXPECT_EQ(expectSameDocument("a = [\n  { x = 1 },\n]"), 1u);
  // No closing bracket at all: tree-sitter reports it.
  expectSameDocument("a = [\n  { x = 1 },\n");
  expectSameDocument("a = [\n  { x = 1 },");
}

TEST(LineArraysTest, LeavesOtherShapesToTreeSitter) {
  const char *const Cases[] = {
      // Comments, blank lines, escapes, non-ASCII, literal strings.
      "a = [\n  { x = 1 }, # c\n]\n",
      "a = [\n  # c\n  { x = 1 },\n]\n",
      "a = [\n\n  { x = 1 },\n]\n",
      "a = [\n  { x = \"\\u00e9\" },\n]\n",
      "a = [\n  { x = \"\xc3\xa9\" },\n]\n",
      "a = [\n  { x = 'lit' },\n]\n",
      // Numbers the reader does not take.
      "a = [\n  { x = -1 },\n]\n",
      "a = [\n  { x = +1 },\n]\n",
      "a = [\n  { x = 1_000 },\n]\n",
      "a = [\n  { x = 1.5 },\n]\n",
      "a = [\n  { x = 1e3 },\n]\n",
      "a = [\n  { x = 0x1f },\n]\n",
      "a = [\n  { x = 1979-05-27 },\n]\n",
      "a = [\n  { x = 1234567890123456789 },\n]\n",
      "a = [\n  { x = 99999999999999999999 },\n]\n",
      // Keys.
      "a = [\n  { \"q\" = 1 },\n]\n",
      "a = [\n  { x.y = 1 },\n]\n",
      "a = [\n  { 1x = 1 },\n]\n",
      "a = [\n  { true = 1 },\n]\n",
      "a = [\n  { inf = 1, nan = 2 },\n]\n",
      "a = [\n  { \xc3\xa9 = 1 },\n]\n",
      // Multi-line strings.
      "a = [\n  \"\"\"x\"\"\",\n]\n",
      "a = [\n  { x = \"\"\"y\"\"\" },\n]\n",
  };
  for (const char *C : Cases)
    EXPECT_EQ(expectSameDocument(C), 0u) << C;
}

TEST(LineArraysTest, ErrorsComeFromTreeSitterAlone) {
  const char *const Cases[] = {
      "a = [\n  { x = 1 }\n  { x = 2 },\n]\n",    // missing comma
      "a = [\n  { x = 1, x = 2 },\n]\n",          // duplicate key
      "a = [\n  { x = 1, },\n]\n",                // trailing comma in a table
      "a = [\n  { x = 1 },,\n]\n",                // two commas
      "a = [\n  { x = 01 },\n]\n",                // leading zero
      "a = [\n  { x = 1 },\n] junk\n",            // junk after the array
      "a = [\n  { x = \"a\x01\" },\n]\n",         // control character
      "a = [\n  { x = 1 },\n]\na = 2\n",          // redefined key
      "a = [\n  { x = [1, 2 },\n]\n",             // unclosed inner array
      "a = [\n  { x = truex },\n]\n",             // bad boolean
      "[t]\na = [\n  { x = 1 },\n]\n[t]\n",       // duplicate table after
      "a = [\n  { x = 1 },\n]\n[[a]]\n",          // array of tables clash
      "a = { b = [\n  { x = 1 },\n] }\nb = \"\n", // error after a body
  };
  for (const char *C : Cases) {
    std::string With = parseToText(C, true, 128);
    EXPECT_EQ(StringRef(With).substr(0, 6), "error ") << C;
    EXPECT_EQ(With, parseToText(C, false, 128)) << C;
  }
}

TEST(LineArraysTest, BracketsThatAreNotArrays) {
  // Inside multi-line strings, the lines look like an array body.
  EXPECT_EQ(expectSameDocument("s = \"\"\"\nx = [\n  { y = 1 },\n]\n\"\"\"\n"),
            0u);
  EXPECT_EQ(expectSameDocument("s = '''\nx = [\n  { y = 1 },\n]\n'''\n"), 0u);
  // A comment ending in `= [`.
  expectSameDocument("# x = [\n  { y = 1 },\n]\n");
  // Array bodies inside an inline table (TOML allows new lines there).
  EXPECT_EQ(expectSameDocument("t = { a = [\n  { y = 1 },\n], b = 2 }\n"), 1u);
  // An array of arrays whose inner arrays are bodies.
  EXPECT_EQ(expectSameDocument("a = [ b = [\n 1,\n]]\n"), 0u);
  EXPECT_EQ(expectSameDocument("a = [[\n 1,\n], [\n 2,\n]]\n"), 0u);
}

TEST(LineArraysTest, StringStopsAtEveryOffset) {
  // The line reader looks for a string's end 16 bytes at a time: a quote,
  // an escape, a control character, DEL or a non-ASCII byte at any offset
  // (before, on and after a 16-byte step) ends or refuses the string the same
  // way tree-sitter does.
  const char *Stops[] = {"\\\"", "\\n", "\x01", "\x7f", "\xc3\xa9", "\t"};
  for (const char *Stop : Stops)
    for (unsigned Offset = 0; Offset < 40; ++Offset) {
      std::string Value = std::string(Offset, 'a') + Stop + "tail";
      std::string Text = "x = [\n    \"" + Value + "\",\n]\n";
      expectSameDocument(Text);
    }
  // A string of any length up to 70 bytes, read by the line reader.
  for (unsigned Length = 0; Length < 70; ++Length) {
    std::string Text =
        "x = [\n    \"" + std::string(Length, 'b') + "\",\n    1,\n]\n";
    EXPECT_EQ(expectSameDocument(Text), 1u) << Length;
  }
}

TEST(LineArraysTest, NestingLimit) {
  const char *Text = "a = [\n  { x = [[1]] },\n]\n";
  for (unsigned Depth = 1; Depth != 7; ++Depth)
    expectSameDocument(Text, Depth);
  std::string Deep =
      "a = [\n  " + std::string(12, '[') + std::string(12, ']') + ",\n]\n";
  EXPECT_EQ(expectSameDocument(Deep), 0u);
  EXPECT_EQ(expectSameDocument(Deep, 10), 0u);
}

TEST(LineArraysTest, RandomEditsOfALock) {
  // Single-byte edits of a uv-shaped document, drawn from the characters
  // that matter to either reader. Deterministic.
  std::mt19937 Rng(20261126);
  const std::string Base = Wheels;
  const std::string Alphabet =
      "{}[],=\"'#\\ \t\r\n.-_+0123456789xtruefalse\x01\xc3";
  for (unsigned I = 0; I != 3000; ++I) {
    std::string Text = Base;
    unsigned Edits = 1 + Rng() % 3;
    for (unsigned J = 0; J != Edits; ++J) {
      size_t At = Rng() % Text.size();
      char C = Alphabet[Rng() % Alphabet.size()];
      switch (Rng() % 3) {
      case 0:
        Text[At] = C;
        break;
      case 1:
        Text.insert(Text.begin() + At, C);
        break;
      default:
        Text.erase(At, 1);
        break;
      }
    }
    expectSameDocument(Text);
    if (HasFailure())
      return;
  }
}

TEST(LineArraysTest, Corpus) {
  // Every uv.lock and pyproject.toml under $LAMBDA_OPT_CORPUS.
  const char *Dir = std::getenv("LAMBDA_OPT_CORPUS");
  if (!Dir || !*Dir)
    GTEST_SKIP() << "LAMBDA_OPT_CORPUS is not set";
  std::error_code EC;
  unsigned Files = 0, Read = 0;
  for (sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC)) {
    for (StringRef Name : {"uv.lock", "pyproject.toml"}) {
      SmallString<256> Path(It->path());
      sys::path::append(Path, Name);
      auto Buf = MemoryBuffer::getFile(Path);
      if (!Buf)
        continue;
      ++Files;
      Read += expectSameDocument((*Buf)->getBuffer());
    }
  }
  EXPECT_FALSE(EC) << EC.message();
  EXPECT_GT(Files, 0u);
  EXPECT_GT(Read, Files);
}

} // namespace
