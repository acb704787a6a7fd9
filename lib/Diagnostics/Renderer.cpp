//===- Renderer.cpp - Text, JSON, SARIF and GitHub output -----------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Diagnostics/Renderer.h"
#include "lambda-opt/Support/PercentEncoding.h"
#include "lambda-opt/Support/URL.h"
#include "lambda-opt/Support/Version.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <array>
#include <cstring>

using namespace llvm;
using namespace lambdaopt;

static constexpr StringLiteral InformationURI =
    "https://github.com/lambda-opt/lambda-opt";

Expected<OutputFormatKind> lambdaopt::parseOutputFormat(StringRef Name) {
  if (Name == "text")
    return OutputFormatKind::Text;
  if (Name == "json")
    return OutputFormatKind::JSON;
  if (Name == "sarif")
    return OutputFormatKind::SARIF;
  if (Name == "github")
    return OutputFormatKind::GitHub;
  return createStringError(inconvertibleErrorCode(),
                           "unknown output format '%s' (expected text, json, "
                           "sarif or github)",
                           Name.str().c_str());
}

/// \p Path relative to \p BaseDir when it lies under it, with '/'.
static std::string makeDisplayPath(StringRef Path, StringRef BaseDir) {
  if (BaseDir.empty() || Path.empty())
    return Path.str();
  SmallString<256> Abs(Path), Base(BaseDir);
  sys::fs::make_absolute(Abs);
  sys::fs::make_absolute(Base);
  sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  sys::path::remove_dots(Base, /*remove_dot_dot=*/true);
  StringRef Rel = Abs;
  if (!Rel.consume_front(Base) || !Rel.consume_front("/"))
    return Path.str();
  return sys::path::convert_to_slash(Rel);
}

const std::vector<uint32_t> &LineTables::getTable(const SourceMgr &SM,
                                                  unsigned BufferID) {
  const MemoryBuffer *Buffer = SM.getMemoryBuffer(BufferID);
  auto It = Tables.find(Buffer);
  if (It != Tables.end())
    return It->second;
  std::vector<uint32_t> &Table = Tables[Buffer];
  StringRef Text = SM.getMemoryBuffer(BufferID)->getBuffer();
  const char *Begin = Text.begin(), *End = Text.end();
  for (const char *P = Begin; P != End;) {
    const void *NL = std::memchr(P, '\n', End - P);
    if (!NL)
      break;
    P = static_cast<const char *>(NL);
    Table.push_back(static_cast<uint32_t>(P - Begin));
    ++P;
  }
  return Table;
}

std::pair<unsigned, unsigned> LineTables::getLineAndColumn(const SourceMgr &SM,
                                                           unsigned BufferID,
                                                           SMLoc Loc) {
  const std::vector<uint32_t> &Table = getTable(SM, BufferID);
  const char *Begin = SM.getMemoryBuffer(BufferID)->getBufferStart();
  uint32_t Offset = static_cast<uint32_t>(Loc.getPointer() - Begin);
  // Newlines before Offset: the line is one more; it starts after the last.
  size_t Before = llvm::lower_bound(Table, Offset) - Table.begin();
  uint32_t LineStart = Before ? Table[Before - 1] + 1 : 0;
  // As SourceMgr does, a '\r' also starts the count of columns.
  if (const void *CR = memrchr(Begin + LineStart, '\r', Offset - LineStart))
    LineStart = static_cast<const char *>(CR) - Begin + 1;
  return {static_cast<unsigned>(Before + 1), Offset - LineStart + 1};
}

StringRef LineTables::getLine(const SourceMgr &SM, unsigned BufferID,
                              unsigned Line) {
  const std::vector<uint32_t> &Table = getTable(SM, BufferID);
  StringRef Text = SM.getMemoryBuffer(BufferID)->getBuffer();
  if (Line == 0 || Line > Table.size() + 1)
    return {};
  size_t Start = Line == 1 ? 0 : Table[Line - 2] + 1;
  size_t End = Line <= Table.size() ? Table[Line - 1] : Text.size();
  StringRef Contents = Text.slice(Start, End);
  Contents.consume_back("\r");
  return Contents;
}

