//===- Parser.cpp - tree-sitter TOML to the located document model --------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// tree-sitter gives a concrete syntax tree that tolerates errors. This file
// walks it with a cursor (node children are never indexed, which would be
// quadratic), builds the document model, and reports the first syntax or
// semantic error with its exact position. Array bodies written one value per
// line are read by a line reader instead (see "Arrays written one value per
// line"); when that result cannot be trusted the text is parsed again by
// tree-sitter alone.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Support/SourceError.h"
#include "lambda-opt/TOML/TOML.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemAlloc.h"
#include "llvm/Support/raw_ostream.h"

#include <tree_sitter/api.h>

#include <cerrno>
#include <cstdlib>
#include <vector>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// The grammar's entry point, named by tree-sitter's generator.
extern "C" const TSLanguage *tree_sitter_toml(); // NOLINT

using namespace llvm;
using namespace lambdaopt;
using namespace lambdaopt::toml;

StringRef toml::getKindName(ValueKind Kind) {
  switch (Kind) {
  case ValueKind::String:
    return "string";
  case ValueKind::Integer:
    return "integer";
  case ValueKind::Float:
    return "float";
  case ValueKind::Boolean:
    return "boolean";
  case ValueKind::OffsetDateTime:
    return "offset date-time";
  case ValueKind::LocalDateTime:
    return "local date-time";
  case ValueKind::LocalDate:
    return "local date";
  case ValueKind::LocalTime:
    return "local time";
  case ValueKind::Array:
    return "array";
  case ValueKind::Table:
    return "table";
  }
  llvm_unreachable("unknown TOML value kind");
}

const Entry *Value::findEntry(StringRef Key) const {
  for (const Entry &E : Entries)
    if (E.Key == Key)
      return &E;
  return nullptr;
}

namespace {

/// The grammar's symbol numbers, looked up once per parser.
struct Symbols {
  TSSymbol Pair, Table, TableArray, BareKey, QuotedKey, DottedKey, String,
      Integer, Float, Boolean, OffsetDateTime, LocalDateTime, LocalDate,
      LocalTime, Array, InlineTable, Comment, EscapeSequence;

  explicit Symbols(const TSLanguage *L) {
    auto Get = [L](StringRef Name) {
      return ts_language_symbol_for_name(L, Name.data(), Name.size(), true);
    };
    Pair = Get("pair");
    Table = Get("table");
    TableArray = Get("table_array_element");
    BareKey = Get("bare_key");
    QuotedKey = Get("quoted_key");
    DottedKey = Get("dotted_key");
    String = Get("string");
    Integer = Get("integer");
    Float = Get("float");
    Boolean = Get("boolean");
    OffsetDateTime = Get("offset_date_time");
    LocalDateTime = Get("local_date_time");
    LocalDate = Get("local_date");
    LocalTime = Get("local_time");
    Array = Get("array");
    InlineTable = Get("inline_table");
    Comment = Get("comment");
    EscapeSequence = Get("escape_sequence");
  }
};

} // namespace

//===----------------------------------------------------------------------===//
// tree-sitter's memory
//===----------------------------------------------------------------------===//
//
// Building and then freeing a syntax tree node by node costs about a fifth
// of a parse. tree-sitter lets a program replace its allocator, so every
// block gets a small header saying whether it came from the C heap or from a
// thread's scratch arena. While a thread has an active arena, new blocks come
// from it and freeing them does nothing; the arena is reset in one step once
// the tree has been read.

namespace {

struct alignas(16) BlockHeader {
  size_t Size;
  uint64_t Magic;
};
constexpr uint64_t HeapBlock = 0x6c616d6264616870;  // "lambdahp"
constexpr uint64_t ArenaBlock = 0x6c616d6264616172; // "lambdaar"

thread_local BumpPtrAllocator *ActiveArena = nullptr;

void *allocateBlock(size_t Size) {
  BlockHeader *H;
  if (ActiveArena) {
    H = static_cast<BlockHeader *>(
        ActiveArena->Allocate(Size + sizeof(BlockHeader), Align(16)));
    H->Magic = ArenaBlock;
  } else {
    H = static_cast<BlockHeader *>(safe_malloc(Size + sizeof(BlockHeader)));
    H->Magic = HeapBlock;
  }
  H->Size = Size;
  return H + 1;
}

void freeBlock(void *P) {
  if (!P)
    return;
  BlockHeader *H = static_cast<BlockHeader *>(P) - 1;
  assert((H->Magic == HeapBlock || H->Magic == ArenaBlock) &&
         "tree-sitter freed a block it did not allocate through us");
  if (H->Magic == HeapBlock)
    std::free(H);
}

void *allocateZeroed(size_t Count, size_t Size) {
  size_t Bytes;
  if (__builtin_mul_overflow(Count, Size, &Bytes))
    report_bad_alloc_error("tree-sitter allocation overflows");
  void *P = allocateBlock(Bytes);
  std::memset(P, 0, Bytes);
  return P;
}

void *reallocateBlock(void *P, size_t Size) {
  if (!P)
    return allocateBlock(Size);
  BlockHeader *H = static_cast<BlockHeader *>(P) - 1;
  if (H->Magic == HeapBlock && !ActiveArena) {
    H = static_cast<BlockHeader *>(safe_realloc(H, Size + sizeof(BlockHeader)));
    H->Size = Size;
    return H + 1;
  }
  // A heap block must stay on the heap: its owner outlives any arena.
  BumpPtrAllocator *Saved = ActiveArena;
  if (H->Magic == HeapBlock)
    ActiveArena = nullptr;
  void *New = allocateBlock(Size);
  ActiveArena = Saved;
  std::memcpy(New, P, std::min(Size, H->Size));
  freeBlock(P);
  return New;
}

/// Installs the allocator before the first tree-sitter object exists.
void installAllocator() {
  static const bool Installed = [] {
    ts_set_allocator(allocateBlock, allocateZeroed, reallocateBlock, freeBlock);
    return true;
  }();
  (void)Installed;
}

/// Makes \p Arena this thread's tree-sitter allocator for a scope.
class ArenaScope {
public:
  explicit ArenaScope(BumpPtrAllocator &Arena) : Saved(ActiveArena) {
    ActiveArena = &Arena;
  }
  ~ArenaScope() { ActiveArena = Saved; }

private:
  BumpPtrAllocator *Saved;
};

const Symbols &getSymbols() {
  static const Symbols Syms(tree_sitter_toml());
  return Syms;
}

} // namespace

//===----------------------------------------------------------------------===//
// Locating syntax errors
//===----------------------------------------------------------------------===//
//
// tree-sitter recovers from a syntax error by wrapping a whole statement (or
// more) in an ERROR node, which says little about what went wrong. When the
// tree has an error, this scanner walks the text statement by statement with
// the TOML grammar's lexical rules and reports the first byte that breaks
// them. It only locates errors; the document model always comes from the
// syntax tree. When it finds nothing, the ERROR node itself is reported.

namespace {

/// Describes the byte at \p C for a message: `'x'`, or its code.
std::string describeByte(unsigned char C) {
  std::string S;
  raw_string_ostream OS(S);
  if (C < 0x20 || C == 0x7f)
    OS << "control character U+" << format_hex_no_prefix(C, 4, true);
  else if (C >= 0x80)
    OS << "byte 0x" << format_hex_no_prefix(C, 2, true);
  else
    OS << '\'' << static_cast<char>(C) << '\'';
  return OS.str();
}

/// A character of a TOML bare key.
static bool isBareKeyChar(char C) { return isAlnum(C) || C == '_' || C == '-'; }

class SyntaxScanner {
public:
  SyntaxScanner(StringRef Text, unsigned MaxDepth)
      : Text(Text), MaxDepth(MaxDepth) {}

