//===- LockReader.cpp - uv.lock to IR -------------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Maps the uv.lock document onto the IR. Field names, aliases and the
// optional/required split follow the format as uv writes and reads it:
// unknown fields are ignored; `version` other than 1 is refused; the legacy
// spellings `[[distribution]]`, `upload_time` and `dependency-groups` are
// accepted.
//
// A large file is split at its `[[package]]` headers; each worker parses a
// run of packages, converts them, and drops the syntax tree and document
// before moving on.
//
//===----------------------------------------------------------------------===//

#include "Reader.h"
#include "lambda-opt/FrontEnd/FrontEnd.h"
#include "lambda-opt/Standards/Marker.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"

#include <atomic>
#include <cstring>
#include <mutex>

using namespace llvm;
using namespace lambdaopt;
using namespace lambdaopt::frontend;

namespace {

/// The lock versions this reader understands.
constexpr int64_t SupportedLockVersion = 1;

/// Converts the values of one document (or one piece of a split document)
/// into IR.
class LockConverter {
public:
  LockConverter(Reader &R, Project &P) : R(R), P(P) {}

  void readHeader(const toml::Value &Root);
  void readPackages(const toml::Value &Root,
                    std::vector<std::unique_ptr<Package>> &Out);

private:
  Reader &R;
  Project &P;
  /// Markers already parsed without error (most locks repeat a few).
  StringSet<> ValidMarkers;

  /// Parses \p Marker once, so that an invalid one is an error at its
  /// place in the lock in every mode, not only when an emitter evaluates it.
  void checkMarker(StringRef Marker, SMRange Range, const Twine &Where);
  bool readSource(const toml::Value &T, const Twine &Where, Source &Out);
  void readPackage(const toml::Value &T, Package &Pkg);
  void readDependencies(const toml::Value &A, StringRef Key,
                        std::vector<Dependency> &Out);
  void readDependencyGroups(const toml::Value &T, StringRef Key,
                            DependencyGroups &Out);
  void readDistribution(const toml::Value &T, StringRef Where, Distribution &D);
  void readRequirement(const toml::Value &T, StringRef Where, Requirement &Req);
  void readRequirements(const toml::Value &Table, StringRef Key,
                        StringRef Where, std::vector<Requirement> &Out);
  void readOptions(const toml::Value &T);
  void readManifest(const toml::Value &T);
};

} // namespace

/// Reads a `source = { kind = "..." }` table. Returns false after an error.
bool LockConverter::readSource(const toml::Value &T, const Twine &Where,
                               Source &Out) {
  static constexpr std::pair<const char *, SourceKind> Kinds[] = {
      {"registry", SourceKind::Registry},
      {"git", SourceKind::Git},
      {"url", SourceKind::URL},
      {"path", SourceKind::Path},
      {"directory", SourceKind::Directory},
      {"editable", SourceKind::Editable},
      {"virtual", SourceKind::Virtual},
  };
  Out.Range = T.getRange();
  for (const auto &K : Kinds) {
    const toml::Entry *E = T.findEntry(K.first);
    if (!E)
      continue;
    if (!E->Val->isString()) {
      R.wrongType(*E, "a string");
      return false;
    }
    Out.Kind = K.second;
    Out.Value = R.keep(E->Val->getString());
    if (Out.Kind == SourceKind::URL)
      R.getString(T, "subdirectory", Where, false, Out.Subdirectory);
    return !R.failed();
  }
  std::string Keys;
  for (const toml::Entry &E : T.getEntries())
    Keys += (Keys.empty() ? "'" : ", '") + E.Key.str() + "'";
  std::string Found =
      Keys.empty() ? " (it is empty)" : " (it has " + Keys + ")";
  R.fail(Reader::headerRange(T),
         Where + " has no known source kind" + Found +
             "; expected one of registry, git, url, path, directory, "
             "editable or virtual");
  return false;
}

