//===- lambda-opt/Fetch/CurlHandles.h - libcurl set-up and handles -*- C++ -*-//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// libcurl's one-time initialisation and owning handles, for the modules
/// that link libcurl (the wheel downloader and the registry client). Include
/// it only from code built into those modules.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_FETCH_CURLHANDLES_H
#define LAMBDA_OPT_FETCH_CURLHANDLES_H

#include <curl/curl.h>

#include <memory>

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

} // namespace curl
} // namespace lambdaopt

#endif // LAMBDA_OPT_FETCH_CURLHANDLES_H
