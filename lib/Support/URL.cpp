//===- URL.cpp - Hosts of URLs --------------------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Support/URL.h"

using namespace llvm;
using namespace lambdaopt;

URLAuthority lambdaopt::getURLAuthority(StringRef URLOrHost) {
  StringRef Text = URLOrHost.trim();
  StringRef DefaultPort;
  size_t SchemeEnd = Text.find("://");
  if (SchemeEnd != StringRef::npos) {
    StringRef Scheme = Text.take_front(SchemeEnd);
    if (Scheme.equals_insensitive("http"))
      DefaultPort = "80";
    else if (Scheme.equals_insensitive("https"))
      DefaultPort = "443";
    Text = Text.drop_front(SchemeEnd + 3);
  }
  StringRef Authority =
      Text.take_until([](char C) { return C == '/' || C == '?' || C == '#'; });
  size_t At = Authority.rfind('@');
  if (At != StringRef::npos)
    Authority = Authority.drop_front(At + 1);
  URLAuthority Out;
  StringRef Host, Port;
  if (Authority.startswith("[")) {
    size_t Close = Authority.find(']');
    Host = Authority.slice(1, Close);
    StringRef Rest =
        Close == StringRef::npos ? "" : Authority.drop_front(Close + 1);
    if (Rest.consume_front(":"))
      Port = Rest;
  } else {
    std::tie(Host, Port) = Authority.split(':');
  }
  Out.Host = Host.lower();
  Out.Port = (Port.empty() ? DefaultPort : Port).str();
  return Out;
}

bool lambdaopt::hostMatches(StringRef URLOrHost, StringRef Pattern) {
  URLAuthority Want = getURLAuthority(Pattern);
  if (Want.Host.empty())
    return false;
  URLAuthority Have = getURLAuthority(URLOrHost);
  if (Have.Host != Want.Host)
    return false;
  return Want.Port.empty() || Want.Port == Have.Port;
}
