//===- lambda-opt/Fetch/CurlHandles.h - libcurl set-up and handles -*- C++ -*-//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// libcurl's one-time initialisation, owning handles and the transient
/// failures worth retrying, for the modules that link libcurl (the wheel
/// downloader and the registry client). Include it only from code built into
/// those modules.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_FETCH_CURLHANDLES_H
#define LAMBDA_OPT_FETCH_CURLHANDLES_H

#include "llvm/ADT/Optional.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Process.h"

#include <curl/curl.h>

#include <memory>
#include <string>

namespace lambdaopt {
namespace curl {

/// Initialises libcurl once per process.
inline void initCurl() {
  static const bool Initialized = [] {
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  }();
  (void)Initialized;
}

struct CurlDeleter {
  void operator()(CURL *H) const { curl_easy_cleanup(H); }
  void operator()(CURLU *U) const { curl_url_cleanup(U); }
  void operator()(curl_slist *L) const { curl_slist_free_all(L); }
  void operator()(char *S) const { curl_free(S); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;
using CurlURLPtr = std::unique_ptr<CURLU, CurlDeleter>;
using CurlListPtr = std::unique_ptr<curl_slist, CurlDeleter>;
using CurlString = std::unique_ptr<char, CurlDeleter>;

/// The whole number of seconds in environment variable \p Name when it holds
/// a positive one (LAMBDA_OPT_HTTP_TIMEOUT, LAMBDA_OPT_HTTP_TOTAL_TIMEOUT:
/// for slow links and for tests), else \p Seconds.
inline long getSecondsFromEnv(const char *Name, long Seconds) {
  if (llvm::Optional<std::string> V = llvm::sys::Process::GetEnv(Name)) {
    unsigned long FromEnv;
    if (!llvm::StringRef(*V).getAsInteger(10, FromEnv) && FromEnv > 0)
      return static_cast<long>(FromEnv);
  }
  return Seconds;
}

/// Whether a transfer that failed with \p RC may succeed when tried again
/// (name resolution, connection, a cut or stalled transfer).
inline bool isTransientCurlError(CURLcode RC) {
  switch (RC) {
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_CONNECT:
  case CURLE_PARTIAL_FILE:
  case CURLE_OPERATION_TIMEDOUT:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
    return true;
  default:
    return false;
  }
}

} // namespace curl
} // namespace lambdaopt

#endif // LAMBDA_OPT_FETCH_CURLHANDLES_H
