//===- Parser.cpp - tree-sitter TOML to the located document model --------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// tree-sitter gives a concrete syntax tree that tolerates errors. This file
// walks it once with a cursor (node children are never indexed, which would
// be quadratic), builds the document model, and reports the first syntax or
// semantic error with its exact position.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Support/SourceError.h"
#include "lambda-opt/TOML/TOML.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemAlloc.h"
#include "llvm/Support/raw_ostream.h"

#include <tree_sitter/api.h>

#include <cerrno>
#include <cstdlib>

extern "C" const TSLanguage *tree_sitter_toml();

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

  static bool isBareKeyChar(char C) {
    return isAlnum(C) || C == '_' || C == '-';
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
          const ParseLimits &Limits)
      : Text(Text), Doc(Doc), Alloc(Doc.Alloc), Syms(Syms), Limits(Limits) {}

  Error build(TSNode Root);

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
  const ParseLimits &Limits;
  Error Err = Error::success();
  bool Failed = false;

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
};

} // namespace toml
} // namespace lambdaopt

/// Finds the first ERROR or MISSING node in document order and reports it.
void Builder::firstSyntaxError(TSNode Root) {
  SyntaxScanner Scanner(Text, Limits.MaxDepth);
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
  if (Depth >= Limits.MaxDepth) {
    fail(SMRange(R.Start, R.Start),
         "invalid TOML: arrays and inline tables nested deeper than " +
             Twine(Limits.MaxDepth) + " levels");
    return nullptr;
  }
  Value *V = IsArray ? newValue(ValueKind::Array, R)
                     : newTable(TableOrigin::Implicit, R);
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

Error Parser::parse(StringRef Text, Document &Doc, const ParseLimits &Limits) {
  Doc.reset();
  if (Text.size() > UINT32_MAX)
    return makeSourceError(SMLoc::getFromPointer(Text.data()),
                           "input is larger than 4 GiB");
  TSTree *Tree = ts_parser_parse_string(P->TS, nullptr, Text.data(),
                                        static_cast<uint32_t>(Text.size()));
  if (!Tree)
    return makeSourceError(SMLoc::getFromPointer(Text.data()),
                           "the TOML parser gave up on this input");
  Builder B(Text, Doc, P->Syms, Limits);
  Error E = B.build(ts_tree_root_node(Tree));
  ts_tree_delete(Tree);
  return E;
}

Error Parser::parseWithScratch(StringRef Text, Document &Doc,
                               BumpPtrAllocator &Scratch,
                               const ParseLimits &Limits) {
  installAllocator();
  Doc.reset();
  if (Text.size() > UINT32_MAX)
    return makeSourceError(SMLoc::getFromPointer(Text.data()),
                           "input is larger than 4 GiB");
  ArenaScope Scope(Scratch);
  // The parser, its stacks and the tree all live in Scratch; none of them
  // is freed here.
  TSParser *TS = ts_parser_new();
  ts_parser_set_language(TS, tree_sitter_toml());
  TSTree *Tree = ts_parser_parse_string(TS, nullptr, Text.data(),
                                        static_cast<uint32_t>(Text.size()));
  if (!Tree)
    return makeSourceError(SMLoc::getFromPointer(Text.data()),
                           "the TOML parser gave up on this input");
  Builder B(Text, Doc, getSymbols(), Limits);
  return B.build(ts_tree_root_node(Tree));
}
