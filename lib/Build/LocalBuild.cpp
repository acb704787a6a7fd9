//===- LocalBuild.cpp - Native builds of pure-Python local packages -------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Reads a local package's pyproject.toml, refuses what cannot be built
// without its backend, selects the package files by the backend's rules
// (Backends.cpp) and writes the dist-info the backend's wheel would hold, as
// pip installs it.
//
//===----------------------------------------------------------------------===//

#include "LocalBuildImpl.h"
#include "lambda-opt/Support/Error.h"

#include "lambda-opt/Artifact/Hash.h"
#include "lambda-opt/Standards/Marker.h"
#include "lambda-opt/Support/SourceError.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <map>
#include <set>

using namespace llvm;
using namespace lambdaopt;
using namespace lambdaopt::build;

//===----------------------------------------------------------------------===//
// Reading pyproject.toml
//===----------------------------------------------------------------------===//

Error Builder::refuse(const toml::Value *At, const Twine &Msg) {
  SMRange R =
      At ? At->getRange() : (BuildSystem ? BuildSystem->getRange() : SMRange());
  if (!R.isValid())
    return makeError(PyProjectPath + ": " + Msg);
  return makeSourceError(R, Msg);
}

Expected<std::optional<std::string>>
Builder::getString(const toml::Value *Table, StringRef Key) {
  if (!Table)
    return std::nullopt;
  const toml::Value *V = Table->get(Key);
  if (!V)
    return std::nullopt;
  if (!V->isString())
    return refuse(V, "'" + Key + "' must be a string");
  return V->getString().str();
}

Expected<std::vector<std::string>> Builder::getStrings(const toml::Value *Table,
                                                       StringRef Key) {
  std::vector<std::string> Out;
  if (!Table)
    return Out;
  const toml::Value *V = Table->get(Key);
  if (!V)
    return Out;
  if (!V->isArray())
    return refuse(V, "'" + Key + "' must be an array of strings");
  for (const toml::Value *E : V->getElements()) {
    if (!E->isString())
      return refuse(E, "'" + Key + "' must be an array of strings");
    Out.push_back(E->getString().str());
  }
  return Out;
}

const toml::Value *Builder::getTable(const toml::Value *From,
                                     ArrayRef<StringRef> Keys) const {
  const toml::Value *V = From;
  for (StringRef K : Keys) {
    if (!V || !V->isTable())
      return nullptr;
    V = V->get(K);
  }
  return V && V->isTable() ? V : nullptr;
}

Error Builder::checkKeys(const toml::Value *Table, ArrayRef<StringRef> Known,
                         StringRef Where) {
  if (!Table)
    return Error::success();
  for (const toml::Entry &E : Table->getEntries())
    if (!is_contained(Known, E.Key))
      return refuse(E.Val, "'" + Where + "." + E.Key +
                               "' is not supported by lambda-opt's native " +
                               Backend + " build");
  return Error::success();
}

Expected<std::string> Builder::readText(StringRef Rel) const {
  SmallString<256> Path(Dir);
  sys::path::append(Path, Rel);
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buf = MemoryBuffer::getFile(Path);
  if (!Buf)
    return createFileError(Path, Buf.getError());
  return (*Buf)->getBuffer().str();
}

bool Builder::isFile(StringRef Rel) const {
  SmallString<256> Path(Dir);
  sys::path::append(Path, Rel);
  return sys::fs::is_regular_file(Path);
}

bool Builder::isDir(StringRef Rel) const {
  SmallString<256> Path(Dir);
  sys::path::append(Path, Rel);
  return sys::fs::is_directory(Path);
}

Error Builder::walk(StringRef Rel,
                    function_ref<bool(StringRef Name, StringRef RelDir)> Dir,
                    function_ref<Error(StringRef RelFile)> File) const {
  std::set<std::string> Visited;
  return walkImpl(Rel, Dir, File, Visited);
}

