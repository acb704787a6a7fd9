//===- Marker.cpp - PEP 508 environment markers ---------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Standards/Marker.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

using namespace llvm;
using namespace lambdaopt;

namespace {
struct VariableSpelling {
  const char *Name;
  MarkerVariableKind Kind;
};
/// Canonical names first (getMarkerVariableName picks the first match), then
/// the legacy dotted aliases `packaging` still accepts.
constexpr VariableSpelling Variables[] = {
    {"implementation_name", MarkerVariableKind::ImplementationName},
    {"implementation_version", MarkerVariableKind::ImplementationVersion},
    {"os_name", MarkerVariableKind::OsName},
    {"platform_machine", MarkerVariableKind::PlatformMachine},
    {"platform_python_implementation",
     MarkerVariableKind::PlatformPythonImplementation},
    {"platform_release", MarkerVariableKind::PlatformRelease},
    {"platform_system", MarkerVariableKind::PlatformSystem},
    {"platform_version", MarkerVariableKind::PlatformVersion},
    {"python_full_version", MarkerVariableKind::PythonFullVersion},
    {"python_version", MarkerVariableKind::PythonVersion},
    {"sys_platform", MarkerVariableKind::SysPlatform},
    {"extra", MarkerVariableKind::Extra},
    {"os.name", MarkerVariableKind::OsName},
    {"sys.platform", MarkerVariableKind::SysPlatform},
    {"platform.version", MarkerVariableKind::PlatformVersion},
    {"platform.machine", MarkerVariableKind::PlatformMachine},
    {"platform.release", MarkerVariableKind::PlatformRelease},
    {"platform.system", MarkerVariableKind::PlatformSystem},
    {"platform.python_implementation",
     MarkerVariableKind::PlatformPythonImplementation},
    {"python_implementation", MarkerVariableKind::PlatformPythonImplementation},
};

struct OperatorSpelling {
  const char *Text;
  MarkerOperatorKind Kind;
};
constexpr OperatorSpelling Operators[] = {
    {"===", MarkerOperatorKind::ArbitraryEqual},
    {"==", MarkerOperatorKind::Equal},
    {"!=", MarkerOperatorKind::NotEqual},
    {"<=", MarkerOperatorKind::LessEqual},
    {">=", MarkerOperatorKind::GreaterEqual},
    {"~=", MarkerOperatorKind::Compatible},
    {"<", MarkerOperatorKind::Less},
    {">", MarkerOperatorKind::Greater},
    {"in", MarkerOperatorKind::In},
    {"not in", MarkerOperatorKind::NotIn},
};

StringRef getOperatorSpelling(MarkerOperatorKind Kind) {
  for (const OperatorSpelling &O : Operators)
    if (O.Kind == Kind)
      return O.Text;
  return "";
}
} // namespace

StringRef lambdaopt::getMarkerVariableName(MarkerVariableKind Kind) {
  for (const VariableSpelling &V : Variables)
    if (V.Kind == Kind)
      return V.Name;
  return "";
}

bool lambdaopt::isVersionMarkerVariable(MarkerVariableKind Kind) {
  return Kind == MarkerVariableKind::PythonVersion ||
         Kind == MarkerVariableKind::PythonFullVersion ||
         Kind == MarkerVariableKind::ImplementationVersion ||
         Kind == MarkerVariableKind::PlatformRelease;
}

StringRef MarkerEnvironment::get(MarkerVariableKind Kind) const {
  switch (Kind) {
  case MarkerVariableKind::ImplementationName:
    return ImplementationName;
  case MarkerVariableKind::ImplementationVersion:
    return ImplementationVersion;
  case MarkerVariableKind::OsName:
    return OsName;
  case MarkerVariableKind::PlatformMachine:
    return PlatformMachine;
  case MarkerVariableKind::PlatformPythonImplementation:
    return PlatformPythonImplementation;
  case MarkerVariableKind::PlatformRelease:
    return PlatformRelease;
  case MarkerVariableKind::PlatformSystem:
    return PlatformSystem;
  case MarkerVariableKind::PlatformVersion:
    return PlatformVersion;
  case MarkerVariableKind::PythonFullVersion:
    return PythonFullVersion;
  case MarkerVariableKind::PythonVersion:
    return PythonVersion;
  case MarkerVariableKind::SysPlatform:
    return SysPlatform;
  case MarkerVariableKind::Extra:
    return "";
  }
  return "";
}

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