void LockConverter::readDistribution(const toml::Value &T, StringRef Where,
                                     Distribution &D) {
  D.Range = T.getRange();
  R.getString(T, "url", Where, false, D.URL);
  R.getString(T, "path", Where, false, D.Path);
  R.getString(T, "filename", Where, false, D.Filename);
  D.CachedFileName = D.getFileName();
  R.getString(T, "hash", Where, false, D.Hash);
  R.getSize(T, "size", Where, D.Size);
  // `upload_time` is the spelling of uv 0.6.15 to 0.6.17.
  for (StringRef Key : {"upload-time", "upload_time"}) {
    const toml::Entry *E = T.findEntry(Key);
    if (!E)
      continue;
    if (E->Val->isString() || E->Val->isDateTime())
      D.UploadTime = R.keep(E->Val->getString());
    else
      R.wrongType(*E, "a timestamp string");
  }
  if (const toml::Value *Z = R.getTable(T, "zstd", Where)) {
    R.getString(*Z, "hash", "zstd", false, D.ZstdHash);
    R.getSize(*Z, "size", "zstd", D.ZstdSize);
  }
}

void LockConverter::readDependencies(const toml::Value &A, StringRef Key,
                                     std::vector<Dependency> &Out) {
  Out.reserve(A.getElements().size());
  for (const toml::Value *V : A.getElements()) {
    if (!V->isTable())
      return R.wrongElementType(Key, *V, "a table");
    Dependency D;
    D.Range = V->getRange();
    R.getString(*V, "name", "dependency", true, D.Name);
    R.getString(*V, "version", "dependency", false, D.Version);
    if (const toml::Value *S = R.getTable(*V, "source", "dependency")) {
      Source Src;
      if (readSource(*S, "dependency source", Src))
        D.Src = Src;
    }
    SMRange MarkerRange;
    if (R.getString(*V, "marker", "dependency", false, D.Marker, &MarkerRange))
      checkMarker(D.Marker, MarkerRange, "dependency '" + D.Name + "'");
    R.getStrings(*V, "extra", "dependency", D.Extras);
    if (R.failed())
      return;
    Out.push_back(std::move(D));
  }
}

void LockConverter::checkMarker(StringRef Marker, SMRange Range,
                                const Twine &Where) {
  if (R.failed() || Marker.trim().empty() || ValidMarkers.count(Marker))
    return;
  Expected<lambdaopt::Marker> M = lambdaopt::Marker::parse(Marker);
  if (M) {
    ValidMarkers.insert(Marker);
    return;
  }
  R.fail(Range, "invalid marker of " + Where + ": " + toString(M.takeError()));
}

void LockConverter::readDependencyGroups(const toml::Value &T, StringRef Key,
                                         DependencyGroups &Out) {
  for (const toml::Entry &E : T.getEntries()) {
    if (!E.Val->isArray())
      return R.wrongType(E, "an array of dependencies");
    std::vector<Dependency> &Edges = Out[R.keep(E.Key)];
    readDependencies(*E.Val, E.Key, Edges);
    if (R.failed())
      return;
  }
}

void LockConverter::readRequirement(const toml::Value &T, StringRef Where,
                                    Requirement &Req) {
  Req.Range = T.getRange();
  R.getString(T, "name", Where, true, Req.Name);
  R.getStrings(T, "extras", Where, Req.Extras);
  R.getStrings(T, "groups", Where, Req.Groups);
  SMRange MarkerRange;
  if (R.getString(T, "marker", Where, false, Req.Marker, &MarkerRange))
    checkMarker(Req.Marker, MarkerRange, Twine(Where));
  R.getString(T, "specifier", Where, false, Req.Specifier);
  R.getString(T, "index", Where, false, Req.Index);
  static constexpr std::pair<const char *, SourceKind> Kinds[] = {
      {"git", SourceKind::Git},           {"url", SourceKind::URL},
      {"path", SourceKind::Path},         {"directory", SourceKind::Directory},
      {"editable", SourceKind::Editable}, {"virtual", SourceKind::Virtual},
  };
  for (const auto &K : Kinds) {
    const toml::Entry *E = T.findEntry(K.first);
    if (!E)
      continue;
    Source S;
    S.Kind = K.second;
    S.Range = E->Val->getRange();
    // `editable = true` appears beside `path` in older manifests.
    if (E->Val->isBoolean())
      continue;
    if (!E->Val->isString())
      return R.wrongType(*E, "a string");
    S.Value = R.keep(E->Val->getString());
    R.getString(T, "subdirectory", Where, false, S.Subdirectory);
    Req.Src = S;
    break;
  }
}

