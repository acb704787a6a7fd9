//===- lambda-opt/Support/URL.h - Hosts of URLs -----------------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The one matcher of URLs against host allow-lists: --allow-insecure-host
// (the downloader and the insecure-url lint) and allowed-index-hosts.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_SUPPORT_URL_H
#define LAMBDA_OPT_SUPPORT_URL_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace lambdaopt {

/// The host and port of a URL ("http://user@Example.com/simple") or of a
/// bare "host[:port]": the host lowercased, without IPv6 brackets; the port
/// as written, else the scheme's default (80 for http, 443 for https),
/// else empty.
struct URLAuthority {
  std::string Host;
  std::string Port;
};
URLAuthority getURLAuthority(llvm::StringRef URLOrHost);

/// Whether \p URLOrHost is on the host named by \p Pattern: "host" matches
/// any port, "host:port" that port only (a URL without a port has its
/// scheme's default). Case-insensitive; surrounding blanks are ignored.
bool hostMatches(llvm::StringRef URLOrHost, llvm::StringRef Pattern);

} // namespace lambdaopt

#endif // LAMBDA_OPT_SUPPORT_URL_H