  /// Scans the whole text; true when an error was found.
  bool findError() {
    while (!atEnd())
      if (!statement())
        return true;
    return false;
  }
  size_t getErrorOffset() const { return ErrPos; }
  const std::string &getMessage() const { return ErrMsg; }

private:
  StringRef Text;
  unsigned MaxDepth;
  size_t Pos = 0;
  size_t ErrPos = 0;
  std::string ErrMsg;

  bool atEnd() const { return Pos >= Text.size(); }
  char cur() const { return atEnd() ? '\0' : Text[Pos]; }
  bool startsWith(StringRef S) const { return Text.substr(Pos).startswith(S); }
  bool atNewline() const { return cur() == '\n' || startsWith("\r\n"); }

  bool error(size_t At, const Twine &Msg) {
    ErrPos = std::min(At, Text.size());
    ErrMsg = ("invalid TOML: " + Msg).str();
    return false;
  }
  /// "found 'x'", "found a new line" or "found the end of the file".
  std::string found() const {
    if (atEnd())
      return "the end of the file";
    if (atNewline())
      return "a new line";
    unsigned char C = static_cast<unsigned char>(cur());
    if (C <= 0x20 || C >= 0x7f)
      return describeByte(C);
    // Show the word that starts here, bounded.
    size_t End = Pos + 1;
    while (End < Text.size() && End - Pos < 24 && isAlnum(Text[End]) &&
           isAlnum(C))
      ++End;
    return "'" + Text.slice(Pos, End).str() + "'";
  }

  static bool isControl(unsigned char C) {
    return (C < 0x20 && C != '\t') || C == 0x7f;
  }

  void skipBlanks() {
    while (cur() == ' ' || cur() == '\t')
      ++Pos;
  }
  bool comment() {
    if (cur() != '#')
      return true;
    for (++Pos; !atEnd() && !atNewline(); ++Pos)
      if (isControl(static_cast<unsigned char>(cur())))
        return error(Pos, describeByte(cur()) + " is not allowed in a comment");
    return true;
  }
  /// Blanks, an optional comment, then a new line or the end of the file.
  bool lineEnd(StringRef After) {
    skipBlanks();
    if (!comment())
      return false;
    if (atEnd())
      return true;
    if (cur() == '\n') {
      ++Pos;
      return true;
    }
    if (startsWith("\r\n")) {
      Pos += 2;
      return true;
    }
    return error(Pos, "unexpected " + found() + " after " + After +
                          "; expected a new line");
  }
  /// Blanks, comments and new lines (inside arrays).
  bool skipSpace() {
    for (;;) {
      skipBlanks();
      if (!comment())
        return false;
      if (cur() == '\n')
        ++Pos;
      else if (startsWith("\r\n"))
        Pos += 2;
      else
        return true;
    }
  }

  bool statement() {
    skipBlanks();
    if (atEnd() || cur() == '#' || atNewline())
      return lineEnd("a comment");
    if (cur() == '[')
      return header();
    if (!keyValue())
      return false;
    return lineEnd("a value");
  }

  bool header() {
    bool IsArray = startsWith("[[");
    Pos += IsArray ? 2 : 1;
    skipBlanks();
    if (!key())
      return false;
    skipBlanks();
    StringRef Close = IsArray ? "]]" : "]";
    if (!startsWith(Close))
      return error(Pos, "expected '" + Close +
                            "' to close the table header, "
                            "found " +
                            found());
    Pos += Close.size();
    return lineEnd("a table header");
  }

  bool key() {
    for (;;) {
      if (!simpleKey())
        return false;
      size_t Save = Pos;
      skipBlanks();
      if (cur() != '.') {
        Pos = Save;
        return true;
      }
      ++Pos;
      skipBlanks();
    }
  }

  bool simpleKey() {
    if (cur() == '"')
      return string('"', /*Multiline=*/false);
    if (cur() == '\'')
      return string('\'', /*Multiline=*/false);
    size_t Start = Pos;
    while (isBareKeyChar(cur()))
      ++Pos;
    if (Pos != Start)
      return true;
    return error(Pos, "expected a key, found " + found());
  }

  bool keyValue() {
    if (!key())
      return false;
    skipBlanks();
    if (cur() != '=')
      return error(Pos, "expected '=' after the key, found " + found());
    ++Pos;
    skipBlanks();
    return value(0);
  }

  bool value(unsigned Depth) {
    if (startsWith("\"\"\""))
      return string('"', /*Multiline=*/true);
    if (startsWith("'''"))
      return string('\'', /*Multiline=*/true);
    if (cur() == '"')
      return string('"', /*Multiline=*/false);
    if (cur() == '\'')
      return string('\'', /*Multiline=*/false);
    if (cur() == '[' || cur() == '{') {
      if (Depth >= MaxDepth)
        return error(Pos, "arrays and inline tables nested deeper than " +
                              Twine(MaxDepth) + " levels");
      return cur() == '[' ? array(Depth) : inlineTable(Depth);
    }
    return scalar();
  }

  /// Numbers, booleans and dates: checked loosely, tree-sitter decides.
  bool scalar() {
    size_t Start = Pos;
    auto IsScalarChar = [](char C) {
      return isAlnum(C) || C == '_' || C == '+' || C == '-' || C == '.' ||
             C == ':';
    };
    while (IsScalarChar(cur()))
      ++Pos;
    StringRef Token = Text.slice(Start, Pos);
    // `1979-05-27 07:32:00`: a date and a time separated by a space.
    if (Token.size() == 10 && Token[4] == '-' && cur() == ' ' &&
        Pos + 1 < Text.size() && isDigit(Text[Pos + 1])) {
      ++Pos;
      while (IsScalarChar(cur()))
        ++Pos;
    }
    if (Token.empty())
      return error(Start, "expected a value, found " + found());
    StringRef Unsigned = Token.ltrim("+-");
    if (Token == "true" || Token == "false" || Unsigned == "inf" ||
        Unsigned == "nan" || (!Unsigned.empty() && isDigit(Unsigned[0])))
      return true;
    return error(Start, "invalid value '" + Token.take_front(32) +
                            "'; strings need quotes");
  }

  bool escape(bool Multiline) {
    size_t Start = Pos;
    ++Pos;
    char C = cur();
    if (StringRef("btnfr\"\\").contains(C) && !atEnd()) {
      ++Pos;
      return true;
    }
    if (C == 'u' || C == 'U') {
      unsigned Len = C == 'u' ? 4 : 8;
      ++Pos;
      for (unsigned I = 0; I != Len; ++I, ++Pos)
        if (!isHexDigit(cur()))
          return error(Start, "invalid unicode escape '" +
                                  Text.slice(Start, Pos + 1) + "': \\" +
                                  Twine(C) + " takes " + Twine(Len) +
                                  " hex digits");
      return true;
    }
    if (Multiline && (C == ' ' || C == '\t' || atNewline())) {
      // A line-ending backslash: blanks, then a new line.
      skipBlanks();
      if (atNewline())
        return true;
    }
    if (atEnd() || atNewline())
      return error(Start, "unterminated string");
    return error(Start, "invalid escape sequence '\\" + Twine(C) + "'");
  }