ResolvedLocation lambdaopt::resolveLocation(const RenderContext &Ctx,
                                            SMRange Range) {
  ResolvedLocation L;
  if (!Ctx.SM || !Range.Start.isValid())
    return L;
  unsigned Buffer = Ctx.SM->FindBufferContainingLoc(Range.Start);
  if (!Buffer)
    return L;
  const MemoryBuffer *Mem = Ctx.SM->getMemoryBuffer(Buffer);
  auto Known = Ctx.DisplayPaths.find(Mem);
  if (Known == Ctx.DisplayPaths.end())
    Known = Ctx.DisplayPaths
                .try_emplace(Mem, makeDisplayPath(Mem->getBufferIdentifier(),
                                                  Ctx.BaseDir))
                .first;
  L.File = Known->second;
  std::tie(L.Line, L.Column) =
      Ctx.Lines.getLineAndColumn(*Ctx.SM, Buffer, Range.Start);
  L.EndLine = L.Line;
  L.EndColumn = L.Column + 1;
  if (Range.End.isValid() &&
      Range.End.getPointer() > Range.Start.getPointer() &&
      Ctx.SM->FindBufferContainingLoc(Range.End) == Buffer)
    std::tie(L.EndLine, L.EndColumn) =
        Ctx.Lines.getLineAndColumn(*Ctx.SM, Buffer, Range.End);
  return L;
}

//===----------------------------------------------------------------------===//
// text
//===----------------------------------------------------------------------===//

static SourceMgr::DiagKind getDiagKind(Severity S) {
  switch (S) {
  case Severity::Note:
    return SourceMgr::DK_Note;
  case Severity::Warning:
    return SourceMgr::DK_Warning;
  case Severity::Error:
    return SourceMgr::DK_Error;
  }
  llvm_unreachable("unknown severity");
}

static std::string plural(unsigned N, StringRef Word) {
  return std::to_string(N) + " " + Word.str() + (N == 1 ? "" : "s");
}

void lambdaopt::renderText(ArrayRef<Diagnostic> Diags, const RenderContext &Ctx,
                           raw_ostream &OS) {
  unsigned Counts[3] = {0, 0, 0};
  for (const Diagnostic &D : Diags) {
    ++Counts[static_cast<unsigned>(D.Level)];
    std::string Message = D.Message + " [" + D.Code + "]";
    SourceMgr::DiagKind Kind = getDiagKind(D.Level);
    ResolvedLocation L = resolveLocation(Ctx, D.Range);
    if (L.Line == 0) {
      SMDiagnostic(L.File, Kind, Message).print(nullptr, OS, Ctx.UseColor);
    } else {
      // The source line, and the range underlined on it (clipped to it).
      unsigned Buffer = Ctx.SM->FindBufferContainingLoc(D.Range.Start);
      // Quoted without the secrets of the URLs on it (same columns).
      std::string Line =
          maskURLSecrets(Ctx.Lines.getLine(*Ctx.SM, Buffer, L.Line));
      unsigned Column = L.Column - 1;
      SmallVector<std::pair<unsigned, unsigned>, 1> Ranges;
      if (D.Range.End.isValid() &&
          D.Range.End.getPointer() > D.Range.Start.getPointer() + 1 &&
          Column < Line.size()) {
        size_t Width = std::min<size_t>(D.Range.End.getPointer() -
                                            D.Range.Start.getPointer(),
                                        Line.size() - Column);
        Ranges.push_back({Column, unsigned(Column + Width)});
      }
      SMDiagnostic(*Ctx.SM, D.Range.Start, L.File, L.Line, Column, Kind,
                   Message, Line, Ranges)
          .print(nullptr, OS, Ctx.UseColor);
    }
    for (const std::string &Note : D.Notes)
      SMDiagnostic("", SourceMgr::DK_Note, Note)
          .print(nullptr, OS, Ctx.UseColor);
    if (!D.FixHint.empty())
      SMDiagnostic("", SourceMgr::DK_Note, "fix: " + D.FixHint)
          .print(nullptr, OS, Ctx.UseColor);
  }
  if (!Ctx.PrintSummary || Diags.empty())
    return;
  unsigned Errors = Counts[static_cast<unsigned>(Severity::Error)];
  unsigned Warnings = Counts[static_cast<unsigned>(Severity::Warning)];
  unsigned Notes = Counts[static_cast<unsigned>(Severity::Note)];
  OS << "found " << plural(Errors, "error") << ", "
     << plural(Warnings, "warning");
  if (Notes)
    OS << ", " << plural(Notes, "note");
  OS << '\n';
}

