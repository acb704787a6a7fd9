//===- Fetch.cpp - Locate, cache and download wheels ----------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Fetch/Fetch.h"
#include "Downloader.h"
#include "lambda-opt/Artifact/Hash.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/raw_ostream.h"

#include <curl/curl.h>

#include <chrono>
#include <cstdlib>
#include <map>

using namespace llvm;
using namespace lambdaopt;
using namespace lambdaopt::fetch;

namespace {

/// A request after validation, with its file name and hash worked out.
struct NormalizedRequest {
  std::string Filename;
  std::string Sha256Hex;
};

/// Removes an optional "sha256:" prefix and lowercases the digest.
std::string normalizeHash(StringRef Hash) {
  Hash = Hash.trim();
  Hash.consume_front_insensitive("sha256:");
  return Hash.lower();
}

/// Rejects names that would escape the directory they are joined onto.
Error checkFilename(StringRef Name, StringRef Origin) {
  if (Name.empty() || Name == "." || Name == ".." ||
      Name.find_first_of("/\\") != StringRef::npos ||
      Name.find('\0') != StringRef::npos)
    return createStringError(inconvertibleErrorCode(),
                             "'%s' is not a usable wheel file name (from %s)",
                             Name.str().c_str(), Origin.str().c_str());
  return Error::success();
}

/// Checks the file at \p Path against the lock's size and hash. \p What
/// describes the file in messages.
Error verifyFile(StringRef Path, const WheelRequest &Req, StringRef Sha256Hex,
                 StringRef What) {
  if (Req.Size) {
    uint64_t ActualSize = 0;
    if (std::error_code EC = sys::fs::file_size(Path, ActualSize))
      return createStringError(EC, "cannot stat %s '%s': %s",
                               What.str().c_str(), Path.str().c_str(),
                               EC.message().c_str());
    if (ActualSize != *Req.Size)
      return createStringError(
          inconvertibleErrorCode(),
          "size mismatch for package '%s' in %s '%s': expected %llu bytes, "
          "got %llu",
          Req.Package.c_str(), What.str().c_str(), Path.str().c_str(),
          (unsigned long long)*Req.Size, (unsigned long long)ActualSize);
  }
  if (Sha256Hex.empty())
    return Error::success();
  Expected<std::string> Actual = computeFileSha256(Path);
  if (!Actual)
    return Actual.takeError();
  if (*Actual != Sha256Hex)
    return createStringError(
        inconvertibleErrorCode(),
        "sha256 mismatch for package '%s' in %s '%s': expected %s, got %s",
        Req.Package.c_str(), What.str().c_str(), Path.str().c_str(),
        Sha256Hex.str().c_str(), Actual->c_str());
  return Error::success();
}

/// Turns a file:// URL into a local path.
Expected<std::string> getPathFromFileURL(StringRef URL) {
  StringRef Rest = URL.drop_front(strlen("file://"));
  size_t Slash = Rest.find('/');
  StringRef Host = Rest.substr(0, Slash);
  if (!Host.empty() && !Host.equals_insensitive("localhost"))
    return createStringError(inconvertibleErrorCode(),
                             "file URL '%s' names a remote host",
                             redactURL(URL).c_str());
  if (Slash == StringRef::npos)
    return createStringError(inconvertibleErrorCode(),
                             "file URL '%s' has no path",
                             redactURL(URL).c_str());
  StringRef Path = Rest.substr(Slash);
  Path = Path.take_until([](char C) { return C == '?' || C == '#'; });
  return percentDecode(Path);
}

/// Finds the file name and hash of \p Req.
Expected<NormalizedRequest> normalizeRequest(const WheelRequest &Req) {
  NormalizedRequest N;
  N.Sha256Hex = normalizeHash(Req.Sha256Hex);
  if (!N.Sha256Hex.empty() && !isSha256Hex(N.Sha256Hex))
    return createStringError(inconvertibleErrorCode(),
                             "invalid sha256 '%s' for package '%s'",
                             Req.Sha256Hex.c_str(), Req.Package.c_str());
  N.Filename = Req.Filename;
  if (N.Filename.empty() && !Req.LocalPath.empty())
    N.Filename = sys::path::filename(Req.LocalPath).str();
  if (N.Filename.empty() && !Req.URL.empty()) {
    Expected<std::string> Name = getFilenameFromURL(Req.URL);
    if (!Name)
      return Name.takeError();
    N.Filename = std::move(*Name);
  }
  if (N.Filename.empty())
    return createStringError(inconvertibleErrorCode(),
                             "package '%s' has neither a URL nor a path",
                             Req.Package.c_str());
  if (Error E = checkFilename(N.Filename, "package '" + Req.Package + "'"))
    return Error(std::move(E));
  return N;
}

/// Resolves a wheel that lives on the local file system (a lock `path` or a
/// file:// URL).
Expected<FetchedWheel> resolveLocal(const WheelRequest &Req,
                                    const NormalizedRequest &N,
                                    const FetchOptions &Opts) {
  std::string Path = Req.LocalPath;
  if (Path.empty()) {
    Expected<std::string> P = getPathFromFileURL(Req.URL);
    if (!P)
      return P.takeError();
    Path = std::move(*P);
  }
  SmallString<256> Full(Path);
  if (!sys::path::is_absolute(Full) && !Opts.ProjectDir.empty()) {
    Full = Opts.ProjectDir;
    sys::path::append(Full, Path);
  }
  if (!sys::fs::is_regular_file(Full))
    return createStringError(inconvertibleErrorCode(),
                             "local wheel '%s' for package '%s' does not exist",
                             Full.c_str(), Req.Package.c_str());
  StringRef Hash = Opts.DeferLocalHashes ? StringRef() : N.Sha256Hex;
  if (Error E = verifyFile(Full, Req, Hash, "local wheel"))
    return Error(std::move(E));
  return FetchedWheel{std::string(Full), WheelSourceKind::Local,
                      Opts.DeferLocalHashes ? N.Sha256Hex : std::string()};
}

/// Looks for the wheel in the --find-links directories. Returns None when it
/// is in none of them.
Expected<Optional<FetchedWheel>> findInFindLinks(const WheelRequest &Req,
                                                 const NormalizedRequest &N,
                                                 const FetchOptions &Opts) {
  std::string Candidate = findLocalWheel(N.Filename, "", Opts.FindLinks, "");
  if (!Candidate.empty()) {
    StringRef Hash = Opts.DeferLocalHashes ? StringRef() : N.Sha256Hex;
    if (Error E = verifyFile(Candidate, Req, Hash, "find-links file"))
      return Error(std::move(E));
    return FetchedWheel{Candidate, WheelSourceKind::FindLinks,
                        Opts.DeferLocalHashes ? N.Sha256Hex : std::string()};
  }
  return None;
}

/// Partial downloads older than this are left over from a process that
/// died (a transfer is cut off long before: FetchOptions::TimeoutSeconds).
constexpr auto StalePartialAge = std::chrono::hours(1);

/// Removes stale `*.part` files from the cache's `tmp/` folder.
void removeStalePartials(StringRef TmpDir) {
  auto Now = std::chrono::system_clock::now();
  std::error_code EC;
  for (sys::fs::directory_iterator It(TmpDir, EC), End; It != End && !EC;
       It.increment(EC)) {
    StringRef Path = It->path();
    if (!Path.endswith(".part"))
      continue;
    sys::fs::file_status S;
    if (sys::fs::status(Path, S, /*Follow=*/false) ||
        S.type() != sys::fs::file_type::regular_file)
      continue;
    if (Now - S.getLastModificationTime() > StalePartialAge)
      sys::fs::remove(Path);
  }
}

/// Folders made for this run only, removed when the process exits.
std::vector<std::string> &getRunFolders() {
  static std::vector<std::string> Folders;
  return Folders;
}

void removeRunFolders() {
  for (const std::string &Dir : getRunFolders())
    sys::fs::remove_directories(Dir, /*IgnoreErrors=*/true);
}

/// Picks the directory downloads go to: the cache when it is writable,
/// otherwise a fresh temporary directory removed at exit.
Expected<std::string> prepareDownloadRoot(StringRef CacheDir, Console &Con,
                                          bool &IsRunFolder) {
  IsRunFolder = false;
  SmallString<256> Tmp(CacheDir);
  sys::path::append(Tmp, "tmp");
  std::error_code EC = sys::fs::create_directories(Tmp);
  if (!EC)
    EC = sys::fs::access(Tmp, sys::fs::AccessMode::Write);
  if (!EC) {
    removeStalePartials(Tmp);
    return CacheDir.str();
  }
  SmallString<256> TempRoot;
  sys::path::system_temp_directory(/*ErasedOnReboot=*/true, TempRoot);
  sys::path::append(TempRoot, "lambda-opt-wheels");
  SmallString<256> Unique;
  if (std::error_code TmpEC = sys::fs::createUniqueDirectory(TempRoot, Unique))
    return createStringError(TmpEC,
                             "cache directory '%s' is not writable (%s) and "
                             "no temporary directory could be created: %s",
                             CacheDir.str().c_str(), EC.message().c_str(),
                             TmpEC.message().c_str());
  // The list exists before the exit handler is registered, so it is
  // destroyed after the handler ran.
  getRunFolders().push_back(std::string(Unique));
  static const int Registered = std::atexit(removeRunFolders);
  (void)Registered;
  IsRunFolder = true;
  Con.note("cache directory '" + CacheDir + "' is not writable (" +
           EC.message() + "); downloading into '" + Unique +
           "' for this run only");
  SmallString<256> UniqueTmp(Unique);
  sys::path::append(UniqueTmp, "tmp");
  if (std::error_code TmpEC = sys::fs::create_directories(UniqueTmp))
    return createStringError(TmpEC, "cannot create '%s': %s", UniqueTmp.c_str(),
                             TmpEC.message().c_str());
  return std::string(Unique);
}

/// Every --find-links entry must be a folder: a misspelt one would
/// otherwise be skipped without a word.
Error checkFindLinks(const FetchOptions &Opts) {
  Error All = Error::success();
  for (const std::string &Dir : Opts.FindLinks) {
    sys::fs::file_status S;
    std::error_code EC = sys::fs::status(Dir, S);
    if (!EC && S.type() == sys::fs::file_type::directory_file)
      continue;
    All = joinErrors(
        std::move(All),
        createStringError(EC ? EC
                             : std::make_error_code(std::errc::not_a_directory),
                          "find-links folder '%s': %s (fix the path given to "
                          "--find-links or find-links in [tool.lambda-opt])",
                          Dir.c_str(),
                          EC ? EC.message().c_str() : "not a folder"));
  }
  return All;
}

} // namespace