  /// Scans a string delimited by \p Quote: `"` (basic, with escapes) or
  /// `'` (literal), on one line or, with \p Multiline, tripled.
  bool string(char Quote, bool Multiline) {
    size_t Start = Pos;
    Pos += Multiline ? 3 : 1;
    std::string Closing(Multiline ? 3 : 1, Quote);
    for (;;) {
      if (atEnd() || (!Multiline && atNewline()))
        return error(Start, "unterminated string");
      if (startsWith(Closing)) {
        Pos += Closing.size();
        // Up to two more quotes belong to a multi-line string.
        for (unsigned I = 0; Multiline && I != 2 && cur() == Quote; ++I)
          ++Pos;
        return true;
      }
      char C = cur();
      if (Quote == '"' && C == '\\') {
        if (!escape(Multiline))
          return false;
        continue;
      }
      if (Multiline && atNewline()) {
        Pos += cur() == '\r' ? 2 : 1;
        continue;
      }
      if (isControl(static_cast<unsigned char>(C)))
        return error(Pos, describeByte(C) + " is not allowed in a string");
      ++Pos;
    }
  }

  bool array(unsigned Depth) {
    size_t Start = Pos;
    ++Pos;
    for (;;) {
      if (!skipSpace())
        return false;
      if (cur() == ']') {
        ++Pos;
        return true;
      }
      if (atEnd())
        return error(Start, "unterminated array: no ']' before the end of "
                            "the file");
      if (!value(Depth + 1))
        return false;
      size_t ElementEnd = Pos;
      skipBlanks();
      bool SameLine = !atNewline() && !atEnd() && cur() != '#';
      if (!skipSpace())
        return false;
      if (cur() == ',') {
        ++Pos;
        continue;
      }
      if (cur() == ']') {
        ++Pos;
        return true;
      }
      if (atEnd())
        return error(Start, "unterminated array: no ']' before the end of "
                            "the file");
      if (!SameLine)
        return error(ElementEnd, "expected ',' or ']' after this array "
                                 "element, found " +
                                     found() + " on a later line");
      return error(Pos, "expected ',' or ']' after an array element, found " +
                            found());
    }
  }

  bool inlineTable(unsigned Depth) {
    ++Pos;
    skipBlanks();
    if (cur() == '}') {
      ++Pos;
      return true;
    }
    for (;;) {
      skipBlanks();
      if (!key())
        return false;
      skipBlanks();
      if (cur() != '=')
        return error(Pos, "expected '=' after the key, found " + found());
      ++Pos;
      skipBlanks();
      if (!value(Depth + 1))
        return false;
      skipBlanks();
      if (cur() == ',') {
        ++Pos;
        continue;
      }
      if (cur() == '}') {
        ++Pos;
        return true;
      }
      return error(Pos,
                   "expected ',' or '}' in an inline table, found " + found() +
                       (atNewline() ? "; inline tables fit on one line" : ""));
    }
  }
};

} // namespace

struct Parser::Impl {
  TSParser *TS;
  const Symbols &Syms;
  Impl() : TS((installAllocator(), ts_parser_new())), Syms(getSymbols()) {
    ts_parser_set_language(TS, tree_sitter_toml());
  }
  ~Impl() { ts_parser_delete(TS); }
};

namespace lambdaopt {
namespace toml {

/// Builds a Document from one syntax tree. The first error wins; later
/// calls return early once it is set.
class Builder {
public:
  Builder(StringRef Text, Document &Doc, const Symbols &Syms,
          const ParseOptions &Opts)
      : Text(Text), Doc(Doc), Alloc(Doc.Alloc), Syms(Syms), Opts(Opts) {}

  Error build(TSNode Root);

  /// Reads the arrays written one value per line (see "Arrays written one
  /// value per line" below) and returns the ranges tree-sitter must parse:
  /// everything but their bodies. Empty when there are none.
  std::vector<TSRange> readLineArrays();
  /// Notes in the document how many bodies the line reader read.
  void recordLineArrays() { Doc.LineArraysRead = LineArrays.size(); }
  /// True when the document read with line arrays cannot be trusted: it has
  /// an error, or tree-sitter did not place an array exactly at each body.
  bool lineArraysMismatched() const {
    return !LineArrays.empty() &&
           (Failed || LineArrayMismatch || NextLineArray != LineArrays.size());
  }

private:
  struct KeyPart {
    StringRef Name;
    SMRange Range;
  };
  using KeyPath = SmallVector<KeyPart, 4>;

  StringRef Text;
  Document &Doc;
  BumpPtrAllocator &Alloc;
  const Symbols &Syms;
  const ParseOptions &Opts;
  Error Err = Error::success();
  bool Failed = false;

  /// One array body read by the line reader: the offsets of its brackets
  /// and its elements.
  struct LineArray {
    uint32_t Open, Close;
    /// How deep arrays and inline tables nest below the array.
    unsigned Depth = 0;
    ArenaVector<Value *> Elements;
  };
  std::vector<LineArray> LineArrays;
  size_t NextLineArray = 0;
  bool LineArrayMismatch = false;

  const char *ptr(uint32_t Byte) const { return Text.data() + Byte; }
  SMRange rangeOf(TSNode N) const {
    return SMRange(SMLoc::getFromPointer(ptr(ts_node_start_byte(N))),
                   SMLoc::getFromPointer(ptr(ts_node_end_byte(N))));
  }
  StringRef textOf(TSNode N) const {
    uint32_t B = ts_node_start_byte(N), E = ts_node_end_byte(N);
    return Text.substr(B, E - B);
  }

  void fail(SMRange R, const Twine &Msg) {
    if (Failed)
      return;
    Failed = true;
    cantFail(std::move(Err));
    Err = makeSourceError(R, Msg);
  }
  void failWithNote(SMRange R, const Twine &Msg, SMLoc NoteLoc,
                    const Twine &Note) {
    if (Failed)
      return;
    Failed = true;
    cantFail(std::move(Err));
    Err = make_error<SourceError>(R, Msg.str(), NoteLoc, Note.str());
  }

  Value *newValue(ValueKind K, SMRange R) {
    Value *V = new (Alloc.Allocate<Value>()) Value(K);
    V->Range = R;
    return V;
  }
  Value *newTable(TableOrigin O, SMRange R) {
    Value *V = newValue(ValueKind::Table, R);
    V->Origin = O;
    return V;
  }
  StringRef save(StringRef S) {
    if (S.empty())
      return S;
    char *P = Alloc.Allocate<char>(S.size());
    std::memcpy(P, S.data(), S.size());
    return StringRef(P, S.size());
  }

  void firstSyntaxError(TSNode Root);
  void collectKey(TSNode N, KeyPath &Path);
  Value *descendForHeader(Value *Table, const KeyPart &Part);
  void handleHeader(TSNode N, bool IsArray, Value *&Current);
  void handlePair(TSNode N, Value *Table, unsigned Depth);
  Value *buildValue(TSNode N, unsigned Depth);
  bool decodeString(TSNode N, StringRef &Out);
  bool decodeEscapes(StringRef Raw, bool Multiline, SmallVectorImpl<char> &Out);
  Value *buildInteger(TSNode N);
  Value *buildFloat(TSNode N);