void LockConverter::readRequirements(const toml::Value &Table, StringRef Key,
                                     StringRef Where,
                                     std::vector<Requirement> &Out) {
  const toml::Value *A = R.getArray(Table, Key, Where);
  if (!A)
    return;
  for (const toml::Value *V : A->getElements()) {
    if (!V->isTable())
      return R.wrongElementType(Key, *V, "a table");
    Requirement Req;
    readRequirement(*V, "requirement", Req);
    if (R.failed())
      return;
    Out.push_back(std::move(Req));
  }
}

void LockConverter::readOptions(const toml::Value &T) {
  Lock::OptionsTable &O = P.LockFile.Options;
  O.Range = T.getRange();
  R.getString(T, "resolution-mode", "[options]", false, O.ResolutionMode);
  R.getString(T, "prerelease-mode", "[options]", false, O.PrereleaseMode);
  R.getString(T, "fork-strategy", "[options]", false, O.ForkStrategy);
  if (const toml::Entry *E = T.findEntry("exclude-newer")) {
    if (E->Val->isString() || E->Val->isDateTime())
      O.ExcludeNewer = R.keep(E->Val->getString());
    else
      R.wrongType(*E, "a timestamp string");
  }
  R.getString(T, "exclude-newer-span", "[options]", false, O.ExcludeNewerSpan);
  if (const toml::Value *PP =
          R.getTable(T, "prerelease-package", "[options]")) {
    for (const toml::Entry &E : PP->getEntries()) {
      if (!E.Val->isString())
        return R.wrongType(E, "a string");
      O.PrereleasePackage.push_back(
          {R.keep(E.Key), R.keep(E.Val->getString())});
    }
  }
  if (const toml::Value *EN =
          R.getTable(T, "exclude-newer-package", "[options]")) {
    for (const toml::Entry &E : EN->getEntries()) {
      StringRef Value;
      if (E.Val->isString() || E.Val->isDateTime()) {
        Value = R.keep(E.Val->getString());
      } else if (E.Val->isBoolean()) {
        Value = E.Val->getBoolean() ? "true" : "false";
      } else if (E.Val->isTable()) {
        StringRef TS, Span;
        R.getString(*E.Val, "timestamp", "exclude-newer-package", false, TS);
        R.getString(*E.Val, "span", "exclude-newer-package", false, Span);
        std::string Joined = (TS + " " + Span).str();
        Value = R.keep(Joined);
      } else {
        return R.wrongType(E, "a timestamp, a boolean or a table");
      }
      O.ExcludeNewerPackage.push_back({R.keep(E.Key), Value});
    }
  }
}

void LockConverter::readManifest(const toml::Value &T) {
  Lock::ManifestTable &M = P.LockFile.Manifest;
  M.Range = T.getRange();
  R.getStrings(T, "members", "[manifest]", M.Members);
  readRequirements(T, "requirements", "[manifest]", M.Requirements);
  readRequirements(T, "constraints", "[manifest]", M.Constraints);
  readRequirements(T, "overrides", "[manifest]", M.Overrides);
  readRequirements(T, "build-constraints", "[manifest]", M.BuildConstraints);
  if (const toml::Value *A = R.getArray(T, "excludes", "[manifest]")) {
    for (const toml::Value *V : A->getElements()) {
      // New uv writes scoped excludes as tables; keep the package name.
      if (V->isString()) {
        M.Excludes.push_back({R.keep(V->getString()), V->getRange()});
        continue;
      }
      if (!V->isTable())
        return R.wrongElementType("excludes", *V, "a string or a table");
      const toml::Value *Pkg = V->get("package");
      if (Pkg && Pkg->isTable())
        if (const toml::Value *N = Pkg->get("name"))
          if (N->isString())
            M.Excludes.push_back({R.keep(N->getString()), V->getRange()});
    }
  }
  for (StringRef Key : {"dependency-groups"}) {
    const toml::Value *G = R.getTable(T, Key, "[manifest]");
    if (!G)
      continue;
    for (const toml::Entry &E : G->getEntries()) {
      std::vector<Requirement> &Reqs = M.DependencyGroups[R.keep(E.Key)];
      readRequirements(*G, E.Key, "[manifest.dependency-groups]", Reqs);
    }
  }
  if (const toml::Value *A =
          R.getArray(T, "dependency-metadata", "[manifest]")) {
    for (const toml::Value *V : A->getElements()) {
      if (!V->isTable())
        return R.wrongElementType("dependency-metadata", *V, "a table");
      DependencyMetadata DM;
      DM.Range = V->getRange();
      StringRef Where = "[[manifest.dependency-metadata]]";
      R.getString(*V, "name", Where, true, DM.Name);
      R.getString(*V, "version", Where, false, DM.Version);
      R.getString(*V, "requires-python", Where, false, DM.RequiresPython);
      R.getStrings(*V, "requires-dist", Where, DM.RequiresDist);
      R.getStrings(*V, "provides-extras", Where, DM.ProvidesExtras);
      if (R.failed())
        return;
      M.Metadata.push_back(std::move(DM));
    }
  }
}