Error Builder::walkImpl(
    StringRef Rel, function_ref<bool(StringRef Name, StringRef RelDir)> Dir,
    function_ref<Error(StringRef RelFile)> File,
    std::set<std::string> &Visited) const {
  SmallString<256> Root(this->Dir);
  if (!Rel.empty())
    sys::path::append(Root, Rel);
  // A folder reached twice (a symbolic link loop) is walked once.
  SmallString<256> Real;
  if (std::error_code EC = sys::fs::real_path(Root, Real))
    return createFileError(Root, EC);
  if (!Visited.insert(std::string(Real)).second)
    return Error::success();
  std::error_code EC;
  std::vector<std::string> Dirs, Files;
  for (sys::fs::directory_iterator It(Root, EC), End; It != End && !EC;
       It.increment(EC)) {
    StringRef Name = sys::path::filename(It->path());
    std::string Child = Rel.empty() ? Name.str() : (Rel + "/" + Name).str();
    sys::fs::file_status S;
    if (std::error_code SEC = sys::fs::status(It->path(), S))
      return createFileError(It->path(), SEC);
    if (S.type() == sys::fs::file_type::directory_file)
      Dirs.push_back(Name.str());
    else if (S.type() == sys::fs::file_type::regular_file)
      Files.push_back(std::move(Child));
  }
  if (EC)
    return createFileError(Root, EC);
  llvm::sort(Files);
  llvm::sort(Dirs);
  for (const std::string &F : Files)
    if (Error E = File(F))
      return E;
  for (const std::string &D : Dirs) {
    if (!Dir(D, Rel))
      continue;
    std::string Child = Rel.empty() ? D : (Rel + "/" + D).str();
    if (Error E = walkImpl(Child, Dir, File, Visited))
      return E;
  }
  return Error::success();
}

void Builder::addPackageFile(StringRef Rel, StringRef Dest) {
  SmallString<256> Path(Dir);
  sys::path::append(Path, Rel);
  Selected[Dest.str()] = std::string(Path);
}

/// `__version__ = "1.2"` (or `VERSION`) in \p Text, as hatchling's default
/// pattern and flit's reader find it.
static std::optional<std::string> findVersionAssignment(StringRef Text,
                                                        bool AllowVERSION) {
  SmallVector<StringRef, 64> Lines;
  Text.split(Lines, '\n');
  for (StringRef Line : Lines) {
    StringRef L = Line.rtrim("\r");
    StringRef Name;
    if (L.startswith("__version__"))
      Name = "__version__";
    else if (AllowVERSION && L.startswith("VERSION"))
      Name = "VERSION";
    else
      continue;
    StringRef Rest = L.drop_front(Name.size()).ltrim(" \t");
    if (Rest.startswith(":")) {
      // `__version__: str = "1.0"`
      size_t Eq = Rest.find('=');
      if (Eq == StringRef::npos)
        continue;
      Rest = Rest.drop_front(Eq);
    }
    if (!Rest.consume_front("="))
      continue;
    Rest = Rest.ltrim(" \t");
    if (Rest.empty() || (Rest.front() != '"' && Rest.front() != '\''))
      continue;
    char Quote = Rest.front();
    Rest = Rest.drop_front();
    size_t End = Rest.find(Quote);
    if (End == StringRef::npos || End == 0)
      continue;
    StringRef V = Rest.take_front(End);
    V.consume_front("v");
    return V.str();
  }
  return std::nullopt;
}

std::optional<std::string> build::readVersionAssignment(StringRef Text) {
  return findVersionAssignment(Text, /*AllowVERSION=*/true);
}

std::optional<std::string> build::readDunderVersion(StringRef Text) {
  return findVersionAssignment(Text, /*AllowVERSION=*/false);
}

std::optional<std::string> build::readDocstringSummary(StringRef Text) {
  // Skip comments, blank lines and a `from __future__` line or two.
  StringRef Rest = Text;
  while (!Rest.empty()) {
    StringRef Line = Rest.take_until([](char C) { return C == '\n'; });
    StringRef T = Line.trim();
    if (T.empty() || T.startswith("#")) {
      Rest = Rest.drop_front(std::min(Rest.size(), Line.size() + 1));
      continue;
    }
    break;
  }
  Rest = Rest.ltrim();
  Rest.consume_front("r");
  for (StringRef Q : {"\"\"\"", "'''", "\"", "'"}) {
    if (!Rest.startswith(Q))
      continue;
    StringRef Body = Rest.drop_front(Q.size());
    size_t End = Body.find(Q);
    if (End == StringRef::npos)
      return std::nullopt;
    Body = Body.take_front(End).ltrim();
    StringRef First = Body.take_until([](char C) { return C == '\n'; });
    First = First.trim();
    if (First.empty())
      return std::nullopt;
    return First.str();
  }
  return std::nullopt;
}