  SMRange rangeOf(const char *B, const char *E) const {
    return SMRange(SMLoc::getFromPointer(B), SMLoc::getFromPointer(E));
  }
  bool readLineArray(const char *&Line, uint32_t &Row, LineArray &Out);
  Value *readLineTable(const char *&P, const char *E, unsigned Level,
                       unsigned &MaxLevel);
  Value *readLineValue(const char *&P, const char *E, unsigned Level,
                       unsigned &MaxLevel);
  Value *readLineString(const char *&P, const char *E);
  bool adoptLineArray(TSNode N, unsigned Depth, Value *V);
};

} // namespace toml
} // namespace lambdaopt

/// Finds the first ERROR or MISSING node in document order and reports it.
void Builder::firstSyntaxError(TSNode Root) {
  SyntaxScanner Scanner(Text, Opts.MaxDepth);
  if (Scanner.findError()) {
    SMLoc At = SMLoc::getFromPointer(ptr(Scanner.getErrorOffset()));
    return fail(SMRange(At, At), Scanner.getMessage());
  }
  TSNode N = Root;
  // Descend to the earliest node that is itself an error, pruning subtrees
  // without errors. Iterative, so deep inputs cannot exhaust the stack.
  for (;;) {
    if (ts_node_is_missing(N) || ts_node_is_null(N) ||
        StringRef(ts_node_type(N)) == "ERROR")
      break;
    uint32_t Count = ts_node_child_count(N);
    TSNode Next = {};
    bool Found = false;
    TSTreeCursor C = ts_tree_cursor_new(N);
    if (ts_tree_cursor_goto_first_child(&C)) {
      do {
        TSNode Child = ts_tree_cursor_current_node(&C);
        if (ts_node_has_error(Child) || ts_node_is_missing(Child)) {
          Next = Child;
          Found = true;
          break;
        }
      } while (ts_tree_cursor_goto_next_sibling(&C));
    }
    ts_tree_cursor_delete(&C);
    if (!Found || Count == 0)
      break;
    N = Next;
  }

  uint32_t Begin = ts_node_start_byte(N);
  SMLoc Loc =
      SMLoc::getFromPointer(ptr(std::min<uint32_t>(Begin, Text.size())));
  if (ts_node_is_missing(N)) {
    StringRef What = ts_node_type(N);
    if (What.startswith("_line_ending"))
      return fail(SMRange(Loc, Loc), "invalid TOML: expected a new line here");
    if (What.startswith("_multiline") || What == "\"" || What == "'")
      return fail(SMRange(Loc, Loc), "invalid TOML: unterminated string");
    return fail(SMRange(Loc, Loc),
                "invalid TOML: expected '" + What + "' here");
  }
  // Report the first byte that is not blank in the error node.
  uint32_t End = ts_node_end_byte(N);
  while (Begin < End && (Text[Begin] == ' ' || Text[Begin] == '\t'))
    ++Begin;
  if (Begin >= Text.size())
    return fail(SMRange(SMLoc::getFromPointer(ptr(Text.size())),
                        SMLoc::getFromPointer(ptr(Text.size()))),
                "invalid TOML: unexpected end of file");
  Loc = SMLoc::getFromPointer(ptr(Begin));
  char C = Text[Begin];
  if (C == '"' || C == '\'') {
    StringRef Rest = Text.substr(Begin + 1);
    size_t NL = Rest.find('\n');
    if (Rest.substr(0, NL).find(C) == StringRef::npos)
      return fail(SMRange(Loc, Loc), "invalid TOML: unterminated string");
  }
  if (static_cast<unsigned char>(C) < 0x20 && C != '\n' && C != '\r' &&
      C != '\t')
    return fail(SMRange(Loc, Loc),
                "invalid TOML: " + describeByte(C) + " is not allowed here");
  // Show the offending token: up to the next blank, bounded.
  size_t Len = 0;
  while (Begin + Len < Text.size() && Len < 24 && !isSpace(Text[Begin + Len]) &&
         Text[Begin + Len] != '\n')
    ++Len;
  if (Len == 0)
    Len = 1;
  std::string Shown;
  for (char Ch : Text.substr(Begin, Len))
    Shown += isPrint(Ch)
                 ? std::string(1, Ch)
                 : "\\x" + utohexstr(static_cast<unsigned char>(Ch), false, 2);
  fail(SMRange(Loc, Loc), "invalid TOML: unexpected '" + Shown + "'");
}

void Builder::collectKey(TSNode N, KeyPath &Path) {
  TSSymbol S = ts_node_symbol(N);
  if (S == Syms.DottedKey) {
    TSTreeCursor C = ts_tree_cursor_new(N);
    if (ts_tree_cursor_goto_first_child(&C)) {
      do {
        TSNode Child = ts_tree_cursor_current_node(&C);
        if (ts_node_is_named(Child))
          collectKey(Child, Path);
      } while (ts_tree_cursor_goto_next_sibling(&C));
    }
    ts_tree_cursor_delete(&C);
    return;
  }
  KeyPart Part;
  Part.Range = rangeOf(N);
  if (S == Syms.BareKey) {
    Part.Name = textOf(N);
  } else if (!decodeString(N, Part.Name)) {
    return;
  }
  Path.push_back(Part);
}

/// "a table", "an integer", ...
static std::string withArticle(ValueKind Kind) {
  StringRef Name = getKindName(Kind);
  bool Vowel = StringRef("aeiou").contains(Name.front());
  return ((Vowel ? "an " : "a ") + Name).str();
}

static std::string dottedName(ArrayRef<StringRef> Parts) {
  std::string S;
  for (StringRef P : Parts) {
    if (!S.empty())
      S += '.';
    S += P.str();
  }
  return S;
}

/// Steps into \p Part of \p Table on the way to a header's table, creating an
/// implicit table when absent. Returns null (after reporting) when the key
/// holds something a header cannot extend.
Value *Builder::descendForHeader(Value *Table, const KeyPart &Part) {
  const Entry *E = Table->findEntry(Part.Name);
  if (!E) {
    Value *T = newTable(TableOrigin::Implicit, Part.Range);
    Table->Entries.push_back(Alloc, {Part.Name, Part.Range, T});
    return T;
  }
  Value *V = E->Val;
  if (V->isTable()) {
    if (V->Origin == TableOrigin::Inline) {
      failWithNote(Part.Range,
                   "invalid TOML: cannot extend inline table '" + Part.Name +
                       "'",
                   E->KeyRange.Start, "'" + Part.Name + "' is defined here");
      return nullptr;
    }
    return V;
  }
  if (V->isArrayOfTables() && !V->Elements.empty())
    return V->Elements[V->Elements.size() - 1];
  failWithNote(Part.Range,
               "invalid TOML: key '" + Part.Name + "' is already " +
                   withArticle(V->getKind()) + ", not a table",
               E->KeyRange.Start, "'" + Part.Name + "' is defined here");
  return nullptr;
}

