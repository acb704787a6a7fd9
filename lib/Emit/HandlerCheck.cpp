//===- HandlerCheck.cpp - The handler names a module and a function -------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Emit/HandlerCheck.h"
#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/IR/Options.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace llvm;
using namespace lambdaopt;

static bool isIdentStart(char C) { return isAlpha(C) || C == '_'; }
static bool isIdentChar(char C) { return isAlnum(C) || C == '_'; }

/// Consumes an identifier at the start of \p S.
static StringRef takeIdentifier(StringRef &S) {
  if (S.empty() || !isIdentStart(S.front()))
    return StringRef();
  size_t N = 1;
  while (N < S.size() && isIdentChar(S[N]))
    ++N;
  StringRef Id = S.take_front(N);
  S = S.drop_front(N);
  return Id;
}

static bool isKeywordLine(StringRef Line, StringRef Keyword) {
  if (!Line.startswith(Keyword))
    return false;
  StringRef Rest = Line.drop_front(Keyword.size());
  return Rest.empty() || !isIdentChar(Rest.front());
}

/// The names an import list binds: "a, b as c" -> a, c; "x.y" -> x.
static void addImportedNames(StringRef List, bool FromImport,
                             std::vector<std::string> &Names, bool &Opaque) {
  List = List.trim().trim("()").trim();
  SmallVector<StringRef, 8> Items;
  List.split(Items, ',');
  for (StringRef Item : Items) {
    Item = Item.trim().trim("()").trim();
    if (Item.empty())
      continue;
    if (Item == "*") {
      Opaque = true;
      continue;
    }
    SmallVector<StringRef, 3> Words;
    Item.split(Words, ' ', -1, /*KeepEmpty=*/false);
    if (Words.size() == 3 && Words[1] == "as")
      Names.push_back(Words[2].str());
    else if (!Words.empty())
      Names.push_back(
          (FromImport ? Words[0] : Words[0].split('.').first).str());
  }
}

/// The position of the '=' of a plain assignment in \p S, or npos (calls,
/// comparisons, augmented assignments).
static size_t findAssignment(StringRef S) {
  for (size_t I = 0; I < S.size(); ++I) {
    char C = S[I];
    if (I && StringRef("\"'([{").contains(C))
      return StringRef::npos;
    if (C != '=')
      continue;
    if (I + 1 < S.size() && S[I + 1] == '=') {
      ++I;
      continue;
    }
    if (I && StringRef("=!<>+-*/%&|^@:").contains(S[I - 1]))
      return StringRef::npos;
    return I;
  }
  return StringRef::npos;
}

/// The names a top-level statement \p Line (no indentation) binds.
static void scanStatement(StringRef Line, std::vector<std::string> &Names,
                          bool &Opaque) {
  StringRef S = Line;
  if (S.consume_front("async") && !S.empty() && isSpace(S.front()))
    S = S.ltrim();
  else
    S = Line;
  for (StringRef Kw : {"def", "class"}) {
    if (isKeywordLine(S, Kw)) {
      StringRef Rest = S.drop_front(Kw.size()).ltrim();
      StringRef Name = takeIdentifier(Rest);
      if (!Name.empty())
        Names.push_back(Name.str());
      if (Name == "__getattr__")
        Opaque = true;
      return;
    }
  }
  if (isKeywordLine(S, "import")) {
    addImportedNames(S.drop_front(6), /*FromImport=*/false, Names, Opaque);
    return;
  }
  if (isKeywordLine(S, "from")) {
    size_t Pos = S.find(" import ");
    if (Pos != StringRef::npos)
      addImportedNames(S.substr(Pos + 8), /*FromImport=*/true, Names, Opaque);
    return;
  }
  if (S.contains("globals()"))
    Opaque = true;
  // Assignments: NAME = ..., NAME: T = ..., A, B = ..., A = B = ...
  StringRef Rest = S;
  for (size_t Eq = findAssignment(Rest); Eq != StringRef::npos;
       Eq = findAssignment(Rest)) {
    SmallVector<StringRef, 4> Parts;
    Rest.take_front(Eq).split(Parts, ',');
    for (StringRef P : Parts) {
      StringRef Probe = P.trim().trim("()[]").trim();
      StringRef Name = takeIdentifier(Probe);
      Probe = Probe.ltrim();
      if (!Name.empty() && (Probe.empty() || Probe.startswith(":")))
        Names.push_back(Name.str());
    }
    Rest = Rest.drop_front(Eq + 1);
  }
  // A bare annotation: NAME: T
  StringRef Probe = S;
  StringRef Name = takeIdentifier(Probe);
  if (!Name.empty() && Probe.startswith(":") && Rest.size() == S.size() &&
      !isKeywordLine(S, "else") && !isKeywordLine(S, "try") &&
      !isKeywordLine(S, "finally"))
    Names.push_back(Name.str());
}

