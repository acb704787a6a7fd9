//===- Reader.h - Typed, located access to TOML values ----------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The front end's view of a TOML document: "give me key K of this table as a
// string", with an error at the right place when the key is missing or has
// the wrong type. Strings that were decoded into a parser's arena are copied
// into a longer-lived allocator; strings that point into the file buffer are
// kept as they are.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_LIB_FRONTEND_READER_H
#define LAMBDA_OPT_LIB_FRONTEND_READER_H

#include "lambda-opt/IR/Project.h"
#include "lambda-opt/Support/SourceError.h"
#include "lambda-opt/TOML/TOML.h"

#include "llvm/ADT/Twine.h"

namespace lambdaopt {
namespace frontend {

/// Reads typed fields out of TOML tables. The first error sticks; every
/// accessor becomes a no-op once it is set, so callers check `failed()` at
/// convenient points instead of after every field.
class Reader {
public:
  Reader(llvm::StringRef Buffer, llvm::BumpPtrAllocator &Alloc,
         llvm::StringRef FileKind)
      : Buffer(Buffer), Alloc(Alloc), FileKind(FileKind) {}

  bool failed() const { return Failed; }
  llvm::Error takeError() {
    Failed = false;
    return std::move(Err);
  }
  ~Reader() { llvm::consumeError(std::move(Err)); }

  void fail(llvm::SMRange R, const llvm::Twine &Msg) {
    if (Failed)
      return;
    Failed = true;
    llvm::consumeError(std::move(Err));
    Err = makeSourceError(R, Msg);
  }

  /// Keeps \p S alive beyond the parser's arena.
  llvm::StringRef keep(llvm::StringRef S) {
    if (S.empty() || (S.begin() >= Buffer.begin() && S.end() <= Buffer.end()))
      return S;
    char *P = Alloc.Allocate<char>(S.size());
    std::memcpy(P, S.data(), S.size());
    return llvm::StringRef(P, S.size());
  }

  /// Reports a value of the wrong kind: "'size' must be an integer, not a
  /// string".
  void wrongType(const toml::Entry &E, llvm::StringRef Expected) {
    fail(E.Val->getRange(), "'" + E.Key + "' must be " + Expected + ", not " +
                                article(E.Val->getKind()));
  }
  void wrongElementType(llvm::StringRef Key, const toml::Value &V,
                        llvm::StringRef Expected) {
    fail(V.getRange(), "each element of '" + Key + "' must be " + Expected +
                           ", not " + article(V.getKind()));
  }

  static std::string article(toml::ValueKind K) {
    llvm::StringRef Name = toml::getKindName(K);
    bool Vowel = llvm::StringRef("aeiou").contains(Name.front());
    return ((Vowel ? "an " : "a ") + Name).str();
  }

  /// The entry for \p Key, reporting its absence when \p Required.
  const toml::Entry *field(const toml::Value &Table, llvm::StringRef Key,
                           const llvm::Twine &Where, bool Required) {
    if (Failed)
      return nullptr;
    const toml::Entry *E = Table.findEntry(Key);
    if (!E && Required)
      fail(headerRange(Table),
           "missing required field '" + Key + "' in " + Where);
    return E;
  }

  bool getString(const toml::Value &Table, llvm::StringRef Key,
                 const llvm::Twine &Where, bool Required, llvm::StringRef &Out,
                 llvm::SMRange *Range = nullptr) {
    const toml::Entry *E = field(Table, Key, Where, Required);
    if (!E)
      return false;
    if (!E->Val->isString()) {
      wrongType(*E, "a string");
      return false;
    }
    Out = keep(E->Val->getString());
    if (Range)
      *Range = E->Val->getRange();
    return true;
  }

  bool getLocated(const toml::Value &Table, llvm::StringRef Key,
                  const llvm::Twine &Where, bool Required, LocatedString &Out) {
    return getString(Table, Key, Where, Required, Out.Value, &Out.Range);
  }

  bool getInteger(const toml::Value &Table, llvm::StringRef Key,
                  const llvm::Twine &Where, bool Required, int64_t &Out) {
    const toml::Entry *E = field(Table, Key, Where, Required);
    if (!E)
      return false;
    if (!E->Val->isInteger()) {
      wrongType(*E, "an integer");
      return false;
    }
    Out = E->Val->getInteger();
    return true;
  }