void LockConverter::readHeader(const toml::Value &Root) {
  Lock &L = P.LockFile;
  const toml::Entry *V = Root.findEntry("version");
  if (!V) {
    SMLoc Start = Root.getRange().Start;
    return R.fail(SMRange(Start, Start),
                  "missing required field 'version' at the top of the lock");
  }
  if (!V->Val->isInteger())
    return R.wrongType(*V, "an integer");
  L.Version = V->Val->getInteger();
  L.VersionRange = V->Val->getRange();
  if (L.Version != SupportedLockVersion)
    return R.fail(V->Val->getRange(),
                  "unsupported lock version " + Twine(L.Version) +
                      "; lambda-opt reads version " +
                      Twine(SupportedLockVersion) + " (uv 0.3 and later)");
  R.getInteger(Root, "revision", "the lock", false, L.Revision);
  if (!Root.findEntry("requires-python")) {
    SMLoc Start = Root.getRange().Start;
    return R.fail(SMRange(Start, Start), "missing required field "
                                         "'requires-python' at the top of "
                                         "the lock");
  }
  R.getLocated(Root, "requires-python", "the lock", true, L.RequiresPython);
  R.getStrings(Root, "resolution-markers", "the lock", L.ResolutionMarkers);
  R.getStrings(Root, "supported-markers", "the lock", L.SupportedMarkers);
  R.getStrings(Root, "required-markers", "the lock", L.RequiredMarkers);
  R.getConflictSets(Root, "the lock", L.Conflicts);
  if (const toml::Value *O = R.getTable(Root, "options", "the lock"))
    readOptions(*O);
  if (const toml::Value *M = R.getTable(Root, "manifest", "the lock"))
    readManifest(*M);
}

