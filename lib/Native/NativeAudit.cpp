//===- NativeAudit.cpp - Will the native code load on Lambda? -------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Native/NativeAudit.h"
#include "lambda-opt/Artifact/Hash.h"
#include "lambda-opt/Diagnostics/DiagnosticEngine.h"
#include "lambda-opt/Native/Elf.h"
#include "lambda-opt/Support/Files.h"
#include "lambda-opt/Target/Runtime.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"

#include <map>
#include <mutex>

using namespace llvm;
using namespace lambdaopt;

namespace {

/// The runtime's LD_LIBRARY_PATH, in order (the base images' ENV).
constexpr StringRef LambdaLibraryPath[] = {
    "/var/lang/lib",    "/lib64",    "/usr/lib64",    "/var/runtime",
    "/var/runtime/lib", "/var/task", "/var/task/lib", "/opt/lib",
};
/// Directories whose contents are the base image's (the runtime's system
/// library list describes them), including the loader's defaults.
constexpr StringRef SystemDirs[] = {"/var/lang/lib", "/lib64", "/usr/lib64",
                                    "/lib", "/usr/lib"};

bool isNativeCandidate(const PlannedFile &F) {
  StringRef P = F.Path;
  StringRef Name = sys::path::filename(P, sys::path::Style::posix);
  return Name.endswith(".so") || Name.contains(".so.") || (F.Mode & 0111) != 0;
}

/// "a Mach-O file" or "a Windows PE file" for a file named like a shared
/// object whose bytes are one; "" otherwise (scripts, data).
StringRef getForeignObjectKind(StringRef Path, StringRef Bytes) {
  StringRef Name = sys::path::filename(Path, sys::path::Style::posix);
  if (!Name.endswith(".so") && !Name.contains(".so."))
    return "";
  if (Bytes.startswith("\xcf\xfa\xed\xfe") ||
      Bytes.startswith("\xce\xfa\xed\xfe") ||
      Bytes.startswith("\xca\xfe\xba\xbe"))
    return "a Mach-O (macOS) file";
  if (Bytes.startswith("MZ"))
    return "a Windows PE file";
  return "";
}

/// "a.b" of "PREFIX a.b[.c]" as two numbers; None when \p V does not start
/// with \p Prefix and a number.
Optional<std::pair<unsigned, unsigned>> parseVersion(StringRef V,
                                                     StringRef Prefix) {
  if (!V.consume_front(Prefix))
    return None;
  SmallVector<StringRef, 3> Parts;
  V.split(Parts, '.');
  unsigned A = 0, B = 0;
  if (Parts.empty() || Parts[0].getAsInteger(10, A))
    return None;
  if (Parts.size() > 1 && Parts[1].getAsInteger(10, B))
    return None;
  return std::make_pair(A, B);
}

/// The N of GLIBCXX_3.4.N / CXXABI_1.3.N; None for other names.
Optional<unsigned> parseCxxMinor(StringRef V, StringRef Prefix) {
  if (!V.consume_front(Prefix))
    return None;
  if (V.empty())
    return 0u;
  unsigned N = 0;
  if (!V.consume_front(".") || V.getAsInteger(10, N))
    return None;
  return N;
}

struct Auditor {
  const InstallPlan &Plan;
  const RuntimeInfo &RT;
  ArchKind Arch;
  const NativeAuditOptions &Opts;
  StringSet<> Index; ///< Absolute paths of every file of the artifact.

  std::string absolute(StringRef ArtifactPath) const {
    return Opts.Root + "/" + ArtifactPath.str();
  }

  bool inArtifact(StringRef Dir, StringRef Soname) const {
    SmallString<256> P(Dir);
    sys::path::append(P, sys::path::Style::posix, Soname);
    sys::path::remove_dots(P, /*remove_dot_dot=*/true, sys::path::Style::posix);
    return Index.count(P);
  }

  bool isSystem(StringRef Soname) const {
    if (RT.System && RT.System->provides(Soname))
      return true;
    // The interpreter's own library in /var/lang/lib.
    return Soname == formatv("libpython3.{0}.so.1.0", RT.PythonMinor).str();
  }