Error Builder::readEntryPointGroup(const toml::Value *T, StringRef Group) {
  if (!T)
    return Error::success();
  std::vector<std::pair<std::string, std::string>> Items;
  for (const toml::Entry &E : T->getEntries()) {
    if (!E.Val->isString())
      return refuse(E.Val, "entry point '" + E.Key + "' must be a string");
    Items.push_back({E.Key.str(), E.Val->getString().str()});
  }
  if (!Items.empty())
    M.EntryPoints.push_back({Group.str(), std::move(Items)});
  return Error::success();
}

Error Builder::readProject() {
  Project = getTable(Root, {"project"});
  if (!Project)
    return refuse(nullptr, "pyproject.toml has no [project] table, so its "
                           "metadata comes from the build backend");
  Expected<std::optional<std::string>> Name = getString(Project, "name");
  if (!Name)
    return Name.takeError();
  if (!*Name)
    return refuse(Project, "[project] has no name");
  M.Name = **Name;

  const toml::Value *DynamicV = Project->get("dynamic");
  Expected<std::vector<std::string>> Dynamic = getStrings(Project, "dynamic");
  if (!Dynamic)
    return Dynamic.takeError();
  for (const std::string &Field : *Dynamic) {
    if (Field == "version" ||
        (Field == "description" && Backend == "flit_core"))
      continue;
    if (Field == "readme" && Backend == "setuptools")
      continue;
    return refuse(DynamicV, "dynamic field '" + Field +
                                "' is computed by the build backend; "
                                "lambda-opt builds only static metadata and "
                                "versions read from a file");
  }
  M.DynamicVersion = is_contained(*Dynamic, "version");
  M.DynamicDescription = is_contained(*Dynamic, "description");

  Expected<std::optional<std::string>> Version = getString(Project, "version");
  if (!Version)
    return Version.takeError();
  if (*Version)
    M.Version = **Version;
  else if (!M.DynamicVersion)
    return refuse(Project, "[project] has no version and does not list it as "
                           "dynamic");

  for (auto [Key, Out] :
       {std::pair<StringRef, std::string *>{"description", &M.Summary},
        {"requires-python", &M.RequiresPython}}) {
    Expected<std::optional<std::string>> S = getString(Project, Key);
    if (!S)
      return S.takeError();
    if (*S)
      *Out = **S;
  }
  Expected<std::vector<std::string>> Deps = getStrings(Project, "dependencies");
  if (!Deps)
    return Deps.takeError();
  M.Dependencies = std::move(*Deps);
  if (const toml::Value *Opt = getTable(Project, {"optional-dependencies"}))
    for (const toml::Entry &E : Opt->getEntries()) {
      Expected<std::vector<std::string>> Reqs = getStrings(Opt, E.Key);
      if (!Reqs)
        return Reqs.takeError();
      M.Optional.push_back({E.Key.str(), std::move(*Reqs)});
    }
  for (StringRef Key : {"keywords", "classifiers"}) {
    Expected<std::vector<std::string>> L = getStrings(Project, Key);
    if (!L)
      return L.takeError();
    (Key == "keywords" ? M.Keywords : M.Classifiers) = std::move(*L);
  }
  if (const toml::Value *URLs = getTable(Project, {"urls"}))
    for (const toml::Entry &E : URLs->getEntries()) {
      if (!E.Val->isString())
        return refuse(E.Val, "[project.urls] values must be strings");
      M.URLs.push_back({E.Key.str(), E.Val->getString().str()});
    }
  if (const toml::Value *Authors = Project->get("authors")) {
    if (!Authors->isArray())
      return refuse(Authors, "'authors' must be an array of tables");
    for (const toml::Value *A : Authors->getElements()) {
      if (!A->isTable())
        return refuse(A, "'authors' must be an array of tables");
      const toml::Value *N = A->get("name");
      const toml::Value *Mail = A->get("email");
      if (N && N->isString() && !(Mail && Mail->isString()))
        M.AuthorNames.push_back(N->getString().str());
      if (Mail && Mail->isString())
        M.AuthorEmails.push_back(
            N && N->isString()
                ? (N->getString() + " <" + Mail->getString() + ">").str()
                : Mail->getString().str());
    }
  }
  // Entry points: scripts, gui-scripts and [project.entry-points.<group>].
  if (Error E = readEntryPointGroup(getTable(Project, {"scripts"}),
                                    "console_scripts"))
    return E;
  if (Error E = readEntryPointGroup(getTable(Project, {"gui-scripts"}),
                                    "gui_scripts"))
    return E;
  if (const toml::Value *EP = getTable(Project, {"entry-points"}))
    for (const toml::Entry &E : EP->getEntries()) {
      if (!E.Val->isTable())
        return refuse(E.Val,
                      "[project.entry-points." + E.Key + "] must be a table");
      if (Error Err = readEntryPointGroup(E.Val, E.Key))
        return Err;
    }
  // The licence: a text, a file (which is also a licence file), or an SPDX
  // expression.
  if (const toml::Value *L = Project->get("license")) {
    if (L->isString()) {
      M.LicenseExpression = L->getString().str();
    } else if (L->isTable()) {
      Expected<std::optional<std::string>> Text = getString(L, "text");
      if (!Text)
        return Text.takeError();
      Expected<std::optional<std::string>> File = getString(L, "file");
      if (!File)
        return File.takeError();
      if (*Text)
        M.LicenseText = **Text;
      if (*File) {
        if (!isFile(**File))
          return refuse(L, "licence file '" + **File + "' does not exist");
        M.LicenseFile = **File;
        Expected<std::string> Body = readText(**File);
        if (!Body)
          return Body.takeError();
        M.LicenseText = std::move(*Body);
      }
    } else {
      return refuse(L, "'license' must be a string or a table");
    }
  }
  // The readme: the long description.
  if (const toml::Value *R = Project->get("readme")) {
    std::string File, Type;
    if (R->isString()) {
      File = R->getString().str();
    } else if (R->isTable()) {
      Expected<std::optional<std::string>> F = getString(R, "file");
      if (!F)
        return F.takeError();
      Expected<std::optional<std::string>> T = getString(R, "text");
      if (!T)
        return T.takeError();
      Expected<std::optional<std::string>> CT = getString(R, "content-type");
      if (!CT)
        return CT.takeError();
      if (*F)
        File = **F;
      if (*T)
        M.Readme = **T;
      if (*CT)
        Type = **CT;
    }
    if (!File.empty()) {
      Expected<std::string> Body = readText(File);
      if (!Body)
        return refuse(R, "readme '" + File +
                             "' cannot be read: " + toString(Body.takeError()));
      M.Readme = std::move(*Body);
      StringRef Ext = sys::path::extension(File);
      if (Type.empty())
        Type = Ext.equals_insensitive(".md")    ? "text/markdown"
               : Ext.equals_insensitive(".rst") ? "text/x-rst"
                                                : "text/plain";
    }
    M.ReadmeType = Type;
  }
  return Error::success();
}