/// The failures of a fetch, one line per wheel: downloads that failed for
/// the same reason (a dead mirror fails every wheel alike) state it once,
///
///   failed to download 3 wheels: <reason>
///     'a-1.0-py3-none-any.whl' for package 'a' from https://...
static Error joinFetchErrors(ArrayRef<std::string> Errors) {
  StringRef Prefix = "failed to download ";
  MapVector<std::string, std::vector<std::string>,
            std::map<std::string, unsigned>>
      ByReason;
  Error All = Error::success();
  auto Add = [&](const Twine &Msg) {
    All = joinErrors(std::move(All),
                     createStringError(inconvertibleErrorCode(), Msg));
  };
  for (StringRef Msg : Errors) {
    if (Msg.empty())
      continue;
    // "failed to download <what> from <URL>: <reason>"; URLs hold no ": ".
    size_t From = Msg.find(" from ");
    size_t Colon = From == StringRef::npos ? From : Msg.find(": ", From);
    if (!Msg.startswith(Prefix) || Colon == StringRef::npos) {
      Add(Msg);
      continue;
    }
    ByReason[Msg.substr(Colon + 2).str()].push_back(
        Msg.slice(Prefix.size(), Colon).str());
  }
  for (const auto &KV : ByReason) {
    if (KV.second.size() == 1) {
      Add(Prefix + KV.second.front() + ": " + KV.first);
      continue;
    }
    std::string Text =
        (Prefix + Twine(KV.second.size()) + " wheels: " + KV.first).str();
    for (const std::string &Wheel : KV.second)
      Text += "\n  " + Wheel;
    Add(Text);
  }
  return All;
}

