//===- Downloader.h - Parallel verified HTTP downloads ----------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Internal interface between Fetch.cpp and the libcurl transfer code.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_LIB_FETCH_DOWNLOADER_H
#define LAMBDA_OPT_LIB_FETCH_DOWNLOADER_H

#include "lambda-opt/Fetch/Fetch.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace lambdaopt {
namespace fetch {

/// One file to download, verify, and rename into place.
struct DownloadJob {
  std::string Package;
  std::string Filename;
  std::string URL;
  std::string Sha256Hex;
  std::optional<uint64_t> Size;
  /// Directory for the partial file; must be on the same file system as
  /// FinalPath so that the final rename is atomic.
  std::string TempDir;
  /// Where the verified file ends up.
  std::string FinalPath;
};

/// Serialises notes and the progress bar on one stream.
class Console {
public:
  Console(llvm::raw_ostream &OS, bool ShowProgress, unsigned TotalJobs)
      : OS(OS), ShowProgress(ShowProgress), TotalJobs(TotalJobs) {}

  /// Prints "note: <Msg>" on its own line.
  void note(const llvm::Twine &Msg);
  /// Prints "note: <Msg>" unless this console printed it already.
  void noteOnce(const llvm::Twine &Msg);
  /// Accounts \p Bytes more downloaded bytes.
  void addBytes(uint64_t Bytes);
  /// Accounts one more finished download.
  void finishJob();
  /// Erases the progress bar.
  void finish();

private:
  void clearLine();
  void draw(bool Force);

  std::mutex Lock;
  llvm::raw_ostream &OS;
  llvm::StringSet<> Printed;
  bool ShowProgress;
  bool Drawn = false;
  unsigned TotalJobs;
  unsigned DoneJobs = 0;
  uint64_t TotalBytes = 0;
  uint64_t LastDrawMs = 0;
};

/// Runs \p Jobs with at most Opts.Jobs transfers at once. Returns one entry
/// per job: empty on success, otherwise the error message.
std::vector<std::string> runDownloads(llvm::ArrayRef<DownloadJob> Jobs,
                                      const FetchOptions &Opts, Console &Con);

/// One wheel whose central directory is wanted, not its bytes.
struct RangeJob {
  std::string Package;
  std::string Filename;
  std::string URL;
  /// The wheel's size, when the lock records it.
  std::optional<uint64_t> Size;
};

/// What the range requests of one RangeJob found.
struct RangeResult {
  /// The sum of the uncompressed sizes in the central directory.
  std::optional<uint64_t> Unzipped;
  /// The server answered the range request with the whole file.
  bool RangeIgnored = false;
  /// The host could not be reached (its other wheels are not tried).
  bool Unreachable = false;
  /// Why Unzipped is missing.
  std::string Error;
};

/// Fetches only the end of each wheel and its central directory with HTTP
/// range requests (at most Opts.Jobs at once; no retries) and sums the
/// uncompressed sizes recorded there.
std::vector<RangeResult> runRangeFetches(llvm::ArrayRef<RangeJob> Jobs,
                                         const FetchOptions &Opts);

/// The entry points of libLambdaOptNet.so, the part of fetching that links
/// libcurl; loaded the first time a wheel must be downloaded.
struct NetModule {
  decltype(&runDownloads) RunDownloads;
  decltype(&runRangeFetches) RunRangeFetches;
};

/// Loads libLambdaOptNet.so (once) and returns its entry points.
llvm::Expected<const NetModule *> getNetModule();

/// Whether \p Hex is 64 lowercase hex digits.
bool isSha256Hex(llvm::StringRef Hex);

/// Percent-decodes \p S.
std::string percentDecode(llvm::StringRef S);

} // namespace fetch
} // namespace lambdaopt

#endif // LAMBDA_OPT_LIB_FETCH_DOWNLOADER_H