void LockConverter::readPackage(const toml::Value &T, Package &Pkg) {
  StringRef Where = "[[package]]";
  Pkg.Range = T.getRange();
  R.getString(T, "name", Where, true, Pkg.Name, &Pkg.NameRange);
  Pkg.HasVersion =
      R.getString(T, "version", Where, false, Pkg.Version, &Pkg.VersionRange);
  if (const toml::Value *S = R.getTable(T, "source", Where, true))
    readSource(*S, "the source of '" + Pkg.Name + "'", Pkg.Src);
  R.getStrings(T, "resolution-markers", Where, Pkg.ResolutionMarkers);
  if (const toml::Value *A = R.getArray(T, "dependencies", Where))
    readDependencies(*A, "dependencies", Pkg.Dependencies);
  if (const toml::Value *S = R.getTable(T, "sdist", Where)) {
    Pkg.Sdist.emplace();
    readDistribution(*S, "sdist", *Pkg.Sdist);
  }
  if (const toml::Value *A = R.getArray(T, "wheels", Where)) {
    Pkg.Wheels.reserve(A->getElements().size());
    for (const toml::Value *W : A->getElements()) {
      if (!W->isTable())
        return R.wrongElementType("wheels", *W, "a table");
      size_t WheelNumber = Pkg.Wheels.size() + 1;
      Distribution D;
      readDistribution(*W, "wheel", D);
      if (R.failed())
        return;
      if (D.URL.empty() && D.Path.empty() && D.Filename.empty())
        return R.fail(Reader::headerRange(*W),
                      "wheel " + Twine(WheelNumber) + " of '" + Pkg.Name +
                          "' has no url, path or filename");
      Pkg.Wheels.push_back(D);
    }
  }
  if (const toml::Value *O = R.getTable(T, "optional-dependencies", Where))
    readDependencyGroups(*O, "optional-dependencies", Pkg.OptionalDependencies);
  for (StringRef Key : {"dev-dependencies", "dependency-groups"})
    if (const toml::Value *D = R.getTable(T, Key, Where))
      readDependencyGroups(*D, Key, Pkg.DevDependencies);
  const toml::Value *M = R.getTable(T, "metadata", Where);
  if (!M)
    return;
  Pkg.HasMetadata = true;
  readRequirements(*M, "requires-dist", "[package.metadata]", Pkg.RequiresDist);
  if (M->findEntry("provides-extras")) {
    Pkg.HasProvidesExtras = true;
    R.getStrings(*M, "provides-extras", "[package.metadata]",
                 Pkg.ProvidesExtras);
  }
  for (StringRef Key : {"requires-dev", "dependency-groups"}) {
    const toml::Value *G = R.getTable(*M, Key, "[package.metadata]");
    if (!G)
      continue;
    for (const toml::Entry &E : G->getEntries()) {
      std::vector<Requirement> &Reqs = Pkg.RequiresDev[R.keep(E.Key)];
      readRequirements(*G, E.Key, "[package.metadata.requires-dev]", Reqs);
    }
  }
}

void LockConverter::readPackages(const toml::Value &Root,
                                 std::vector<std::unique_ptr<Package>> &Out) {
  for (StringRef Key : {"package", "distribution"}) {
    const toml::Entry *E = Root.findEntry(Key);
    if (!E)
      continue;
    if (!E->Val->isArray())
      return R.wrongType(*E, "an array of tables ([[" + Key.str() + "]])");
    if (Key == "distribution")
      P.LockFile.UsesDistributionAlias = true;
    for (const toml::Value *T : E->Val->getElements()) {
      if (!T->isTable())
        return R.wrongElementType(Key, *T, "a table");
      auto Pkg = std::make_unique<Package>();
      readPackage(*T, *Pkg);
      if (R.failed())
        return;
      Out.push_back(std::move(Pkg));
    }
  }
}

//===----------------------------------------------------------------------===//
// Splitting and parallel parsing
//===----------------------------------------------------------------------===//

/// Offsets of every line that is exactly a `[[package]]` (or
/// `[[distribution]]`) header.
static std::vector<size_t> findPackageHeaders(StringRef Text) {
  std::vector<size_t> Starts;
  // One pass: every line that starts with `[[` is a candidate.
  const char *Begin = Text.data(), *End = Begin + Text.size();
  for (const char *P = Begin; P < End;) {
    const char *NL = static_cast<const char *>(std::memchr(P, '\n', End - P));
    if (!NL)
      break;
    P = NL + 1;
    if (End - P < 2 || P[0] != '[' || P[1] != '[')
      continue;
    StringRef Line(P, std::min<size_t>(End - P, 20));
    for (StringRef Header : {"[[package]]", "[[distribution]]"}) {
      if (!Line.startswith(Header))
        continue;
      size_t After = (P - Begin) + Header.size();
      if (After == Text.size() || Text[After] == '\n' || Text[After] == '\r')
        Starts.push_back(P - Begin);
    }
  }
  return Starts;
}

namespace {
/// The output of one worker: its packages and the memory they point into.
struct PieceResult {
  std::vector<std::unique_ptr<Package>> Packages;
  std::unique_ptr<BumpPtrAllocator> Strings;
  Error Err = Error::success();
  /// The piece held something other than packages: parse the file whole.
  bool NeedsWholeFile = false;
};
} // namespace

