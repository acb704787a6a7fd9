//===- Layout.cpp - Install tree planning ---------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Artifact/Layout.h"
#include "lambda-opt/Artifact/Hash.h"
#include "lambda-opt/Support/Error.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"

#include <algorithm>
#include <deque>
#include <set>
#include <tuple>

using namespace llvm;
using namespace lambdaopt;

namespace {

/// Drops empty and "." components ("..": refused by the wheel reader).
std::string normalizePath(StringRef P) {
  SmallVector<StringRef, 16> Parts;
  P.split(Parts, '/');
  std::string Out;
  for (StringRef Part : Parts) {
    if (Part.empty() || Part == ".")
      continue;
    if (!Out.empty())
      Out += '/';
    Out += Part.str();
  }
  return Out;
}

/// RECORD path of \p P (relative to the install home) as seen from pip's
/// lib directory, home/lib/python.
std::string recordPathFromHome(StringRef P) {
  if (P.consume_front("lib/python/"))
    return P.str();
  if (P.consume_front("lib/"))
    return "../" + P.str();
  return "../../" + P.str();
}

/// A RECORD row: path, hash, size. The fields refer to the RECORD text, or
/// to strings kept alive by the caller (unquoted fields, rewritten values).
struct RecordRow {
  StringRef Path, Hash, Size;
  bool operator<(const RecordRow &O) const {
    return std::tie(Path, Hash, Size) < std::tie(O.Path, O.Hash, O.Size);
  }
};

/// Parses RECORD text as CSV; blank lines skipped. Rows without a quote are
/// split in place; a row with one (quoted fields may hold commas, quotes and
/// line ends) is unquoted into \p Store.
std::vector<RecordRow> parseRecord(StringRef Text,
                                   std::deque<std::string> &Store) {
  std::vector<RecordRow> Rows;
  Rows.reserve(Text.size() / 64);
  size_t Pos = 0;
  while (Pos < Text.size()) {
    size_t EOL = Text.find_first_of("\r\n", Pos);
    if (EOL == StringRef::npos)
      EOL = Text.size();
    StringRef Line = Text.slice(Pos, EOL);
    if (Line.empty()) {
      Pos = EOL + 1;
      continue;
    }
    if (!Line.contains('"')) {
      RecordRow R;
      std::tie(R.Path, Line) = Line.split(',');
      std::tie(R.Hash, Line) = Line.split(',');
      R.Size = Line.split(',').first;
      Rows.push_back(R);
      Pos = EOL + 1;
      continue;
    }
    // A quoted row, up to the first line end outside quotes.
    std::vector<std::string> Fields(1);
    bool InQuotes = false;
    size_t I = Pos;
    for (; I < Text.size(); ++I) {
      char C = Text[I];
      if (InQuotes) {
        if (C == '"' && I + 1 < Text.size() && Text[I + 1] == '"') {
          Fields.back() += '"';
          ++I;
        } else if (C == '"') {
          InQuotes = false;
        } else {
          Fields.back() += C;
        }
        continue;
      }
      if (C == '\r' || C == '\n')
        break;
      if (C == '"')
        InQuotes = true;
      else if (C == ',')
        Fields.emplace_back();
      else
        Fields.back() += C;
    }
    RecordRow R;
    StringRef *Out[] = {&R.Path, &R.Hash, &R.Size};
    for (size_t F = 0; F < 3 && F < Fields.size(); ++F) {
      Store.push_back(std::move(Fields[F]));
      *Out[F] = Store.back();
    }
    Rows.push_back(R);
    Pos = I + 1;
  }
  return Rows;
}

/// Writes one CSV field, quoting only when needed.
void writeField(std::string &Out, StringRef F) {
  if (F.find_first_of(",\"\r\n") == StringRef::npos) {
    Out.append(F.data(), F.size());
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

/// Console and GUI entry point names from entry_points.txt.
std::set<std::string> parseEntryPointNames(StringRef Text) {
  std::set<std::string> Names;
  bool InScripts = false;
  SmallVector<StringRef, 32> Lines;
  Text.split(Lines, '\n');
  for (StringRef Line : Lines) {
    Line = Line.trim();
    if (Line.empty() || Line.startswith("#") || Line.startswith(";"))
      continue;
    if (Line.startswith("[")) {
      StringRef Section = Line.trim("[]").trim();
      InScripts = Section == "console_scripts" || Section == "gui_scripts";
      continue;
    }
    if (InScripts && Line.contains('='))
      Names.insert(Line.split('=').first.trim().str());
  }
  return Names;
}

/// The value of header \p Key in an RFC 822 style METADATA text.
StringRef metadataField(StringRef Text, StringRef Key) {
  SmallVector<StringRef, 32> Lines;
  Text.split(Lines, '\n');
  for (StringRef Line : Lines) {
    if (Line.trim().empty())
      break;
    std::pair<StringRef, StringRef> KV = Line.split(':');
    if (KV.first.trim().equals_insensitive(Key))
      return KV.second.trim();
  }
  return StringRef();
}

/// Top-level import name of an install-relative path ("six.py" -> "six").
StringRef topLevelName(StringRef P) {
  std::pair<StringRef, StringRef> Split = P.split('/');
  if (!Split.second.empty())
    return Split.first;
  return Split.first.split('.').first;
}

/// The longest file or folder name Lambda's file system takes, in bytes.
constexpr size_t MaxNameBytes = 255;

/// Why --include leaves \p Name (in the folder \p Dir) out by default, or
/// an empty string: version control, virtual environments, node_modules,
/// .env files and editor files are not the function's code.
StringRef getDefaultExclusion(StringRef Dir, StringRef Name, bool IsDir) {
  if (IsDir) {
    if (Name == ".git" || Name == ".hg" || Name == ".svn")
      return "version control";
    if (Name == ".venv" || Name == "venv")
      return "virtual environment";
    SmallString<256> Cfg(Dir);
    sys::path::append(Cfg, Name, "pyvenv.cfg");
    if (sys::fs::exists(Cfg))
      return "virtual environment";
    if (Name == "node_modules")
      return "node_modules";
    if (Name == ".idea" || Name == ".vscode")
      return "editor settings";
    return "";
  }
  if (Name.startswith(".env"))
    return "environment file";
  if (Name.endswith("~") || Name == ".DS_Store" ||
      (Name.startswith(".") &&
       (Name.endswith(".swp") || Name.endswith(".swo"))))
    return "editor file";
  return "";
}

/// A planned file before the layout prefix is applied, with its origin.
struct Candidate {
  PlannedFile File;
  /// Index of the owning wheel, or -1 for application files.
  int Owner = -1;
  uint32_t Crc = 0;
  bool HasCrc = false;
};

/// What planning one wheel produced. Wheels are planned in parallel, each
/// into its own WheelPlan, and merged in input order.
struct WheelPlan {
  std::vector<Candidate> Files;
  std::vector<std::string> Notes;
  FilterStats Tests, Pycache, Stubs, Packages;
};

class Planner {
public:
  Planner(InstallPlan &Plan, ArrayRef<WheelInput> Inputs,
          ArrayRef<PlannedPackage> Local, const LayoutOptions &Options)
      : Plan(Plan), Inputs(Inputs), Local(Local), Options(Options) {}

  /// Plans wheel \p WheelIndex into \p Out; reads only the wheel and the
  /// options, so wheels may be planned on several threads at once.
  Error planWheel(unsigned WheelIndex, WheelPlan &Out) const;
  /// Adds a planned wheel's files, notes and filter counts.
  Error addWheel(WheelPlan &&Out);
  /// Makes room for \p Count more files.
  void reserve(size_t Count) { Files.reserve(Files.size() + Count); }
  Error planLocal(unsigned LocalIndex);
  Error planInclude(const IncludePath &Include);
  /// Sorts the files by path, merges identical duplicates and refuses
  /// different ones.
  Error finish();

private:
  Error add(Candidate C);
  /// "package 'x'", or for the function's own code the file on disk.
  std::string ownerName(const Candidate &C) const {
    if (C.Owner < 0)
      return "--include file '" + C.File.DiskPath + "'";
    if (static_cast<size_t>(C.Owner) >= Inputs.size())
      return "package '" + Local[C.Owner - Inputs.size()].Package + "'";
    return "package '" + Inputs[C.Owner].Package + "'";
  }
  Expected<bool> sameBytes(const Candidate &A, const Candidate &B) const;
  bool filterOut(const Candidate &C, bool &WholeWheelDroppable,
                 WheelPlan &Out) const;

  InstallPlan &Plan;
  ArrayRef<WheelInput> Inputs;
  ArrayRef<PlannedPackage> Local;
  const LayoutOptions &Options;
  /// Every file in the order it was added; finish() sorts them.
  std::vector<Candidate> Files;
};

} // namespace

bool lambdaopt::isSharedObjectPath(StringRef P) {
  return P.endswith(".so") || P.contains(".so.");
}

bool lambdaopt::isDistInfoPath(StringRef P) {
  return P.split('/').first.endswith(".dist-info");
}

bool lambdaopt::hasDirComponent(StringRef P, ArrayRef<StringRef> Names) {
  SmallVector<StringRef, 16> Parts;
  P.split(Parts, '/');
  Parts.pop_back();
  return any_of(Parts, [&](StringRef C) { return is_contained(Names, C); });
}

Expected<std::string> InstallPlan::readPlannedFile(const PlannedFile &F) const {
  switch (F.Source) {
  case PlannedSourceKind::Memory:
    return F.Data;
  case PlannedSourceKind::DiskFile: {
    ErrorOr<std::unique_ptr<MemoryBuffer>> Buf =
        MemoryBuffer::getFile(F.DiskPath, /*IsText=*/false,
                              /*RequiresNullTerminator=*/false);
    if (!Buf)
      return createFileError(F.DiskPath, Buf.getError());
    return (*Buf)->getBuffer().str();
  }
  case PlannedSourceKind::WheelEntry:
    break;
  }
  if (F.Wheel >= Wheels.size() || F.Entry >= Wheels[F.Wheel]->entries().size())
    return makeError("planned file '" + F.Path + "' has no wheel entry");
  return Wheels[F.Wheel]->readEntry(Wheels[F.Wheel]->entries()[F.Entry]);
}

Expected<bool> Planner::sameBytes(const Candidate &A,
                                  const Candidate &B) const {
  if (A.File.Size != B.File.Size)
    return false;
  if (A.HasCrc && B.HasCrc && A.Crc != B.Crc)
    return false;
  Expected<std::string> DA = Plan.readPlannedFile(A.File);
  if (!DA)
    return DA.takeError();
  Expected<std::string> DB = Plan.readPlannedFile(B.File);
  if (!DB)
    return DB.takeError();
  return *DA == *DB;
}

Error Planner::add(Candidate C) {
  // Lambda extracts onto a file system whose names are at most 255 bytes.
  SmallVector<StringRef, 16> Parts;
  StringRef(C.File.Path).split(Parts, '/');
  for (StringRef Part : Parts) {
    if (Part.size() <= MaxNameBytes)
      continue;
    std::string What = C.Owner < 0
                           ? ownerName(C)
                           : ownerName(C) + " installs '" + C.File.Path + "'";
    return makeError(What + ": the name '" + Part.take_front(40) + "...' is " +
                     Twine(Part.size()) +
                     " bytes; Lambda cannot extract names over " +
                     Twine(MaxNameBytes) + " bytes (rename it)");
  }
  Files.push_back(std::move(C));
  return Error::success();
}

Error Planner::planWheel(unsigned WheelIndex, WheelPlan &Out) const {
  const WheelArchive &W = *Plan.Wheels[WheelIndex];
  std::string Name = metadataField(W.getMetadata(), "Name").str();
  if (Name.empty())
    Name = Inputs[WheelIndex].Package;
  std::set<std::string> EntryPoints;
  if (const WheelEntry *EP =
          W.findEntry(W.getDistInfoDir().str() + "/entry_points.txt")) {
    Expected<std::string> Text = W.readEntry(*EP);
    if (!Text)
      return Text.takeError();
    EntryPoints = parseEntryPointNames(*Text);
  }
  if (!EntryPoints.empty())
    Out.Notes.push_back(formatv("{0}: {1} entry point script(s) not "
                                "generated (console_scripts/gui_scripts)",
                                Inputs[WheelIndex].Package,
                                EntryPoints.size()));

  std::string DistInfo = W.getDistInfoDir().str();
  std::string RecordName = DistInfo + "/RECORD";
  /// The RECORD path of an installed wheel entry, and whether a RECORD row
  /// named it.
  struct InstalledPath {
    std::string RecordPath;
    bool Recorded = false;
  };
  StringMap<InstalledPath> Installed; // wheel name -> RECORD path
  std::vector<StringRef> InstalledOrder;
  StringMap<std::string> Changed; // RECORD path -> new bytes
  std::vector<Candidate> Pending;

  for (const WheelEntry &E : W.entries()) {
    if (E.isDirectory())
      continue;
    StringRef N = E.Name;
    std::string Dest, RecordPath;
    bool Script = false;
    StringRef Top = N.split('/').first;
    if (Top.endswith(".data") && N.contains('/')) {
      SmallVector<StringRef, 3> Parts;
      N.split(Parts, '/', 2);
      std::string Rest = Parts.size() == 3 ? normalizePath(Parts[2]) : "";
      if (Rest.empty())
        return makeError("wheel '" + W.getPath() + "': entry '" + N +
                         "' is not of the form <name>.data/<scheme>/<path>");
      StringRef Key = Parts[1];
      if (Key == "purelib" || Key == "platlib") {
        Dest = Rest;
        RecordPath = Rest;
      } else if (Key == "scripts") {
        StringRef Base = sys::path::filename(Rest);
        StringRef Match = Base;
        for (StringRef Suffix : {".exe", "-script.py", ".pya"})
          if (Base.endswith_insensitive(Suffix))
            Match = Base.drop_back(Suffix.size());
        if (EntryPoints.count(Match.str()))
          continue; // pip replaces these with generated wrappers.
        Dest = "bin/" + Rest;
        RecordPath = "../../bin/" + Rest;
        Script = true;
      } else if (Key == "headers") {
        Dest = "include/python/" + Name + "/" + Rest;
        RecordPath = "../../" + Dest;
      } else if (Key == "data") {
        RecordPath = recordPathFromHome(Rest);
        StringRef First = StringRef(Rest).split('/').first;
        if (StringRef("lib/python").startswith(First)) {
          Out.Notes.push_back(formatv("{0}: '{1}' not installed (pip "
                                      "--target drops data under '{2}')",
                                      Inputs[WheelIndex].Package, N, First));
          Installed[N].RecordPath = RecordPath;
          InstalledOrder.push_back(N);
          continue;
        }
        Dest = Rest;
        if (First == "include" || First == "share" || First == "etc")
          Out.Notes.push_back(formatv("{0}: data file '{1}' installed at "
                                      "'{2}'",
                                      Inputs[WheelIndex].Package, N, Dest));
      } else {
        return makeError("wheel '" + W.getPath() + "': entry '" + N +
                         "' uses unknown scheme '" + Key +
                         "' (expected purelib, platlib, headers, scripts or "
                         "data)");
      }
    } else {
      Dest = normalizePath(N);
      RecordPath = Dest;
    }
    Installed[N].RecordPath = RecordPath;
    InstalledOrder.push_back(N);

    if (Dest == RecordName)
      continue; // Rewritten below.
    if (Dest == DistInfo + "/INSTALLER" || Dest == DistInfo + "/REQUESTED" ||
        Dest == DistInfo + "/direct_url.json")
      continue;

    Candidate C;
    C.Owner = WheelIndex;
    C.File.Path = Dest;
    C.File.Mode = (Script || E.isExecutable()) ? 0755 : 0644;
    C.File.Source = PlannedSourceKind::WheelEntry;
    C.File.Wheel = WheelIndex;
    C.File.Entry = E.Index;
    C.File.Size = E.Size;
    C.Crc = E.Crc;
    C.HasCrc = true;
    if (Script && E.Size >= 8) {
      Expected<std::string> Bytes = W.readEntry(E);
      if (!Bytes)
        return Bytes.takeError();
      if (StringRef(*Bytes).startswith("#!python")) {
        size_t EOL = Bytes->find('\n');
        std::string Rest =
            EOL == std::string::npos ? std::string() : Bytes->substr(EOL + 1);
        C.File.Source = PlannedSourceKind::Memory;
        C.File.Data = "#!" + Options.ScriptInterpreter + "\n" + Rest;
        C.File.Size = C.File.Data.size();
        C.HasCrc = false;
        Changed[RecordPath] = C.File.Data;
      }
    }
    Pending.push_back(std::move(C));
  }

  // RECORD, rewritten the way pip does.
  const WheelEntry *Record = W.findEntry(RecordName);
  if (!Record)
    return makeError("wheel '" + W.getPath() + "': entry '" + RecordName +
                     "' is missing");
  Expected<std::string> RecordText = W.readEntry(*Record);
  if (!RecordText)
    return RecordText.takeError();
  std::deque<std::string> Store;
  std::vector<RecordRow> Rows = parseRecord(*RecordText, Store);
  for (RecordRow &Row : Rows) {
    auto It = Installed.find(Row.Path);
    if (It != Installed.end() && !It->second.Recorded) {
      Row.Path = It->second.RecordPath;
      It->second.Recorded = true;
    }
    auto Ch = Changed.find(Row.Path);
    if (Ch != Changed.end()) {
      Expected<std::string> Hash = recordHash(Ch->second);
      if (!Hash)
        return Hash.takeError();
      Store.push_back(std::move(*Hash));
      Row.Hash = Store.back();
      Store.push_back(std::to_string(Ch->second.size()));
      Row.Size = Store.back();
    }
  }
  for (StringRef N : InstalledOrder) {
    const InstalledPath &I = Installed.find(N)->second;
    if (!I.Recorded)
      Rows.push_back({I.RecordPath, "", ""});
  }
  std::string Installer = DistInfo + "/INSTALLER";
  std::string Requested = DistInfo + "/REQUESTED";
  std::string DirectUrl = DistInfo + "/direct_url.json";
  llvm::erase_if(Rows, [&](const RecordRow &R) {
    return R.Path == Installer || R.Path == Requested || R.Path == DirectUrl;
  });
  llvm::sort(Rows);
  Candidate Rec;
  Rec.Owner = WheelIndex;
  Rec.File.Path = RecordName;
  Rec.File.Source = PlannedSourceKind::Memory;
  size_t Bytes = 0;
  for (const RecordRow &R : Rows)
    Bytes += R.Path.size() + R.Hash.size() + R.Size.size() + 4;
  Rec.File.Data.reserve(Bytes);
  for (const RecordRow &R : Rows) {
    writeField(Rec.File.Data, R.Path);
    Rec.File.Data += ',';
    writeField(Rec.File.Data, R.Hash);
    Rec.File.Data += ',';
    writeField(Rec.File.Data, R.Size);
    Rec.File.Data += "\r\n";
  }
  Rec.File.Size = Rec.File.Data.size();
  Pending.push_back(std::move(Rec));

  // Filters. The dist-info goes only if every other file of the wheel went
  // to DropPackages.
  bool AllPackagesDropped = true, AnyNonDistInfo = false;
  std::vector<Candidate> &Kept = Out.Files;
  Kept.reserve(Pending.size());
  for (Candidate &C : Pending) {
    if (isDistInfoPath(C.File.Path)) {
      Kept.push_back(std::move(C));
      continue;
    }
    AnyNonDistInfo = true;
    bool ByPackage = false;
    if (filterOut(C, ByPackage, Out)) {
      AllPackagesDropped &= ByPackage;
      continue;
    }
    AllPackagesDropped = false;
    Kept.push_back(std::move(C));
  }
  if (AnyNonDistInfo && AllPackagesDropped) {
    for (const Candidate &C : Kept) {
      ++Out.Packages.Files;
      Out.Packages.Bytes += C.File.Size;
    }
    Kept.clear();
  }
  return Error::success();
}

Error Planner::addWheel(WheelPlan &&Out) {
  for (std::string &N : Out.Notes)
    Plan.Notes.push_back(std::move(N));
  for (auto [Sum, Part] : {std::make_pair(&Plan.Tests, &Out.Tests),
                           std::make_pair(&Plan.Pycache, &Out.Pycache),
                           std::make_pair(&Plan.Stubs, &Out.Stubs),
                           std::make_pair(&Plan.Packages, &Out.Packages)}) {
    Sum->Files += Part->Files;
    Sum->Bytes += Part->Bytes;
  }
  for (Candidate &C : Out.Files)
    if (Error E = add(std::move(C)))
      return E;
  return Error::success();
}

Error Planner::planLocal(unsigned LocalIndex) {
  for (const PlannedFile &F : Local[LocalIndex].Files) {
    Candidate C;
    C.Owner = static_cast<int>(Inputs.size() + LocalIndex);
    C.File = F;
    if (Error E = add(std::move(C)))
      return E;
  }
  return Error::success();
}

bool Planner::filterOut(const Candidate &C, bool &ByPackage,
                        WheelPlan &Out) const {
  const LayoutFilters &F = Options.Filters;
  StringRef P = C.File.Path;
  ByPackage = false;
  if (isSharedObjectPath(P))
    return false;
  auto Count = [&](FilterStats &S) {
    ++S.Files;
    S.Bytes += C.File.Size;
    return true;
  };
  if (is_contained(F.DropPackages, topLevelName(P))) {
    ByPackage = true;
    return Count(Out.Packages);
  }
  if (F.DropTests && hasDirComponent(P, {"tests", "test"}))
    return Count(Out.Tests);
  if (F.DropPycache &&
      (hasDirComponent(P, {"__pycache__"}) || P.endswith(".pyc")))
    return Count(Out.Pycache);
  if (F.DropStubs && P.endswith(".pyi"))
    return Count(Out.Stubs);
  return false;
}

Error Planner::planInclude(const IncludePath &Include) {
  sys::fs::file_status Status;
  if (std::error_code EC = sys::fs::status(Include.DiskPath, Status))
    return createFileError(Include.DiskPath, EC);
  SmallString<256> Root(Include.DiskPath);
  sys::path::remove_dots(Root, /*remove_dot_dot=*/true);
  std::string Base = sys::path::filename(Root).str();
  if (Base.empty() || Base == "." || Base == "/")
    return makeError("include path '" + Include.DiskPath +
                     "' has no base name to install under");
  auto AddFile = [&](StringRef Disk, std::string Dest,
                     const sys::fs::file_status &S) {
    Candidate C;
    C.File.Path = std::move(Dest);
    C.File.Source = PlannedSourceKind::DiskFile;
    C.File.DiskPath = Disk.str();
    C.File.Size = S.getSize();
    C.File.Mode = (S.permissions() & sys::fs::owner_exe) ? 0755 : 0644;
    return add(std::move(C));
  };
  if (Status.type() == sys::fs::file_type::regular_file)
    return AddFile(Include.DiskPath, Base, Status);
  if (Status.type() != sys::fs::file_type::directory_file)
    return makeError("include path '" + Include.DiskPath +
                     "' is neither a regular file nor a directory");

  std::error_code EC;
  for (sys::fs::recursive_directory_iterator It(Root, EC), End;
       It != End && !EC; It.increment(EC)) {
    StringRef Path = It->path();
    StringRef Name = sys::path::filename(Path);
    sys::fs::file_status S;
    if (std::error_code SEC = sys::fs::status(Path, S))
      return createFileError(Path, SEC);
    bool IsDir = S.type() == sys::fs::file_type::directory_file;
    StringRef Rel = Path.drop_front(Root.size());
    if (!Options.IncludeHidden) {
      StringRef Why =
          getDefaultExclusion(sys::path::parent_path(Path), Name, IsDir);
      if (!Why.empty()) {
        std::string Dest = normalizePath(Base + "/" + Rel.str());
        std::replace(Dest.begin(), Dest.end(), '\\', '/');
        Plan.Excluded.push_back(Dest + (IsDir ? "/" : "") + " (" + Why.str() +
                                ")");
        if (IsDir)
          It.no_push();
        continue;
      }
    }
    if (IsDir) {
      if (Name == "__pycache__")
        It.no_push();
      continue;
    }
    if (S.type() != sys::fs::file_type::regular_file || Name.endswith(".pyc"))
      continue;
    std::string Dest = normalizePath(Base + "/" + Rel.str());
    std::replace(Dest.begin(), Dest.end(), '\\', '/');
    if (Error E = AddFile(Path, std::move(Dest), S))
      return E;
  }
  if (EC)
    return createFileError(Include.DiskPath, EC);
  return Error::success();
}

Error Planner::finish() {
  std::string Prefix;
  if (Options.Kind == LayoutKind::Layer)
    Prefix = "python/lib/python" + Options.PythonVersion + "/site-packages/";
  // Byte order of the paths (which the prefix preserves); among files of
  // one path, the first added comes first and is kept.
  std::vector<uint32_t> Order(Files.size());
  for (uint32_t I = 0; I < Order.size(); ++I)
    Order[I] = I;
  std::stable_sort(Order.begin(), Order.end(), [&](uint32_t A, uint32_t B) {
    return Files[A].File.Path < Files[B].File.Path;
  });
  Plan.Files.reserve(Order.size());
  for (size_t I = 0; I < Order.size();) {
    Candidate &First = Files[Order[I]];
    size_t J = I + 1;
    for (; J < Order.size() && Files[Order[J]].File.Path == First.File.Path;
         ++J) {
      const Candidate &Other = Files[Order[J]];
      Expected<bool> Same = sameBytes(First, Other);
      if (!Same)
        return Same.takeError();
      if (!*Same)
        return makeError(ownerName(First) + " and " + ownerName(Other) +
                         " both install '" + First.File.Path +
                         "' with different contents");
      First.File.Mode |= Other.File.Mode;
    }
    PlannedFile F = std::move(First.File);
    if (!Prefix.empty())
      F.Path = Prefix + F.Path;
    Plan.UncompressedSize += F.Size;
    Plan.Files.push_back(std::move(F));
    I = J;
  }
  Files.clear();
  return Error::success();
}

/// Digest checks left running by LayoutOptions::DeferVerification.
struct lambdaopt::PendingDigests {
  struct Check {
    unsigned Wheel = 0;
    /// The lower-case hex digest, or why the check failed.
    std::string Digest, Error;
  };
  std::vector<Check> Checks;
  bool Done = false;
  /// Every failure, once Done.
  std::string Failure;
  /// Declared last: destroyed (and waited for) first.
  ThreadPool Pool{hardware_concurrency(1)};
};

Error InstallPlan::waitVerified() {
  if (!Pending)
    return Error::success();
  PendingDigests &P = *Pending;
  if (!P.Done) {
    P.Pool.wait();
    for (PendingDigests::Check &C : P.Checks) {
      if (!C.Error.empty()) {
        P.Failure += (P.Failure.empty() ? "" : "\n") + C.Error;
        continue;
      }
      if (C.Wheel < Wheels.size() && Wheels[C.Wheel])
        Wheels[C.Wheel]->setVerified(std::move(C.Digest));
    }
    P.Done = true;
  }
  if (P.Failure.empty())
    return Error::success();
  return makeError(P.Failure);
}

Expected<InstallPlan> lambdaopt::planInstall(ArrayRef<WheelInput> Wheels,
                                             ArrayRef<IncludePath> Includes,
                                             const LayoutOptions &Options,
                                             ArrayRef<PlannedPackage> Local) {
  InstallPlan Plan;
  Plan.Wheels.resize(Wheels.size());
  for (const WheelInput &In : Wheels)
    Plan.WheelPackages.push_back(In.Package);
  // Each wheel is verified, opened and planned by one task (two for a
  // large one), the largest first, so that the big wheels do not end up
  // alone on one core.
  Planner P(Plan, Wheels, Local, Options);
  std::vector<WheelPlan> Planned(Wheels.size());
  std::vector<std::string> Errors(Wheels.size());
  std::vector<unsigned> Deferred;
  {
    std::vector<std::pair<uint64_t, size_t>> BySize;
    for (size_t I = 0; I < Wheels.size(); ++I) {
      uint64_t Size = 0;
      if (sys::fs::file_size(Wheels[I].Path, Size))
        Size = 0; // The open below reports the error.
      BySize.emplace_back(Size, I);
    }
    llvm::sort(BySize, [](const auto &A, const auto &B) {
      return A.first != B.first ? A.first > B.first : A.second < B.second;
    });
    // A large wheel with a digest to check is hashed by one task while
    // another parses and plans it (otherwise the largest wheel is hashed,
    // then parsed, alone on one core); what is planned from it is used only
    // once its digest matched.
    std::vector<char> Split(Wheels.size(), false);
    std::vector<std::string> Digests(Wheels.size());
    std::vector<std::string> DigestErrors(Wheels.size());
    ThreadPool Pool(hardware_concurrency(2));
    for (const auto &Item : BySize) {
      size_t I = Item.second;
      StringRef Digest = Wheels[I].Sha256;
      Digest.consume_front("sha256:");
      if (Item.first >= DeferredDigestSize && !Digest.empty()) {
        Split[I] = true;
        // Deferred checks start once planning is done (below).
        if (!Options.DeferVerification)
          Pool.async([&, I] {
            const WheelInput &In = Wheels[I];
            Expected<std::string> D =
                WheelArchive::verify(In.Path, In.Sha256, In.Package);
            if (!D)
              DigestErrors[I] = toString(D.takeError());
            else
              Digests[I] = std::move(*D);
          });
      }
      Pool.async([&, I, Deferred = bool(Split[I])] {
        const WheelInput &In = Wheels[I];
        // Otherwise the hash comes from the same mapping the wheel is read
        // from, before any of it is parsed: one pass over its bytes.
        Expected<std::unique_ptr<WheelArchive>> W =
            WheelArchive::open(In.Path, Options.Limits,
                               Deferred ? StringRef() : In.Sha256, In.Package);
        if (!W) {
          Errors[I] = toString(W.takeError());
          return;
        }
        Plan.Wheels[I] = std::move(*W);
        if (Error E = P.planWheel(I, Planned[I]))
          Errors[I] = toString(std::move(E));
        // Planning read the RECORD and the entry points: their pages go
        // until the writer needs them.
        Plan.Wheels[I]->releasePages();
      });
    }
    Pool.wait();
    for (size_t I = 0; I < Wheels.size(); ++I) {
      if (!Split[I])
        continue;
      if (Options.DeferVerification) {
        if (Errors[I].empty()) {
          Deferred.push_back(I);
          continue;
        }
        // A wrong digest explains whatever else went wrong with the wheel.
        Expected<std::string> D = WheelArchive::verify(
            Wheels[I].Path, Wheels[I].Sha256, Wheels[I].Package);
        if (!D)
          Errors[I] = toString(D.takeError());
        continue;
      }
      // A wrong digest explains whatever else went wrong with the wheel.
      if (!DigestErrors[I].empty())
        Errors[I] = std::move(DigestErrors[I]);
      else if (Plan.Wheels[I])
        Plan.Wheels[I]->setVerified(std::move(Digests[I]));
    }
  }
  for (const std::string &E : Errors)
    if (!E.empty())
      return makeError(E);
  if (!Deferred.empty()) {
    Plan.Pending = std::make_shared<PendingDigests>();
    PendingDigests &Checks = *Plan.Pending;
    Checks.Checks.resize(Deferred.size());
    for (size_t C = 0; C < Deferred.size(); ++C) {
      Checks.Checks[C].Wheel = Deferred[C];
      Checks.Pool.async([&Check = Checks.Checks[C], In = Wheels[Deferred[C]]] {
        Expected<std::string> D =
            WheelArchive::verify(In.Path, In.Sha256, In.Package);
        if (!D)
          Check.Error = toString(D.takeError());
        else
          Check.Digest = std::move(*D);
      });
    }
  }
  size_t Count = 0;
  for (const WheelPlan &W : Planned)
    Count += W.Files.size();
  P.reserve(Count);
  for (unsigned I = 0; I < Wheels.size(); ++I) {
    if (Error E = P.addWheel(std::move(Planned[I])))
      return E;
    Planned[I] = WheelPlan();
  }
  Planned.clear();
  for (unsigned I = 0; I < Local.size(); ++I)
    if (Error E = P.planLocal(I))
      return E;
  for (const IncludePath &Include : Includes)
    if (Error E = P.planInclude(Include))
      return E;
  if (Error E = P.finish())
    return E;
  return Plan;
}