  /// $ORIGIN (and ${ORIGIN}) of \p Entry replaced by \p Origin.
  static std::string expandOrigin(StringRef Entry, StringRef Origin) {
    std::string Out;
    while (!Entry.empty()) {
      size_t At = Entry.find('$');
      Out += Entry.take_front(At).str();
      if (At == StringRef::npos)
        break;
      Entry = Entry.drop_front(At);
      if (Entry.consume_front("${ORIGIN}") || Entry.consume_front("$ORIGIN")) {
        Out += Origin.str();
        continue;
      }
      Out += '$';
      Entry = Entry.drop_front();
    }
    return Out;
  }

  /// Where the loader finds a needed library.
  enum class Found { Nowhere, InArtifact, InSystem };

  /// Where \p Soname, needed by the file at \p Path, is found.
  Found resolve(const ElfInfo &Info, StringRef Path, StringRef Soname) const {
    std::string Origin =
        sys::path::parent_path(absolute(Path), sys::path::Style::posix).str();
    if (Soname.contains('/')) {
      // A path: used as is (relative to the working directory, /var/task).
      SmallString<256> P(Soname.startswith("/") ? "" : "/var/task");
      sys::path::append(P, sys::path::Style::posix, Soname);
      sys::path::remove_dots(P, true, sys::path::Style::posix);
      return Index.count(P) ? Found::InArtifact : Found::Nowhere;
    }
    std::vector<std::string> Dirs;
    // DT_RPATH counts only when the file has no DT_RUNPATH.
    if (Info.RunPath.empty())
      for (const std::string &D : Info.RPath)
        Dirs.push_back(expandOrigin(D, Origin));
    for (StringRef D : LambdaLibraryPath)
      Dirs.push_back(D.str());
    for (const std::string &D : Info.RunPath)
      Dirs.push_back(expandOrigin(D, Origin));
    for (const std::string &D : Dirs) {
      if (inArtifact(D, Soname))
        return Found::InArtifact;
      if (is_contained(SystemDirs, StringRef(D)) && isSystem(Soname))
        return Found::InSystem;
    }
    return isSystem(Soname) ? Found::InSystem : Found::Nowhere;
  }

  void audit(const PlannedFile &F, unsigned WheelIndex, const ElfInfo &Info,
             std::vector<NativeIssue> &Out) const {
    auto Issue = [&](NativeIssueKind K, std::string Req, bool Certain = true) {
      NativeIssue I;
      I.Kind = K;
      I.Wheel = WheelIndex;
      I.File = F.Path;
      I.Requirement = std::move(Req);
      I.Certain = Certain;
      Out.push_back(std::move(I));
    };
    uint16_t Want = Arch == ArchKind::X86_64 ? ELF::EM_X86_64 : ELF::EM_AARCH64;
    if (Info.Machine != Want || !Info.Is64Bit || !Info.IsLittleEndian) {
      Issue(NativeIssueKind::WrongArch,
            getElfMachineName(Info.Machine) +
                (Info.Is64Bit ? " 64-bit" : " 32-bit") +
                (Info.IsLittleEndian ? "" : " big-endian") + " code");
      return; // Nothing else of it matters: it cannot load at all.
    }
    if (Info.Type != ELF::ET_DYN && Info.Type != ELF::ET_EXEC)
      return;

    StringSet<> Bundled; // Needed libraries the artifact provides.
    for (const std::string &N : Info.Needed) {
      Found Where = resolve(Info, F.Path, N);
      if (Where == Found::InArtifact) {
        Bundled.insert(N);
        continue;
      }
      if (Where == Found::InSystem)
        continue;
      bool Absent = RT.System && RT.System->lacks(N);
      bool Exhaustive = RT.System && RT.System->Exhaustive;
      Issue(NativeIssueKind::MissingLibrary, N,
            Absent || (Exhaustive && !Opts.HasLayers));
    }

    Optional<std::pair<unsigned, unsigned>> Glibc;
    Optional<unsigned> Cxx, Abi;
    for (const ElfVersionNeed &V : Info.VersionNeeds) {
      if (Bundled.count(V.Library))
        continue;
      if (auto G = parseVersion(V.Version, "GLIBC_")) {
        if (!Glibc || *Glibc < *G)
          Glibc = G;
      } else if (auto C = parseCxxMinor(V.Version, "GLIBCXX_3.4")) {
        Cxx = std::max(Cxx.getValueOr(0), *C);
      } else if (auto A = parseCxxMinor(V.Version, "CXXABI_1.3")) {
        Abi = std::max(Abi.getValueOr(0), *A);
      }
    }
    if (Glibc && *Glibc > std::make_pair(RT.GlibcMajor, RT.GlibcMinor))
      Issue(NativeIssueKind::GlibcTooNew,
            formatv("GLIBC_{0}.{1}", Glibc->first, Glibc->second));
    if (!RT.System)
      return;
    std::vector<std::string> CxxNeeds;
    if (Cxx && *Cxx > RT.System->GlibcxxMinor)
      CxxNeeds.push_back(formatv("GLIBCXX_3.4.{0}", *Cxx));
    if (Abi && *Abi > RT.System->CxxabiMinor)
      CxxNeeds.push_back(formatv("CXXABI_1.3.{0}", *Abi));
    if (!CxxNeeds.empty())
      Issue(NativeIssueKind::LibstdcxxTooNew, join(CxxNeeds, " and "));
  }
};

} // namespace