//===----------------------------------------------------------------------===//
// json
//===----------------------------------------------------------------------===//

static json::Value toJSONOrNull(StringRef S) {
  if (S.empty())
    return nullptr;
  return S.str();
}

/// Counts of notes, warnings and errors, indexed by Severity.
using SeverityCounts = std::array<unsigned, 3>;

static json::Object toJSON(const SeverityCounts &Counts) {
  return json::Object{
      {"errors", Counts[static_cast<unsigned>(Severity::Error)]},
      {"warnings", Counts[static_cast<unsigned>(Severity::Warning)]},
      {"notes", Counts[static_cast<unsigned>(Severity::Note)]},
  };
}

static SeverityCounts appendJSON(ArrayRef<Diagnostic> Diags,
                                 const RenderContext &Ctx, json::Array &Out) {
  SeverityCounts Counts = {0, 0, 0};
  for (const Diagnostic &D : Diags) {
    ++Counts[static_cast<unsigned>(D.Level)];
    ResolvedLocation L = resolveLocation(Ctx, D.Range);
    json::Array Notes;
    for (const std::string &N : D.Notes)
      Notes.push_back(N);
    Out.push_back(json::Object{
        {"code", D.Code},
        {"name", D.Name},
        {"severity", getSeverityName(D.Level)},
        {"file", toJSONOrNull(L.File)},
        {"line", L.Line},
        {"column", L.Column},
        {"end_line", L.EndLine},
        {"end_column", L.EndColumn},
        {"package", toJSONOrNull(D.Package)},
        {"message", D.Message},
        {"notes", std::move(Notes)},
        {"fix", toJSONOrNull(D.FixHint)},
    });
  }
  return Counts;
}

void lambdaopt::renderJSON(ArrayRef<Diagnostic> Diags, const RenderContext &Ctx,
                           raw_ostream &OS) {
  json::Array Out;
  SeverityCounts Counts = appendJSON(Diags, Ctx, Out);
  json::Value Root = json::Object{{"diagnostics", std::move(Out)},
                                  {"summary", toJSON(Counts)}};
  OS << formatv("{0:2}", Root) << '\n';
}

/// One document for several projects: every finding in "diagnostics" (in
/// project order), the totals in "summary", and each project's own counts
/// or its error in "projects".
static void renderJSONGroups(ArrayRef<DiagnosticGroup> Groups,
                             const RenderContext &Ctx, raw_ostream &OS) {
  json::Array Out, Projects;
  SeverityCounts Total = {0, 0, 0};
  for (const DiagnosticGroup &G : Groups) {
    RenderContext GroupCtx = Ctx;
    GroupCtx.SM = G.SM;
    SeverityCounts Counts = appendJSON(G.Diags, GroupCtx, Out);
    for (unsigned I = 0; I != Total.size(); ++I)
      Total[I] += Counts[I];
    json::Object Project = toJSON(Counts);
    Project["project"] = G.Label;
    Project["error"] = toJSONOrNull(G.Error);
    Projects.push_back(std::move(Project));
  }
  json::Value Root = json::Object{{"diagnostics", std::move(Out)},
                                  {"projects", std::move(Projects)},
                                  {"summary", toJSON(Total)}};
  OS << formatv("{0:2}", Root) << '\n';
}

//===----------------------------------------------------------------------===//
// sarif
//===----------------------------------------------------------------------===//

static std::string getMessageWithNotes(const Diagnostic &D) {
  std::string Text = D.Message;
  for (const std::string &N : D.Notes)
    Text += "\nnote: " + N;
  if (!D.FixHint.empty())
    Text += "\nfix: " + D.FixHint;
  return Text;
}

