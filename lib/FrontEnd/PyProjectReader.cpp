//===- PyProjectReader.cpp - pyproject.toml to IR, and project loading ----===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Reads the parts of pyproject.toml that decide what gets installed:
// [project] (PEP 621), [dependency-groups] (PEP 735) and [tool.uv]. The
// document stays alive with the Project so that [tool.lambda-opt] can be
// read by the passes that own its keys.
//
//===----------------------------------------------------------------------===//

#include "Reader.h"
#include "lambda-opt/FrontEnd/FrontEnd.h"
#include "lambda-opt/Support/Output.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace llvm;
using namespace lambdaopt;
using namespace lambdaopt::frontend;

static void readProjectTable(Reader &R, const toml::Value &T, PyProject &M) {
  M.HasProjectTable = true;
  R.getLocated(T, "name", "[project]", true, M.Name);
  R.getLocated(T, "version", "[project]", false, M.Version);
  R.getLocated(T, "requires-python", "[project]", false, M.RequiresPython);
  R.getStrings(T, "dependencies", "[project]", M.Dependencies);
  R.getStrings(T, "dynamic", "[project]", M.Dynamic);
  const toml::Value *O = R.getTable(T, "optional-dependencies", "[project]");
  if (!O)
    return;
  for (const toml::Entry &E : O->getEntries()) {
    std::vector<RequirementString> &Reqs = M.OptionalDependencies[E.Key];
    R.getStrings(*O, E.Key, "[project.optional-dependencies]", Reqs);
  }
}

static void readDependencyGroups(Reader &R, const toml::Value &T,
                                 PyProject &M) {
  M.DependencyGroupsRange = T.getRange();
  for (const toml::Entry &E : T.getEntries()) {
    if (!E.Val->isArray())
      return R.wrongType(E, "an array");
    std::vector<GroupEntry> &Entries = M.DependencyGroups[E.Key];
    for (const toml::Value *V : E.Val->getElements()) {
      GroupEntry G;
      G.Range = V->getRange();
      if (V->isString()) {
        G.Requirement = V->getString();
      } else if (V->isTable()) {
        R.getString(*V, "include-group", "a dependency group entry", true,
                    G.IncludeGroup);
      } else {
        return R.wrongElementType(E.Key, *V,
                                  "a string or an {include-group} table");
      }
      Entries.push_back(G);
    }
  }
}

static void readToolUv(Reader &R, const toml::Value &T, PyProject &M) {
  PyProject::UvTable &U = M.Uv;
  U.Present = true;
  U.Range = T.getRange();
  R.getBool(T, "package", "[tool.uv]", U.Package);
  if (const toml::Entry *E = T.findEntry("default-groups")) {
    if (E->Val->isString() && E->Val->getString() == "all") {
      U.DefaultGroupsAll = true;
    } else if (E->Val->isArray()) {
      U.DefaultGroups.emplace();
      R.getStrings(T, "default-groups", "[tool.uv]", *U.DefaultGroups);
    } else {
      R.wrongType(*E, "an array of group names or \"all\"");
    }
  }
  R.getStrings(T, "dev-dependencies", "[tool.uv]", U.DevDependencies);
  if (const toml::Value *W = R.getTable(T, "workspace", "[tool.uv]")) {
    R.getStrings(*W, "members", "[tool.uv.workspace]", U.WorkspaceMembers);
    R.getStrings(*W, "exclude", "[tool.uv.workspace]", U.WorkspaceExclude);
  }
  if (const toml::Value *S = R.getTable(T, "sources", "[tool.uv]"))
    for (const toml::Entry &E : S->getEntries())
      U.Sources.push_back({E.Key, E.Val});
  // environments and required-environments: a string or a list of them.
  auto Markers = [&](StringRef Key, std::vector<LocatedString> &Out) {
    const toml::Entry *E = T.findEntry(Key);
    if (!E)
      return;
    if (E->Val->isString())
      Out.push_back({E->Val->getString(), E->Val->getRange()});
    else
      R.getStrings(T, Key, "[tool.uv]", Out);
  };
  Markers("environments", U.Environments);
  Markers("required-environments", U.RequiredEnvironments);
  R.getConflictSets(T, "[tool.uv]", U.Conflicts);
}