  bool getSize(const toml::Value &Table, llvm::StringRef Key,
               const llvm::Twine &Where, std::optional<uint64_t> &Out) {
    int64_t V;
    if (!getInteger(Table, Key, Where, false, V))
      return false;
    if (V < 0) {
      fail(Table.findEntry(Key)->Val->getRange(),
           "'" + Key + "' must not be negative");
      return false;
    }
    Out = static_cast<uint64_t>(V);
    return true;
  }

  bool getBool(const toml::Value &Table, llvm::StringRef Key,
               const llvm::Twine &Where, std::optional<bool> &Out) {
    const toml::Entry *E = field(Table, Key, Where, false);
    if (!E)
      return false;
    if (!E->Val->isBoolean()) {
      wrongType(*E, "a boolean");
      return false;
    }
    Out = E->Val->getBoolean();
    return true;
  }

  /// The table at \p Key (null when absent or on error).
  const toml::Value *getTable(const toml::Value &Table, llvm::StringRef Key,
                              const llvm::Twine &Where, bool Required = false) {
    const toml::Entry *E = field(Table, Key, Where, Required);
    if (!E)
      return nullptr;
    if (!E->Val->isTable()) {
      wrongType(*E, "a table");
      return nullptr;
    }
    return E->Val;
  }

  /// The array at \p Key (null when absent or on error).
  const toml::Value *getArray(const toml::Value &Table, llvm::StringRef Key,
                              const llvm::Twine &Where, bool Required = false) {
    const toml::Entry *E = field(Table, Key, Where, Required);
    if (!E)
      return nullptr;
    if (!E->Val->isArray()) {
      wrongType(*E, "an array");
      return nullptr;
    }
    return E->Val;
  }

  /// Reads an array of strings at \p Key.
  template <typename OutT>
  void getStrings(const toml::Value &Table, llvm::StringRef Key,
                  const llvm::Twine &Where, OutT &Out) {
    const toml::Value *A = getArray(Table, Key, Where);
    if (!A)
      return;
    for (const toml::Value *V : A->getElements()) {
      if (!V->isString())
        return wrongElementType(Key, *V, "a string");
      pushString(Out, keep(V->getString()), V->getRange());
    }
  }

  /// Reads `conflicts = [[{ package, extra | group }, ...], ...]`, the same
  /// shape in uv.lock and in [tool.uv].
  void getConflictSets(const toml::Value &Table, const llvm::Twine &Where,
                       std::vector<ConflictSet> &Out) {
    const toml::Value *A = getArray(Table, "conflicts", Where);
    if (!A)
      return;
    for (const toml::Value *Set : A->getElements()) {
      if (!Set->isArray())
        return wrongElementType("conflicts", *Set, "an array");
      ConflictSet CS;
      for (const toml::Value *Item : Set->getElements()) {
        if (!Item->isTable())
          return wrongElementType("conflicts", *Item, "a table");
        ConflictEntry CI;
        CI.Range = Item->getRange();
        getString(*Item, "package", "conflict item", false, CI.Package);
        getString(*Item, "extra", "conflict item", false, CI.Extra);
        getString(*Item, "group", "conflict item", false, CI.Group);
        if (Failed)
          return;
        CS.push_back(CI);
      }
      Out.push_back(std::move(CS));
    }
  }

  /// The whole-table range used for "missing field" errors: the header or
  /// the opening brace of an inline table.
  static llvm::SMRange headerRange(const toml::Value &Table) {
    llvm::SMRange R = Table.getRange();
    if (Table.getOrigin() == toml::TableOrigin::Inline)
      return llvm::SMRange(R.Start, R.Start);
    return R;
  }

private:
  static void pushString(std::vector<llvm::StringRef> &Out, llvm::StringRef S,
                         llvm::SMRange) {
    Out.push_back(S);
  }
  template <unsigned N>
  static void pushString(llvm::SmallVector<llvm::StringRef, N> &Out,
                         llvm::StringRef S, llvm::SMRange) {
    Out.push_back(S);
  }
  static void pushString(std::vector<LocatedString> &Out, llvm::StringRef S,
                         llvm::SMRange R) {
    Out.push_back({S, R});
  }

  llvm::StringRef Buffer;
  llvm::BumpPtrAllocator &Alloc;
  llvm::StringRef FileKind;
  llvm::Error Err = llvm::Error::success();
  bool Failed = false;
};

} // namespace frontend
} // namespace lambdaopt

#endif // LAMBDA_OPT_LIB_FRONTEND_READER_H