/// The folder SARIF URIs are relative to (originalUriBaseIds' PROJECTROOT):
/// the project root, absolute and without dots; empty when none is set.
static SmallString<256> getSARIFRoot(const RenderContext &Ctx) {
  SmallString<256> Root(Ctx.ProjectRoot);
  if (!Root.empty()) {
    sys::fs::make_absolute(Root);
    sys::path::remove_dots(Root, /*remove_dot_dot=*/true);
  }
  return Root;
}

/// Appends the SARIF results of \p Diags to \p Results.
static void appendSARIF(ArrayRef<Diagnostic> Diags, const RenderContext &Ctx,
                        json::Array &Results) {
  // URIs: relative to the project root, which originalUriBaseIds names.
  SmallString<256> Root = getSARIFRoot(Ctx);
  RenderContext RootCtx = Ctx;
  RootCtx.BaseDir = std::string(Root);
  auto MakeArtifactLocation = [&](StringRef File) {
    if (!Root.empty() && !sys::path::is_absolute(File))
      return json::Object{{"uri", percentEncodePath(File)},
                          {"uriBaseId", "PROJECTROOT"}};
    SmallString<256> Abs(File);
    sys::fs::make_absolute(Abs);
    return json::Object{
        {"uri",
         "file://" + percentEncodePath(sys::path::convert_to_slash(Abs))}};
  };
  // SARIF results need a location: findings about the whole project point
  // at the first line of the first input.
  ResolvedLocation Fallback;
  if (Ctx.SM && Ctx.SM->getNumBuffers())
    Fallback = resolveLocation(
        RootCtx, SMRange(SMLoc::getFromPointer(
                             Ctx.SM->getMemoryBuffer(1)->getBufferStart()),
                         SMLoc()));
  for (const Diagnostic &D : Diags) {
    ResolvedLocation L = resolveLocation(RootCtx, D.Range);
    if (L.Line == 0)
      L = Fallback;
    json::Object Result{
        {"ruleId", D.Code},
        {"level", getSeverityName(D.Level)},
        {"message", json::Object{{"text", getMessageWithNotes(D)}}},
    };
    int Index = Ctx.Rules ? Ctx.Rules->getIndex(D.Code) : -1;
    if (Index >= 0)
      Result["ruleIndex"] = Index;
    if (L.Line != 0)
      Result["locations"] = json::Array{json::Object{
          {"physicalLocation",
           json::Object{
               {"artifactLocation", MakeArtifactLocation(L.File)},
               {"region", json::Object{{"startLine", L.Line},
                                       {"startColumn", L.Column},
                                       {"endLine", L.EndLine},
                                       {"endColumn", L.EndColumn}}},
           }}}};
    Results.push_back(std::move(Result));
  }
}

/// One SARIF run holding \p Results: GitHub code scanning takes one run per
/// tool and category, so several projects share it.
static void renderSARIFRun(json::Array Results, const RenderContext &Ctx,
                           raw_ostream &OS) {
  json::Array Rules;
  if (Ctx.Rules) {
    for (const RuleInfo &R : Ctx.Rules->getRules()) {
      StringRef Help = R.Documentation.empty() ? R.Summary : R.Documentation;
      Rules.push_back(json::Object{
          {"id", R.Code},
          {"name", R.Name},
          {"shortDescription", json::Object{{"text", R.Summary}}},
          {"fullDescription", json::Object{{"text", R.Summary}}},
          {"help", json::Object{{"text", Help}, {"markdown", Help}}},
          {"defaultConfiguration",
           json::Object{{"level", getSeverityName(R.DefaultSeverity)}}},
          {"properties", json::Object{{"tags", json::Array{R.Group}}}},
      });
    }
  }
  json::Object Driver{
      {"name", "lambda-opt"},
      {"version", getVersionString()},
      {"informationUri", InformationURI},
      {"rules", std::move(Rules)},
  };
  json::Object Run{
      {"tool", json::Object{{"driver", std::move(Driver)}}},
      {"results", std::move(Results)},
  };
  SmallString<256> Root = getSARIFRoot(Ctx);
  if (!Root.empty())
    Run["originalUriBaseIds"] = json::Object{
        {"PROJECTROOT",
         json::Object{
             {"uri", "file://" +
                         percentEncodePath(sys::path::convert_to_slash(Root)) +
                         "/"}}}};
  json::Value Document = json::Object{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", json::Array{std::move(Run)}},
  };
  OS << formatv("{0:2}", Document) << '\n';
}

