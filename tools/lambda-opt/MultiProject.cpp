//===- MultiProject.cpp - Checking several projects in one run ------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "MultiProject.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace llvm;
using namespace lambdaopt;

/// The folder a lock or pyproject.toml path names ("." for a bare name).
static std::string getParentDir(StringRef Path) {
  StringRef Parent = sys::path::parent_path(Path);
  return Parent.empty() ? "." : Parent.str();
}

/// The nearest of \p Dir and its parents that holds uv.lock, walking no
/// higher than the top of a relative path; \p Dir itself when none does.
static std::string findLockDir(StringRef Dir) {
  SmallString<256> Candidate(Dir);
  while (true) {
    SmallString<256> Lock(Candidate.empty() ? "." : Candidate.str());
    sys::path::append(Lock, "uv.lock");
    if (sys::fs::exists(Lock))
      return Candidate.empty() ? "." : std::string(Candidate);
    if (Candidate.empty() || Candidate == "." || Candidate == "/")
      return Dir.str();
    Candidate = sys::path::parent_path(Candidate);
  }
}

std::vector<ProjectInput>
lambdaopt::collectProjectInputs(ArrayRef<std::string> Args) {
  std::vector<ProjectInput> Inputs;
  StringSet<> Seen;
  SmallString<256> Cwd;
  if (sys::fs::current_path(Cwd))
    Cwd.clear();
  for (const std::string &Arg : Args) {
    ProjectInput In;
    In.Path = Arg;
    bool IsDir = sys::fs::is_directory(Arg);
    StringRef Name = sys::path::filename(Arg);
    if (!IsDir && Name == "pyproject.toml") {
      In.Path = findLockDir(getParentDir(Arg));
      IsDir = true;
    }
    // The folder identifies the project; the lock names it in reports.
    SmallString<256> Lock(In.Path);
    if (IsDir)
      sys::path::append(Lock, "uv.lock");
    sys::path::remove_dots(Lock, /*remove_dot_dot=*/true);
    SmallString<256> Key(Lock);
    sys::fs::make_absolute(Key);
    sys::path::remove_dots(Key, /*remove_dot_dot=*/true);
    // Named as findings name files: relative to the current directory when
    // under it.
    StringRef Display = Lock;
    StringRef Rel = Key;
    if (!Cwd.empty() && Rel.consume_front(Cwd) && Rel.consume_front("/"))
      Display = Rel;
    In.Label = sys::path::convert_to_slash(Display);
    if (!Seen.insert(Key).second)
      continue;
    Inputs.push_back(std::move(In));
  }
  return Inputs;
}

static std::string plural(unsigned N, StringRef Word) {
  return std::to_string(N) + " " + Word.str() + (N == 1 ? "" : "s");
}

/// The first line of a project's log: why it could not be checked.
static std::string getFirstLine(StringRef Log) {
  StringRef Line = Log.split('\n').first.trim();
  Line.consume_front("lambda-opt: ");
  Line.consume_front("error: ");
  return Line.str();
}

int lambdaopt::checkProjects(ArrayRef<ProjectInput> Inputs,
                             const ProjectChecker &Check,
                             OutputFormatKind Format, const RenderContext &Ctx,
                             bool ExitZero) {
  std::vector<ProjectRun> Runs(Inputs.size());
  {
    unsigned Threads = std::min<unsigned>(
        Inputs.size(), hardware_concurrency().compute_thread_count());
    ThreadPool Pool(hardware_concurrency(Threads));
    for (size_t I = 0; I != Inputs.size(); ++I)
      Pool.async([&, I] { Check(Inputs[I].Path, Runs[I]); });
    Pool.wait();
  }

  int Status = 0;
  for (const ProjectRun &Run : Runs)
    Status = std::max(Status, Run.Status);
  if (Status == 1 && ExitZero)
    Status = 0;

  if (Format == OutputFormatKind::Text) {
    // Each project in turn: its errors, its findings, its counts.
    RenderContext ProjectCtx = Ctx;
    ProjectCtx.PrintSummary = false;
    for (size_t I = 0; I != Runs.size(); ++I) {
      const ProjectRun &Run = Runs[I];
      errs() << Run.Log;
      if (Run.Status == 2)
        continue;
      ProjectCtx.SM = &Run.P->getSourceMgr();
      renderText(Run.Diags, ProjectCtx, errs());
      unsigned Counts[3] = {0, 0, 0};
      for (const Diagnostic &D : Run.Diags)
        ++Counts[static_cast<unsigned>(D.Level)];
      errs() << Inputs[I].Label << ": "
             << plural(Counts[static_cast<unsigned>(Severity::Error)], "error")
             << ", "
             << plural(Counts[static_cast<unsigned>(Severity::Warning)],
                       "warning");
      if (unsigned Notes = Counts[static_cast<unsigned>(Severity::Note)])
        errs() << ", " << plural(Notes, "note");
      errs() << '\n';
    }
    return Status;
  }

  // Other formats: errors on stderr, one document on stdout.
  std::vector<DiagnosticGroup> Groups(Runs.size());
  for (size_t I = 0; I != Runs.size(); ++I) {
    const ProjectRun &Run = Runs[I];
    errs() << Run.Log;
    DiagnosticGroup &G = Groups[I];
    G.Label = Inputs[I].Label;
    if (Run.Status == 2) {
      G.Error = getFirstLine(Run.Log);
      continue;
    }
    G.SM = &Run.P->getSourceMgr();
    G.Diags = Run.Diags;
  }
  renderDiagnostics(Format, Groups, Ctx, outs());
  outs().flush();
  return Status;
}