namespace {

/// What reading one native candidate found: ELF facts, a foreign object
/// (macOS, Windows), a malformed ELF file, or nothing to audit.
struct ReadFacts {
  enum Kind { Elf, Foreign, Malformed, Skip } K = Skip;
  ElfInfo Info;
  std::string ForeignKind;
};

json::Value toJSON(const ElfInfo &I) {
  json::Array Needs;
  for (const ElfVersionNeed &N : I.VersionNeeds)
    Needs.push_back(json::Array{N.Library, N.Version});
  return json::Object{
      {"machine", I.Machine},
      {"type", I.Type},
      {"is64", I.Is64Bit},
      {"le", I.IsLittleEndian},
      {"soname", I.Soname},
      {"needed", json::Array(I.Needed)},
      {"rpath", json::Array(I.RPath)},
      {"runpath", json::Array(I.RunPath)},
      {"verneed", std::move(Needs)},
  };
}

bool fromJSON(const json::Value &V, ElfInfo &I) {
  const json::Object *O = V.getAsObject();
  if (!O)
    return false;
  Optional<int64_t> Machine = O->getInteger("machine");
  Optional<int64_t> Type = O->getInteger("type");
  Optional<bool> Is64 = O->getBoolean("is64");
  Optional<bool> LE = O->getBoolean("le");
  Optional<StringRef> Soname = O->getString("soname");
  if (!Machine || !Type || !Is64 || !LE || !Soname)
    return false;
  I.Machine = static_cast<uint16_t>(*Machine);
  I.Type = static_cast<uint16_t>(*Type);
  I.Is64Bit = *Is64;
  I.IsLittleEndian = *LE;
  I.Soname = Soname->str();
  auto Strings = [&](StringRef Key, std::vector<std::string> &Out) {
    const json::Array *A = O->getArray(Key);
    if (!A)
      return false;
    for (const json::Value &E : *A) {
      Optional<StringRef> S = E.getAsString();
      if (!S)
        return false;
      Out.push_back(S->str());
    }
    return true;
  };
  if (!Strings("needed", I.Needed) || !Strings("rpath", I.RPath) ||
      !Strings("runpath", I.RunPath))
    return false;
  const json::Array *Needs = O->getArray("verneed");
  if (!Needs)
    return false;
  for (const json::Value &E : *Needs) {
    const json::Array *Pair = E.getAsArray();
    if (!Pair || Pair->size() != 2 || !(*Pair)[0].getAsString() ||
        !(*Pair)[1].getAsString())
      return false;
    I.VersionNeeds.push_back(
        {(*Pair)[0].getAsString()->str(), (*Pair)[1].getAsString()->str()});
  }
  return true;
}

/// The cache file of entry \p E of \p W; "" when there is no cache. See
/// NativeAuditOptions::CacheDir.
std::string getFactsPath(StringRef CacheDir, const WheelArchive &W,
                         const WheelEntry &E) {
  if (CacheDir.empty())
    return "";
  StringRef Wheel = W.getVerifiedSha256();
  if (!Wheel.empty()) {
    // The wheel's bytes were hashed when it was opened: no second pass.
    SmallString<256> Path(CacheDir);
    sys::path::append(Path, "elf-facts", "wheel", Wheel.take_front(2), Wheel);
    sys::path::append(Path, std::to_string(E.LocalHeaderOffset) + ".json");
    return std::string(Path);
  }
  uint16_t Method = E.Method;
  Expected<std::string> Hex = sha256Hex(W.getRawData(E));
  if (!Hex) {
    consumeError(Hex.takeError());
    return "";
  }
  SmallString<256> Path(CacheDir);
  sys::path::append(Path, "elf-facts", "sha256", StringRef(*Hex).take_front(2),
                    *Hex + "-" + std::to_string(Method) + ".json");
  return std::string(Path);
}

Optional<ReadFacts> loadFacts(StringRef Path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buf = MemoryBuffer::getFile(Path);
  if (!Buf)
    return None;
  Expected<json::Value> V = json::parse((*Buf)->getBuffer());
  if (!V) {
    consumeError(V.takeError());
    return None;
  }
  const json::Object *O = V->getAsObject();
  if (!O || O->getInteger("v") != int64_t(1))
    return None;
  ReadFacts F;
  if (const json::Value *E = O->get("elf")) {
    F.K = ReadFacts::Elf;
    if (!fromJSON(*E, F.Info))
      return None;
  } else if (Optional<StringRef> Foreign = O->getString("foreign")) {
    F.K = ReadFacts::Foreign;
    F.ForeignKind = Foreign->str();
  } else if (O->getBoolean("malformed")) {
    F.K = ReadFacts::Malformed;
  }
  return F;
}

void storeFacts(StringRef Path, const ReadFacts &F) {
  json::Object O{{"v", 1}};
  if (F.K == ReadFacts::Elf)
    O["elf"] = toJSON(F.Info);
  else if (F.K == ReadFacts::Foreign)
    O["foreign"] = F.ForeignKind;
  else if (F.K == ReadFacts::Malformed)
    O["malformed"] = true;
  std::string Text;
  raw_string_ostream(Text) << json::Value(std::move(O));
  if (sys::fs::create_directories(sys::path::parent_path(Path)))
    return;
  // A cache that cannot be written only costs the next run the reading.
  consumeError(writeFile(Path, Text));
}

} // namespace