void Builder::handleHeader(TSNode N, bool IsArray, Value *&Current) {
  KeyPath Path;
  TSNode KeyNode = {};
  TSTreeCursor C = ts_tree_cursor_new(N);
  bool HaveKey = false;
  if (ts_tree_cursor_goto_first_child(&C)) {
    do {
      TSNode Child = ts_tree_cursor_current_node(&C);
      if (ts_node_is_named(Child)) {
        KeyNode = Child;
        HaveKey = true;
        break;
      }
    } while (ts_tree_cursor_goto_next_sibling(&C));
  }
  ts_tree_cursor_delete(&C);
  if (!HaveKey)
    return fail(rangeOf(N), "invalid TOML: table header without a key");
  collectKey(KeyNode, Path);
  if (Failed)
    return;

  // The header's own text, `[a.b]` or `[[a.b]]`, is the table's range.
  uint32_t HeaderEnd = ts_node_end_byte(KeyNode) + (IsArray ? 2 : 1);
  SMRange HeaderRange(SMLoc::getFromPointer(ptr(ts_node_start_byte(N))),
                      SMLoc::getFromPointer(ptr(HeaderEnd)));

  Value *T = Doc.Root;
  for (size_t I = 0, E = Path.size() - 1; I != E; ++I) {
    T = descendForHeader(T, Path[I]);
    if (!T)
      return;
  }
  const KeyPart &Last = Path.back();
  const Entry *Existing = T->findEntry(Last.Name);
  SmallVector<StringRef, 4> Names;
  for (const KeyPart &P : Path)
    Names.push_back(P.Name);

  if (IsArray) {
    Value *Arr;
    if (!Existing) {
      Arr = newValue(ValueKind::Array, HeaderRange);
      Arr->ArrayOfTables = true;
      T->Entries.push_back(Alloc, {Last.Name, Last.Range, Arr});
    } else if (Existing->Val->isArrayOfTables()) {
      Arr = Existing->Val;
    } else {
      return failWithNote(HeaderRange,
                          "invalid TOML: cannot define [[" + dottedName(Names) +
                              "]]: the key is already " +
                              withArticle(Existing->Val->getKind()),
                          Existing->KeyRange.Start, "first defined here");
    }
    Value *Elt = newTable(TableOrigin::Header, HeaderRange);
    Arr->Elements.push_back(Alloc, Elt);
    Current = Elt;
    return;
  }

  if (!Existing) {
    Value *NewT = newTable(TableOrigin::Header, HeaderRange);
    T->Entries.push_back(Alloc, {Last.Name, Last.Range, NewT});
    Current = NewT;
    return;
  }
  Value *V = Existing->Val;
  if (V->isTable() && V->Origin == TableOrigin::Implicit) {
    V->Origin = TableOrigin::Header;
    V->Range = HeaderRange;
    Current = V;
    return;
  }
  if (V->isTable() && V->Origin == TableOrigin::Inline)
    return failWithNote(HeaderRange,
                        "invalid TOML: cannot extend inline table '" +
                            dottedName(Names) + "' with a table header",
                        Existing->KeyRange.Start,
                        "'" + Last.Name + "' is defined here");
  failWithNote(HeaderRange,
               "invalid TOML: duplicate table [" + dottedName(Names) + "]",
               Existing->KeyRange.Start, "first defined here");
}

void Builder::handlePair(TSNode N, Value *Table, unsigned Depth) {
  KeyPath Path;
  TSNode ValueNode = {};
  bool HaveKey = false, HaveValue = false;
  TSTreeCursor C = ts_tree_cursor_new(N);
  if (ts_tree_cursor_goto_first_child(&C)) {
    do {
      TSNode Child = ts_tree_cursor_current_node(&C);
      if (!ts_node_is_named(Child))
        continue;
      TSSymbol S = ts_node_symbol(Child);
      if (S == Syms.Comment)
        continue;
      if (!HaveKey) {
        collectKey(Child, Path);
        HaveKey = true;
        continue;
      }
      ValueNode = Child;
      HaveValue = true;
      break;
    } while (ts_tree_cursor_goto_next_sibling(&C));
  }
  ts_tree_cursor_delete(&C);
  if (Failed)
    return;
  if (!HaveKey || !HaveValue || Path.empty())
    return fail(rangeOf(N), "invalid TOML: incomplete key/value pair");

  Value *T = Table;
  for (size_t I = 0, E = Path.size() - 1; I != E; ++I) {
    const KeyPart &Part = Path[I];
    const Entry *Existing = T->findEntry(Part.Name);
    if (!Existing) {
      Value *NewT = newTable(TableOrigin::Dotted, Part.Range);
      T->Entries.push_back(Alloc, {Part.Name, Part.Range, NewT});
      T = NewT;
      continue;
    }
    Value *V = Existing->Val;
    if (!V->isTable() || V->Origin == TableOrigin::Inline ||
        V->Origin == TableOrigin::Header)
      return failWithNote(Part.Range,
                          "invalid TOML: cannot extend '" + Part.Name +
                              "' with a dotted key: it is already defined",
                          Existing->KeyRange.Start, "first defined here");
    T = V;
  }
  const KeyPart &Last = Path.back();
  if (const Entry *Existing = T->findEntry(Last.Name))
    return failWithNote(Last.Range,
                        "invalid TOML: duplicate key '" + Last.Name + "'",
                        Existing->KeyRange.Start, "first defined here");
  Value *V = buildValue(ValueNode, Depth);
  if (!V)
    return;
  T->Entries.push_back(Alloc, {Last.Name, Last.Range, V});
}

Value *Builder::buildValue(TSNode N, unsigned Depth) {
  if (Failed)
    return nullptr;
  TSSymbol S = ts_node_symbol(N);
  SMRange R = rangeOf(N);
  if (S == Syms.String) {
    StringRef Str;
    if (!decodeString(N, Str))
      return nullptr;
    Value *V = newValue(ValueKind::String, R);
    V->Str = Str;
    return V;
  }
  if (S == Syms.Integer)
    return buildInteger(N);
  if (S == Syms.Float)
    return buildFloat(N);
  if (S == Syms.Boolean) {
    Value *V = newValue(ValueKind::Boolean, R);
    V->Bool = textOf(N) == "true";
    return V;
  }
  ValueKind DateKind;
  bool IsDate = true;
  if (S == Syms.OffsetDateTime)
    DateKind = ValueKind::OffsetDateTime;
  else if (S == Syms.LocalDateTime)
    DateKind = ValueKind::LocalDateTime;
  else if (S == Syms.LocalDate)
    DateKind = ValueKind::LocalDate;
  else if (S == Syms.LocalTime)
    DateKind = ValueKind::LocalTime;
  else
    IsDate = false;
  if (IsDate) {
    Value *V = newValue(DateKind, R);
    V->Str = textOf(N);
    return V;
  }

  bool IsArray = S == Syms.Array;
  if (!IsArray && S != Syms.InlineTable) {
    fail(R, "invalid TOML: unexpected '" + StringRef(ts_node_type(N)) + "'");
    return nullptr;
  }
  if (Depth >= Opts.MaxDepth) {
    fail(SMRange(R.Start, R.Start),
         "invalid TOML: arrays and inline tables nested deeper than " +
             Twine(Opts.MaxDepth) + " levels");
    return nullptr;
  }
  Value *V = IsArray ? newValue(ValueKind::Array, R)
                     : newTable(TableOrigin::Implicit, R);
  if (IsArray && NextLineArray != LineArrays.size() &&
      adoptLineArray(N, Depth, V))
    return Failed ? nullptr : V;
  TSTreeCursor C = ts_tree_cursor_new(N);
  if (ts_tree_cursor_goto_first_child(&C)) {
    do {
      TSNode Child = ts_tree_cursor_current_node(&C);
      if (!ts_node_is_named(Child))
        continue;
      TSSymbol CS = ts_node_symbol(Child);
      if (CS == Syms.Comment)
        continue;
      if (IsArray) {
        Value *Elt = buildValue(Child, Depth + 1);
        if (!Elt)
          break;
        V->Elements.push_back(Alloc, Elt);
      } else {
        handlePair(Child, V, Depth + 1);
        if (Failed)
          break;
      }
    } while (ts_tree_cursor_goto_next_sibling(&C));
  }
  ts_tree_cursor_delete(&C);
  if (Failed)
    return nullptr;
  if (!IsArray)
    V->Origin = TableOrigin::Inline;
  return V;
}