Expected<std::string> lambdaopt::getFilenameFromURL(StringRef URL) {
  StringRef Path = URL;
  size_t SchemeEnd = Path.find("://");
  if (SchemeEnd != StringRef::npos) {
    Path = Path.drop_front(SchemeEnd + 3);
    size_t Slash = Path.find('/');
    Path = Slash == StringRef::npos ? StringRef() : Path.substr(Slash);
  }
  Path = Path.take_until([](char C) { return C == '?' || C == '#'; });
  StringRef Segment = Path.rsplit('/').second;
  if (Path.find('/') == StringRef::npos)
    Segment = Path;
  std::string Name = percentDecode(Segment);
  if (Error E = checkFilename(Name, "URL '" + redactURL(URL) + "'"))
    return Error(std::move(E));
  return Name;
}

std::string lambdaopt::getDefaultCacheDir() {
  SmallString<256> Dir;
  Optional<std::string> XDG = sys::Process::GetEnv("XDG_CACHE_HOME");
  if (XDG && sys::path::is_absolute(*XDG)) {
    Dir = *XDG;
  } else {
    if (!sys::path::home_directory(Dir))
      sys::path::system_temp_directory(/*ErasedOnReboot=*/false, Dir);
    sys::path::append(Dir, ".cache");
  }
  sys::path::append(Dir, "lambda-opt");
  return std::string(Dir);
}