Expected<NativeAuditResult>
lambdaopt::auditInstallPlan(const InstallPlan &Plan, const RuntimeInfo &RT,
                            ArchKind Arch, const NativeAuditOptions &Opts) {
  Auditor A{Plan, RT, Arch, Opts, {}};
  // The candidates, grouped by wheel: one wheel's libzip handle serves one
  // thread at a time.
  std::map<unsigned, std::vector<size_t>> Groups;
  for (size_t I = 0, E = Plan.Files.size(); I != E; ++I) {
    const PlannedFile &F = Plan.Files[I];
    A.Index.insert(A.absolute(F.Path));
    if (F.Source == PlannedSourceKind::Memory || !isNativeCandidate(F))
      continue;
    unsigned Key = F.Source == PlannedSourceKind::WheelEntry ? F.Wheel : ~0u;
    Groups[Key].push_back(I);
  }
  NativeAuditResult Result;
  Result.HasLayers = Opts.HasLayers;
  if (Groups.empty())
    return Result;
  Expected<const ElfModule *> Elf = getElfModule();
  if (!Elf)
    return Elf.takeError();

  std::mutex Lock;
  Error Failure = Error::success();
  std::vector<std::vector<NativeIssue>> Found(Plan.Files.size());
  std::vector<bool> Audited(Plan.Files.size(), false);
  {
    ThreadPool Pool(hardware_concurrency());
    for (auto &G : Groups)
      Pool.async([&, Key = G.first, Members = &G.second] {
        for (size_t I : *Members) {
          const PlannedFile &F = Plan.Files[I];
          // A wheel entry's facts may be known from an earlier run, by the
          // digest of its stored bytes: then it is not inflated again.
          std::string FactsPath;
          if (F.Source == PlannedSourceKind::WheelEntry &&
              F.Wheel < Plan.Wheels.size() &&
              F.Entry < Plan.Wheels[F.Wheel]->entries().size()) {
            const WheelArchive &W = *Plan.Wheels[F.Wheel];
            const WheelEntry &E = W.entries()[F.Entry];
            FactsPath = getFactsPath(Opts.CacheDir, W, E);
          }
          Optional<ReadFacts> Facts;
          if (!FactsPath.empty())
            Facts = loadFacts(FactsPath);
          if (!Facts) {
            Expected<std::string> Bytes = Plan.readPlannedFile(F);
            if (!Bytes) {
              std::lock_guard<std::mutex> Guard(Lock);
              Failure = joinErrors(std::move(Failure), Bytes.takeError());
              return;
            }
            Facts.emplace();
            if (!hasElfMagic(*Bytes)) {
              // A shared object built for macOS or Windows cannot load
              // either.
              StringRef Kind = getForeignObjectKind(F.Path, *Bytes);
              if (!Kind.empty()) {
                Facts->K = ReadFacts::Foreign;
                Facts->ForeignKind = Kind.str();
              }
            } else if (Expected<ElfInfo> Info = (*Elf)->ReadElf(*Bytes)) {
              Facts->K = ReadFacts::Elf;
              Facts->Info = std::move(*Info);
            } else {
              // Not a loadable object (a truncated or foreign file named
              // .so): the loader would refuse it.
              consumeError(Info.takeError());
              Facts->K = ReadFacts::Malformed;
            }
            if (!FactsPath.empty())
              storeFacts(FactsPath, *Facts);
          }
          switch (Facts->K) {
          case ReadFacts::Skip:
            continue;
          case ReadFacts::Foreign:
          case ReadFacts::Malformed: {
            NativeIssue Bad;
            Bad.Kind = NativeIssueKind::WrongArch;
            Bad.Wheel = Key;
            Bad.File = F.Path;
            Bad.Requirement = Facts->K == ReadFacts::Foreign
                                  ? Facts->ForeignKind
                                  : std::string("a malformed ELF file");
            Found[I].push_back(std::move(Bad));
            Audited[I] = true;
            continue;
          }
          case ReadFacts::Elf:
            break;
          }
          Audited[I] = true;
          A.audit(F, Key, Facts->Info, Found[I]);
        }
      });
    Pool.wait();
  }
  if (Failure)
    return std::move(Failure);
  for (size_t I = 0; I < Found.size(); ++I) {
    Result.FilesAudited += Audited[I];
    for (NativeIssue &Issue : Found[I])
      Result.Issues.push_back(std::move(Issue));
  }
  return Result;
}

