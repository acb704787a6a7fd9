//===- URL.cpp - URL hosts and redaction ----------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Support/URL.h"

#include "llvm/ADT/StringExtras.h"

using namespace llvm;
using namespace lambdaopt;

/// Splits `host[:port]` or `[v6][:port]` into its host and port.
static bool splitHostPort(StringRef HostPort, std::string &Host,
                          std::string &Port) {
  StringRef H, P;
  if (HostPort.startswith("[")) {
    size_t Close = HostPort.find(']');
    if (Close == StringRef::npos)
      return false;
    H = HostPort.slice(1, Close);
    StringRef Rest = HostPort.drop_front(Close + 1);
    if (!Rest.empty() && !Rest.consume_front(":"))
      return false;
    P = Rest;
  } else if (HostPort.count(':') > 1) {
    H = HostPort; // An IPv6 address without brackets has no port.
  } else {
    size_t Colon = HostPort.rfind(':');
    H = HostPort.substr(0, Colon);
    if (Colon != StringRef::npos)
      P = HostPort.drop_front(Colon + 1);
  }
  if (!P.empty() && !all_of(P, isDigit))
    return false;
  // Leading zeros do not make another port.
  P = P.ltrim('0');
  if (H.endswith("."))
    H = H.drop_back();
  if (H.empty())
    return false;
  Host = H.lower();
  Port = P.str();
  return true;
}

static StringRef defaultPort(StringRef Scheme) {
  if (Scheme == "http")
    return "80";
  if (Scheme == "https")
    return "443";
  return "";
}

std::optional<URLHost> lambdaopt::parseURLHost(StringRef URL) {
  URL = URL.trim();
  size_t SchemeEnd = URL.find("://");
  if (SchemeEnd == StringRef::npos || SchemeEnd == 0)
    return std::nullopt;
  URLHost Result;
  Result.Scheme = URL.take_front(SchemeEnd).lower();
  StringRef Authority = URL.drop_front(SchemeEnd + 3);
  Authority = Authority.take_until(
      [](char C) { return C == '/' || C == '?' || C == '#' || C == '\\'; });
  size_t At = Authority.rfind('@');
  if (At != StringRef::npos) {
    Result.HasUserInfo = true;
    Authority = Authority.drop_front(At + 1);
  }
  if (!splitHostPort(Authority, Result.Host, Result.Port))
    return std::nullopt;
  if (Result.Port.empty())
    Result.Port = defaultPort(Result.Scheme).str();
  return Result;
}

bool lambdaopt::isHostAllowed(StringRef URL, ArrayRef<std::string> Allowed) {
  std::optional<URLHost> Target = parseURLHost(URL);
  if (!Target)
    return false;
  for (const std::string &Entry : Allowed) {
    StringRef E = StringRef(Entry).trim();
    std::string Host, Port;
    if (E.contains("://")) {
      std::optional<URLHost> H = parseURLHost(E);
      if (!H)
        continue;
      Host = H->Host;
      // A URL entry names its port only when it writes one.
      StringRef Authority = E.drop_front(E.find("://") + 3);
      Authority = Authority.take_until(
          [](char C) { return C == '/' || C == '?' || C == '#'; });
      std::string IgnoredHost;
      splitHostPort(Authority.substr(Authority.rfind('@') + 1), IgnoredHost,
                    Port);
    } else if (!splitHostPort(E, Host, Port)) {
      continue;
    }
    if (Host != Target->Host)
      continue;
    if (Port.empty() || Port == Target->Port)
      return true;
  }
  return false;
}

std::string lambdaopt::redactURL(StringRef URL) {
  std::string Result;
  size_t SchemeEnd = URL.find("://");
  StringRef Rest = URL;
  if (SchemeEnd != StringRef::npos) {
    size_t AuthStart = SchemeEnd + 3;
    size_t AuthEnd = URL.find_first_of("/?#", AuthStart);
    StringRef Authority = URL.slice(AuthStart, AuthEnd);
    size_t At = Authority.rfind('@');
    Result = URL.take_front(AuthStart).str();
    if (At != StringRef::npos) {
      Result += "***";
      Result += Authority.drop_front(At).str();
    } else {
      Result += Authority.str();
    }
    Rest = AuthEnd == StringRef::npos ? StringRef() : URL.drop_front(AuthEnd);
  }
  // Path, then the query with every value hidden, then the fragment.
  size_t Query = Rest.find_first_of("?#");
  Result += Rest.take_front(Query).str();
  if (Query == StringRef::npos)
    return Result;
  Rest = Rest.drop_front(Query);
  if (Rest.consume_front("?")) {
    Result += '?';
    StringRef Params = Rest.take_until([](char C) { return C == '#'; });
    Rest = Rest.drop_front(Params.size());
    SmallVector<StringRef, 8> Parts;
    Params.split(Parts, '&');
    for (size_t I = 0; I != Parts.size(); ++I) {
      if (I)
        Result += '&';
      // `key=value` keeps its key; a bare `?secret` is all value.
      if (!Parts[I].contains('='))
        Result += Parts[I].empty() ? "" : "***";
      else
        Result += Parts[I].split('=').first.str() + "=***";
    }
  }
  Result += Rest.str();
  return Result;
}

std::string lambdaopt::maskURLSecrets(StringRef Text) {
  std::string Out = Text.str();
  auto EndOfURL = [&](size_t From) {
    size_t End = Text.find_first_of(" \t\"'<>\r\n", From);
    return End == StringRef::npos ? Text.size() : End;
  };
  auto Mask = [&](size_t From, size_t To) {
    for (size_t I = From; I < To; ++I)
      Out[I] = '*';
  };
  for (size_t Scheme = Text.find("://"); Scheme != StringRef::npos;
       Scheme = Text.find("://", Scheme + 3)) {
    size_t Start = Scheme + 3;
    size_t End = EndOfURL(Start);
    StringRef URL = Text.slice(Start, End);
    size_t AuthEnd = URL.find_first_of("/?#");
    StringRef Authority = URL.take_front(AuthEnd);
    size_t At = Authority.rfind('@');
    if (At != StringRef::npos)
      Mask(Start, Start + At);
    size_t Query = URL.find('?');
    if (Query == StringRef::npos)
      continue;
    size_t QueryEnd = URL.find('#', Query);
    if (QueryEnd == StringRef::npos)
      QueryEnd = URL.size();
    // Every value, `key=value` or a bare `?secret`.
    size_t Param = Query + 1;
    while (Param < QueryEnd) {
      size_t Amp = URL.find('&', Param);
      if (Amp == StringRef::npos || Amp > QueryEnd)
        Amp = QueryEnd;
      size_t Eq = URL.find('=', Param);
      bool HasKey = Eq != StringRef::npos && Eq < Amp;
      StringRef Key = HasKey ? URL.slice(Param, Eq) : StringRef();
      // uv's git source parameters name a revision, not a secret.
      bool Public = Key == "rev" || Key == "branch" || Key == "tag" ||
                    Key == "subdirectory";
      if (!Public)
        Mask(Start + (HasKey ? Eq + 1 : Param), Start + Amp);
      Param = Amp + 1;
    }
  }
  return Out;
}