std::string lambdaopt::findLocalWheel(StringRef Filename, StringRef Sha256Hex,
                                      ArrayRef<std::string> FindLinks,
                                      StringRef CacheDir) {
  for (const std::string &Dir : FindLinks) {
    SmallString<256> Candidate(Dir);
    sys::path::append(Candidate, Filename);
    if (sys::fs::is_regular_file(Candidate))
      return std::string(Candidate);
  }
  if (CacheDir.empty() || Sha256Hex.empty())
    return "";
  std::string Cached = getCachePath(CacheDir, Sha256Hex, Filename);
  if (sys::fs::is_regular_file(Cached))
    return Cached;
  return "";
}

std::string lambdaopt::getCachePath(StringRef CacheDir, StringRef Sha256Hex,
                                    StringRef Filename) {
  SmallString<256> Path(CacheDir);
  sys::path::append(Path, "wheels", "sha256", Sha256Hex.take_front(2),
                    Sha256Hex);
  sys::path::append(Path, Filename);
  return std::string(Path);
}

Expected<std::string> lambdaopt::computeFileSha256(StringRef Path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buf = MemoryBuffer::getFile(
      Path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!Buf)
    return createStringError(Buf.getError(), "cannot read '%s': %s",
                             Path.str().c_str(),
                             Buf.getError().message().c_str());
  Expected<std::string> Hex = sha256Hex((*Buf)->getBuffer());
  if (!Hex)
    return createStringError(inconvertibleErrorCode(), "cannot hash '%s': %s",
                             Path.str().c_str(),
                             toString(Hex.takeError()).c_str());
  return Hex;
}