//===----------------------------------------------------------------------===//
// Findings
//===----------------------------------------------------------------------===//

/// The headless OpenCV distribution for \p Package, or "".
static std::string getHeadlessVariant(StringRef Package) {
  if (Package == "opencv-python" || Package == "opencv-contrib-python")
    return (Package + "-headless").str();
  return "";
}

/// The oldest runtime on \p Arch whose glibc (\p Cxx: libstdc++) satisfies
/// \p Req, or null.
static const RuntimeInfo *findRuntimeFor(ArchKind Arch, bool Cxx,
                                         StringRef Req) {
  for (const RuntimeInfo &R : getRuntimes()) {
    if (!R.supportsArch(Arch) || !R.System)
      continue;
    if (!Cxx) {
      auto G = parseVersion(Req, "GLIBC_");
      if (G && *G <= std::make_pair(R.GlibcMajor, R.GlibcMinor))
        return &R;
      continue;
    }
    bool Fits = true;
    SmallVector<StringRef, 2> Parts;
    Req.split(Parts, " and ");
    for (StringRef P : Parts) {
      if (auto C = parseCxxMinor(P, "GLIBCXX_3.4"))
        Fits &= *C <= R.System->GlibcxxMinor;
      if (auto A = parseCxxMinor(P, "CXXABI_1.3"))
        Fits &= *A <= R.System->CxxabiMinor;
    }
    if (Fits)
      return &R;
  }
  return nullptr;
}

