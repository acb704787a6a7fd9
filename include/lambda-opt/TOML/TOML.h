//===- lambda-opt/TOML/TOML.h - A located TOML document model -*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// A small TOML 1.0 document model built from a tree-sitter syntax tree. Every
// value and key keeps its source range (pointers into the parsed buffer), and
// strings without escapes point into the buffer instead of being copied.
// Values live in a Document's bump allocator and are trivially destructible.
//
// The parser enforces the TOML rules tree-sitter does not: duplicate keys,
// redefined tables, extending inline tables, array-of-tables mismatches,
// integer range. Array bodies written one value per line are read by a line
// reader for a strict subset of TOML while tree-sitter skips them (see
// Parser.cpp); anything outside the subset is left to tree-sitter.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_TOML_TOML_H
#define LAMBDA_OPT_TOML_TOML_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstring>

namespace lambdaopt {
namespace toml {

/// A growable array whose storage lives in a bump allocator, so that values
/// holding it stay trivially destructible.
template <typename T> class ArenaVector {
public:
  void push_back(llvm::BumpPtrAllocator &Alloc, const T &Elt) {
    if (Size == Capacity) {
      unsigned NewCapacity = Capacity ? Capacity * 2 : 4;
      T *NewData = Alloc.Allocate<T>(NewCapacity);
      if (Size)
        std::memcpy(static_cast<void *>(NewData), Data, Size * sizeof(T));
      Data = NewData;
      Capacity = NewCapacity;
    }
    Data[Size++] = Elt;
  }
  unsigned size() const { return Size; }
  bool empty() const { return Size == 0; }
  T *begin() const { return Data; }
  T *end() const { return Data + Size; }
  T &operator[](unsigned I) const {
    assert(I < Size && "ArenaVector index out of range");
    return Data[I];
  }
  llvm::ArrayRef<T> asArrayRef() const { return {Data, Size}; }

private:
  T *Data = nullptr;
  unsigned Size = 0;
  unsigned Capacity = 0;
};

enum class ValueKind : uint8_t {
  String,
  Integer,
  Float,
  Boolean,
  OffsetDateTime,
  LocalDateTime,
  LocalDate,
  LocalTime,
  Array,
  Table,
};

/// Returns the TOML name of a kind ("string", "integer", "table", ...).
llvm::StringRef getKindName(ValueKind Kind);

class Value;

/// One key of a table.
struct Entry {
  llvm::StringRef Key;
  llvm::SMRange KeyRange;
  Value *Val;
};

/// How a table came into existence; it decides what may extend it later.
enum class TableOrigin : uint8_t {
  Implicit, ///< Created as the parent of a dotted key or header.
  Header,   ///< `[a.b]` or one element of `[[a.b]]`.
  Dotted,   ///< Created by a dotted key `a.b = 1`.
  Inline,   ///< `{ ... }`: closed, nothing may extend it.
  Root,     ///< The document.
};

/// A TOML value. Strings, numbers and dates keep their decoded text or value;
/// arrays keep elements; tables keep entries in source order.
class Value {
public:
  explicit Value(ValueKind Kind) : Kind(Kind) {}

  ValueKind getKind() const { return Kind; }
  bool isString() const { return Kind == ValueKind::String; }
  bool isInteger() const { return Kind == ValueKind::Integer; }
  bool isBoolean() const { return Kind == ValueKind::Boolean; }
  bool isArray() const { return Kind == ValueKind::Array; }
  bool isTable() const { return Kind == ValueKind::Table; }
  bool isDateTime() const {
    return Kind >= ValueKind::OffsetDateTime && Kind <= ValueKind::LocalTime;
  }

  /// The source range of the whole value (for a header-defined table, the
  /// header).
  llvm::SMRange getRange() const { return Range; }
  llvm::SMLoc getLoc() const { return Range.Start; }