void lambdaopt::renderSARIF(ArrayRef<Diagnostic> Diags,
                            const RenderContext &Ctx, raw_ostream &OS) {
  json::Array Results;
  appendSARIF(Diags, Ctx, Results);
  renderSARIFRun(std::move(Results), Ctx, OS);
}

//===----------------------------------------------------------------------===//
// github
//===----------------------------------------------------------------------===//

/// Escapes workflow-command data: %, CR and LF.
static std::string escapeData(StringRef S) {
  std::string Out;
  for (char C : S) {
    if (C == '%')
      Out += "%25";
    else if (C == '\r')
      Out += "%0D";
    else if (C == '\n')
      Out += "%0A";
    else
      Out += C;
  }
  return Out;
}

/// Escapes a workflow-command property: data escapes plus ':' and ','.
static std::string escapeProperty(StringRef S) {
  std::string Out;
  for (char C : escapeData(S)) {
    if (C == ':')
      Out += "%3A";
    else if (C == ',')
      Out += "%2C";
    else
      Out += C;
  }
  return Out;
}

static StringRef getGitHubCommand(Severity S) {
  switch (S) {
  case Severity::Note:
    return "notice";
  case Severity::Warning:
    return "warning";
  case Severity::Error:
    return "error";
  }
  llvm_unreachable("unknown severity");
}

void lambdaopt::renderGitHub(ArrayRef<Diagnostic> Diags,
                             const RenderContext &Ctx, raw_ostream &OS) {
  for (const Diagnostic &D : Diags) {
    ResolvedLocation L = resolveLocation(Ctx, D.Range);
    OS << "::" << getGitHubCommand(D.Level) << ' ';
    if (L.Line != 0)
      OS << "file=" << escapeProperty(L.File) << ",line=" << L.Line
         << ",col=" << L.Column << ",endLine=" << L.EndLine
         << ",endColumn=" << L.EndColumn << ',';
    OS << "title=" << escapeProperty(D.Code)
       << "::" << escapeData(getMessageWithNotes(D)) << '\n';
  }
}

void lambdaopt::renderDiagnostics(OutputFormatKind Format,
                                  ArrayRef<Diagnostic> Diags,
                                  const RenderContext &Ctx, raw_ostream &OS) {
  switch (Format) {
  case OutputFormatKind::Text:
    return renderText(Diags, Ctx, OS);
  case OutputFormatKind::JSON:
    return renderJSON(Diags, Ctx, OS);
  case OutputFormatKind::SARIF:
    return renderSARIF(Diags, Ctx, OS);
  case OutputFormatKind::GitHub:
    return renderGitHub(Diags, Ctx, OS);
  }
  llvm_unreachable("unknown output format");
}

void lambdaopt::renderDiagnostics(OutputFormatKind Format,
                                  ArrayRef<DiagnosticGroup> Groups,
                                  const RenderContext &Ctx, raw_ostream &OS) {
  if (Format == OutputFormatKind::JSON)
    return renderJSONGroups(Groups, Ctx, OS);
  if (Format == OutputFormatKind::SARIF) {
    json::Array Results;
    for (const DiagnosticGroup &G : Groups) {
      RenderContext GroupCtx = Ctx;
      GroupCtx.SM = G.SM;
      appendSARIF(G.Diags, GroupCtx, Results);
    }
    return renderSARIFRun(std::move(Results), Ctx, OS);
  }
  for (const DiagnosticGroup &G : Groups) {
    RenderContext GroupCtx = Ctx;
    GroupCtx.SM = G.SM;
    renderDiagnostics(Format, G.Diags, GroupCtx, OS);
  }
}