void lambdaopt::reportNativeIssues(const NativeAuditResult &Result,
                                   const InstallPlan &Plan,
                                   ArrayRef<std::string> Packages,
                                   const RuntimeInfo &RT, ArchKind Arch,
                                   DiagnosticEngine &Diags,
                                   function_ref<SMRange(StringRef)> RangeOf) {
  std::string Target =
      formatv("{0} on {1}", RT.Identifier, getLambdaArchName(Arch)).str();
  for (const NativeIssue &I : Result.Issues) {
    bool FromWheel = I.Wheel < Plan.Wheels.size() && I.Wheel < Packages.size();
    std::string Package = FromWheel ? Packages[I.Wheel] : std::string();
    std::string WheelName =
        FromWheel ? sys::path::filename(Plan.Wheels[I.Wheel]->getPath()).str()
                  : std::string();
    std::string Who =
        FromWheel ? Package + ": '" + I.File + "' (from " + WheelName + ")"
                  : "'" + I.File + "'";
    SMRange Range = FromWheel ? RangeOf(Package) : SMRange();
    std::string Rebuild = "rebuild " + (Package.empty() ? "it" : Package) +
                          " in " + RT.BaseImage.str() + " (" +
                          getLambdaArchName(Arch).str() + ")";
    Diagnostic D;
    switch (I.Kind) {
    case NativeIssueKind::WrongArch:
      D = Diags.create("LO110", Range,
                       Who + " is " + I.Requirement + "; " + Target +
                           " loads only " + getArchName(Arch) +
                           " 64-bit little-endian ELF files (\"invalid ELF "
                           "header\")",
                       Package);
      D.FixHint = "use a wheel whose native code is built for " +
                  getArchName(Arch).str() + " (a manylinux2014_" +
                  getArchName(Arch).str() + " wheel), or " + Rebuild;
      if (I.Requirement == "aarch64 64-bit code" && Arch == ArchKind::X86_64)
        D.FixHint += ", or deploy with --arch=arm64";
      else if (I.Requirement == "x86_64 64-bit code" &&
               Arch == ArchKind::AArch64)
        D.FixHint += ", or deploy with --arch=x86_64";
      break;
    case NativeIssueKind::GlibcTooNew: {
      D = Diags.create("LO111", Range,
                       formatv("{0} needs {1}; {2} has glibc {3}.{4} ({5})",
                               Who, I.Requirement, Target, RT.GlibcMajor,
                               RT.GlibcMinor, RT.OperatingSystem)
                           .str(),
                       Package);
      std::string Tag =
          formatv("manylinux_{0}_{1}", RT.GlibcMajor, RT.GlibcMinor);
      D.FixHint = "use a wheel built for " + Tag +
                  " or older (manylinux2014 is glibc 2.17) whose code "
                  "really targets it";
      if (const RuntimeInfo *R = findRuntimeFor(Arch, false, I.Requirement))
        D.FixHint += formatv(", deploy with --runtime={0} ({1}, glibc {2}.{3})",
                             R->Identifier, R->OperatingSystem, R->GlibcMajor,
                             R->GlibcMinor);
      D.FixHint += ", or " + Rebuild;
      break;
    }
    case NativeIssueKind::LibstdcxxTooNew: {
      D = Diags.create("LO112", Range,
                       formatv("{0} needs {1} from libstdc++; {2} ({3}) has "
                               "GLIBCXX_3.4.{4} and CXXABI_1.3.{5}",
                               Who, I.Requirement, Target, RT.OperatingSystem,
                               RT.System->GlibcxxMinor, RT.System->CxxabiMinor)
                           .str(),
                       Package);
      D.FixHint = "use a manylinux wheel (its toolchain links the newer "
                  "libstdc++ parts statically)";
      if (const RuntimeInfo *R = findRuntimeFor(Arch, true, I.Requirement))
        D.FixHint += ", deploy with --runtime=" + R->Identifier.str();
      D.FixHint += ", or " + Rebuild;
      break;
    }
    case NativeIssueKind::MissingLibrary: {
      std::string Msg = Who + " needs " + I.Requirement + ", which ";
      if (I.Certain)
        Msg += "is not in the " + RT.BaseImage.str() +
               " base image nor anywhere in the artifact";
      else
        Msg += "is in no folder of the artifact the loader searches and not "
               "in the libraries known to be in " +
               RT.BaseImage.str() + " (that list may be incomplete)";
      D = Diags.create("LO113", Range, Msg, Package);
      if (!I.Certain) {
        D.Level = std::min(D.Level, Severity::Warning);
        D.Notes.push_back(
            formatv("a warning, not an error: the list of {0}'s system "
                    "libraries (read {1}) is not exhaustive{2}",
                    RT.Identifier, RT.System ? RT.System->ReadDate : "never",
                    Result.HasLayers ? ", and a layer's lib/ (/opt/lib) may "
                                       "provide it"
                                     : "")
                .str());
      }
      D.Notes.push_back("searched: its RPATH/RUNPATH, then LD_LIBRARY_PATH "
                        "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/"
                        "runtime/lib:/var/task:/var/task/lib:/opt/lib");
      std::string Headless = getHeadlessVariant(Package);
      if (!Headless.empty())
        D.FixHint = "replace " + Package + " with " + Headless +
                    " (same version, no GUI libraries)";
      else
        D.FixHint = "ship " + I.Requirement +
                    " in the function's lib/ folder (/var/task/lib) or a "
                    "layer's lib/ (/opt/lib), or use a wheel that bundles it "
                    "(`auditwheel repair` puts it under <package>.libs/)";
      break;
    }
    }
    Diags.report(std::move(D));
  }
}