namespace lambdaopt {
/// A recursive-descent parser over the PEP 508 marker grammar:
///   or   := and ('or' and)*
///   and  := atom ('and' atom)*
///   atom := '(' or ')' | value op value
class MarkerParser {
public:
  MarkerParser(StringRef Text, Marker &M) : Text(Text), M(M) {}

  Error run() {
    skipSpace();
    if (Pos == Text.size())
      return Error::success();
    Expected<unsigned> Root = parseOr(0);
    if (!Root)
      return Root.takeError();
    skipSpace();
    if (Pos != Text.size())
      return fail("expected 'and', 'or' or the end of the marker");
    M.Root = *Root;
    return Error::success();
  }

private:
  StringRef Text;
  Marker &M;
  size_t Pos = 0;

  Error fail(const Twine &What) { return fail(What, Pos); }
  Error fail(const Twine &What, size_t At) {
    return createStringError(inconvertibleErrorCode(),
                             "invalid marker '%s': %s at column %zu",
                             Text.str().c_str(), What.str().c_str(), At + 1);
  }

  void skipSpace() {
    while (Pos < Text.size() && isSpace(Text[Pos]))
      ++Pos;
  }

  /// Consumes keyword \p Word if it is next and ends at a word boundary.
  bool consumeKeyword(StringRef Word) {
    skipSpace();
    if (!Text.substr(Pos).startswith(Word))
      return false;
    size_t End = Pos + Word.size();
    if (End < Text.size() &&
        (isAlnum(Text[End]) || Text[End] == '_' || Text[End] == '.'))
      return false;
    Pos = End;
    return true;
  }

  Expected<unsigned> parseJunction(unsigned Depth, bool IsOr) {
    Expected<unsigned> First =
        IsOr ? parseJunction(Depth, false) : parseAtom(Depth);
    if (!First)
      return First.takeError();
    SmallVector<unsigned, 4> Parts = {*First};
    while (consumeKeyword(IsOr ? "or" : "and")) {
      Expected<unsigned> Next =
          IsOr ? parseJunction(Depth, false) : parseAtom(Depth);
      if (!Next)
        return Next.takeError();
      Parts.push_back(*Next);
    }
    if (Parts.size() == 1)
      return Parts.front();
    Marker::Node N;
    N.Kind = IsOr ? Marker::NodeKind::Or : Marker::NodeKind::And;
    // Flatten `(a or b) or c` into one junction.
    for (unsigned P : Parts) {
      if (M.Nodes[P].Kind == N.Kind)
        N.Children.append(M.Nodes[P].Children.begin(),
                          M.Nodes[P].Children.end());
      else
        N.Children.push_back(P);
    }
    M.Nodes.push_back(std::move(N));
    return M.Nodes.size() - 1;
  }

  Expected<unsigned> parseOr(unsigned Depth) {
    return parseJunction(Depth, true);
  }