std::vector<std::string> lambdaopt::scanTopLevelNames(StringRef Source,
                                                      bool &Opaque) {
  Opaque = false;
  std::vector<std::string> Names;
  SmallVector<StringRef, 64> Lines;
  Source.split(Lines, '\n');
  // Whether indented lines belong to a top-level block that binds module
  // names (if/try/with/for/while) rather than to a def or class body.
  bool InModuleBlock = false;
  std::string Pending; // An import continued in parentheses.
  for (StringRef Raw : Lines) {
    StringRef Line = Raw.rtrim();
    if (!Pending.empty()) {
      Pending += " " + Line.trim().str();
      if (Line.contains(')')) {
        scanStatement(Pending, Names, Opaque);
        Pending.clear();
      }
      continue;
    }
    StringRef Code = Line.ltrim();
    if (Code.empty() || Code.startswith("#"))
      continue;
    bool Indented = Code.size() != Line.size();
    if (Indented && !InModuleBlock)
      continue;
    if (!Indented) {
      InModuleBlock = false;
      for (StringRef Kw : {"if", "elif", "else", "try", "except", "finally",
                           "with", "for", "while"})
        if (isKeywordLine(Code, Kw))
          InModuleBlock = true;
    }
    if ((isKeywordLine(Code, "from") || isKeywordLine(Code, "import")) &&
        Code.contains('(') && !Code.contains(')')) {
      Pending = Code.str();
      continue;
    }
    scanStatement(Code, Names, Opaque);
  }
  if (!Pending.empty())
    scanStatement(Pending, Names, Opaque);
  return Names;
}

Expected<std::optional<HandlerProblem>>
lambdaopt::checkHandler(const InstallPlan &Plan, StringRef Handler) {
  Handler = Handler.trim();
  auto [Module, Function] = Handler.rsplit('.');
  SmallVector<StringRef, 4> Parts;
  Module.split(Parts, '.');
  bool Valid = Handler.contains('.') && !Function.empty() &&
               isIdentStart(Function.front()) && all_of(Function, isIdentChar);
  for (StringRef P : Parts)
    Valid &= !P.empty() && isIdentStart(P.front()) && all_of(P, isIdentChar);
  if (!Valid)
    return HandlerProblem{
        ("handler '" + Handler +
         "' is not of the form MODULE.FUNCTION (e.g. app.main.handler)")
            .str(),
        "name the module by its dotted import path and the function after "
        "the last dot"};

  std::string Base = join(Parts.begin(), Parts.end(), "/");
  const PlannedFile *Source = nullptr;
  bool Opaque = false;
  for (const PlannedFile &F : Plan.Files) {
    StringRef P = F.Path;
    if (P == Base + ".py" || P == Base + "/__init__.py") {
      Source = &F;
      break;
    }
    // Extension and sourceless modules exist but cannot be scanned.
    if (P.startswith(Base + ".") && (P.endswith(".so") || P.endswith(".pyc")))
      Opaque = true;
  }
  if (!Source && Opaque)
    return std::nullopt;
  if (!Source)
    return HandlerProblem{
        ("handler '" + Handler + "': no module '" + Module +
         "' in the function's code or the installed packages (looked for " +
         Base + ".py and " + Base + "/__init__.py)")
            .str(),
        "add the module with --include (or include in [tool.lambda-opt]), or "
        "correct the handler"};

  Expected<std::string> Text = Plan.readPlannedFile(*Source);
  if (!Text)
    return Text.takeError();
  std::vector<std::string> Names = scanTopLevelNames(*Text, Opaque);
  if (Opaque || is_contained(Names, Function.str()))
    return std::nullopt;
  std::vector<std::string> Candidates;
  for (const std::string &N : Names)
    if (!is_contained(Candidates, N) && !StringRef(N).startswith("_"))
      Candidates.push_back(N);
  std::string Hint = "define `def " + Function.str() +
                     "(event, context):` at the top level of " + Source->Path +
                     ", or correct the handler";
  if (!Candidates.empty()) {
    if (Candidates.size() > 5)
      Candidates.resize(5);
    Hint += " (top-level names there: " +
            join(Candidates.begin(), Candidates.end(), ", ") + ")";
  }
  return HandlerProblem{("handler '" + Handler + "': " + Source->Path +
                         " has no top-level '" + Function +
                         "' (def, async def or assignment)")
                            .str(),
                        Hint};
}

Error lambdaopt::reportHandlerFinding(const InstallPlan &Plan,
                                      const ProjectOptions &Opts,
                                      DiagnosticEngine &Diags) {
  StringRef Handler = StringRef(Opts.Handler).trim();
  if (Handler.empty() || !Diags.isEnabled("LO505"))
    return Error::success();
  Expected<std::optional<HandlerProblem>> Problem = checkHandler(Plan, Handler);
  if (!Problem)
    return Problem.takeError();
  if (!*Problem)
    return Error::success();
  Diagnostic D = Diags.create("LO505", Opts.HandlerRange, (*Problem)->Message);
  D.FixHint = (*Problem)->FixHint;
  Diags.report(std::move(D));
  return Error::success();
}