//===----------------------------------------------------------------------===//
// The dist-info
//===----------------------------------------------------------------------===//

std::string Builder::makeMetadata() const {
  std::string Out = "Metadata-Version: 2.1\n";
  Out += "Name: " + M.Name + "\n";
  Out += "Version: " + M.Version + "\n";
  // poetry-core writes the field even when it is empty.
  if (!M.Summary.empty() || Backend == "poetry-core")
    Out += "Summary: " + M.Summary + "\n";
  for (const auto &U : M.URLs)
    Out += "Project-URL: " + U.first + ", " + U.second + "\n";
  if (!M.AuthorNames.empty())
    Out += "Author: " + join(M.AuthorNames, ", ") + "\n";
  if (!M.AuthorEmails.empty())
    Out += "Author-email: " + join(M.AuthorEmails, ", ") + "\n";
  if (!M.LicenseExpression.empty())
    Out += "License: " + M.LicenseExpression + "\n";
  else if (!M.LicenseText.empty()) {
    SmallVector<StringRef, 8> Lines;
    StringRef(M.LicenseText).rtrim().split(Lines, '\n');
    for (size_t I = 0; I < Lines.size(); ++I)
      Out += (I == 0 ? "License: " : "        ") + Lines[I].rtrim("\r").str() +
             "\n";
  }
  for (const std::string &L : LicenseFiles)
    Out += "License-File: " + L + "\n";
  if (!M.Keywords.empty())
    Out += "Keywords: " + join(M.Keywords, ",") + "\n";
  for (const std::string &C : M.Classifiers)
    Out += "Classifier: " + C + "\n";
  if (!M.RequiresPython.empty())
    Out += "Requires-Python: " + M.RequiresPython + "\n";
  for (const std::string &D : M.Dependencies)
    Out += "Requires-Dist: " + D + "\n";
  for (const auto &Extra : M.Optional) {
    Out += "Provides-Extra: " + Extra.first + "\n";
    for (const std::string &D : Extra.second) {
      // Each backend joins a marker and the extra its own way.
      auto [Req, Marker] = StringRef(D).split(';');
      std::string ExtraMarker = "extra == '" + Extra.first + "'";
      Marker = Marker.trim();
      if (Marker.empty())
        Out += "Requires-Dist: " + Req.rtrim().str() + "; " + ExtraMarker;
      else if (Backend == "setuptools")
        Out += "Requires-Dist: " + Req.rtrim().str() + "; (" + Marker.str() +
               ") and " + ExtraMarker;
      else if (Backend == "flit_core")
        Out += "Requires-Dist: " + Req.rtrim().str() + "; " + ExtraMarker +
               " and (" + Marker.str() + ")";
      else
        Out += "Requires-Dist: " + D + " and " + ExtraMarker;
      Out += "\n";
    }
  }
  if (!M.Readme.empty()) {
    if (!M.ReadmeType.empty())
      Out += "Description-Content-Type: " + M.ReadmeType + "\n";
    Out += "\n" + M.Readme;
  }
  return Out;
}