  /// The decoded string, or the text of a date/time or float.
  llvm::StringRef getString() const { return Str; }
  int64_t getInteger() const { return Int; }
  double getFloat() const { return Float; }
  bool getBoolean() const { return Bool; }

  llvm::ArrayRef<Value *> getElements() const { return Elements.asArrayRef(); }
  llvm::ArrayRef<Entry> getEntries() const { return Entries.asArrayRef(); }

  /// Finds \p Key in a table; null when absent or when this is no table.
  const Entry *findEntry(llvm::StringRef Key) const;
  Value *get(llvm::StringRef Key) const {
    const Entry *E = findEntry(Key);
    return E ? E->Val : nullptr;
  }

  TableOrigin getOrigin() const { return Origin; }
  /// True for arrays created by `[[header]]`.
  bool isArrayOfTables() const { return ArrayOfTables; }

private:
  friend class Builder;

  ValueKind Kind;
  TableOrigin Origin = TableOrigin::Implicit;
  bool ArrayOfTables = false;
  bool Bool = false;
  llvm::SMRange Range;
  llvm::StringRef Str;
  int64_t Int = 0;
  double Float = 0;
  ArenaVector<Value *> Elements;
  ArenaVector<Entry> Entries;
};

/// A parsed document: the root table and the memory of every value in it.
class Document {
public:
  Document() = default;
  Document(const Document &) = delete;
  Document &operator=(const Document &) = delete;

  Value *getRoot() const { return Root; }
  llvm::BumpPtrAllocator &getAllocator() { return Alloc; }

  /// Drops every value, keeping the allocator's first slab for reuse.
  void reset() {
    Alloc.Reset();
    Root = nullptr;
    LineArraysRead = 0;
  }

  /// How many array bodies the line reader read in place of tree-sitter.
  unsigned getLineArraysRead() const { return LineArraysRead; }

private:
  friend class Builder;
  llvm::BumpPtrAllocator Alloc;
  Value *Root = nullptr;
  unsigned LineArraysRead = 0;
};

/// Prints \p V and everything below it, one value per line, with every
/// kind, origin, decoded payload and source range (as byte offsets from
/// \p Base): two documents print the same exactly when they are the same.
void printValue(const Value &V, const char *Base, llvm::raw_ostream &OS,
                unsigned Indent = 0);

/// How to parse: limits that keep hostile input from exhausting the stack,
/// and whether to read array bodies written one value per line without
/// tree-sitter.
struct ParseOptions {
  /// Maximum nesting of arrays and inline tables.
  unsigned MaxDepth = 128;
  /// Read the bodies of arrays written one value per line (as uv writes
  /// `wheels` and `dependencies`) with the builder's own line reader and let
  /// tree-sitter skip them. The document is the same either way; turning
  /// this off is for differential tests.
  bool LineArrays = true;
};

/// A reusable parser (one per thread: tree-sitter parsers are not shared).
class Parser {
public:
  Parser();
  ~Parser();
  Parser(const Parser &) = delete;
  Parser &operator=(const Parser &) = delete;

  /// Parses \p Text, whose bytes must stay alive as long as \p Doc is used,
  /// into \p Doc (which is reset first). Errors are SourceErrors located in
  /// \p Text.
  llvm::Error parse(llvm::StringRef Text, Document &Doc,
                    const ParseOptions &Opts = ParseOptions());

  /// Like parse(), but every allocation of the syntax tree and of a
  /// throw-away tree-sitter parser goes to \p Scratch, and the tree is never
  /// freed node by node: the caller resets \p Scratch once \p Doc has been
  /// consumed. This is the fast path for parsing many small pieces.
  static llvm::Error
  parseWithScratch(llvm::StringRef Text, Document &Doc,
                   llvm::BumpPtrAllocator &Scratch,
                   const ParseOptions &Opts = ParseOptions());

private:
  struct Impl;
  Impl *P;
};

} // namespace toml
} // namespace lambdaopt

#endif // LAMBDA_OPT_TOML_TOML_H
