//===- lambda-opt/Diagnostics/Renderer.h - Output formats -------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Renders findings as clang-style text, JSON, SARIF 2.1.0 (GitHub code
// scanning) or GitHub workflow annotations.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_DIAGNOSTICS_RENDERER_H
#define LAMBDA_OPT_DIAGNOSTICS_RENDERER_H

#include "lambda-opt/Diagnostics/Diagnostic.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace lambdaopt {

enum class OutputFormatKind : uint8_t { Text, JSON, SARIF, GitHub };

/// Parses "text", "json", "sarif" or "github".
llvm::Expected<OutputFormatKind> parseOutputFormat(llvm::StringRef Name);

/// Everything a renderer needs besides the findings.
/// Line numbers of the loaded buffers, for renderers. SourceMgr builds the
/// same table one byte at a time (about 90 million instructions for a 13 MB
/// lock); this one finds line ends with memchr, which the C library runs
/// with vector instructions, and is built only for buffers that a finding
/// points into.
class LineTables {
public:
  /// 1-based line and column of \p Loc in buffer \p BufferID of \p SM.
  std::pair<unsigned, unsigned> getLineAndColumn(const llvm::SourceMgr &SM,
                                                 unsigned BufferID,
                                                 llvm::SMLoc Loc);
  /// The text of \p Line (1-based) of buffer \p BufferID, without its line
  /// end.
  llvm::StringRef getLine(const llvm::SourceMgr &SM, unsigned BufferID,
                          unsigned Line);

private:
  /// Offsets of every '\n' of a buffer.
  const std::vector<uint32_t> &getTable(const llvm::SourceMgr &SM,
                                        unsigned BufferID);
  /// By buffer (not buffer ID: a context may serve several source
  /// managers in turn, one per project).
  llvm::DenseMap<const llvm::MemoryBuffer *, std::vector<uint32_t>> Tables;
};

struct RenderContext {
  const llvm::SourceMgr *SM = nullptr;
  const RuleTable *Rules = nullptr;
  /// Paths under this directory are printed relative to it.
  std::string BaseDir;
  /// SARIF: the project's root; URIs under it are relative to the
  /// PROJECTROOT base (originalUriBaseIds), others absolute file:// URIs.
  std::string ProjectRoot;
  bool UseColor = false;
  /// Text only: print the "N errors, M warnings" line.
  bool PrintSummary = true;
  /// Filled as findings are located.
  mutable LineTables Lines;
  /// The display path of each buffer a finding points into, filled as
  /// findings are located (making a path absolute asks the system for the
  /// working directory).
  mutable llvm::DenseMap<const llvm::MemoryBuffer *, std::string> DisplayPaths;
};

/// A resolved location: file (relative to the base directory when under
/// it), 1-based line and column of the start and end. Line is 0 when the
/// range is invalid.
struct ResolvedLocation {
  std::string File;
  unsigned Line = 0;
  unsigned Column = 0;
  unsigned EndLine = 0;
  unsigned EndColumn = 0;
};

ResolvedLocation resolveLocation(const RenderContext &Ctx, llvm::SMRange Range);

/// Renders \p Diags in \p Format to \p OS.
void renderDiagnostics(OutputFormatKind Format,
                       llvm::ArrayRef<Diagnostic> Diags,
                       const RenderContext &Ctx, llvm::raw_ostream &OS);

/// The findings of one project of a run that checks several, with the
/// sources they point into.
struct DiagnosticGroup {
  const llvm::SourceMgr *SM = nullptr;
  llvm::ArrayRef<Diagnostic> Diags;
  /// The project as the user named it (JSON's "projects").
  std::string Label;
  /// Why the project could not be checked; empty when it was.
  std::string Error;
};

/// Renders the findings of several projects as one document (one JSON
/// object, one SARIF run) or, for text and github, one group after the
/// other. \p Ctx.SM is ignored: each group brings its own.
void renderDiagnostics(OutputFormatKind Format,
                       llvm::ArrayRef<DiagnosticGroup> Groups,
                       const RenderContext &Ctx, llvm::raw_ostream &OS);

void renderText(llvm::ArrayRef<Diagnostic> Diags, const RenderContext &Ctx,
                llvm::raw_ostream &OS);
void renderJSON(llvm::ArrayRef<Diagnostic> Diags, const RenderContext &Ctx,
                llvm::raw_ostream &OS);
void renderSARIF(llvm::ArrayRef<Diagnostic> Diags, const RenderContext &Ctx,
                 llvm::raw_ostream &OS);
void renderGitHub(llvm::ArrayRef<Diagnostic> Diags, const RenderContext &Ctx,
                  llvm::raw_ostream &OS);

} // namespace lambdaopt

#endif // LAMBDA_OPT_DIAGNOSTICS_RENDERER_H