std::string Builder::makeEntryPoints() const {
  std::string Out;
  for (const auto &G : M.EntryPoints) {
    Out += "[" + G.first + "]\n";
    for (const auto &E : G.second)
      Out += E.first + " = " + E.second + "\n";
    Out += "\n";
  }
  return Out;
}

/// Appends one CSV field the way Python's csv module writes it.
static void writeCsvField(std::string &Out, StringRef F) {
  if (F.find_first_of(",\"\r\n") == StringRef::npos) {
    Out += F.str();
    return;
  }
  Out += '"';
  for (char C : F) {
    if (C == '"')
      Out += '"';
    Out += C;
  }
  Out += '"';
}

Error Builder::finish(LocalBuildResult &R) {
  R.Name = M.Name;
  R.Version = M.Version;
  R.Backend = Backend;
  R.DistInfo = DistInfoName;
  for (auto &KV : Selected) {
    PlannedFile F;
    F.Path = KV.first;
    F.Source = PlannedSourceKind::DiskFile;
    F.DiskPath = KV.second;
    sys::fs::file_status S;
    if (std::error_code EC = sys::fs::status(F.DiskPath, S))
      return createFileError(F.DiskPath, EC);
    F.Size = S.getSize();
    // The backends keep the owner's execute bit, and pip installs it.
    F.Mode = (S.permissions() & sys::fs::owner_exe) ? 0755 : 0644;
    R.Files.push_back(std::move(F));
  }
  // The dist-info, RECORD last.
  DistInfoFiles["METADATA"] = makeMetadata();
  DistInfoFiles["WHEEL"] =
      "Wheel-Version: 1.0\nGenerator: lambda-opt (" + Backend +
      " rules)\nRoot-Is-Purelib: true\nTag: py3-none-any\n";
  if (!M.EntryPoints.empty())
    DistInfoFiles["entry_points.txt"] = makeEntryPoints();
  for (auto &KV : DistInfoFiles) {
    PlannedFile F;
    F.Path = DistInfoName + "/" + KV.first;
    F.Source = PlannedSourceKind::Memory;
    F.Data = KV.second;
    F.Size = F.Data.size();
    R.Files.push_back(std::move(F));
  }
  if (CheckOnly)
    return Error::success();
  std::vector<std::array<std::string, 3>> Rows;
  for (const PlannedFile &F : R.Files) {
    std::string Data;
    if (F.Source == PlannedSourceKind::Memory) {
      Data = F.Data;
    } else {
      ErrorOr<std::unique_ptr<MemoryBuffer>> Buf =
          MemoryBuffer::getFile(F.DiskPath, /*IsText=*/false,
                                /*RequiresNullTerminator=*/false);
      if (!Buf)
        return createFileError(F.DiskPath, Buf.getError());
      Data = (*Buf)->getBuffer().str();
    }
    Expected<std::string> Hash = recordHash(Data);
    if (!Hash)
      return Hash.takeError();
    Rows.push_back({F.Path, std::move(*Hash), std::to_string(Data.size())});
  }
  std::string RecordPath = DistInfoName + "/RECORD";
  Rows.push_back({RecordPath, "", ""});
  llvm::sort(Rows);
  PlannedFile Record;
  Record.Path = RecordPath;
  Record.Source = PlannedSourceKind::Memory;
  for (const auto &Row : Rows) {
    writeCsvField(Record.Data, Row[0]);
    Record.Data += ',';
    writeCsvField(Record.Data, Row[1]);
    Record.Data += ',';
    writeCsvField(Record.Data, Row[2]);
    Record.Data += "\r\n";
  }
  Record.Size = Record.Data.size();
  R.Files.push_back(std::move(Record));
  for (PlannedFile &F : R.Files)
    F.FromSourceTree = true;
  llvm::sort(R.Files, [](const PlannedFile &A, const PlannedFile &B) {
    return A.Path < B.Path;
  });
  if (!M.EntryPoints.empty())
    for (const auto &G : M.EntryPoints)
      if (G.first == "console_scripts" || G.first == "gui_scripts")
        R.Notes.push_back(
            M.Name + ": " + std::to_string(G.second.size()) + " " + G.first +
            " wrapper(s) not generated (import the function instead)");
  return Error::success();
}