/// Parses \p Text[Begin, End), a run of `[[package]]` tables, in batches so
/// that each syntax tree stays small.
static void parsePiece(StringRef Text, ArrayRef<size_t> Cuts, Project &P,
                       const toml::ParseOptions &TOMLOpts, PieceResult &Out) {
  toml::Document Doc;
  BumpPtrAllocator Scratch;
  Out.Strings = std::make_unique<BumpPtrAllocator>();
  constexpr size_t BatchBytes = 64 * 1024;
  size_t I = 0;
  while (I + 1 < Cuts.size()) {
    size_t J = I + 1;
    while (J + 1 < Cuts.size() && Cuts[J] - Cuts[I] < BatchBytes)
      ++J;
    StringRef Batch = Text.slice(Cuts[I], Cuts[J]);
    Scratch.Reset();
    if (Error E =
            toml::Parser::parseWithScratch(Batch, Doc, Scratch, TOMLOpts)) {
      Out.Err = std::move(E);
      return;
    }
    const toml::Value *Root = Doc.getRoot();
    for (const toml::Entry &E : Root->getEntries())
      if (E.Key != "package" && E.Key != "distribution") {
        Out.NeedsWholeFile = true;
        return;
      }
    Reader R(Text, *Out.Strings, "uv.lock");
    LockConverter C(R, P);
    C.readPackages(*Root, Out.Packages);
    if (R.failed()) {
      Out.Err = R.takeError();
      return;
    }
    I = J;
  }
}

/// Parses \p Text on this thread, header and packages together.
static Error parseWhole(StringRef Text, Project &P,
                        const toml::ParseOptions &TOMLOpts) {
  BumpPtrAllocator Scratch;
  auto Doc = std::make_unique<toml::Document>();
  if (Error E = toml::Parser::parseWithScratch(Text, *Doc, Scratch, TOMLOpts))
    return E;
  Reader R(Text, P.getAllocator(), "uv.lock");
  LockConverter C(R, P);
  C.readHeader(*Doc->getRoot());
  if (!R.failed())
    C.readPackages(*Doc->getRoot(), P.Packages);
  return R.takeError();
}

/// Splits \p Text at package headers and parses the pieces in parallel.
/// Returns false when the split cannot be trusted and the caller must parse
/// the file whole.
static bool parseSplit(StringRef Text, Project &P, const LoadOptions &Opts,
                       const toml::ParseOptions &TOMLOpts, Error &Err) {
  std::vector<size_t> Headers = findPackageHeaders(Text);
  if (Headers.size() < 2)
    return false;
  unsigned Threads = Opts.Threads
                         ? Opts.Threads
                         : llvm::hardware_concurrency().compute_thread_count();
  // A few pieces per thread balance uneven package sizes.
  size_t Pieces =
      std::max<size_t>(1, std::min<size_t>(Threads * 4, Headers.size() / 8));
  size_t Target = (Text.size() - Headers.front()) / Pieces + 1;

  // Piece boundaries, each at a package header.
  std::vector<std::vector<size_t>> Cuts;
  std::vector<size_t> Current{Headers.front()};
  for (size_t I = 1; I < Headers.size(); ++I) {
    Current.push_back(Headers[I]);
    if (Headers[I] - Current.front() >= Target) {
      Cuts.push_back(Current);
      Current = {Headers[I]};
    }
  }
  Current.push_back(Text.size());
  Cuts.push_back(Current);

  std::vector<PieceResult> Results(Cuts.size());
  Error HeaderErr = Error::success();
  {
    ThreadPool Pool(hardware_concurrency(Threads));
    for (size_t I = 0; I < Cuts.size(); ++I)
      Pool.async(
          [&, I] { parsePiece(Text, Cuts[I], P, TOMLOpts, Results[I]); });
    // The header (everything before the first package) on this thread.
    StringRef Head = Text.take_front(Headers.front());
    BumpPtrAllocator Scratch;
    auto Doc = std::make_unique<toml::Document>();
    if (Error E =
            toml::Parser::parseWithScratch(Head, *Doc, Scratch, TOMLOpts)) {
      HeaderErr = std::move(E);
    } else {
      Reader R(Text, P.getAllocator(), "uv.lock");
      LockConverter C(R, P);
      C.readHeader(*Doc->getRoot());
      for (StringRef Key : {"package", "distribution"})
        if (Doc->getRoot()->findEntry(Key))
          Results.front().NeedsWholeFile = true;
      HeaderErr = R.takeError();
    }
    Pool.wait();
  }

  bool AnyFailure = static_cast<bool>(HeaderErr);
  for (PieceResult &R : Results) {
    if (R.NeedsWholeFile || R.Err)
      AnyFailure = true;
  }
  if (AnyFailure) {
    // The split may have cut through a multi-line string, or the error may
    // need context from outside its piece: let the whole-file parse decide.
    consumeError(std::move(HeaderErr));
    for (PieceResult &R : Results)
      consumeError(std::move(R.Err));
    P.LockFile = Lock();
    return false;
  }
  for (PieceResult &R : Results) {
    for (auto &Pkg : R.Packages)
      P.Packages.push_back(std::move(Pkg));
    P.adoptAllocator(std::move(R.Strings));
  }
  Err = Error::success();
  return true;
}