Value *Builder::buildInteger(TSNode N) {
  StringRef T = textOf(N);
  SmallString<32> Digits;
  for (char C : T)
    if (C != '_')
      Digits.push_back(C);
  StringRef D = Digits;
  bool Negative = D.consume_front("-");
  if (!Negative)
    D.consume_front("+");
  unsigned Radix = 10;
  if (D.consume_front("0x"))
    Radix = 16;
  else if (D.consume_front("0o"))
    Radix = 8;
  else if (D.consume_front("0b"))
    Radix = 2;
  uint64_t U;
  uint64_t Limit = Negative ? uint64_t(INT64_MAX) + 1 : uint64_t(INT64_MAX);
  if (D.getAsInteger(Radix, U) || U > Limit) {
    fail(rangeOf(N), "invalid TOML: integer " + T + " does not fit in 64 bits");
    return nullptr;
  }
  Value *V = newValue(ValueKind::Integer, rangeOf(N));
  V->Int = Negative ? static_cast<int64_t>(0 - U) : static_cast<int64_t>(U);
  V->Str = T;
  return V;
}

Value *Builder::buildFloat(TSNode N) {
  StringRef T = textOf(N);
  SmallString<32> Digits;
  for (char C : T)
    if (C != '_')
      Digits.push_back(C);
  Value *V = newValue(ValueKind::Float, rangeOf(N));
  V->Str = T;
  StringRef D = Digits;
  StringRef Unsigned = D.ltrim("+-");
  if (Unsigned == "inf")
    V->Float = D.startswith("-") ? -HUGE_VAL : HUGE_VAL;
  else if (Unsigned == "nan")
    V->Float = NAN;
  else
    V->Float = std::strtod(Digits.c_str(), nullptr);
  return V;
}

/// Decodes a string or quoted-key node. Strings without escapes reference
/// the buffer; the rest are decoded into the document's allocator.
bool Builder::decodeString(TSNode N, StringRef &Out) {
  StringRef T = textOf(N);
  bool Multiline = T.startswith("\"\"\"") || T.startswith("'''");
  bool Literal = T.startswith("'");
  size_t Quote = Multiline ? 3 : 1;
  if (T.size() < 2 * Quote) {
    fail(rangeOf(N), "invalid TOML: unterminated string");
    return false;
  }
  StringRef Raw = T.substr(Quote, T.size() - 2 * Quote);
  if (Multiline) {
    // A newline right after the opening delimiter is trimmed.
    if (Raw.startswith("\r\n"))
      Raw = Raw.drop_front(2);
    else if (Raw.startswith("\n"))
      Raw = Raw.drop_front(1);
  }
  if (Literal) {
    Out = Raw;
    return true;
  }
  if (Raw.find('\\') == StringRef::npos) {
    Out = Raw;
    return true;
  }
  SmallString<128> Buf;
  if (!decodeEscapes(Raw, Multiline, Buf))
    return false;
  Out = save(Buf);
  return true;
}

bool Builder::decodeEscapes(StringRef Raw, bool Multiline,
                            SmallVectorImpl<char> &Out) {
  for (size_t I = 0, E = Raw.size(); I < E; ++I) {
    char C = Raw[I];
    if (C != '\\') {
      Out.push_back(C);
      continue;
    }
    SMLoc Loc = SMLoc::getFromPointer(Raw.data() + I);
    if (I + 1 >= E) {
      fail(SMRange(Loc, Loc), "invalid TOML: incomplete escape sequence");
      return false;
    }
    char Next = Raw[++I];
    switch (Next) {
    case 'b':
      Out.push_back('\b');
      continue;
    case 't':
      Out.push_back('\t');
      continue;
    case 'n':
      Out.push_back('\n');
      continue;
    case 'f':
      Out.push_back('\f');
      continue;
    case 'r':
      Out.push_back('\r');
      continue;
    case '"':
      Out.push_back('"');
      continue;
    case '\\':
      Out.push_back('\\');
      continue;
    case 'u':
    case 'U': {
      unsigned Len = Next == 'u' ? 4 : 8;
      uint32_t CodePoint;
      if (I + Len >= E) {
        fail(SMRange(Loc, Loc), "invalid TOML: incomplete unicode escape");
        return false;
      }
      if (Raw.substr(I + 1, Len).getAsInteger(16, CodePoint) ||
          Raw.substr(I + 1, Len).size() != Len) {
        fail(SMRange(Loc, Loc), "invalid TOML: malformed unicode escape");
        return false;
      }
      if (CodePoint > 0x10FFFF ||
          (CodePoint >= 0xD800 && CodePoint <= 0xDFFF)) {
        fail(SMRange(Loc, Loc), "invalid TOML: \\" + Twine(Next) +
                                    " escape is not a unicode "
                                    "scalar value");
        return false;
      }
      char Buf[UNI_MAX_UTF8_BYTES_PER_CODE_POINT];
      char *P = Buf;
      ConvertCodePointToUTF8(CodePoint, P);
      Out.append(Buf, P);
      I += Len;
      continue;
    }
    default:
      break;
    }
    if (Multiline &&
        (Next == ' ' || Next == '\t' || Next == '\n' || Next == '\r')) {
      // A line-ending backslash trims all whitespace up to the next
      // non-blank character, newlines included.
      size_t J = I;
      bool SawNewline = false;
      while (J < E && (Raw[J] == ' ' || Raw[J] == '\t' || Raw[J] == '\n' ||
                       Raw[J] == '\r')) {
        SawNewline |= Raw[J] == '\n';
        ++J;
      }
      if (SawNewline) {
        I = J - 1;
        continue;
      }
    }
    fail(SMRange(Loc, Loc),
         "invalid TOML: unknown escape sequence '\\" + Twine(Next) + "'");
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Arrays written one value per line
//===----------------------------------------------------------------------===//
//
// Nine tenths of a uv.lock are array bodies that uv writes one value (mostly
// an inline table) per line:
//
//   wheels = [
//       { url = "https://...", hash = "sha256:...", size = 1234 },
//   ]
//
// and tree-sitter spends nearly all of its time on their ~30 tokens a line.
// Before tree-sitter runs, the builder reads such bodies itself with a line
// reader for a strict subset of TOML: one value per line and a comma after
// each but the last, no comments, no blank lines; values are basic strings of
// printable ASCII without escapes, decimal integers below 10^18 without sign
// or underscores, booleans, and one-line arrays and inline tables of those
// (bare keys starting with a letter, at most 8 levels deep). The parse
// then runs with tree-sitter's included ranges set to everything but those
// bodies, so tree-sitter sees `wheels = []`, and the builder hands each
// array the elements read for it.
//
// A body with any line outside the subset is left to tree-sitter (a nested
// body inside it, on lines of its own, may still be read). The
// result is used only when tree-sitter found no error and placed an array
// exactly on the brackets of every body read (which proves that each `[` is
// a value and not, say, text inside a multi-line string); otherwise the text
// is parsed again without line arrays, so errors and unusual layouts come
// out exactly as tree-sitter alone reads them.

static bool isBlankChar(char C) { return C == ' ' || C == '\t'; }

static const char *skipBlankChars(const char *P, const char *E) {
  while (P != E && isBlankChar(*P))
    ++P;
  return P;
}

/// The end of the line at \p P: its '\n', or null when the text ends first.
static const char *findLineEnd(const char *P, const char *E) {
  return static_cast<const char *>(std::memchr(P, '\n', E - P));
}

/// A value ends at a blank or at the delimiter that follows it.
static bool endsValue(const char *P, const char *E) {
  return P == E || isBlankChar(*P) || *P == ',' || *P == '}' || *P == ']';
}

/// Whether \p C ends ('"') or spoils a basic string the line reader reads
/// itself: escapes, control characters and non-ASCII text go to tree-sitter.
static bool isStringStop(unsigned char C) {
  return C == '"' || C == '\\' || C >= 0x7f || (C < 0x20 && C != '\t');
}

/// The first byte from \p P that isStringStop, or \p E. Strings are most of
/// a lock's bytes (URLs, hashes), so this looks at 16 bytes a step where
/// SSE2 is there (bench/parse_bench.py measures it).
static const char *findStringStop(const char *P, const char *E) {
#if defined(__SSE2__)
  const __m128i Quote = _mm_set1_epi8('"');
  const __m128i Backslash = _mm_set1_epi8('\\');
  const __m128i Space = _mm_set1_epi8(0x20);
  const __m128i Tab = _mm_set1_epi8('\t');
  const __m128i Del = _mm_set1_epi8(0x7f);
  for (; E - P >= 16; P += 16) {
    __m128i V = _mm_loadu_si128(reinterpret_cast<const __m128i *>(P));
    // Compared as signed bytes, non-ASCII ones (>= 0x80) are below 0x20 too.
    __m128i Control =
        _mm_andnot_si128(_mm_cmpeq_epi8(V, Tab), _mm_cmplt_epi8(V, Space));
    __m128i Stop = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(V, Quote), _mm_cmpeq_epi8(V, Backslash)),
        _mm_or_si128(Control, _mm_cmpeq_epi8(V, Del)));
    if (unsigned Mask = static_cast<unsigned>(_mm_movemask_epi8(Stop)))
      return P + countTrailingZeros(Mask);
  }
#endif
  while (P != E && !isStringStop(static_cast<unsigned char>(*P)))
    ++P;
  return P;
}