void Builder::addLicenseFile(StringRef Rel, StringRef DistInfoRel) {
  if (is_contained(LicenseFiles, Rel.str()))
    return;
  Expected<std::string> Body = readText(Rel);
  if (!Body) {
    consumeError(Body.takeError());
    return;
  }
  LicenseFiles.push_back(Rel.str());
  DistInfoFiles[DistInfoRel.str()] = std::move(*Body);
}

std::vector<std::string>
Builder::globRootFiles(ArrayRef<StringRef> Patterns) const {
  std::vector<std::string> Out;
  std::error_code EC;
  for (sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC)) {
    StringRef Name = sys::path::filename(It->path());
    if (!sys::fs::is_regular_file(It->path()))
      continue;
    if (any_of(Patterns,
               [&](StringRef P) { return matchPathWildcard(P, Name); }))
      Out.push_back(Name.str());
  }
  llvm::sort(Out);
  return Out;
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

Expected<LocalBuildResult> Builder::run() {
  SmallString<256> Path(Dir);
  sys::path::append(Path, "pyproject.toml");
  PyProjectPath = std::string(Path);
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buf = MemoryBuffer::getFile(Path);
  if (!Buf)
    return makeError("local package at '" + Dir + "' has no readable " +
                     "pyproject.toml (" + Buf.getError().message() + ")");
  StringRef Text = (*Buf)->getBuffer();
  SM.AddNewSourceBuffer(std::move(*Buf), SMLoc());
  toml::Parser Parser;
  if (Error E = Parser.parse(Text, Doc))
    return E;
  Root = Doc.getRoot();
  BuildSystem = getTable(Root, {"build-system"});
  if (!BuildSystem)
    return refuse(nullptr,
                  "pyproject.toml has no [build-system]; its build is up to "
                  "the installer's legacy setuptools path");
  Expected<std::optional<std::string>> BackendName =
      getString(BuildSystem, "build-backend");
  if (!BackendName)
    return BackendName.takeError();
  if (!*BackendName)
    return refuse(BuildSystem, "[build-system] names no build-backend");
  if (BuildSystem->get("backend-path"))
    return refuse(BuildSystem->get("backend-path"),
                  "an in-tree build backend ('backend-path') runs project "
                  "code");
  StringRef B = **BackendName;
  const toml::Value *BackendV = BuildSystem->get("build-backend");
  if (B == "hatchling.build")
    Backend = "hatchling";
  else if (B == "setuptools.build_meta" ||
           B == "setuptools.build_meta:__legacy__")
    Backend = "setuptools";
  else if (B == "flit_core.buildapi")
    Backend = "flit_core";
  else if (B == "uv_build")
    Backend = "uv_build";
  else if (B == "poetry.core.masonry.api")
    Backend = "poetry-core";
  else if (B == "pdm.backend")
    Backend = "pdm-backend";
  else if (B == "maturin" || B == "scikit_build_core.build" || B == "mesonpy" ||
           B == "pybind11.setup_helpers")
    return refuse(BackendV, "build backend '" + B +
                                "' builds native extensions, which need a "
                                "compiler and the Lambda build image");
  else
    return refuse(BackendV, "build backend '" + B +
                                "' is not one lambda-opt builds natively "
                                "(hatchling, setuptools, flit_core, "
                                "poetry-core, pdm-backend, uv_build)");
  // Plugins that compute versions or files at build time.
  Expected<std::vector<std::string>> Requires =
      getStrings(BuildSystem, "requires");
  if (!Requires)
    return Requires.takeError();
  for (const std::string &Req : *Requires) {
    std::string Name = normalizePackageName(StringRef(Req).take_while(
        [](char C) { return isAlnum(C) || C == '-' || C == '_' || C == '.'; }));
    static const char *const Plugins[] = {"hatch-vcs",
                                          "setuptools-scm",
                                          "hatch-fancy-pypi-readme",
                                          "hatch-requirements-txt",
                                          "setuptools-rust",
                                          "cython",
                                          "cffi",
                                          "pybind11",
                                          "versioneer",
                                          "setuptools-git-versioning",
                                          "hatch-build-scripts",
                                          "hatch-jupyter-builder"};
    if (is_contained(Plugins, Name))
      return refuse(BuildSystem->get("requires"),
                    "build requirement '" + Name +
                        "' runs at build time (a version from VCS, generated "
                        "files or native code)");
  }
  // poetry-core before 2.0 reads its metadata from [tool.poetry].
  bool PoetryMetadata =
      Backend == "poetry-core" && !getTable(Root, {"project"});
  if (Error E = PoetryMetadata ? readPoetryMetadata() : readProject())
    return E;
  Error E = Error::success();
  if (Backend == "hatchling")
    E = buildHatchling();
  else if (Backend == "setuptools")
    E = buildSetuptools();
  else if (Backend == "flit_core")
    E = buildFlit();
  else if (Backend == "poetry-core")
    E = buildPoetry();
  else if (Backend == "pdm-backend")
    E = buildPdm();
  else
    E = buildUv();
  if (E)
    return E;
  LocalBuildResult R;
  if (Error FE = finish(R))
    return FE;
  return R;
}