Error lambdaopt::parsePyProject(Project &P,
                                std::unique_ptr<MemoryBuffer> Buffer) {
  StringRef Text = Buffer->getBuffer();
  P.PyProjectBufferID =
      P.getSourceMgr().AddNewSourceBuffer(std::move(Buffer), SMLoc());
  auto Doc = std::make_unique<toml::Document>();
  toml::Parser Parser;
  if (Error E = Parser.parse(Text, *Doc))
    return E;
  PyProject &M = P.Metadata;
  M.Present = true;
  Reader R(Text, P.getAllocator(), "pyproject.toml");
  const toml::Value &Root = *Doc->getRoot();
  if (const toml::Value *T = R.getTable(Root, "project", "pyproject.toml"))
    readProjectTable(R, *T, M);
  if (const toml::Value *T =
          R.getTable(Root, "dependency-groups", "pyproject.toml"))
    readDependencyGroups(R, *T, M);
  if (const toml::Value *Tool = R.getTable(Root, "tool", "pyproject.toml")) {
    if (const toml::Value *Uv = R.getTable(*Tool, "uv", "[tool]"))
      readToolUv(R, *Uv, M);
    if (const toml::Value *LO = R.getTable(*Tool, "lambda-opt", "[tool]"))
      M.LambdaOpt = LO;
  }
  // Strings of this document may live in its arena: keep it with the IR.
  P.adoptDocument(std::move(Doc));
  return R.takeError();
}

/// Reads \p Path, turning I/O failures into a message that names the file.
/// Only a regular file under the input size bound is read: a device, a
/// FIFO or an endless stream is refused before reading.
static Expected<std::unique_ptr<MemoryBuffer>> readFile(const Twine &Path,
                                                        StringRef What) {
  if (Error E = checkInputFile(Path.str(), What))
    return std::move(E);
  auto BufOrErr = MemoryBuffer::getFile(Path, /*IsText=*/false,
                                        /*RequiresNullTerminator=*/false);
  if (!BufOrErr)
    return createStringError(BufOrErr.getError(), "cannot read '%s': %s",
                             Path.str().c_str(),
                             BufOrErr.getError().message().c_str());
  return std::move(*BufOrErr);
}

Error lambdaopt::loadProject(Project &P, StringRef PathOrDir,
                             const LoadOptions &Opts) {
  SmallString<256> LockPath(PathOrDir.empty() ? "." : PathOrDir);
  // `lambda-opt pyproject.toml` names the project as surely as its folder.
  if (sys::path::filename(LockPath) == "pyproject.toml" &&
      !sys::fs::is_directory(LockPath)) {
    SmallString<256> Dir(sys::path::parent_path(LockPath));
    LockPath = Dir.empty() ? SmallString<256>(".") : Dir;
  }
  if (sys::fs::is_directory(LockPath))
    sys::path::append(LockPath, "uv.lock");
  // Diagnostics name files as the user would: `uv.lock`, not `./uv.lock`.
  std::string Trimmed = sys::path::remove_leading_dotslash(LockPath).str();
  LockPath = Trimmed;
  if (!sys::fs::exists(LockPath)) {
    StringRef Parent = sys::path::parent_path(LockPath);
    if (sys::path::filename(LockPath) == "uv.lock" &&
        sys::fs::is_directory(Parent.empty() ? "." : Parent))
      return createStringError(
          std::errc::no_such_file_or_directory,
          "no uv.lock in '%s'; run `uv lock` first, or pass the project "
          "directory or the path of its uv.lock",
          sys::path::parent_path(LockPath).empty()
              ? "."
              : sys::path::parent_path(LockPath).str().c_str());
    return createStringError(std::errc::no_such_file_or_directory,
                             "'%s' does not exist", LockPath.c_str());
  }
  P.LockPath = std::string(LockPath);
  StringRef Dir = sys::path::parent_path(LockPath);
  P.RootDir = Dir.empty() ? "." : Dir.str();

  auto LockBuf = readFile(LockPath, "lock file");
  if (!LockBuf)
    return LockBuf.takeError();
  // Name the buffer as the user would: the path as given.
  if (Error E = parseLock(P, std::move(*LockBuf), Opts))
    return E;

  if (!Opts.ReadPyProject)
    return Error::success();
  SmallString<256> PyPath(sys::path::parent_path(LockPath));
  sys::path::append(PyPath, "pyproject.toml");
  if (!sys::fs::exists(PyPath))
    return Error::success();
  auto PyBuf = readFile(PyPath, "pyproject file");
  if (!PyBuf)
    return PyBuf.takeError();
  P.PyProjectPath = std::string(PyPath);
  return parsePyProject(P, std::move(*PyBuf));
}