  Expected<unsigned> parseAtom(unsigned Depth) {
    skipSpace();
    if (Pos < Text.size() && Text[Pos] == '(') {
      if (Depth >= 64)
        return fail("parentheses nested too deeply");
      ++Pos;
      Expected<unsigned> Inner = parseOr(Depth + 1);
      if (!Inner)
        return Inner.takeError();
      skipSpace();
      if (Pos >= Text.size() || Text[Pos] != ')')
        return fail("expected ')'");
      ++Pos;
      return *Inner;
    }
    Marker::Node N;
    N.Kind = Marker::NodeKind::Compare;
    if (Error E = parseOperand(N.Lhs))
      return E;
    skipSpace();
    size_t OpPos = Pos;
    if (Error E = parseOperator(N.Op))
      return E;
    if (Error E = parseOperand(N.Rhs))
      return E;
    if (N.Lhs.IsVariable == N.Rhs.IsVariable)
      return fail(N.Lhs.IsVariable
                      ? "a comparison of two marker variables is not supported"
                      : "a comparison needs a marker variable on one side",
                  OpPos);
    finishCompare(N);
    M.Nodes.push_back(std::move(N));
    return M.Nodes.size() - 1;
  }

  Error parseOperand(Marker::Operand &Out) {
    skipSpace();
    if (Pos >= Text.size())
      return fail("expected a marker variable or a quoted string");
    char C = Text[Pos];
    if (C == '\'' || C == '"') {
      size_t Close = Text.find(C, Pos + 1);
      if (Close == StringRef::npos)
        return fail("unterminated string");
      Out.IsVariable = false;
      Out.Text = Text.slice(Pos + 1, Close).str();
      Pos = Close + 1;
      return Error::success();
    }
    size_t Start = Pos;
    while (Pos < Text.size() &&
           (isAlnum(Text[Pos]) || Text[Pos] == '_' || Text[Pos] == '.'))
      ++Pos;
    StringRef Word = Text.slice(Start, Pos);
    if (Word.empty())
      return fail("expected a marker variable or a quoted string");
    for (const VariableSpelling &V : Variables) {
      if (Word != V.Name)
        continue;
      Out.IsVariable = true;
      Out.Variable = V.Kind;
      return Error::success();
    }
    return fail(Twine("unknown marker variable '") + Word + "'", Start);
  }

  Error parseOperator(MarkerOperatorKind &Out) {
    skipSpace();
    StringRef Rest = Text.substr(Pos);
    for (const OperatorSpelling &O : Operators) {
      StringRef Spelling = O.Text;
      if (Spelling == "in" || Spelling == "not in")
        continue;
      if (Rest.startswith(Spelling)) {
        Out = O.Kind;
        Pos += Spelling.size();
        return Error::success();
      }
    }
    if (consumeKeyword("in")) {
      Out = MarkerOperatorKind::In;
      return Error::success();
    }
    size_t Save = Pos;
    if (consumeKeyword("not")) {
      if (consumeKeyword("in")) {
        Out = MarkerOperatorKind::NotIn;
        return Error::success();
      }
      return fail("expected 'in' after 'not'");
    }
    Pos = Save;
    return fail("expected a comparison operator");
  }

  /// Normalizes extras and pre-parses version specifiers.
  void finishCompare(Marker::Node &N) {
    Marker::Operand &Var = N.Lhs.IsVariable ? N.Lhs : N.Rhs;
    Marker::Operand &Lit = N.Lhs.IsVariable ? N.Rhs : N.Lhs;
    if (Var.Variable == MarkerVariableKind::Extra) {
      Lit.Text = normalizePackageName(Lit.Text);
      return;
    }
    if (!N.Lhs.IsVariable || !isVersionMarkerVariable(Var.Variable) ||
        N.Op == MarkerOperatorKind::In || N.Op == MarkerOperatorKind::NotIn)
      return;
    std::string SpecText = (getOperatorSpelling(N.Op) + Lit.Text).str();
    Expected<Specifier> S = Specifier::parse(SpecText);
    if (!S) {
      consumeError(S.takeError());
      return;
    }
    N.Spec = std::move(*S);
  }
};
} // namespace lambdaopt

Expected<Marker> Marker::parse(StringRef Text) {
  Marker M;
  MarkerParser P(Text, M);
  if (Error E = P.run())
    return E;
  return M;
}

//===----------------------------------------------------------------------===//
// Evaluation
//===----------------------------------------------------------------------===//

