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

#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

namespace lambdaopt {

enum class OutputFormatKind : uint8_t { Text, JSON, SARIF, GitHub };

/// Parses "text", "json", "sarif" or "github".
llvm::Expected<OutputFormatKind> parseOutputFormat(llvm::StringRef Name);

/// Everything a renderer needs besides the findings.
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
