//===- lambda-opt/Support/URL.h - URL hosts and redaction -------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The one place that decides which host a URL names, whether the user let
/// that host be reached without TLS (--allow-insecure-host, used both by the
/// downloader on every hop and by the LO302 lint), and how a URL is printed
/// without its secrets.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_SUPPORT_URL_H
#define LAMBDA_OPT_SUPPORT_URL_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace lambdaopt {

/// The scheme and authority of a URL, lowercased; Port is the explicit port
/// or the scheme's default (80 for http, 443 for https), empty if neither.
struct URLHost {
  std::string Scheme;
  std::string Host; ///< Without brackets for IPv6 literals, no trailing dot.
  std::string Port;
  bool HasUserInfo = false;
};

/// Splits the authority of \p URL (`scheme://[userinfo@]host[:port]/...`);
/// nullopt when it has no `://` or no host.
std::optional<URLHost> parseURLHost(llvm::StringRef URL);

/// Whether \p URL's host is one of \p Allowed. An entry is `host` (any
/// port), `host:port` (that port only; the scheme's default port when the
/// URL gives none), `[v6]`, `[v6]:port`, or a URL whose host and port are
/// taken. Hosts compare exactly, without case; nothing else matches (no
/// suffixes, no user information).
bool isHostAllowed(llvm::StringRef URL, llvm::ArrayRef<std::string> Allowed);

/// \p URL as it may be printed: user information replaced by `***`
/// (`https://***@host/...`) and the value of every query parameter by
/// `***` (`?token=***`). The fragment (`#sha256=...`) is kept.
std::string redactURL(llvm::StringRef URL);

/// \p Text (a line of a lock, say) with the secrets of every URL in it
/// masked by '*' of the same length: user information before '@' and the
/// values of query parameters (but uv's git `rev`, `branch`, `tag` and
/// `subdirectory`). Columns do not move, so a caret under the
/// line still points where it did.
std::string maskURLSecrets(llvm::StringRef Text);

} // namespace lambdaopt

#endif // LAMBDA_OPT_SUPPORT_URL_H