Value *Builder::readLineString(const char *&P, const char *E) {
  const char *Start = P++;
  P = findStringStop(P, E);
  if (P == E || *P != '"')
    return nullptr;
  ++P;
  Value *V = newValue(ValueKind::String, rangeOf(Start, P));
  V->Str = StringRef(Start + 1, P - Start - 2);
  return V;
}

/// Nesting the line reader handles itself; deeper lines go to tree-sitter.
static constexpr unsigned MaxLineNesting = 8;

Value *Builder::readLineValue(const char *&P, const char *E, unsigned Level,
                              unsigned &MaxLevel) {
  const char *Start = P;
  char C = *P;
  if (C == '"')
    return readLineString(P, E);
  if (isDigit(C)) {
    uint64_t N = 0;
    while (P != E && isDigit(*P) && P - Start < 18)
      N = N * 10 + (*P++ - '0');
    if (!endsValue(P, E) || (*Start == '0' && P - Start > 1))
      return nullptr;
    Value *V = newValue(ValueKind::Integer, rangeOf(Start, P));
    V->Int = static_cast<int64_t>(N);
    V->Str = StringRef(Start, P - Start);
    return V;
  }
  if (C == 't' || C == 'f') {
    StringRef Word = C == 't' ? "true" : "false";
    if (static_cast<size_t>(E - P) < Word.size() ||
        StringRef(P, Word.size()) != Word || !endsValue(P + Word.size(), E))
      return nullptr;
    P += Word.size();
    Value *V = newValue(ValueKind::Boolean, rangeOf(Start, P));
    V->Bool = C == 't';
    return V;
  }
  if (C != '[' && C != '{')
    return nullptr;
  if (Level > MaxLineNesting)
    return nullptr;
  MaxLevel = std::max(MaxLevel, Level);
  if (C == '{')
    return readLineTable(P, E, Level, MaxLevel);
  // An array on one line.
  Value *A = newValue(ValueKind::Array, SMRange());
  P = skipBlankChars(P + 1, E);
  while (P != E && *P != ']') {
    Value *Elt = readLineValue(P, E, Level + 1, MaxLevel);
    if (!Elt)
      return nullptr;
    A->Elements.push_back(Alloc, Elt);
    P = skipBlankChars(P, E);
    if (P != E && *P == ',')
      P = skipBlankChars(P + 1, E);
    else if (P == E || *P != ']')
      return nullptr;
  }
  if (P == E)
    return nullptr;
  ++P;
  A->Range = rangeOf(Start, P);
  return A;
}

Value *Builder::readLineTable(const char *&P, const char *E, unsigned Level,
                              unsigned &MaxLevel) {
  const char *Start = P++;
  Value *T = newTable(TableOrigin::Implicit, SMRange());
  for (;;) {
    P = skipBlankChars(P, E);
    const char *Key = P;
    if (P == E || !isAlpha(*P))
      return nullptr;
    while (P != E && isBareKeyChar(*P))
      ++P;
    StringRef Name(Key, P - Key);
    // Keys that read as values elsewhere are left to tree-sitter.
    if (Name == "true" || Name == "false" || Name == "inf" || Name == "nan" ||
        T->findEntry(Name))
      return nullptr;
    SMRange KeyRange = rangeOf(Key, P);
    P = skipBlankChars(P, E);
    if (P == E || *P != '=')
      return nullptr;
    P = skipBlankChars(P + 1, E);
    if (P == E)
      return nullptr;
    Value *V = readLineValue(P, E, Level + 1, MaxLevel);
    if (!V)
      return nullptr;
    T->Entries.push_back(Alloc, {Name, KeyRange, V});
    P = skipBlankChars(P, E);
    if (P == E)
      return nullptr;
    if (*P == ',') {
      ++P;
      continue;
    }
    if (*P != '}')
      return nullptr;
    ++P;
    T->Range = rangeOf(Start, P);
    T->Origin = TableOrigin::Inline;
    return T;
  }
}

/// Reads the body that follows the line \p Line, which ends with `= [`:
/// one value per line, each but the last followed by a comma.
/// On success \p Line and \p Row move to the line of the closing bracket; on
/// failure, to the first line that is not part of the body.
bool Builder::readLineArray(const char *&Line, uint32_t &Row, LineArray &Out) {
  const char *TextEnd = Text.end();
  bool NeedsComma = false;
  for (;;) {
    // The closing bracket may be on the last line, without a new line.
    const char *NL = findLineEnd(Line, TextEnd);
    bool LastLine = !NL;
    if (LastLine)
      NL = TextEnd;
    const char *End = NL != Line && NL[-1] == '\r' ? NL - 1 : NL;
    const char *P = skipBlankChars(Line, End);
    if (P == End)
      return false;
    if (*P == ']') {
      if (Out.Elements.empty())
        return false;
      Out.Close = static_cast<uint32_t>(P - Text.begin());
      return true;
    }
    if (NeedsComma || LastLine)
      return false;
    Value *V = readLineValue(P, End, 1, Out.Depth);
    if (!V)
      return false;
    P = skipBlankChars(P, End);
    NeedsComma = P == End || *P != ',';
    if (!NeedsComma)
      P = skipBlankChars(P + 1, End);
    if (P != End)
      return false;
    Out.Elements.push_back(Alloc, V);
    Line = NL + 1;
    ++Row;
  }
}