static bool compareStrings(StringRef Lhs, MarkerOperatorKind Op,
                           StringRef Rhs) {
  switch (Op) {
  case MarkerOperatorKind::Less:
    return Lhs < Rhs;
  case MarkerOperatorKind::LessEqual:
    return Lhs <= Rhs;
  case MarkerOperatorKind::Equal:
  case MarkerOperatorKind::ArbitraryEqual:
    return Lhs == Rhs;
  case MarkerOperatorKind::NotEqual:
    return Lhs != Rhs;
  case MarkerOperatorKind::GreaterEqual:
    return Lhs >= Rhs;
  case MarkerOperatorKind::Greater:
    return Lhs > Rhs;
  case MarkerOperatorKind::In:
    return Rhs.contains(Lhs);
  case MarkerOperatorKind::NotIn:
    return !Rhs.contains(Lhs);
  case MarkerOperatorKind::Compatible:
    // `~=` has no meaning for strings.
    return false;
  }
  return false;
}

/// `Lhs Op Rhs` where Rhs becomes the specifier operand, falling back to
/// string comparison when either side is not a valid version.
static bool compareVersions(StringRef Lhs, MarkerOperatorKind Op, StringRef Rhs,
                            const Specifier *PreParsed) {
  std::optional<Specifier> Parsed;
  if (!PreParsed) {
    Expected<Specifier> S =
        Specifier::parse((getOperatorSpelling(Op) + Rhs).str());
    if (!S) {
      consumeError(S.takeError());
      return compareStrings(Lhs, Op, Rhs);
    }
    Parsed = std::move(*S);
    PreParsed = &*Parsed;
  }
  Expected<Version> V = Version::parse(Lhs);
  if (!V) {
    consumeError(V.takeError());
    return compareStrings(Lhs, Op, Rhs);
  }
  return PreParsed->contains(*V);
}

bool Marker::evaluateNode(unsigned Index, const MarkerEnvironment &Env,
                          function_ref<bool(StringRef)> IsExtraActive) const {
  const Node &N = Nodes[Index];
  switch (N.Kind) {
  case NodeKind::And:
    return all_of(N.Children, [&](unsigned C) {
      return evaluateNode(C, Env, IsExtraActive);
    });
  case NodeKind::Or:
    return any_of(N.Children, [&](unsigned C) {
      return evaluateNode(C, Env, IsExtraActive);
    });
  case NodeKind::Compare:
    break;
  }
  const Operand &Var = N.Lhs.IsVariable ? N.Lhs : N.Rhs;
  const Operand &Lit = N.Lhs.IsVariable ? N.Rhs : N.Lhs;
  if (Var.Variable == MarkerVariableKind::Extra) {
    if (N.Op == MarkerOperatorKind::Equal ||
        N.Op == MarkerOperatorKind::ArbitraryEqual)
      return IsExtraActive(Lit.Text);
    if (N.Op == MarkerOperatorKind::NotEqual)
      return !IsExtraActive(Lit.Text);
    return false;
  }
  StringRef Lhs = N.Lhs.IsVariable ? Env.get(N.Lhs.Variable) : N.Lhs.Text;
  StringRef Rhs = N.Rhs.IsVariable ? Env.get(N.Rhs.Variable) : N.Rhs.Text;
  if (isVersionMarkerVariable(Var.Variable) && N.Op != MarkerOperatorKind::In &&
      N.Op != MarkerOperatorKind::NotIn)
    return compareVersions(Lhs, N.Op, Rhs, N.Spec ? &*N.Spec : nullptr);
  return compareStrings(Lhs, N.Op, Rhs);
}

bool Marker::evaluate(const MarkerEnvironment &Env,
                      function_ref<bool(StringRef)> IsExtraActive) const {
  if (Nodes.empty())
    return true;
  return evaluateNode(Root, Env, IsExtraActive);
}