Expected<std::vector<FetchedWheel>>
lambdaopt::fetchWheels(ArrayRef<WheelRequest> Requests,
                       const FetchOptions &Opts) {
  if (Error E = checkFindLinks(Opts))
    return std::move(E);
  raw_ostream &NoteOS = Opts.Notes ? *Opts.Notes : errs();
  std::string CacheDir =
      Opts.CacheDir.empty() ? getDefaultCacheDir() : Opts.CacheDir;

  std::vector<Optional<FetchedWheel>> Results(Requests.size());
  std::vector<std::string> Errors(Requests.size());
  std::vector<NormalizedRequest> Normalized(Requests.size());
  // Requests still to download, by (hash, file name), so that a wheel wanted
  // twice is only downloaded once. The value indexes Requests.
  std::map<std::pair<std::string, std::string>, size_t> Pending;
  // For each request, the request whose download it shares.
  std::vector<size_t> SharedWith(Requests.size(), Requests.size());
  Console PreCon(NoteOS, /*ShowProgress=*/false, 0);

  // Local wheels and --find-links candidates are hashed first, on every
  // core (the main loop below reports the outcome in request order).
  struct LocalOutcome {
    Optional<FetchedWheel> Wheel;
    std::string Error;
  };
  std::vector<LocalOutcome> Local(Requests.size());
  {
    ThreadPool Pool(hardware_concurrency());
    for (size_t I = 0, E = Requests.size(); I != E; ++I)
      Pool.async([&, I] {
        const WheelRequest &Req = Requests[I];
        Expected<NormalizedRequest> N = normalizeRequest(Req);
        if (!N) {
          consumeError(N.takeError()); // Reported below.
          return;
        }
        LocalOutcome &Out = Local[I];
        if (!Req.LocalPath.empty() ||
            StringRef(Req.URL).startswith("file://")) {
          Expected<FetchedWheel> W = resolveLocal(Req, *N, Opts);
          if (!W)
            Out.Error = toString(W.takeError());
          else
            Out.Wheel = std::move(*W);
          return;
        }
        Expected<Optional<FetchedWheel>> Found = findInFindLinks(Req, *N, Opts);
        if (!Found)
          Out.Error = toString(Found.takeError());
        else
          Out.Wheel = std::move(*Found);
      });
    Pool.wait();
  }

  for (size_t I = 0, E = Requests.size(); I != E; ++I) {
    const WheelRequest &Req = Requests[I];
    Expected<NormalizedRequest> N = normalizeRequest(Req);
    if (!N) {
      Errors[I] = toString(N.takeError());
      continue;
    }
    Normalized[I] = std::move(*N);
    const NormalizedRequest &NR = Normalized[I];

    if (!Local[I].Error.empty()) {
      Errors[I] = std::move(Local[I].Error);
      continue;
    }
    if (Local[I].Wheel) {
      Results[I] = std::move(*Local[I].Wheel);
      continue;
    }
    if (!Req.LocalPath.empty() || StringRef(Req.URL).startswith("file://"))
      continue; // Unreachable: a local request either resolves or fails.

    if (NR.Sha256Hex.empty()) {
      Errors[I] = "package '" + Req.Package + "' (" + NR.Filename +
                  ") has no sha256 in the lock; refusing to use an "
                  "unverified download";
      continue;
    }

    std::string CachePath = getCachePath(CacheDir, NR.Sha256Hex, NR.Filename);
    if (sys::fs::is_regular_file(CachePath)) {
      Error E = verifyFile(CachePath, Req, NR.Sha256Hex, "cache entry");
      if (!E) {
        Results[I] = FetchedWheel{CachePath, WheelSourceKind::Cache, {}};
        continue;
      }
      PreCon.note("discarding corrupted cache entry: " +
                  toString(std::move(E)));
      sys::fs::remove(CachePath);
    }

    if (Opts.Offline) {
      Errors[I] = "package '" + Req.Package + "' (" + NR.Filename +
                  ") is not in any find-links directory nor in the cache '" +
                  CacheDir + "', and offline mode forbids downloading it";
      continue;
    }
    if (Req.URL.empty()) {
      Errors[I] = "package '" + Req.Package + "' (" + NR.Filename +
                  ") is not available locally and the lock gives no URL";
      continue;
    }
    auto Key = std::make_pair(NR.Sha256Hex, NR.Filename);
    auto It = Pending.find(Key);
    if (It != Pending.end()) {
      SharedWith[I] = It->second;
      continue;
    }
    Pending.emplace(Key, I);
    SharedWith[I] = I;
  }

  if (!Pending.empty()) {
    std::vector<size_t> Owners;
    for (size_t I = 0, E = Requests.size(); I != E; ++I)
      if (SharedWith[I] == I)
        Owners.push_back(I);
    Console Con(NoteOS, Opts.Progress && errs().is_displayed(), Owners.size());
    bool IsRunFolder = false;
    Expected<std::string> Root =
        prepareDownloadRoot(CacheDir, Con, IsRunFolder);
    if (!Root) {
      std::string Msg = toString(Root.takeError());
      for (size_t I : Owners)
        Errors[I] = Msg;
    } else {
      SmallString<256> TempDir(*Root);
      sys::path::append(TempDir, "tmp");
      std::vector<DownloadJob> Jobs;
      for (size_t I : Owners) {
        const WheelRequest &Req = Requests[I];
        const NormalizedRequest &NR = Normalized[I];
        Jobs.push_back(
            DownloadJob{Req.Package, NR.Filename, Req.URL, NR.Sha256Hex,
                        Req.Size, std::string(TempDir),
                        getCachePath(*Root, NR.Sha256Hex, NR.Filename)});
      }
      // libcurl is loaded only now that something must be downloaded.
      Expected<const NetModule *> Net = getNetModule();
      std::vector<std::string> JobErrors;
      if (Net)
        JobErrors = (*Net)->RunDownloads(Jobs, Opts, Con);
      else
        JobErrors.assign(Jobs.size(), toString(Net.takeError()));
      for (size_t J = 0, E = Owners.size(); J != E; ++J) {
        if (JobErrors[J].empty() && IsRunFolder)
          sys::RemoveFileOnSignal(Jobs[J].FinalPath);
        if (JobErrors[J].empty())
          Results[Owners[J]] =
              FetchedWheel{Jobs[J].FinalPath, WheelSourceKind::Download, {}};
        else
          Errors[Owners[J]] = JobErrors[J];
      }
    }
    Con.finish();
    for (size_t I = 0, E = Requests.size(); I != E; ++I) {
      size_t Owner = SharedWith[I];
      if (Owner == Requests.size() || Owner == I)
        continue;
      Results[I] = Results[Owner];
      Errors[I] = Errors[Owner];
    }
  }

  if (Error All = joinFetchErrors(Errors))
    return Error(std::move(All));
  std::vector<FetchedWheel> Out;
  Out.reserve(Results.size());
  for (Optional<FetchedWheel> &W : Results)
    Out.push_back(std::move(*W));
  return Out;
}

