//===- lambda-opt/Fetch/Fetch.h - Fetch and cache wheels ------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Turns the wheels a lock file names into local files whose SHA-256 has been
/// checked. Each wheel is looked up, in order, in the local path the lock
/// gives, the --find-links directories, the content-addressed cache, and
/// finally downloaded over HTTPS with libcurl (verified while streaming, then
/// renamed into the cache).
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_FETCH_FETCH_H
#define LAMBDA_OPT_FETCH_FETCH_H

#include "lambda-opt/Support/URL.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace lambdaopt {

/// One wheel wanted by the lock file.
struct WheelRequest {
  /// Distribution name, used in messages only.
  std::string Package;
  /// The wheel's file name. When empty it is taken from the last path segment
  /// of URL (percent-decoded) or of LocalPath.
  std::string Filename;
  /// Where to download the wheel from: https://, http:// (allow-listed hosts
  /// only) or file://. May embed credentials; they are never printed.
  std::string URL;
  /// A local wheel, relative to FetchOptions::ProjectDir unless absolute.
  /// Takes precedence over URL when set.
  std::string LocalPath;
  /// The expected SHA-256, 64 hex digits (a "sha256:" prefix is accepted).
  /// Required for anything that is downloaded or cached.
  std::string Sha256Hex;
  /// The expected size in bytes, when the lock records one.
  std::optional<uint64_t> Size;
};

/// How fetchWheels looks for and downloads wheels.
struct FetchOptions {
  /// Directories searched for a file named like the wheel (--find-links).
  std::vector<std::string> FindLinks;
  /// The cache root; empty means getDefaultCacheDir().
  std::string CacheDir;
  /// Base directory for relative WheelRequest::LocalPath values.
  std::string ProjectDir;
  /// Forbid all network access.
  bool Offline = false;
  /// Hosts ("host" or "host:port") that may be reached over plain http://
  /// and whose TLS certificates are not verified.
  std::vector<std::string> AllowInsecureHosts;
  /// Maximum number of transfers in flight.
  unsigned Jobs = 8;
  /// Extra attempts after a transient failure (HTTP 5xx or 429, connection
  /// errors, truncated bodies). Client errors (other 4xx) are never retried.
  unsigned Retries = 3;
  /// Delay before the first retry; it doubles on every further retry.
  unsigned RetryBaseDelayMs = 200;
  /// Seconds allowed for connecting, and over which a transfer must average
  /// at least 1 kB/s (a trickling server is cut off like a stalled one).
  unsigned TimeoutSeconds = 30;
  /// Seconds one transfer may take in all (0: 30 minutes).
  unsigned TotalTimeoutSeconds = 0;
  /// Leave the sha256 check of local and --find-links files to the caller,
  /// which maps each wheel anyway and hashes it there instead of reading it
  /// twice (FetchedWheel::UncheckedSha256 says what to expect). Sizes are
  /// still checked here; cache entries and downloads are always verified.
  bool DeferLocalHashes = false;
  /// Draw a progress bar on stderr; only honoured when stderr is a terminal.
  bool Progress = true;
  /// Where notes go (corrupt cache entries, retries, fallbacks); null means
  /// llvm::errs().
  llvm::raw_ostream *Notes = nullptr;
};

/// Where a fetched wheel came from.
enum class WheelSourceKind { Local, FindLinks, Cache, Download };

/// A wheel on disk whose hash (and size, when known) matches the lock.
struct FetchedWheel {
  std::string Path;
  WheelSourceKind From;
  /// The sha256 (hex) the caller must still check; empty when verified.
  std::string UncheckedSha256;
};

/// Resolves every request to a verified local file. Results are in request
/// order. On failure, the errors of all failed requests are joined, in
/// request order. Credentials come from the URL, the environment variables
/// LAMBDA_OPT_INDEX_USERNAME / LAMBDA_OPT_INDEX_PASSWORD, or the netrc file
/// ($NETRC, else ~/.netrc).
llvm::Expected<std::vector<FetchedWheel>>
fetchWheels(llvm::ArrayRef<WheelRequest> Requests, const FetchOptions &Opts);

/// The unzipped size of one remote wheel, as read from its central directory.
struct UnzippedSize {
  /// The sum of the uncompressed sizes of its entries; unset when unknown.
  std::optional<uint64_t> Bytes;
  /// The server sent the whole file instead of a range.
  bool RangeIgnored = false;
  /// Why Bytes is unset.
  std::string Problem;
};

/// The unzipped size of each of \p Requests (URL, Sha256Hex and Size are
/// used) without downloading them: from the size cache
/// (<CacheDir>/unzipped-sizes/sha256/<h[0:2]>/<h>) or, unless Opts.Offline,
/// from the end of each wheel and its central directory fetched with HTTP
/// range requests (a few kB each, in parallel), then cached by sha256.
std::vector<UnzippedSize>
fetchUnzippedSizes(llvm::ArrayRef<WheelRequest> Requests,
                   const FetchOptions &Opts);

/// Returns the percent-decoded last path segment of \p URL (query and
/// fragment ignored), or an error when that is not a usable file name.
llvm::Expected<std::string> getFilenameFromURL(llvm::StringRef URL);

/// $XDG_CACHE_HOME/lambda-opt, or ~/.cache/lambda-opt.
std::string getDefaultCacheDir();

/// The cache path of a wheel: <CacheDir>/wheels/sha256/<h[0:2]>/<h>/<Filename>.
std::string getCachePath(llvm::StringRef CacheDir, llvm::StringRef Sha256Hex,
                         llvm::StringRef Filename);

/// The copy of a wheel already on this machine, unverified: \p Filename in
/// the first of \p FindLinks that holds it, else the cache entry of
/// \p Sha256Hex in \p CacheDir (skipped when either is empty); empty when
/// there is none. fetchWheels looks in the same places, in the same order.
std::string findLocalWheel(llvm::StringRef Filename, llvm::StringRef Sha256Hex,
                           llvm::ArrayRef<std::string> FindLinks,
                           llvm::StringRef CacheDir);

/// The lowercase hex SHA-256 of the file at \p Path.
llvm::Expected<std::string> computeFileSha256(llvm::StringRef Path);

} // namespace lambdaopt

#endif // LAMBDA_OPT_FETCH_FETCH_H