bool Marker::evaluate(const MarkerEnvironment &Env) const {
  return evaluate(Env, [](StringRef) { return false; });
}

void Marker::collectExtras(SmallVectorImpl<std::string> &Out) const {
  // Nodes are created in source order for leaves, so a scan keeps order.
  for (const Node &N : Nodes) {
    if (N.Kind != NodeKind::Compare)
      continue;
    const Operand &Var = N.Lhs.IsVariable ? N.Lhs : N.Rhs;
    if (Var.Variable == MarkerVariableKind::Extra)
      Out.push_back(N.Lhs.IsVariable ? N.Rhs.Text : N.Lhs.Text);
  }
}

//===----------------------------------------------------------------------===//
// Printing
//===----------------------------------------------------------------------===//

static void printOperand(bool IsVariable, MarkerVariableKind Variable,
                         StringRef Text, std::string &Out) {
  if (IsVariable) {
    Out += getMarkerVariableName(Variable);
    return;
  }
  char Quote = Text.contains('\'') ? '"' : '\'';
  Out += Quote;
  Out += Text;
  Out += Quote;
}

void Marker::printNode(unsigned Index, std::string &Out) const {
  const Node &N = Nodes[Index];
  if (N.Kind == NodeKind::Compare) {
    printOperand(N.Lhs.IsVariable, N.Lhs.Variable, N.Lhs.Text, Out);
    Out += ' ';
    Out += getOperatorSpelling(N.Op);
    Out += ' ';
    printOperand(N.Rhs.IsVariable, N.Rhs.Variable, N.Rhs.Text, Out);
    return;
  }
  StringRef Joiner = N.Kind == NodeKind::And ? " and " : " or ";
  bool First = true;
  for (unsigned C : N.Children) {
    if (!First)
      Out += Joiner;
    First = false;
    bool Paren = N.Kind == NodeKind::And && Nodes[C].Kind == NodeKind::Or;
    if (Paren)
      Out += '(';
    printNode(C, Out);
    if (Paren)
      Out += ')';
  }
}

std::string Marker::str() const {
  std::string Out;
  if (!Nodes.empty())
    printNode(Root, Out);
  return Out;
}

//===----------------------------------------------------------------------===//
// MarkerCache and conflict extras
//===----------------------------------------------------------------------===//

Expected<const Marker *> MarkerCache::get(StringRef Text) {
  auto It = Cache.find(Text);
  if (It != Cache.end())
    return It->second.get();
  Expected<Marker> M = Marker::parse(Text);
  if (!M)
    return M.takeError();
  auto &Slot = Cache[Text];
  Slot = std::make_unique<Marker>(std::move(*M));
  return Slot.get();
}

std::optional<ConflictItem> lambdaopt::decodeConflictExtra(StringRef Extra) {
  ConflictItem Item;
  StringRef Rest = Extra;
  if (Rest.consume_front("extra-"))
    Item.ItemKind = ConflictItem::Kind::Extra;
  else if (Rest.consume_front("group-"))
    Item.ItemKind = ConflictItem::Kind::Group;
  else if (Rest.consume_front("project-"))
    Item.ItemKind = ConflictItem::Kind::Project;
  else
    return std::nullopt;
  size_t Dash = Rest.find('-');
  unsigned Length = 0;
  if (Dash == StringRef::npos || Dash == 0 ||
      Rest.take_front(Dash).getAsInteger(10, Length) || Length == 0)
    return std::nullopt;
  Rest = Rest.drop_front(Dash + 1);
  if (Rest.size() < Length)
    return std::nullopt;
  Item.Package = Rest.take_front(Length).str();
  Rest = Rest.drop_front(Length);
  if (Item.ItemKind == ConflictItem::Kind::Project)
    return Rest.empty() ? std::optional<ConflictItem>(Item) : std::nullopt;
  if (!Rest.consume_front("-") || Rest.empty())
    return std::nullopt;
  Item.Name = Rest.str();
  return Item;
}