Expected<LocalBuildResult> lambdaopt::buildLocalPackage(StringRef SourceDir,
                                                        SourceMgr &SM,
                                                        bool CheckOnly) {
  Builder B(SourceDir, SM, CheckOnly);
  return B.run();
}

std::optional<std::string>
lambdaopt::findLocalWheel(ArrayRef<std::string> FindLinks, StringRef Name,
                          StringRef Version, const TagTarget &Tags) {
  std::string Want = normalizePackageName(Name);
  std::optional<lambdaopt::Version> WantV;
  if (!Version.empty()) {
    Expected<lambdaopt::Version> V = lambdaopt::Version::parse(Version);
    if (!V) {
      consumeError(V.takeError());
      return std::nullopt;
    }
    WantV = *V;
  }
  std::vector<WheelFilename> Names;
  std::vector<std::string> Paths;
  for (const std::string &Folder : FindLinks) {
    std::error_code EC;
    std::vector<std::string> Found;
    for (sys::fs::directory_iterator It(Folder, EC), End; It != End && !EC;
         It.increment(EC))
      Found.push_back(It->path());
    llvm::sort(Found);
    for (const std::string &P : Found) {
      StringRef File = sys::path::filename(P);
      if (!File.endswith(".whl"))
        continue;
      Expected<WheelFilename> W = WheelFilename::parse(File);
      if (!W) {
        consumeError(W.takeError());
        continue;
      }
      if (W->getNormalizedName() != Want || (WantV && W->Ver != *WantV))
        continue;
      Names.push_back(std::move(*W));
      Paths.push_back(P);
    }
  }
  std::optional<size_t> Best = selectBestWheel(Names, Tags);
  if (!Best)
    return std::nullopt;
  return Paths[*Best];
}

Error lambdaopt::flattenSourceErrors(Error E, const SourceMgr &SM) {
  Error Out = Error::success();
  handleAllErrors(
      std::move(E),
      [&](const SourceError &SE) {
        std::string Msg = SE.getMessage();
        SMLoc Loc = SE.getLoc();
        if (Loc.isValid()) {
          unsigned Buf = SM.FindBufferContainingLoc(Loc);
          if (Buf) {
            auto [Line, Col] = SM.getLineAndColumn(Loc, Buf);
            Msg = (SM.getMemoryBuffer(Buf)->getBufferIdentifier() + ":" +
                   Twine(Line) + ":" + Twine(Col) + ": " + Msg)
                      .str();
          }
        }
        Out = joinErrors(std::move(Out), makeError(Msg));
      },
      [&](const ErrorInfoBase &EI) {
        Out = joinErrors(std::move(Out), makeError(EI.message()));
      });
  return Out;
}
