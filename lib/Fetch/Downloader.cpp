//===- Downloader.cpp - Parallel verified HTTP downloads ------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Each transfer runs on an llvm::ThreadPool worker with its own curl easy
/// handle. Bytes are hashed as they arrive and written to a unique partial
/// file next to the cache; only a file whose size and SHA-256 match the lock
/// is renamed into place.
///
//===----------------------------------------------------------------------===//

#include "Downloader.h"
#include "lambda-opt/Artifact/Hash.h"
#include "lambda-opt/Artifact/ZipDirectory.h"
#include "lambda-opt/Fetch/CurlHandles.h"
#include "lambda-opt/Support/URL.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Chrono.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"

#include <chrono>
#include <map>
#include <memory>
#include <thread>

using namespace llvm;
using namespace lambdaopt;
using namespace lambdaopt::curl;
using namespace lambdaopt::fetch;

namespace {

/// The parts of a URL the downloader cares about.
struct URLInfo {
  std::string Scheme;
  std::string Host;
  std::string Port;
  std::string Password;
  bool HasUser = false;
};

/// Reads one part of a parsed URL; empty when absent.
std::string getURLPart(CURLU *U, CURLUPart Part, unsigned Flags = 0) {
  char *Raw = nullptr;
  if (curl_url_get(U, Part, &Raw, Flags) != CURLUE_OK)
    return std::string();
  CurlString Owned(Raw);
  return std::string(Raw);
}

Expected<URLInfo> parseURL(StringRef URL) {
  CurlURLPtr U(curl_url());
  if (!U)
    return createStringError(inconvertibleErrorCode(), "out of memory");
  std::string Copy = URL.str();
  if (CURLUcode RC = curl_url_set(U.get(), CURLUPART_URL, Copy.c_str(), 0))
    return createStringError(inconvertibleErrorCode(), "invalid URL '%s': %s",
                             redactURL(URL).c_str(), curl_url_strerror(RC));
  URLInfo Info;
  Info.Scheme = StringRef(getURLPart(U.get(), CURLUPART_SCHEME)).lower();
  Info.Host = StringRef(getURLPart(U.get(), CURLUPART_HOST)).lower();
  Info.Port = getURLPart(U.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  Info.Password = getURLPart(U.get(), CURLUPART_PASSWORD, CURLU_URLDECODE);
  char *Raw = nullptr;
  if (curl_url_get(U.get(), CURLUPART_USER, &Raw, 0) == CURLUE_OK) {
    CurlString Owned(Raw);
    Info.HasUser = true;
  }
  return Info;
}

/// Credentials and policy shared by every transfer of one run.
struct DownloadContext {
  const FetchOptions &Opts;
  Console &Con;
  std::string EnvUser;
  std::string EnvPassword;
  std::string NetrcFile;
  /// Seconds to connect, and the window over which a transfer must average
  /// 1 kB/s.
  long StallSeconds = 30;
  /// Seconds one transfer may take in all.
  long TotalSeconds = 1800;
};

/// State the write callback updates.
struct TransferState {
  CURL *Handle = nullptr;
  raw_fd_ostream *Out = nullptr;
  Sha256 *Digest = nullptr;
  uint64_t Bytes = 0;
  std::optional<uint64_t> Limit;
  bool TooLarge = false;
  Console *Con = nullptr;
};

size_t writeBody(char *Ptr, size_t Size, size_t N, void *User) {
  auto *S = static_cast<TransferState *>(User);
  size_t Len = Size * N;
  // The body of a redirect is not the file.
  long Status = 0;
  curl_easy_getinfo(S->Handle, CURLINFO_RESPONSE_CODE, &Status);
  if (Status >= 300 && Status < 400)
    return Len;
  if (S->Limit && S->Bytes + Len > *S->Limit) {
    S->TooLarge = true;
    return 0;
  }
  S->Digest->update(StringRef(Ptr, Len));
  S->Out->write(Ptr, Len);
  if (S->Out->has_error())
    return 0;
  S->Bytes += Len;
  S->Con->addBytes(Len);
  return Len;
}

/// What one attempt came to.
struct AttemptResult {
  bool Ok = false;
  bool Retryable = false;
  std::string Message;
};

AttemptResult fail(bool Retryable, std::string Message) {
  AttemptResult R;
  R.Retryable = Retryable;
  R.Message = std::move(Message);
  return R;
}

/// The options of one transfer of \p URL, one hop of a download or a ranged
/// GET: https with verified TLS unless \p Insecure (the hop's host is on
/// --allow-insecure-host), redirects left to the caller, a connection and
/// low-speed timeout, at most \p TotalSeconds in all, and credentials (the
/// environment's only when \p EnvCredentials, else ~/.netrc).
void configureTransfer(CURL *C, const std::string &URL, const URLInfo &Info,
                       bool Insecure, bool EnvCredentials, long TotalSeconds,
                       const DownloadContext &Ctx, char *ErrBuf) {
  curl_easy_setopt(C, CURLOPT_URL, URL.c_str());
  curl_easy_setopt(C, CURLOPT_PROTOCOLS_STR, Insecure ? "http,https" : "https");
  curl_easy_setopt(C, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(C, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(C, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(C, CURLOPT_CONNECTTIMEOUT, Ctx.StallSeconds);
  // A server that trickles is as good as one that stalls.
  curl_easy_setopt(C, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(C, CURLOPT_LOW_SPEED_TIME, Ctx.StallSeconds);
  curl_easy_setopt(C, CURLOPT_TIMEOUT, TotalSeconds);
  curl_easy_setopt(C, CURLOPT_USERAGENT, "lambda-opt");
  curl_easy_setopt(C, CURLOPT_ERRORBUFFER, ErrBuf);
  if (Insecure) {
    curl_easy_setopt(C, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(C, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!Info.HasUser && EnvCredentials && !Ctx.EnvUser.empty()) {
    curl_easy_setopt(C, CURLOPT_USERNAME, Ctx.EnvUser.c_str());
    curl_easy_setopt(C, CURLOPT_PASSWORD, Ctx.EnvPassword.c_str());
  } else if (!Info.HasUser) {
    curl_easy_setopt(C, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
    if (!Ctx.NetrcFile.empty())
      curl_easy_setopt(C, CURLOPT_NETRC_FILE, Ctx.NetrcFile.c_str());
  }
}

/// The most redirects one download follows.
constexpr unsigned MaxRedirects = 10;

/// One transfer of \p Job into a fresh partial file. Redirects are
/// followed here, not by libcurl, so that every hop is checked against the
/// same rules as the first URL: https with verified TLS, unless that hop's
/// own host was named by --allow-insecure-host.
AttemptResult attemptDownload(const DownloadJob &Job, const URLInfo &Origin,
                              const DownloadContext &Ctx,
                              std::string &TempPath) {
  std::string Where = "'" + Job.Filename + "' for package '" + Job.Package +
                      "' from " + redactURL(Job.URL);
  int FD = -1;
  SmallString<256> Model(Job.TempDir);
  sys::path::append(Model, Job.Filename + ".%%%%%%%%.part");
  SmallString<256> Temp;
  if (std::error_code EC = sys::fs::createUniqueFile(Model, FD, Temp))
    return fail(false, "cannot create a temporary file in '" + Job.TempDir +
                           "': " + EC.message());
  TempPath = std::string(Temp);
  sys::RemoveFileOnSignal(TempPath);
  raw_fd_ostream Out(FD, /*shouldClose=*/true);
  // Every return below reports its own error; the stream must not abort
  // in its destructor over a write error.
  auto ClearOut = make_scope_exit([&] { Out.clear_error(); });

  Sha256 Digest;
  TransferState State;
  State.Out = &Out;
  State.Digest = &Digest;
  State.Limit = Job.Size;
  State.Con = &Ctx.Con;
  char ErrBuf[CURL_ERROR_SIZE] = {0};

  std::string URL = Job.URL;
  URLInfo Info = Origin;
  bool Insecure = false;
  CurlPtr H;
  CURLcode RC = CURLE_OK;
  long Status = 0;
  for (unsigned Hop = 0;; ++Hop) {
    Insecure = isHostAllowed(URL, Ctx.Opts.AllowInsecureHosts);
    H.reset(curl_easy_init());
    if (!H)
      return fail(false, "cannot create a curl handle");
    CURL *C = H.get();
    State.Handle = C;
    ErrBuf[0] = 0;
    // Credentials go to the host they were given for, never to the host
    // of a redirect.
    bool SameHost = Info.Host == Origin.Host && Info.Port == Origin.Port;
    configureTransfer(C, URL, Info, Insecure, SameHost, Ctx.TotalSeconds, Ctx,
                      ErrBuf);
    curl_easy_setopt(C, CURLOPT_WRITEFUNCTION, writeBody);
    curl_easy_setopt(C, CURLOPT_WRITEDATA, &State);

    RC = curl_easy_perform(C);
    Status = 0;
    curl_easy_getinfo(C, CURLINFO_RESPONSE_CODE, &Status);
    if (RC != CURLE_OK || Status < 300 || Status >= 400)
      break;
    char *Location = nullptr;
    curl_easy_getinfo(C, CURLINFO_REDIRECT_URL, &Location);
    if (!Location)
      return fail(false, "failed to download " + Where + ": HTTP status " +
                             std::to_string(Status) +
                             " without a Location to follow");
    std::string Next = Location;
    if (Hop + 1 > MaxRedirects)
      return fail(false, "failed to download " + Where + ": more than " +
                             std::to_string(MaxRedirects) + " redirects");
    Expected<URLInfo> NextInfo = parseURL(Next);
    if (!NextInfo)
      return fail(false, "failed to download " + Where +
                             ": cannot follow the redirect: " +
                             toString(NextInfo.takeError()));
    if (NextInfo->Scheme != "https" &&
        !(NextInfo->Scheme == "http" &&
          isHostAllowed(Next, Ctx.Opts.AllowInsecureHosts)))
      return fail(
          false,
          "refusing to follow the redirect of " + Where + " to " +
              redactURL(Next) +
              (NextInfo->Scheme == "http"
                   ? ": plain http to a host --allow-insecure-host "
                     "does not name (pass --allow-insecure-host=" +
                         NextInfo->Host + " to allow it)"
                   : ": unsupported URL scheme '" + NextInfo->Scheme + "'"));
    URL = std::move(Next);
    Info = std::move(*NextInfo);
  }
  CURL *C = H.get();
  curl_off_t ContentLength = -1;
  curl_easy_getinfo(C, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &ContentLength);
  Out.close();
  std::error_code WriteEC = Out.error();
  if (WriteEC)
    Out.clear_error();

  if (State.TooLarge)
    return fail(false, "size mismatch for " + Where + ": expected " +
                           std::to_string(*Job.Size) +
                           " bytes, but the server sent more");
  if (WriteEC)
    return fail(false, "cannot write the download of " + Where + " to '" +
                           TempPath + "': " + WriteEC.message());
  if (RC == CURLE_HTTP_RETURNED_ERROR) {
    bool Transient = Status >= 500 || Status == 429;
    std::string Hint;
    if (Status == 401 || Status == 403)
      Hint = " (check the credentials for this host in the netrc file or "
             "LAMBDA_OPT_INDEX_USERNAME/LAMBDA_OPT_INDEX_PASSWORD)";
    return fail(Transient, "failed to download " + Where + ": HTTP status " +
                               std::to_string(Status) + Hint);
  }
  if (RC != CURLE_OK) {
    std::string Detail = ErrBuf[0] ? ErrBuf : curl_easy_strerror(RC);
    if (RC == CURLE_OPERATION_TIMEDOUT)
      Detail += " (the server stalled or sent less than 1 kB/s for " +
                std::to_string(Ctx.StallSeconds) +
                " s, or the transfer took longer than " +
                std::to_string(Ctx.TotalSeconds) + " s)";
    if (RC == CURLE_UNSUPPORTED_PROTOCOL && !Insecure)
      Detail += " (only https is allowed; plain http needs "
                "--allow-insecure-host)";
    return fail(isTransientCurlError(RC), "failed to download " + Where + ": " +
                                              Detail + " (curl error " +
                                              std::to_string(RC) + ")");
  }
  if (Status < 200 || Status >= 300)
    return fail(false, "failed to download " + Where +
                           ": unexpected HTTP status " +
                           std::to_string(Status));
  if (ContentLength >= 0 && (uint64_t)ContentLength != State.Bytes)
    return fail(true, "failed to download " + Where + ": received " +
                          std::to_string(State.Bytes) + " of " +
                          std::to_string(ContentLength) + " bytes");
  if (Job.Size && *Job.Size != State.Bytes)
    return fail(false, "size mismatch for " + Where + ": expected " +
                           std::to_string(*Job.Size) + " bytes, got " +
                           std::to_string(State.Bytes));

  Expected<Sha256Digest> Raw = Digest.final();
  if (!Raw)
    return fail(false, "sha256 computation failed for " + Where + ": " +
                           toString(Raw.takeError()));
  std::string Actual = toHex(*Raw, /*LowerCase=*/true);
  if (Actual != Job.Sha256Hex)
    return fail(false, "sha256 mismatch for " + Where + ": expected " +
                           Job.Sha256Hex + ", got " + Actual);

  StringRef FinalDir = sys::path::parent_path(Job.FinalPath);
  if (std::error_code EC = sys::fs::create_directories(FinalDir))
    return fail(false,
                "cannot create '" + FinalDir.str() + "': " + EC.message());
  sys::fs::setPermissions(TempPath, sys::fs::all_read | sys::fs::owner_write);
  if (std::error_code EC = sys::fs::rename(TempPath, Job.FinalPath))
    return fail(false, "cannot move '" + TempPath + "' to '" + Job.FinalPath +
                           "': " + EC.message());
  sys::DontRemoveFileOnSignal(TempPath);
  TempPath.clear();
  AttemptResult R;
  R.Ok = true;
  return R;
}

void scrub(std::string &Text, StringRef Secret);

/// Downloads \p Job with retries; returns the error message or "".
std::string downloadWithRetries(const DownloadJob &Job,
                                const DownloadContext &Ctx) {
  Expected<URLInfo> Info = parseURL(Job.URL);
  if (!Info)
    return "cannot download package '" + Job.Package +
           "': " + toString(Info.takeError());
  bool Insecure = isHostAllowed(Job.URL, Ctx.Opts.AllowInsecureHosts);
  if (Info->Scheme == "http" && !Insecure)
    return "refusing to download '" + Job.Filename + "' for package '" +
           Job.Package + "' over insecure http from " + redactURL(Job.URL) +
           "; pass --allow-insecure-host=" + Info->Host + " to allow it";
  if (Info->Scheme != "http" && Info->Scheme != "https")
    return "cannot download package '" + Job.Package + "' from " +
           redactURL(Job.URL) + ": unsupported URL scheme '" + Info->Scheme +
           "'";

  unsigned Attempts = Ctx.Opts.Retries + 1;
  std::string LastError;
  for (unsigned Attempt = 1; Attempt <= Attempts; ++Attempt) {
    if (Attempt > 1) {
      uint64_t Delay = (uint64_t)Ctx.Opts.RetryBaseDelayMs << (Attempt - 2);
      // Once per run, not per wheel and attempt: a dead mirror fails every
      // wheel the same way, and the final errors name each of them.
      Ctx.Con.noteOnce("retrying failed downloads (up to " + Twine(Attempts) +
                       " attempts each)");
      std::this_thread::sleep_for(std::chrono::milliseconds(Delay));
    }
    std::string TempPath;
    AttemptResult R = attemptDownload(Job, *Info, Ctx, TempPath);
    if (!TempPath.empty()) {
      sys::fs::remove(TempPath);
      sys::DontRemoveFileOnSignal(TempPath);
    }
    if (R.Ok)
      return std::string();
    LastError = std::move(R.Message);
    scrub(LastError, Ctx.EnvPassword);
    scrub(LastError, Info->Password);
    if (!R.Retryable)
      return LastError;
  }
  if (Attempts > 1)
    LastError += " (gave up after " + std::to_string(Attempts) + " attempts)";
  return LastError;
}

/// Replaces every occurrence of \p Secret in \p Text with "***". Secrets
/// shorter than four characters would match ordinary words and are left alone.
void scrub(std::string &Text, StringRef Secret) {
  if (Secret.size() < 4)
    return;
  size_t Pos = 0;
  while ((Pos = Text.find(Secret.data(), Pos, Secret.size())) !=
         std::string::npos) {
    Text.replace(Pos, Secret.size(), "***");
    Pos += 3;
  }
}

} // namespace

/// Timeouts and credentials of this run: the options, then the environment.
static void setUpContext(DownloadContext &Ctx) {
  if (Ctx.Opts.TimeoutSeconds)
    Ctx.StallSeconds = Ctx.Opts.TimeoutSeconds;
  if (Ctx.Opts.TotalTimeoutSeconds)
    Ctx.TotalSeconds = Ctx.Opts.TotalTimeoutSeconds;
  // The environment overrides both.
  Ctx.StallSeconds =
      getSecondsFromEnv("LAMBDA_OPT_HTTP_TIMEOUT", Ctx.StallSeconds);
  Ctx.TotalSeconds =
      getSecondsFromEnv("LAMBDA_OPT_HTTP_TOTAL_TIMEOUT", Ctx.TotalSeconds);
  if (Optional<std::string> U =
          sys::Process::GetEnv("LAMBDA_OPT_INDEX_USERNAME"))
    Ctx.EnvUser = *U;
  if (Optional<std::string> P =
          sys::Process::GetEnv("LAMBDA_OPT_INDEX_PASSWORD"))
    Ctx.EnvPassword = *P;
  if (Optional<std::string> N = sys::Process::GetEnv("NETRC"))
    Ctx.NetrcFile = *N;
}

std::vector<std::string>
lambdaopt::fetch::runDownloads(ArrayRef<DownloadJob> Jobs,
                               const FetchOptions &Opts, Console &Con) {
  initCurl();
  DownloadContext Ctx{Opts, Con, {}, {}, {}};
  setUpContext(Ctx);

  std::vector<std::string> Errors(Jobs.size());
  unsigned Threads = std::max(1u, std::min<unsigned>(Opts.Jobs, Jobs.size()));
  {
    ThreadPool Pool(hardware_concurrency(Threads));
    for (size_t I = 0, E = Jobs.size(); I != E; ++I)
      Pool.async([&, I] {
        Errors[I] = downloadWithRetries(Jobs[I], Ctx);
        Con.finishJob();
      });
    Pool.wait();
  }
  return Errors;
}

namespace {

/// The body of one ranged GET, kept in memory up to a limit.
struct RangeReply {
  long Status = 0;
  std::string Body;
  uint64_t Limit = 0;
  bool TooLarge = false;
  /// The total size from "Content-Range: bytes a-b/total", when sent.
  std::optional<uint64_t> Total;
  std::string Error;
  /// The host could not be reached at all (name, connection, TLS).
  bool Unreachable = false;
};

size_t writeMemory(char *Ptr, size_t Size, size_t N, void *User) {
  auto *R = static_cast<RangeReply *>(User);
  size_t Len = Size * N;
  if (R->Body.size() + Len > R->Limit) {
    R->TooLarge = true;
    return 0;
  }
  R->Body.append(Ptr, Len);
  return Len;
}

size_t readHeader(char *Ptr, size_t Size, size_t N, void *User) {
  auto *R = static_cast<RangeReply *>(User);
  StringRef Line(Ptr, Size * N);
  StringRef Value;
  if (Line.trim().size() > 14 &&
      Line.take_front(14).equals_insensitive("content-range:")) {
    Value = Line.drop_front(14).trim();
    uint64_t Total = 0;
    if (!Value.rsplit('/').second.trim().getAsInteger(10, Total))
      R->Total = Total;
  }
  return Size * N;
}

/// GETs \p Range ("A-B" or "-N", as libcurl takes it) of \p URL, keeping at
/// most \p Limit bytes.
RangeReply getRange(const std::string &URL, const URLInfo &Info, bool Insecure,
                    const DownloadContext &Ctx, const std::string &Range,
                    uint64_t Limit) {
  RangeReply R;
  R.Limit = Limit;
  CurlPtr H(curl_easy_init());
  if (!H) {
    R.Error = "cannot create a curl handle";
    return R;
  }
  char ErrBuf[CURL_ERROR_SIZE] = {0};
  CURL *C = H.get();
  // No redirects: a redirected probe fails, and the size is estimated
  // instead of following a hop no rule has checked.
  configureTransfer(C, URL, Info, Insecure, /*EnvCredentials=*/true,
                    Ctx.StallSeconds, Ctx, ErrBuf);
  curl_easy_setopt(C, CURLOPT_RANGE, Range.c_str());
  curl_easy_setopt(C, CURLOPT_WRITEFUNCTION, writeMemory);
  curl_easy_setopt(C, CURLOPT_WRITEDATA, &R);
  curl_easy_setopt(C, CURLOPT_HEADERFUNCTION, readHeader);
  curl_easy_setopt(C, CURLOPT_HEADERDATA, &R);
  CURLcode RC = curl_easy_perform(C);
  curl_easy_getinfo(C, CURLINFO_RESPONSE_CODE, &R.Status);
  if (R.Status == 200)
    return R; // The whole file is coming: the caller stops here.
  if (RC == CURLE_HTTP_RETURNED_ERROR)
    R.Error = "HTTP status " + std::to_string(R.Status);
  else if (R.TooLarge)
    R.Error = "the server sent more than the " + std::to_string(Limit) +
              " bytes asked for";
  else if (RC != CURLE_OK) {
    R.Error = ErrBuf[0] ? ErrBuf : curl_easy_strerror(RC);
    R.Unreachable =
        RC == CURLE_COULDNT_RESOLVE_HOST || RC == CURLE_COULDNT_RESOLVE_PROXY ||
        RC == CURLE_COULDNT_CONNECT || RC == CURLE_OPERATION_TIMEDOUT ||
        RC == CURLE_SSL_CONNECT_ERROR || RC == CURLE_PEER_FAILED_VERIFICATION;
  } else if (R.Status != 206)
    R.Error = "unexpected HTTP status " + std::to_string(R.Status);
  return R;
}

RangeResult fetchDirectory(const RangeJob &Job, const DownloadContext &Ctx) {
  RangeResult Out;
  auto Fail = [&](const Twine &Msg) {
    Out.Error = Msg.str();
    scrub(Out.Error, Ctx.EnvPassword);
    return Out;
  };
  Expected<URLInfo> Info = parseURL(Job.URL);
  if (!Info)
    return Fail(toString(Info.takeError()));
  bool Insecure = isHostAllowed(Job.URL, Ctx.Opts.AllowInsecureHosts);
  if (Info->Scheme == "http" && !Insecure)
    return Fail("plain http from " + redactURL(Job.URL) +
                " needs --allow-insecure-host=" + Info->Host);
  if (Info->Scheme != "http" && Info->Scheme != "https")
    return Fail("unsupported URL scheme '" + Info->Scheme + "'");

  std::string TailRange = "-" + std::to_string(ZipTailSize);
  if (Job.Size && *Job.Size)
    TailRange =
        std::to_string(*Job.Size > ZipTailSize ? *Job.Size - ZipTailSize : 0) +
        "-" + std::to_string(*Job.Size - 1);
  RangeReply Tail =
      getRange(Job.URL, *Info, Insecure, Ctx, TailRange, ZipTailSize);
  if (Tail.Status == 200) {
    Out.RangeIgnored = true;
    return Fail("the server ignores range requests");
  }
  Out.Unreachable = Tail.Unreachable;
  if (!Tail.Error.empty())
    return Fail(Tail.Error);
  uint64_t FileSize = Tail.Total.value_or(Job.Size.value_or(0));
  if (!FileSize)
    return Fail("the server did not say how large the file is");
  if (Job.Size && *Job.Size != FileSize)
    return Fail("the server has " + Twine(FileSize) + " bytes, the lock " +
                Twine(*Job.Size));
  Expected<ZipDirectoryLocation> Loc = locateZipDirectory(Tail.Body, FileSize);
  if (!Loc)
    return Fail("not a zip: " + toString(Loc.takeError()));
  uint64_t TailStart = FileSize - Tail.Body.size();
  std::string Directory;
  if (Loc->Offset >= TailStart) {
    Directory = Tail.Body.substr(Loc->Offset - TailStart, Loc->Size);
  } else {
    constexpr uint64_t MaxDirectory = uint64_t(256) << 20;
    if (Loc->Size > MaxDirectory)
      return Fail("a central directory of " + Twine(Loc->Size) + " bytes");
    RangeReply CD = getRange(
        Job.URL, *Info, Insecure, Ctx,
        std::to_string(Loc->Offset) + "-" +
            std::to_string(Loc->Offset + std::max<uint64_t>(Loc->Size, 1) - 1),
        Loc->Size);
    if (CD.Status == 200) {
      Out.RangeIgnored = true;
      return Fail("the server ignores range requests");
    }
    if (!CD.Error.empty())
      return Fail(CD.Error);
    Directory = std::move(CD.Body);
  }
  Expected<uint64_t> Sum = sumZipDirectorySizes(Directory, Loc->Entries);
  if (!Sum)
    return Fail(toString(Sum.takeError()));
  Out.Unzipped = *Sum;
  return Out;
}

} // namespace

std::vector<RangeResult>
lambdaopt::fetch::runRangeFetches(ArrayRef<RangeJob> Jobs,
                                  const FetchOptions &Opts) {
  initCurl();
  raw_null_ostream Null;
  Console Con(Null, /*ShowProgress=*/false, 0);
  DownloadContext Ctx{Opts, Con, {}, {}, {}};
  setUpContext(Ctx);
  std::vector<RangeResult> Results(Jobs.size());
  // One wheel per host first: a host that cannot be reached, or that
  // ignores range requests, is not asked again for each of its wheels.
  std::map<std::string, std::vector<size_t>> ByHost;
  for (size_t I = 0, E = Jobs.size(); I != E; ++I) {
    Expected<URLInfo> Info = parseURL(Jobs[I].URL);
    std::string Key = Info
                          ? Info->Scheme + "://" + Info->Host + ":" + Info->Port
                          : "#" + std::to_string(I);
    if (!Info)
      consumeError(Info.takeError());
    ByHost[Key].push_back(I);
  }
  unsigned Threads = std::max(1u, std::min<unsigned>(Opts.Jobs, Jobs.size()));
  ThreadPool Pool(hardware_concurrency(Threads));
  for (auto &H : ByHost)
    Pool.async([&, First = H.second.front()] {
      Results[First] = fetchDirectory(Jobs[First], Ctx);
    });
  Pool.wait();
  for (auto &H : ByHost) {
    const RangeResult &Probe = Results[H.second.front()];
    bool GiveUp = Probe.Unreachable || Probe.RangeIgnored;
    for (size_t I : makeArrayRef(H.second).drop_front()) {
      if (!GiveUp) {
        Pool.async([&, I] { Results[I] = fetchDirectory(Jobs[I], Ctx); });
        continue;
      }
      Results[I] = Probe;
      Results[I].Unzipped.reset();
    }
  }
  Pool.wait();
  return Results;
}

/// The entry point of libLambdaOptNet.so (see Support/Module.h).
extern "C" const lambdaopt::fetch::NetModule *lambdaopt_net_module_v1() {
  static const lambdaopt::fetch::NetModule Module = {&runDownloads,
                                                     &runRangeFetches};
  return &Module;
}