/// Links every dependency edge to the package it names, as uv does: by name,
/// and by version and source when the name is locked more than once.
static Error resolveDependencies(Project &P) {
  P.reindex();
  auto Resolve = [&](const Package &From, Dependency &D) -> Error {
    ArrayRef<Package *> Candidates = P.lookup(D.Name);
    Package *Match = nullptr;
    unsigned Matches = 0;
    for (Package *C : Candidates) {
      if (!D.Version.empty() && C->Version != D.Version)
        continue;
      if (D.Src && (C->Src.Kind != D.Src->Kind || C->Src.Value != D.Src->Value))
        continue;
      Match = C;
      ++Matches;
    }
    if (Matches == 1) {
      D.Target = Match;
      return Error::success();
    }
    if (Candidates.empty())
      return makeSourceError(D.Range, "dependency '" + D.Name + "' of '" +
                                          From.Name +
                                          "' is not a package in the lock");
    if (Matches == 0)
      return makeSourceError(
          D.Range, "dependency '" + D.Name + "' of '" + From.Name +
                       "' matches none of the " + Twine(Candidates.size()) +
                       " locked versions of '" + D.Name + "'");
    return makeSourceError(D.Range,
                           "dependency '" + D.Name + "' of '" + From.Name +
                               "' is ambiguous: " + Twine(Matches) +
                               " locked packages match; it needs a version "
                               "and source");
  };
  for (auto &Pkg : P.Packages) {
    for (Dependency &D : Pkg->Dependencies)
      if (Error E = Resolve(*Pkg, D))
        return E;
    for (auto &KV : Pkg->OptionalDependencies)
      for (Dependency &D : KV.second)
        if (Error E = Resolve(*Pkg, D))
          return E;
    for (auto &KV : Pkg->DevDependencies)
      for (Dependency &D : KV.second)
        if (Error E = Resolve(*Pkg, D))
          return E;
  }
  return Error::success();
}

Error lambdaopt::parseLock(Project &P, std::unique_ptr<MemoryBuffer> Buffer,
                           const LoadOptions &Opts) {
  StringRef Text = Buffer->getBuffer();
  P.LockBufferID =
      P.getSourceMgr().AddNewSourceBuffer(std::move(Buffer), SMLoc());
  if (Text.empty())
    return makeSourceError(SMLoc::getFromPointer(Text.data()),
                           "the lock file is empty");

  toml::ParseOptions TOMLOpts;
  TOMLOpts.LineArrays = Opts.LineArrays;
  Error Err = Error::success();
  bool Split = Text.size() >= Opts.ParallelThreshold &&
               parseSplit(Text, P, Opts, TOMLOpts, Err);
  if (!Split) {
    consumeError(std::move(Err));
    P.Packages.clear();
    if (Error E = parseWhole(Text, P, TOMLOpts))
      return E;
  } else if (Err) {
    return Err;
  }
  return resolveDependencies(P);
}