/// Where the unzipped size of the wheel with \p Sha256Hex is cached.
static std::string getSizeCachePath(StringRef CacheDir, StringRef Sha256Hex) {
  SmallString<256> Path(CacheDir);
  sys::path::append(Path, "unzipped-sizes", "sha256", Sha256Hex.take_front(2),
                    Sha256Hex);
  return std::string(Path);
}

std::vector<UnzippedSize>
lambdaopt::fetchUnzippedSizes(ArrayRef<WheelRequest> Requests,
                              const FetchOptions &Opts) {
  std::string CacheDir =
      Opts.CacheDir.empty() ? getDefaultCacheDir() : Opts.CacheDir;
  std::vector<UnzippedSize> Results(Requests.size());
  std::vector<RangeJob> Jobs;
  std::vector<size_t> Owners;
  std::vector<std::string> Hashes(Requests.size());
  for (size_t I = 0, E = Requests.size(); I != E; ++I) {
    const WheelRequest &Req = Requests[I];
    Hashes[I] = normalizeHash(Req.Sha256Hex);
    if (isSha256Hex(Hashes[I])) {
      ErrorOr<std::unique_ptr<MemoryBuffer>> Cached =
          MemoryBuffer::getFile(getSizeCachePath(CacheDir, Hashes[I]));
      uint64_t Bytes = 0;
      if (Cached && !(*Cached)->getBuffer().trim().getAsInteger(10, Bytes)) {
        Results[I].Bytes = Bytes;
        continue;
      }
    }
    if (Opts.Offline) {
      Results[I].Problem = "offline";
      continue;
    }
    if (Req.URL.empty() || StringRef(Req.URL).startswith("file://")) {
      Results[I].Problem = "the lock gives no URL";
      continue;
    }
    Expected<std::string> Name = getFilenameFromURL(Req.URL);
    if (!Name) {
      Results[I].Problem = toString(Name.takeError());
      continue;
    }
    Jobs.push_back(RangeJob{Req.Package, *Name, Req.URL, Req.Size});
    Owners.push_back(I);
  }
  if (Jobs.empty())
    return Results;
  Expected<const NetModule *> Net = getNetModule();
  if (!Net) {
    std::string Msg = toString(Net.takeError());
    for (size_t I : Owners)
      Results[I].Problem = Msg;
    return Results;
  }
  std::vector<RangeResult> Fetched = (*Net)->RunRangeFetches(Jobs, Opts);
  for (size_t J = 0, E = Owners.size(); J != E; ++J) {
    UnzippedSize &Out = Results[Owners[J]];
    Out.Bytes = Fetched[J].Unzipped;
    Out.RangeIgnored = Fetched[J].RangeIgnored;
    Out.Problem = std::move(Fetched[J].Error);
    const std::string &Hash = Hashes[Owners[J]];
    if (!Out.Bytes || !isSha256Hex(Hash))
      continue;
    // A cache that cannot be written only costs the next run a request.
    std::string Path = getSizeCachePath(CacheDir, Hash);
    if (sys::fs::create_directories(sys::path::parent_path(Path)))
      continue;
    // Written beside it and renamed, so a concurrent run never reads half.
    SmallString<256> Temp;
    int FD = -1;
    if (sys::fs::createUniqueFile(Path + ".%%%%%%%%.part", FD, Temp))
      continue;
    raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << *Out.Bytes << '\n';
    OS.close();
    if (OS.has_error()) {
      OS.clear_error();
      sys::fs::remove(Temp);
      continue;
    }
    if (sys::fs::rename(Temp, Path))
      sys::fs::remove(Temp);
  }
  return Results;
}