std::vector<TSRange> Builder::readLineArrays() {
  std::vector<TSRange> Included;
  const char *Begin = Text.begin(), *TextEnd = Text.end();
  auto Offset = [&](const char *P) { return static_cast<uint32_t>(P - Begin); };
  TSRange Next = {{0, 0}, {0, 0}, 0, 0};
  uint32_t Row = 0;
  const char *Line = Begin;
  while (const char *NL = findLineEnd(Line, TextEnd)) {
    // Does the line end with `= [`?
    const char *Last = NL != Line && NL[-1] == '\r' ? NL - 1 : NL;
    while (Last != Line && isBlankChar(Last[-1]))
      --Last;
    const char *Eq = Last;
    if (Eq != Line && Eq[-1] == '[') {
      --Eq;
      while (Eq != Line && isBlankChar(Eq[-1]))
        --Eq;
    }
    if (Eq == Last || Eq == Line || Eq[-1] != '=') {
      Line = NL + 1;
      ++Row;
      continue;
    }
    const char *Open = Last - 1;
    uint32_t OpenRow = Row;
    const char *OpenLine = Line;
    LineArray A;
    A.Open = Offset(Open);
    Line = NL + 1;
    ++Row;
    if (!readLineArray(Line, Row, A))
      continue;
    Next.end_byte = A.Open + 1;
    Next.end_point = {OpenRow, Offset(Open + 1) - Offset(OpenLine)};
    Included.push_back(Next);
    Next.start_byte = A.Close;
    Next.start_point = {Row, A.Close - Offset(Line)};
    LineArrays.push_back(A);
  }
  if (LineArrays.empty())
    return Included;
  Next.end_byte = UINT32_MAX;
  Next.end_point = {UINT32_MAX, UINT32_MAX};
  Included.push_back(Next);
  return Included;
}

/// Gives \p V, the array node \p N, the elements read for it when \p N is
/// the next line array. Returns false when \p N is not one.
bool Builder::adoptLineArray(TSNode N, unsigned Depth, Value *V) {
  uint32_t Start = ts_node_start_byte(N);
  // A body whose bracket tree-sitter skipped was not an array after all.
  while (NextLineArray != LineArrays.size() &&
         LineArrays[NextLineArray].Open < Start) {
    LineArrayMismatch = true;
    ++NextLineArray;
  }
  if (NextLineArray == LineArrays.size() ||
      LineArrays[NextLineArray].Open != Start)
    return false;
  const LineArray &A = LineArrays[NextLineArray++];
  if (ts_node_end_byte(N) != A.Close + 1 || Depth + A.Depth >= Opts.MaxDepth) {
    LineArrayMismatch = true;
    fail(rangeOf(N), "invalid TOML: array body not where it was read");
    return true;
  }
  V->Elements = A.Elements;
  return true;
}

Error Builder::build(TSNode Root) {
  Doc.Root = newTable(TableOrigin::Root, rangeOf(Root));
  if (ts_node_has_error(Root)) {
    firstSyntaxError(Root);
    return std::move(Err);
  }
  Value *Current = Doc.Root;
  TSTreeCursor C = ts_tree_cursor_new(Root);
  if (ts_tree_cursor_goto_first_child(&C)) {
    do {
      TSNode Child = ts_tree_cursor_current_node(&C);
      if (!ts_node_is_named(Child))
        continue;
      TSSymbol S = ts_node_symbol(Child);
      if (S == Syms.Pair) {
        handlePair(Child, Current, 0);
      } else if (S == Syms.Table || S == Syms.TableArray) {
        handleHeader(Child, S == Syms.TableArray, Current);
        if (Failed)
          break;
        // The header's pairs are children of the table node.
        TSTreeCursor PC = ts_tree_cursor_new(Child);
        if (ts_tree_cursor_goto_first_child(&PC)) {
          do {
            TSNode P = ts_tree_cursor_current_node(&PC);
            if (ts_node_symbol(P) == Syms.Pair)
              handlePair(P, Current, 0);
          } while (!Failed && ts_tree_cursor_goto_next_sibling(&PC));
        }
        ts_tree_cursor_delete(&PC);
      }
      if (Failed)
        break;
    } while (ts_tree_cursor_goto_next_sibling(&C));
  }
  ts_tree_cursor_delete(&C);
  return std::move(Err);
}

Parser::Parser() : P(new Impl()) {}
Parser::~Parser() { delete P; }

/// Parses \p Text with \p TS into \p Doc: with line arrays when \p Opts
/// allows them, and again without them when that result cannot be trusted.
/// \p FreeTrees is false in a scratch arena, where trees are dropped whole.
static Error parseWith(TSParser *TS, const Symbols &Syms, StringRef Text,
                       Document &Doc, const ParseOptions &Opts,
                       bool FreeTrees) {
  Doc.reset();
  if (Text.size() >= UINT32_MAX)
    return makeSourceError(SMLoc::getFromPointer(Text.data()),
                           "input is larger than 4 GiB");
  for (bool LineArrays : {Opts.LineArrays, false}) {
    Doc.reset();
    Builder B(Text, Doc, Syms, Opts);
    std::vector<TSRange> Included;
    if (LineArrays)
      Included = B.readLineArrays();
    // No ranges means the whole text.
    if (!ts_parser_set_included_ranges(TS, Included.data(),
                                       static_cast<uint32_t>(Included.size())))
      return makeSourceError(SMLoc::getFromPointer(Text.data()),
                             "the TOML parser refused its input ranges");
    TSTree *Tree = ts_parser_parse_string(TS, nullptr, Text.data(),
                                          static_cast<uint32_t>(Text.size()));
    if (!Tree)
      return makeSourceError(SMLoc::getFromPointer(Text.data()),
                             "the TOML parser gave up on this input");
    Error E = B.build(ts_tree_root_node(Tree));
    if (FreeTrees)
      ts_tree_delete(Tree);
    if (!B.lineArraysMismatched()) {
      if (!E)
        B.recordLineArrays();
      return E;
    }
    consumeError(std::move(E));
  }
  llvm_unreachable("the parse without line arrays always returns");
}

Error Parser::parse(StringRef Text, Document &Doc, const ParseOptions &Opts) {
  return parseWith(P->TS, P->Syms, Text, Doc, Opts, /*FreeTrees=*/true);
}

Error Parser::parseWithScratch(StringRef Text, Document &Doc,
                               BumpPtrAllocator &Scratch,
                               const ParseOptions &Opts) {
  installAllocator();
  ArenaScope Scope(Scratch);
  // The parser, its stacks and the tree all live in Scratch; none of them
  // is freed here.
  TSParser *TS = ts_parser_new();
  ts_parser_set_language(TS, tree_sitter_toml());
  return parseWith(TS, getSymbols(), Text, Doc, Opts, /*FreeTrees=*/false);
}
