//===- RegistryClient.cpp - The OCI distribution API over libcurl ---------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// One Connection per registry keeps a curl handle (and so its connections),
/// the credentials and the tokens. A request that gets 401 is answered to
/// the challenge (Basic: the credentials; Bearer: a token from the realm for
/// the request's scopes) and sent again once; 5xx, 429 and connection
/// failures are retried with a doubling delay. Credentials and tokens go to
/// libcurl as authentication (never as custom headers), so they are not
/// forwarded when a blob download is redirected to another host, and they
/// never appear in a message.
///
//===----------------------------------------------------------------------===//

#include "lambda-opt/Artifact/Hash.h"
#include "lambda-opt/Artifact/OCIMediaTypes.h"
#include "lambda-opt/Fetch/CurlHandles.h"
#include "lambda-opt/Registry/Registry.h"
#include "lambda-opt/Support/Error.h"
#include "lambda-opt/Support/Files.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unistd.h>

using namespace llvm;
using namespace lambdaopt;
using namespace lambdaopt::curl;

namespace {

constexpr const char *SourceKey = "dev.lambda-opt.source";
constexpr const char *SourceDigestKey = "dev.lambda-opt.source-digest";
/// The Accept header of manifest requests: every manifest and index type.
std::string getManifestAccept() {
  return std::string("Accept: ") + oci::IndexType + ", " + oci::ManifestType +
         ", " + oci::DockerListType + ", " + oci::DockerManifestType;
}
/// Manifests, indexes and error bodies are small; blobs go to files.
constexpr uint64_t MaxInMemoryBody = 8 << 20;
/// Blobs up to this size go in one PUT; larger ones are sent with PATCH and
/// closed with an empty PUT, as Docker's own clients send layers (some
/// registries take large bodies only that way).
constexpr uint64_t MonolithicUploadLimit = 4 << 20;

/// Serialises notes from parallel transfers.
std::mutex NotesLock;

/// Blobs transferred at once.
constexpr unsigned MaxParallelBlobs = 4;

Expected<std::string> digestOf(StringRef Data) {
  Expected<std::string> Hex = sha256Hex(Data);
  if (!Hex)
    return Hex.takeError();
  return "sha256:" + *Hex;
}

/// "scheme://host:port" of \p URL (default ports filled in), or "" when it
/// does not parse.
std::string getOrigin(StringRef URL) {
  CurlURLPtr U(curl_url());
  std::string Copy = URL.str();
  if (!U || curl_url_set(U.get(), CURLUPART_URL, Copy.c_str(), 0) != CURLUE_OK)
    return std::string();
  std::string Origin;
  for (CURLUPart Part : {CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT}) {
    char *Raw = nullptr;
    if (curl_url_get(U.get(), Part, &Raw,
                     Part == CURLUPART_PORT ? CURLU_DEFAULT_PORT : 0) !=
        CURLUE_OK)
      return std::string();
    CurlString Owned(Raw);
    Origin += StringRef(Raw).lower() + (Part == CURLUPART_SCHEME ? "://"
                                        : Part == CURLUPART_HOST ? ":"
                                                                 : "");
  }
  return Origin;
}

/// A registry's answer.
struct Response {
  long Status = 0;
  /// "Unauthorized" from "HTTP/1.1 401 Unauthorized".
  std::string Reason;
  std::string Body;
  /// Header names lower-cased, of the last response (after redirects).
  std::vector<std::pair<std::string, std::string>> Headers;

  StringRef getHeader(StringRef Name) const {
    for (const auto &H : Headers)
      if (H.first == Name)
        return H.second;
    return StringRef();
  }
};

/// Where a blob download goes: a file, hashed on the way.
struct FileSink {
  int FD = -1;
  std::unique_ptr<Sha256> Hash;
  uint64_t Bytes = 0;
  uint64_t Limit = 0;
  bool TooLarge = false;
  bool WriteFailed = false;

  void reset() {
    Hash = std::make_unique<Sha256>();
    Bytes = 0;
    TooLarge = WriteFailed = false;
    if (FD >= 0) {
      if (::ftruncate(FD, 0) != 0 || ::lseek(FD, 0, SEEK_SET) != 0)
        WriteFailed = true;
    }
  }
};

struct TransferState {
  Response *Resp = nullptr;
  FileSink *Sink = nullptr;
  bool TooLarge = false;
};

size_t onBody(char *Ptr, size_t Size, size_t N, void *User) {
  auto *S = static_cast<TransferState *>(User);
  size_t Len = Size * N;
  // Only a successful answer goes to the file; errors are read as text.
  if (S->Sink && S->Resp->Status >= 200 && S->Resp->Status < 300) {
    FileSink &F = *S->Sink;
    if (F.Limit && F.Bytes + Len > F.Limit) {
      F.TooLarge = true;
      return 0;
    }
    F.Hash->update(StringRef(Ptr, Len));
    size_t Done = 0;
    while (Done < Len) {
      ssize_t W = ::write(F.FD, Ptr + Done, Len - Done);
      if (W <= 0) {
        F.WriteFailed = true;
        return 0;
      }
      Done += static_cast<size_t>(W);
    }
    F.Bytes += Len;
    return Len;
  }
  if (S->Resp->Body.size() + Len > MaxInMemoryBody) {
    S->TooLarge = true;
    return 0;
  }
  S->Resp->Body.append(Ptr, Len);
  return Len;
}

size_t onHeader(char *Ptr, size_t Size, size_t N, void *User) {
  auto *S = static_cast<TransferState *>(User);
  size_t Len = Size * N;
  StringRef Line = StringRef(Ptr, Len).trim();
  if (Line.startswith("HTTP/")) {
    // A new response (after a redirect or a 100 Continue).
    S->Resp->Headers.clear();
    S->Resp->Body.clear();
    auto [Code, Reason] = Line.split(' ').second.split(' ');
    long Status = 0;
    if (!Code.getAsInteger(10, Status))
      S->Resp->Status = Status;
    S->Resp->Reason = Reason.trim().str();
    return Len;
  }
  auto [Name, Value] = Line.split(':');
  if (!Value.empty() || Line.contains(':'))
    S->Resp->Headers.emplace_back(Name.trim().lower(), Value.trim().str());
  return Len;
}

/// The options every transfer of the client sets: \p URL, the protocols
/// allowed (plain http too with \p Plain), the connect timeout and the
/// stall limit of \p Timeout seconds, and where the error text, the body and
/// the headers go.
void setTransferOptions(CURL *C, const std::string &URL, bool Plain,
                        long Timeout, char *ErrBuf, TransferState &State) {
  curl_easy_setopt(C, CURLOPT_URL, URL.c_str());
  const char *Protocols = Plain ? "http,https" : "https";
  curl_easy_setopt(C, CURLOPT_PROTOCOLS_STR, Protocols);
  curl_easy_setopt(C, CURLOPT_REDIR_PROTOCOLS_STR, Protocols);
  curl_easy_setopt(C, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(C, CURLOPT_CONNECTTIMEOUT, Timeout);
  curl_easy_setopt(C, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(C, CURLOPT_LOW_SPEED_TIME, Timeout);
  curl_easy_setopt(C, CURLOPT_USERAGENT, "lambda-opt");
  curl_easy_setopt(C, CURLOPT_ERRORBUFFER, ErrBuf);
  curl_easy_setopt(C, CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(C, CURLOPT_WRITEDATA, &State);
  curl_easy_setopt(C, CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(C, CURLOPT_HEADERDATA, &State);
}

/// A request to send.
struct Request {
  std::string Method = "GET";
  std::string URL;
  std::vector<std::string> Headers;
  /// Sent as the body when HasBody (PUT, PATCH, POST).
  StringRef Body;
  bool HasBody = false;
  /// Successful bodies go here instead of Response::Body.
  FileSink *Sink = nullptr;
  bool FollowRedirects = false;
  /// What the request is for, in messages: "pulling the manifest of ...".
  std::string What;
};

/// The failures a cached copy can stand in for.
class UnreachableError : public ErrorInfo<UnreachableError> {
public:
  static char ID;
  std::string Message;
  explicit UnreachableError(std::string Message)
      : Message(std::move(Message)) {}
  void log(raw_ostream &OS) const override { OS << Message; }
  std::error_code convertToErrorCode() const override {
    return inconvertibleErrorCode();
  }
};
char UnreachableError::ID = 0;

/// The registry's own words from an error body: {"errors": [{"code",
/// "message"}]}; else the start of the body.
std::string describeFailure(const Response &R) {
  std::string Text = "HTTP " + std::to_string(R.Status);
  Expected<json::Value> V = json::parse(R.Body);
  if (!V && StringRef(R.Body).trim().empty() && !R.Reason.empty()) {
    consumeError(V.takeError());
    return Text + " " + R.Reason;
  }
  if (!V) {
    consumeError(V.takeError());
    StringRef Body = StringRef(R.Body).trim();
    if (!Body.empty() && Body.size() < 300 &&
        all_of(Body, [](char C) { return isPrint(C) || C == '\n'; }))
      Text += ": " + Body.split('\n').first.str();
    return Text;
  }
  const json::Object *O = V->getAsObject();
  const json::Array *Errors = O ? O->getArray("errors") : nullptr;
  if (!Errors)
    return Text;
  for (const json::Value &E : *Errors) {
    const json::Object *EO = E.getAsObject();
    if (!EO)
      continue;
    StringRef Code = EO->getString("code").getValueOr("");
    StringRef Msg = EO->getString("message").getValueOr("");
    Text += " " + Code.str();
    if (!Msg.empty())
      Text += ": " + Msg.str();
    break;
  }
  return Text;
}

/// Parses `Bearer realm="...",service="...",scope="..."` into its scheme and
/// parameters.
std::pair<std::string, std::map<std::string, std::string>>
parseChallenge(StringRef Header) {
  std::map<std::string, std::string> Params;
  auto [Scheme, Rest] = Header.trim().split(' ');
  while (!Rest.empty()) {
    Rest = Rest.ltrim(" ,");
    size_t Eq = Rest.find('=');
    if (Eq == StringRef::npos)
      break;
    std::string Key = Rest.substr(0, Eq).trim().lower();
    Rest = Rest.substr(Eq + 1).ltrim();
    std::string Value;
    if (Rest.consume_front("\"")) {
      while (!Rest.empty() && Rest.front() != '"') {
        if (Rest.front() == '\\' && Rest.size() > 1)
          Rest = Rest.drop_front();
        Value += Rest.front();
        Rest = Rest.drop_front();
      }
      Rest = Rest.drop_front();
    } else {
      size_t Comma = Rest.find(',');
      Value = Rest.substr(0, Comma).trim().str();
      Rest = Comma == StringRef::npos ? StringRef() : Rest.substr(Comma);
    }
    Params[Key] = Value;
  }
  return {Scheme.lower(), Params};
}

std::string escape(CURL *H, StringRef S) {
  CurlString E(curl_easy_escape(H, S.data(), static_cast<int>(S.size())));
  return E ? std::string(E.get()) : S.str();
}

/// One registry: a connection, its credentials and its tokens.
class Connection {
public:
  Connection(StringRef Registry, StringRef APIHost, const RegistryOptions &Opts)
      : Registry(Registry.str()), Opts(Opts),
        Notes(Opts.Notes ? *Opts.Notes : errs()) {
    PlainHTTP = isPlainHTTPRegistry(Registry, Opts.AllowInsecureHosts);
    Base = (PlainHTTP ? "http://" : "https://") + APIHost.str();
  }

  Error init() {
    initCurl();
    H.reset(curl_easy_init());
    if (!H)
      return makeError("cannot create a curl handle");
    return Error::success();
  }

  /// Finds the credentials the first time the registry asks for them: a
  /// registry that never does is not worth running a credential helper for.
  Error loadCredentials() {
    if (CredsLoaded)
      return Error::success();
    CredsLoaded = true;
    if (Opts.Credentials && (Opts.CredentialsRegistry.empty() ||
                             Opts.CredentialsRegistry == Registry)) {
      Creds = Opts.Credentials;
      return Error::success();
    }
    Expected<std::optional<RegistryCredentials>> C =
        findDockerCredentials(Registry, Opts.DockerConfigDir);
    if (!C)
      return C.takeError();
    Creds = *C;
    return Error::success();
  }

  std::string url(const Twine &Path) const { return Base + Path.str(); }
  StringRef getRegistry() const { return Registry; }

  /// Whether \p URL is on the registry's own scheme, host and port.
  bool isOwnURL(StringRef URL) const {
    return getOrigin(URL) == getOrigin(Base);
  }

  /// Resolves a Location header against the registry.
  Expected<std::string> resolve(StringRef Location) const {
    if (Location.empty())
      return makeError("registry " + Registry +
                       " started an upload without saying where to send it "
                       "(no Location header)");
    CurlURLPtr U(curl_url());
    if (!U)
      return makeError("out of memory");
    std::string B = Base + "/";
    std::string L = Location.str();
    if (curl_url_set(U.get(), CURLUPART_URL, B.c_str(), 0) != CURLUE_OK ||
        curl_url_set(U.get(), CURLUPART_URL, L.c_str(), 0) != CURLUE_OK)
      return makeError("registry " + Registry +
                       " answered with an invalid Location '" + Location + "'");
    char *Raw = nullptr;
    if (curl_url_get(U.get(), CURLUPART_URL, &Raw, 0) != CURLUE_OK)
      return makeError("registry " + Registry +
                       " answered with an invalid Location '" + Location + "'");
    CurlString Owned(Raw);
    return std::string(Raw);
  }

  /// Sends \p R with the credentials for \p Scopes, answering one 401 and
  /// retrying transient failures. Any HTTP status is returned.
  Expected<Response> send(const Request &R, ArrayRef<std::string> Scopes) {
    unsigned Attempts = Opts.Retries + 1;
    bool Answered = false;
    for (unsigned Attempt = 1;;) {
      if (R.Sink)
        R.Sink->reset();
      Response Resp;
      std::string Failure;
      bool Transient = false;
      if (Error E = perform(R, Scopes, Resp, Failure, Transient))
        return E;
      if (Failure.empty() && Resp.Status == 401 && !Answered) {
        Answered = true;
        if (Error E = answerChallenge(Resp, Scopes, R.What))
          return E;
        continue;
      }
      if (Failure.empty() && (Resp.Status >= 500 || Resp.Status == 429)) {
        Transient = true;
        Failure = R.What + ": registry " + Registry + " answered " +
                  describeFailure(Resp);
      }
      if (Failure.empty())
        return Resp;
      if (!Transient || Attempt == Attempts) {
        if (Attempts > 1 && Transient)
          Failure +=
              " (gave up after " + std::to_string(Attempts) + " attempts)";
        if (Resp.Status == 0)
          return make_error<UnreachableError>(Failure);
        return makeError(Failure);
      }
      uint64_t Delay = (uint64_t)Opts.RetryBaseDelayMs << (Attempt - 1);
      ++Attempt;
      {
        std::lock_guard<std::mutex> Guard(NotesLock);
        Notes << "note: " << Failure << "; retrying in " << Delay
              << " ms (attempt " << Attempt << " of " << Attempts << ")\n";
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(Delay));
    }
  }

  /// Asks GET /v2/ first, as Docker clients do: the registry says there
  /// whether and how it wants credentials, in its own words.
  Error ping(ArrayRef<std::string> Scopes, StringRef What) {
    Request R;
    R.URL = url("/v2/");
    R.What = What.str();
    Expected<Response> Resp = send(R, Scopes);
    if (!Resp)
      return Resp.takeError();
    // A registry may keep refusing /v2/ to a token scoped to repositories;
    // the requests that follow say what is wrong then.
    if (Resp->Status == 200 ||
        (Resp->Status == 401 && Auth == AuthKind::Bearer))
      return Error::success();
    return makeError(
        What + ": registry " + Registry + " answered " +
        describeFailure(*Resp) +
        (Resp->Status == 401 || Resp->Status == 403 ? getAuthHint() : ""));
  }

  /// Seconds without a byte before a transfer fails (and to connect): the
  /// options', or LAMBDA_OPT_HTTP_TIMEOUT, as for wheel downloads.
  long getStallSeconds() const {
    return getSecondsFromEnv("LAMBDA_OPT_HTTP_TIMEOUT",
                             Opts.TimeoutSeconds ? Opts.TimeoutSeconds : 30);
  }

  /// The hint for a refused request.
  std::string getAuthHint() const {
    if (!Creds)
      return "; no credentials for " + Registry +
             ": pass --registry-username=USER --registry-password-stdin, or "
             "log in with `docker login " +
             Registry + "` (or a docker-credential helper)";
    return "; check the credentials for " + Registry;
  }

private:
  Error perform(const Request &R, ArrayRef<std::string> Scopes, Response &Resp,
                std::string &Failure, bool &Transient) {
    CURL *C = H.get();
    curl_easy_reset(C);
    char ErrBuf[CURL_ERROR_SIZE] = {0};
    long Timeout = getStallSeconds();
    TransferState State;
    State.Resp = &Resp;
    State.Sink = R.Sink;
    setTransferOptions(C, R.URL, PlainHTTP, Timeout, ErrBuf, State);
    if (R.FollowRedirects) {
      curl_easy_setopt(C, CURLOPT_FOLLOWLOCATION, 1L);
      curl_easy_setopt(C, CURLOPT_MAXREDIRS, 10L);
    }
    if (R.Method == "HEAD")
      curl_easy_setopt(C, CURLOPT_NOBODY, 1L);
    else if (R.Method != "GET")
      curl_easy_setopt(C, CURLOPT_CUSTOMREQUEST, R.Method.c_str());
    if (R.HasBody) {
      curl_easy_setopt(C, CURLOPT_POSTFIELDS, R.Body.data());
      curl_easy_setopt(C, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(R.Body.size()));
    }
    CurlListPtr List;
    auto Add = [&](const std::string &Header) {
      curl_slist *New = curl_slist_append(List.get(), Header.c_str());
      if (New) {
        (void)List.release();
        List.reset(New);
      }
    };
    for (const std::string &Header : R.Headers)
      Add(Header);
    Add("Expect:");
    if (R.HasBody && none_of(R.Headers, [](const std::string &Hd) {
          return StringRef(Hd).startswith_insensitive("content-type:");
        }))
      Add("Content-Type: application/octet-stream");
    curl_easy_setopt(C, CURLOPT_HTTPHEADER, List.get());

    // Authentication: through libcurl, which keeps it to this host on
    // redirects, and only for URLs on the registry itself (an upload
    // Location elsewhere gets none).
    std::string Token;
    bool OwnHost = isOwnURL(R.URL);
    if (Auth == AuthKind::Bearer && OwnHost) {
      Expected<std::string> T = getToken(Scopes, R.What);
      if (!T)
        return T.takeError();
      Token = *T;
      curl_easy_setopt(C, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
      curl_easy_setopt(C, CURLOPT_XOAUTH2_BEARER, Token.c_str());
    } else if (Auth == AuthKind::Basic && Creds && OwnHost) {
      curl_easy_setopt(C, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(C, CURLOPT_USERNAME, Creds->Username.c_str());
      curl_easy_setopt(C, CURLOPT_PASSWORD, Creds->Password.c_str());
    }

    CURLcode RC = curl_easy_perform(C);
    long Status = 0;
    curl_easy_getinfo(C, CURLINFO_RESPONSE_CODE, &Status);
    Resp.Status = Status;
    if (R.Sink && R.Sink->WriteFailed)
      return makeError(R.What + ": cannot write the download");
    if (R.Sink && R.Sink->TooLarge)
      return makeError(R.What + ": registry " + Registry +
                       " sent more bytes than the manifest lists");
    if (State.TooLarge)
      return makeError(R.What + ": registry " + Registry +
                       " sent an answer larger than " +
                       Twine(MaxInMemoryBody >> 20) + " MiB");
    if (RC != CURLE_OK) {
      std::string Detail = ErrBuf[0] ? ErrBuf : curl_easy_strerror(RC);
      if (RC == CURLE_UNSUPPORTED_PROTOCOL && !PlainHTTP)
        Detail += " (only https is allowed; a registry on plain http needs "
                  "--allow-insecure-host=" +
                  Registry + ")";
      Failure = R.What + ": cannot reach registry " + Registry + ": " + Detail +
                " (curl error " + std::to_string(RC) + ")";
      Transient = isTransientCurlError(RC);
      Resp.Status = 0;
    }
    return Error::success();
  }

  Error answerChallenge(const Response &Resp, ArrayRef<std::string> Scopes,
                        StringRef What) {
    auto [Scheme, Params] = parseChallenge(Resp.getHeader("www-authenticate"));
    if (Scheme == "basic") {
      if (Error E = loadCredentials())
        return E;
      if (!Creds)
        return makeError(What + ": registry " + Registry + " answered " +
                         describeFailure(Resp) + getAuthHint());
      Auth = AuthKind::Basic;
      return Error::success();
    }
    if (Scheme == "bearer" && !Params["realm"].empty()) {
      Auth = AuthKind::Bearer;
      Realm = Params["realm"];
      Service = Params["service"];
      Tokens.clear();
      return Error::success();
    }
    return makeError(
        What + ": registry " + Registry + " answered " + describeFailure(Resp) +
        (Scheme.empty() ? " without a challenge"
                        : " with an unsupported challenge '" + Scheme + "'") +
        getAuthHint());
  }

  /// A token for \p Scopes from the realm, fetched once per scope set.
  Expected<std::string> getToken(ArrayRef<std::string> Scopes, StringRef What) {
    std::string Key = join(Scopes.begin(), Scopes.end(), " ");
    auto It = Tokens.find(Key);
    if (It != Tokens.end())
      return It->second;
    CurlPtr T(curl_easy_init());
    if (!T)
      return makeError("cannot create a curl handle");
    std::string URL = Realm;
    char Sep = StringRef(URL).contains('?') ? '&' : '?';
    if (!Service.empty()) {
      URL += Sep + ("service=" + escape(T.get(), Service));
      Sep = '&';
    }
    for (const std::string &S : Scopes) {
      URL += Sep + ("scope=" + escape(T.get(), S));
      Sep = '&';
    }
    bool RealmPlain = StringRef(URL).startswith_insensitive("http://");
    if (RealmPlain && !PlainHTTP)
      return makeError(What + ": registry " + Registry +
                       " sends for tokens to '" + Realm +
                       "' over plain http; refusing to send credentials "
                       "there");
    Response Resp;
    TransferState State;
    State.Resp = &Resp;
    char ErrBuf[CURL_ERROR_SIZE] = {0};
    long Timeout = getStallSeconds();
    CURL *C = T.get();
    // The token service gets the same stall limit as the registry: one
    // that accepts and never answers fails after Timeout seconds.
    setTransferOptions(C, URL, RealmPlain, Timeout, ErrBuf, State);
    // Tokens for pulling are often given to anyone: a broken credential
    // helper should not stop those.
    if (Error E = loadCredentials()) {
      std::lock_guard<std::mutex> Guard(NotesLock);
      Notes << "note: " << toString(std::move(E))
            << "; asking for a token without credentials\n";
    }
    if (Creds) {
      curl_easy_setopt(C, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(C, CURLOPT_USERNAME, Creds->Username.c_str());
      curl_easy_setopt(C, CURLOPT_PASSWORD, Creds->Password.c_str());
    }
    CURLcode RC = curl_easy_perform(C);
    if (RC != CURLE_OK)
      return make_error<UnreachableError>(
          (What + ": cannot get a token from " + Realm + ": " +
           (ErrBuf[0] ? ErrBuf : curl_easy_strerror(RC)))
              .str());
    long Status = 0;
    curl_easy_getinfo(C, CURLINFO_RESPONSE_CODE, &Status);
    Resp.Status = Status;
    if (Status != 200)
      return makeError(What + ": the token service " + Realm + " of " +
                       Registry + " answered " + describeFailure(Resp) +
                       getAuthHint());
    Expected<json::Value> V = json::parse(Resp.Body);
    if (!V) {
      consumeError(V.takeError());
      return makeError(What + ": the token service " + Realm +
                       " answered with something that is not JSON");
    }
    const json::Object *O = V->getAsObject();
    Optional<StringRef> Tok = O ? O->getString("token") : None;
    if (!Tok || Tok->empty())
      Tok = O ? O->getString("access_token") : None;
    if (!Tok || Tok->empty())
      return makeError(What + ": the token service " + Realm +
                       " answered without a token");
    Tokens[Key] = Tok->str();
    return Tok->str();
  }

  enum class AuthKind { None, Basic, Bearer };

  std::string Registry;
  const RegistryOptions &Opts;
  raw_ostream &Notes;
  bool PlainHTTP = false;
  std::string Base;
  CurlPtr H;
  std::optional<RegistryCredentials> Creds;
  bool CredsLoaded = false;
  AuthKind Auth = AuthKind::None;
  std::string Realm, Service;
  std::map<std::string, std::string> Tokens;
};

/// Connections for parallel transfers: each worker takes one (its own curl
/// handle and tokens) and gives it back.
class ConnectionPool {
public:
  ConnectionPool(StringRef Registry, StringRef APIHost,
                 const RegistryOptions &Opts)
      : Registry(Registry.str()), APIHost(APIHost.str()), Opts(Opts) {}

  void give(std::unique_ptr<Connection> S) {
    std::lock_guard<std::mutex> Guard(Lock);
    Free.push_back(std::move(S));
  }

  Expected<std::unique_ptr<Connection>> take() {
    {
      std::lock_guard<std::mutex> Guard(Lock);
      if (!Free.empty()) {
        std::unique_ptr<Connection> S = std::move(Free.back());
        Free.pop_back();
        return S;
      }
    }
    auto S = std::make_unique<Connection>(Registry, APIHost, Opts);
    if (Error E = S->init())
      return E;
    return S;
  }

private:
  std::string Registry, APIHost;
  const RegistryOptions &Opts;
  std::mutex Lock;
  std::vector<std::unique_ptr<Connection>> Free;
};

/// Runs \p Job for 0..N-1 on up to MaxParallelBlobs workers; the errors,
/// joined in index order.
Error runParallel(size_t N, ConnectionPool &Pool,
                  function_ref<Error(Connection &, size_t)> Job) {
  std::vector<std::string> Errors(N);
  if (N) {
    unsigned Threads = std::min<size_t>(N, MaxParallelBlobs);
    ThreadPool Workers(hardware_concurrency(Threads));
    for (size_t I = 0; I != N; ++I)
      Workers.async([&, I] {
        Expected<std::unique_ptr<Connection>> S = Pool.take();
        if (!S) {
          Errors[I] = toString(S.takeError());
          return;
        }
        if (Error E = Job(**S, I))
          Errors[I] = toString(std::move(E));
        Pool.give(std::move(*S));
      });
    Workers.wait();
  }
  std::string Joined;
  for (const std::string &E : Errors)
    if (!E.empty())
      Joined += (Joined.empty() ? "" : "\n") + E;
  if (Joined.empty())
    return Error::success();
  return makeError(Joined);
}

//===----------------------------------------------------------------------===//
// Descriptors and the blob store
//===----------------------------------------------------------------------===//

struct Descriptor {
  std::string MediaType;
  std::string Digest;
  uint64_t Size = 0;
  json::Object Raw;
};

Expected<Descriptor> parseDescriptor(const json::Value &V, const Twine &What) {
  const json::Object *O = V.getAsObject();
  if (!O)
    return makeError(What + " is not a JSON object");
  Descriptor D;
  D.Raw = *O;
  Optional<StringRef> Digest = O->getString("digest");
  if (!Digest || !isSha256Digest(*Digest))
    return makeError(What + " has no sha256 \"digest\"");
  D.Digest = Digest->str();
  Optional<int64_t> Size = O->getInteger("size");
  if (!Size || *Size < 0)
    return makeError(What + " has no valid \"size\"");
  D.Size = static_cast<uint64_t>(*Size);
  D.MediaType = O->getString("mediaType").getValueOr("").str();
  return D;
}

std::string blobFile(StringRef BlobDir, StringRef Digest) {
  SmallString<256> P(BlobDir);
  sys::path::append(P, Digest.drop_front(strlen("sha256:")));
  return std::string(P);
}

/// Whether the store holds \p D with its size (contents are checked when the
/// image writer reads them).
bool haveBlob(StringRef BlobDir, const Descriptor &D) {
  uint64_t Size = 0;
  return !sys::fs::file_size(blobFile(BlobDir, D.Digest), Size) &&
         Size == D.Size;
}

/// Writes \p Data (already verified) into the store.
Error storeBlob(StringRef BlobDir, StringRef Digest, StringRef Data) {
  std::string Path = blobFile(BlobDir, Digest);
  uint64_t Size = 0;
  if (!sys::fs::file_size(Path, Size) && Size == Data.size())
    return Error::success();
  return writeFileAtomically(Path + ".%%%%%%%%.part", Path, Data);
}

/// The cached layout of a pulled reference, when complete.
struct CachedRef {
  std::string SourceDigest;
  std::string ManifestDigest;
};

std::optional<CachedRef> readCachedRef(StringRef RefDir, StringRef BlobDir) {
  SmallString<256> IndexPath(RefDir);
  sys::path::append(IndexPath, "index.json");
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buf = MemoryBuffer::getFile(IndexPath);
  if (!Buf)
    return std::nullopt;
  Expected<json::Value> V = json::parse((*Buf)->getBuffer());
  if (!V) {
    consumeError(V.takeError());
    return std::nullopt;
  }
  const json::Object *O = V->getAsObject();
  const json::Object *Ann = O ? O->getObject("annotations") : nullptr;
  const json::Array *Manifests = O ? O->getArray("manifests") : nullptr;
  if (!Ann || !Manifests || Manifests->size() != 1)
    return std::nullopt;
  Expected<Descriptor> D = parseDescriptor((*Manifests)[0], "manifest");
  if (!D) {
    consumeError(D.takeError());
    return std::nullopt;
  }
  if (!haveBlob(BlobDir, *D))
    return std::nullopt;
  CachedRef C;
  C.SourceDigest = Ann->getString(SourceDigestKey).getValueOr("").str();
  C.ManifestDigest = D->Digest;
  return C;
}

/// Writes the layout of a pulled reference: index.json naming the platform
/// manifest, and `blobs` linking to the store.
Error writeRefLayout(StringRef RefDir, StringRef StoreDir,
                     const json::Object &ManifestDesc,
                     const ImageReference &Ref, StringRef SourceDigest) {
  StringRef Parent = sys::path::parent_path(RefDir);
  if (std::error_code EC = sys::fs::create_directories(Parent))
    return makeError("cannot create '" + Parent + "': " + EC.message());
  SmallString<256> Model(RefDir);
  Model += ".%%%%%%%%.tmp";
  SmallString<256> Tmp;
  if (std::error_code EC = sys::fs::createUniqueDirectory(Model, Tmp))
    return makeError("cannot create a directory next to '" + RefDir +
                     "': " + EC.message());
  auto Fail = [&](Error E) {
    sys::fs::remove_directories(Tmp);
    return E;
  };
  json::Array Manifests;
  Manifests.push_back(json::Object(ManifestDesc));
  json::Object Index{
      {"schemaVersion", 2},
      {"manifests", std::move(Manifests)},
      {"annotations",
       json::Object{{SourceKey, Ref.str()}, {SourceDigestKey, SourceDigest}}}};
  std::string IndexText;
  raw_string_ostream(IndexText) << json::Value(std::move(Index));
  SmallString<256> P(Tmp);
  sys::path::append(P, "index.json");
  if (Error E = writeFile(P, IndexText))
    return Fail(std::move(E));
  P = Tmp;
  sys::path::append(P, "oci-layout");
  if (Error E = writeFile(P, "{\"imageLayoutVersion\":\"1.0.0\"}"))
    return Fail(std::move(E));
  P = Tmp;
  sys::path::append(P, "blobs");
  SmallString<256> Target(StoreDir);
  sys::path::append(Target, "blobs");
  if (std::error_code EC = sys::fs::create_link(Target, P))
    return Fail(makeError("cannot link '" + P + "' to '" + Target +
                          "': " + EC.message()));
  sys::fs::remove_directories(RefDir);
  if (std::error_code EC = sys::fs::rename(Tmp, RefDir))
    return Fail(makeError("cannot rename '" + Tmp + "' to '" + RefDir +
                          "': " + EC.message()));
  return Error::success();
}

std::string sanitize(StringRef S) {
  std::string Out;
  for (char C : S)
    Out += isAlnum(C) || C == '.' || C == '-' ? C : '_';
  return Out;
}

/// Picks the linux/\p Arch entry of an image index.
Expected<Descriptor> selectPlatform(const json::Object &Index,
                                    const ImageReference &Ref, StringRef Arch) {
  const json::Array *Manifests = Index.getArray("manifests");
  if (!Manifests)
    return makeError("the image index of " + Ref.str() +
                     " has no \"manifests\" array");
  std::vector<std::string> Seen;
  for (size_t I = 0; I != Manifests->size(); ++I) {
    Expected<Descriptor> D = parseDescriptor(
        (*Manifests)[I],
        "manifests[" + Twine(I) + "] of the image index of " + Ref.str());
    if (!D)
      return D.takeError();
    const json::Object *P = D->Raw.getObject("platform");
    StringRef A = P ? P->getString("architecture").getValueOr("") : "";
    StringRef OS = P ? P->getString("os").getValueOr("") : "";
    StringRef Variant = P ? P->getString("variant").getValueOr("") : "";
    if (OS == "linux" && A == Arch &&
        (Arch != "arm64" || Variant.empty() || Variant == "v8"))
      return D;
    if (!OS.empty() || !A.empty())
      Seen.push_back((OS + "/" + A).str());
  }
  return makeError("image " + Ref.str() + " has no linux/" + Arch +
                   " image (it has: " +
                   (Seen.empty() ? std::string("none")
                                 : join(Seen.begin(), Seen.end(), ", ")) +
                   ")");
}

/// Fetches a manifest (or index) by tag or digest, checked against the
/// digest it is addressed by and the one the registry reports.
Expected<std::pair<std::string, std::string>>
fetchManifest(Connection &S, const ImageReference &Ref, StringRef Reference,
              ArrayRef<std::string> Scopes) {
  Request R;
  R.URL = S.url("/v2/" + Ref.Repository + "/manifests/" + Reference);
  R.Headers.push_back(getManifestAccept());
  R.What = "pulling " + Ref.getName() +
           (StringRef(Reference).startswith("sha256:") ? "@" : ":") +
           Reference.str();
  R.FollowRedirects = true;
  Expected<Response> Resp = S.send(R, Scopes);
  if (!Resp)
    return Resp.takeError();
  if (Resp->Status == 401 || Resp->Status == 403)
    return makeError(R.What + ": registry " + S.getRegistry() + " answered " +
                     describeFailure(*Resp) + S.getAuthHint());
  if (Resp->Status != 200)
    return makeError(R.What + ": registry " + S.getRegistry() + " answered " +
                     describeFailure(*Resp));
  Expected<std::string> Digest = digestOf(Resp->Body);
  if (!Digest)
    return Digest.takeError();
  if (StringRef(Reference).startswith("sha256:") && *Digest != Reference)
    return makeError(R.What +
                     ": digest mismatch: the manifest received has "
                     "digest " +
                     *Digest);
  StringRef Reported = Resp->getHeader("docker-content-digest");
  if (!Reported.empty() && Reported != *Digest)
    return makeError(R.What + ": digest mismatch: registry " + S.getRegistry() +
                     " reports " + Reported +
                     " but the manifest received has digest " + *Digest);
  return std::make_pair(*Digest, std::move(Resp->Body));
}

/// Downloads blob \p D into the store, verified.
Error fetchBlob(Connection &S, const ImageReference &Ref, const Descriptor &D,
                StringRef BlobDir, ArrayRef<std::string> Scopes) {
  std::string Final = blobFile(BlobDir, D.Digest);
  SmallString<256> Model(Final);
  Model += ".%%%%%%%%.part";
  SmallString<256> Temp;
  FileSink Sink;
  if (std::error_code EC = sys::fs::createUniqueFile(Model, Sink.FD, Temp))
    return makeError("cannot create a file in '" + BlobDir +
                     "': " + EC.message());
  Sink.Limit = D.Size;
  auto Cleanup = [&] {
    if (Sink.FD >= 0)
      ::close(Sink.FD);
    Sink.FD = -1;
    sys::fs::remove(Temp);
  };
  Request R;
  R.URL = S.url("/v2/" + Ref.Repository + "/blobs/" + D.Digest);
  R.Sink = &Sink;
  R.FollowRedirects = true;
  R.What = "pulling blob " + D.Digest + " of " + Ref.str();
  Expected<Response> Resp = S.send(R, Scopes);
  if (!Resp) {
    Cleanup();
    return Resp.takeError();
  }
  if (Resp->Status != 200) {
    Cleanup();
    return makeError(
        R.What + ": registry " + S.getRegistry() + " answered " +
        describeFailure(*Resp) +
        (Resp->Status == 401 || Resp->Status == 403 ? S.getAuthHint() : ""));
  }
  Expected<Sha256Digest> Got = Sink.Hash->final();
  if (!Got) {
    Cleanup();
    return Got.takeError();
  }
  std::string Actual = "sha256:" + llvm::toHex(*Got, /*LowerCase=*/true);
  if (Sink.Bytes != D.Size || Actual != D.Digest) {
    Cleanup();
    return makeError(R.What + ": digest mismatch: received " +
                     Twine(Sink.Bytes) + " bytes with digest " + Actual);
  }
  ::close(Sink.FD);
  Sink.FD = -1;
  if (std::error_code EC = sys::fs::rename(Temp, Final)) {
    sys::fs::remove(Temp);
    return makeError("cannot move '" + Temp + "' to '" + Final +
                     "': " + EC.message());
  }
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Pushing
//===----------------------------------------------------------------------===//

/// "sha256%3A<hex>": a digest as a query parameter.
std::string encodeDigest(StringRef Digest) {
  auto [Algorithm, Hex] = Digest.split(':');
  return (Algorithm + "%3A" + Hex).str();
}

/// Appends `digest=` to an upload location.
std::string withDigest(StringRef Location, StringRef Digest) {
  return Location.str() + (Location.contains('?') ? "&" : "?") +
         "digest=" + encodeDigest(Digest);
}

Error checkUploaded(const Response &Resp, StringRef Digest, StringRef What,
                    Connection &S) {
  if (Resp.Status != 201 && Resp.Status != 204)
    return makeError(
        What + ": registry " + S.getRegistry() + " answered " +
        describeFailure(Resp) +
        (Resp.Status == 401 || Resp.Status == 403 ? S.getAuthHint() : ""));
  StringRef Reported = Resp.getHeader("docker-content-digest");
  if (!Reported.empty() && Reported != Digest)
    return makeError(What + ": digest mismatch: registry " + S.getRegistry() +
                     " stored " + Reported + " for " + Digest);
  return Error::success();
}

enum class BlobOutcome { Skipped, Mounted, Uploaded };

Expected<BlobOutcome> pushBlob(Connection &S, const ImageReference &Dest,
                               const ImageReference *MountFrom,
                               const Descriptor &D, StringRef BlobPath,
                               ArrayRef<std::string> Scopes,
                               const RegistryOptions &Opts) {
  std::string What = "pushing blob " + D.Digest + " to " + Dest.getName();
  std::string Blobs = "/v2/" + Dest.Repository + "/blobs/";
  Request Head;
  Head.Method = "HEAD";
  Head.URL = S.url(Blobs + D.Digest);
  Head.What = What;
  Expected<Response> HR = S.send(Head, Scopes);
  if (!HR)
    return HR.takeError();
  if (HR->Status == 200)
    return BlobOutcome::Skipped;
  if (HR->Status != 404)
    return makeError(
        What + ": registry " + S.getRegistry() + " answered " +
        describeFailure(*HR) +
        (HR->Status == 401 || HR->Status == 403 ? S.getAuthHint() : ""));

  Request Start;
  Start.Method = "POST";
  Start.URL = S.url(Blobs + "uploads/");
  if (MountFrom)
    Start.URL +=
        "?mount=" + encodeDigest(D.Digest) + "&from=" + MountFrom->Repository;
  Start.HasBody = true;
  Start.What = What;
  Expected<Response> SR = S.send(Start, Scopes);
  if (!SR)
    return SR.takeError();
  if (MountFrom && SR->Status == 201)
    return BlobOutcome::Mounted;
  if (SR->Status != 202)
    return makeError(
        What + ": registry " + S.getRegistry() +
        " refused to start an upload: " + describeFailure(*SR) +
        (SR->Status == 401 || SR->Status == 403 ? S.getAuthHint() : ""));
  Expected<std::string> Location = S.resolve(SR->getHeader("location"));
  if (!Location)
    return Location.takeError();

  ErrorOr<std::unique_ptr<MemoryBuffer>> Buf =
      MemoryBuffer::getFile(BlobPath, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!Buf)
    return makeError("cannot read '" + BlobPath +
                     "': " + Buf.getError().message());
  StringRef Data = (*Buf)->getBuffer();
  if (Data.size() != D.Size)
    return makeError("'" + BlobPath + "' has " + Twine(Data.size()) +
                     " bytes, the manifest says " + Twine(D.Size));

  bool Chunked = Opts.ChunkSize ? Data.size() > Opts.ChunkSize
                                : Data.size() > MonolithicUploadLimit;
  if (Chunked) {
    uint64_t ChunkSize = Opts.ChunkSize ? Opts.ChunkSize : Data.size();
    for (uint64_t Off = 0; Off < Data.size(); Off += ChunkSize) {
      StringRef Chunk = Data.substr(Off, ChunkSize);
      Request Patch;
      Patch.Method = "PATCH";
      Patch.URL = *Location;
      Patch.Body = Chunk;
      Patch.HasBody = true;
      Patch.Headers.push_back("Content-Range: " + std::to_string(Off) + "-" +
                              std::to_string(Off + Chunk.size() - 1));
      Patch.What = What;
      Expected<Response> PR = S.send(Patch, Scopes);
      if (!PR)
        return PR.takeError();
      if (PR->Status != 202)
        return makeError(What + ": registry " + S.getRegistry() +
                         " refused chunk " + Twine(Off) + "-" +
                         Twine(Off + Chunk.size() - 1) + ": " +
                         describeFailure(*PR));
      Location = S.resolve(PR->getHeader("location"));
      if (!Location)
        return Location.takeError();
    }
  }

  // The PUT that closes the upload: the whole blob, or nothing after the
  // chunks.
  Request Put;
  Put.Method = "PUT";
  Put.URL = withDigest(*Location, D.Digest);
  if (!Chunked)
    Put.Body = Data;
  Put.HasBody = true;
  Put.What = What;
  Expected<Response> PR = S.send(Put, Scopes);
  if (!PR)
    return PR.takeError();
  if (Error E = checkUploaded(*PR, D.Digest, What, S))
    return E;
  return BlobOutcome::Uploaded;
}

Expected<std::unique_ptr<MemoryBuffer>> readFile(const Twine &Path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buf =
      MemoryBuffer::getFile(Path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!Buf)
    return makeError("cannot read '" + Path + "': " + Buf.getError().message());
  return std::move(*Buf);
}

} // namespace

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

Expected<PulledImage> lambdaopt::pullImage(const ImageReference &Ref,
                                           StringRef Arch,
                                           const RegistryOptions &Opts) {
  raw_ostream &Notes = Opts.Notes ? *Opts.Notes : errs();
  SmallString<256> Store(Opts.CacheDir);
  sys::path::append(Store, "images");
  SmallString<256> BlobDir(Store);
  sys::path::append(BlobDir, "blobs", "sha256");
  SmallString<256> RefDir(Store);
  sys::path::append(RefDir, "refs", sanitize(Ref.str()) + "_" + Arch.str());
  std::optional<CachedRef> Cached = readCachedRef(RefDir, BlobDir);

  PulledImage Result;
  Result.LayoutDir = std::string(RefDir);
  if (Cached) {
    Result.ManifestDigest = Cached->ManifestDigest;
    if (Opts.Offline ||
        (!Ref.Digest.empty() && Cached->SourceDigest == Ref.Digest)) {
      Result.FromCache = true;
      return Result;
    }
  }
  std::string HowToGet =
      "copy it into a local layout (`skopeo copy --override-arch " +
      Arch.str() + " docker://" + Ref.str() +
      " oci:DIR:TAG`) and pass --base-image=oci:DIR:TAG";
  if (Opts.Offline)
    return makeError("base image " + Ref.str() + " (linux/" + Arch +
                     ") is not in the cache '" + Store +
                     "' and --offline forbids pulling it; run once without "
                     "--offline, or " +
                     HowToGet);

  if (std::error_code EC = sys::fs::create_directories(BlobDir))
    return makeError("cannot create '" + BlobDir + "': " + EC.message());
  Connection S(Ref.Registry, Ref.getAPIHost(), Opts);
  if (Error E = S.init())
    return E;
  std::vector<std::string> Scopes = {"repository:" + Ref.Repository + ":pull"};

  Expected<std::pair<std::string, std::string>> Top =
      fetchManifest(S, Ref, Ref.getManifestReference(), Scopes);
  if (!Top) {
    if (Cached && Top.errorIsA<UnreachableError>()) {
      Notes << "note: " << toString(Top.takeError()) << "; using the cached "
            << Ref.str() << " (manifest " << Cached->ManifestDigest << ")\n";
      Result.FromCache = true;
      return Result;
    }
    if (Top.errorIsA<UnreachableError>())
      return makeError(toString(Top.takeError()) +
                       "; the image is not in the cache either: run once "
                       "where the registry is reachable, or " +
                       HowToGet);
    return Top.takeError();
  }
  std::string SourceDigest = Top->first;
  if (Cached && Cached->SourceDigest == SourceDigest)
    return Result;

  Expected<json::Value> TopJSON = json::parse(Top->second);
  if (!TopJSON) {
    consumeError(TopJSON.takeError());
    return makeError("the manifest of " + Ref.str() + " is not valid JSON");
  }
  const json::Object *TopObj = TopJSON->getAsObject();
  if (!TopObj)
    return makeError("the manifest of " + Ref.str() + " is not a JSON object");
  StringRef TopType = TopObj->getString("mediaType").getValueOr("");
  std::string ManifestText = std::move(Top->second);
  std::string ManifestDigest = SourceDigest;
  std::string ManifestType = TopType.str();
  json::Object Platform{{"architecture", Arch}, {"os", "linux"}};
  if (TopType == oci::IndexType || TopType == oci::DockerListType ||
      (TopType.empty() && TopObj->getArray("manifests"))) {
    if (Error E = storeBlob(BlobDir, SourceDigest, ManifestText))
      return E;
    Expected<Descriptor> Chosen = selectPlatform(*TopObj, Ref, Arch);
    if (!Chosen)
      return Chosen.takeError();
    Expected<std::pair<std::string, std::string>> M =
        fetchManifest(S, Ref, Chosen->Digest, Scopes);
    if (!M)
      return M.takeError();
    ManifestDigest = M->first;
    ManifestText = std::move(M->second);
    ManifestType = Chosen->MediaType;
    if (const json::Object *P = Chosen->Raw.getObject("platform"))
      Platform = *P;
  }
  if (ManifestType.empty())
    ManifestType = oci::ManifestType;
  if (ManifestType != oci::ManifestType &&
      ManifestType != oci::DockerManifestType)
    return makeError("image " + Ref.str() + " is a '" + ManifestType +
                     "', not an OCI or Docker v2 image manifest");
  Expected<json::Value> Manifest = json::parse(ManifestText);
  if (!Manifest) {
    consumeError(Manifest.takeError());
    return makeError("the manifest of " + Ref.str() + " is not valid JSON");
  }
  const json::Object *ManObj = Manifest->getAsObject();
  const json::Value *ConfigV = ManObj ? ManObj->get("config") : nullptr;
  const json::Array *LayersV = ManObj ? ManObj->getArray("layers") : nullptr;
  if (!ConfigV || !LayersV)
    return makeError("the manifest of " + Ref.str() +
                     " has no \"config\" or \"layers\"");
  std::vector<Descriptor> Blobs;
  Expected<Descriptor> Config = parseDescriptor(*ConfigV, "the config");
  if (!Config)
    return Config.takeError();
  Blobs.push_back(std::move(*Config));
  for (size_t I = 0; I != LayersV->size(); ++I) {
    Expected<Descriptor> L =
        parseDescriptor((*LayersV)[I], "layers[" + Twine(I) + "]");
    if (!L)
      return L.takeError();
    Blobs.push_back(std::move(*L));
  }
  std::vector<const Descriptor *> Missing;
  for (const Descriptor &D : Blobs)
    if (!haveBlob(BlobDir, D) && none_of(Missing, [&](const Descriptor *M) {
          return M->Digest == D.Digest;
        }))
      Missing.push_back(&D);
  ConnectionPool Pool(Ref.Registry, Ref.getAPIHost(), Opts);
  if (Error E = runParallel(Missing.size(), Pool, [&](Connection &W, size_t I) {
        return fetchBlob(W, Ref, *Missing[I], BlobDir, Scopes);
      }))
    return E;
  for (const Descriptor *D : Missing) {
    ++Result.BlobsFetched;
    Result.BytesFetched += D->Size;
  }
  // A single-platform image must be of the platform asked for.
  Expected<std::unique_ptr<MemoryBuffer>> ConfigBuf =
      readFile(blobFile(BlobDir, Blobs.front().Digest));
  if (!ConfigBuf)
    return ConfigBuf.takeError();
  Expected<json::Value> ConfigJSON = json::parse((*ConfigBuf)->getBuffer());
  if (!ConfigJSON) {
    consumeError(ConfigJSON.takeError());
    return makeError("the config of " + Ref.str() + " is not valid JSON");
  }
  const json::Object *ConfigObj = ConfigJSON->getAsObject();
  StringRef ImageArch =
      ConfigObj ? ConfigObj->getString("architecture").getValueOr("") : "";
  if (ImageArch != Arch)
    return makeError(
        "image " + Ref.str() + " is " +
        (ImageArch.empty() ? StringRef("of no architecture") : ImageArch) +
        ", not " + Arch + "; name a tag for linux/" + Arch +
        " or a multi-platform one, or change --arch");

  if (Error E = storeBlob(BlobDir, ManifestDigest, ManifestText))
    return E;

  json::Object Desc{
      {"mediaType", ManifestType},
      {"digest", ManifestDigest},
      {"size", int64_t(ManifestText.size())},
      {"platform", std::move(Platform)},
      {"annotations",
       json::Object{{oci::RefNameKey, Ref.Tag.empty() ? "base" : Ref.Tag}}}};
  if (Error E = writeRefLayout(RefDir, Store, Desc, Ref, SourceDigest))
    return E;
  Result.ManifestDigest = ManifestDigest;
  return Result;
}

Expected<PushResult> lambdaopt::pushImage(StringRef LayoutDir,
                                          const ImageReference &Dest,
                                          const ImageReference *MountFrom,
                                          const RegistryOptions &Opts) {
  SmallString<256> IndexPath(LayoutDir);
  sys::path::append(IndexPath, "index.json");
  Expected<std::unique_ptr<MemoryBuffer>> IndexBuf = readFile(IndexPath);
  if (!IndexBuf)
    return IndexBuf.takeError();
  Expected<json::Value> Index = json::parse((*IndexBuf)->getBuffer());
  if (!Index) {
    consumeError(Index.takeError());
    return makeError("'" + IndexPath + "' is not valid JSON");
  }
  const json::Object *IndexObj = Index->getAsObject();
  const json::Array *Manifests =
      IndexObj ? IndexObj->getArray("manifests") : nullptr;
  if (!Manifests || Manifests->size() != 1)
    return makeError("'" + IndexPath + "' must list exactly one manifest");
  Expected<Descriptor> ManDesc = parseDescriptor((*Manifests)[0], IndexPath);
  if (!ManDesc)
    return ManDesc.takeError();
  SmallString<256> BlobDir(LayoutDir);
  sys::path::append(BlobDir, "blobs", "sha256");
  Expected<std::unique_ptr<MemoryBuffer>> ManBuf =
      readFile(blobFile(BlobDir, ManDesc->Digest));
  if (!ManBuf)
    return ManBuf.takeError();
  StringRef ManText = (*ManBuf)->getBuffer();
  Expected<std::string> ManDigest = digestOf(ManText);
  if (!ManDigest)
    return ManDigest.takeError();
  if (*ManDigest != ManDesc->Digest)
    return makeError("the manifest in '" + LayoutDir + "' is corrupt: digest " +
                     *ManDigest + ", expected " + ManDesc->Digest);
  Expected<json::Value> Manifest = json::parse(ManText);
  if (!Manifest) {
    consumeError(Manifest.takeError());
    return makeError("the manifest in '" + LayoutDir + "' is not valid JSON");
  }
  const json::Object *ManObj = Manifest->getAsObject();
  const json::Value *ConfigV = ManObj ? ManObj->get("config") : nullptr;
  const json::Array *LayersV = ManObj ? ManObj->getArray("layers") : nullptr;
  if (!ConfigV || !LayersV)
    return makeError("the manifest in '" + LayoutDir +
                     "' has no \"config\" or \"layers\"");
  std::vector<Descriptor> Blobs;
  for (size_t I = 0; I != LayersV->size(); ++I) {
    Expected<Descriptor> L =
        parseDescriptor((*LayersV)[I], "layers[" + Twine(I) + "]");
    if (!L)
      return L.takeError();
    Blobs.push_back(std::move(*L));
  }
  Expected<Descriptor> Config = parseDescriptor(*ConfigV, "the config");
  if (!Config)
    return Config.takeError();
  Blobs.push_back(std::move(*Config));

  if (MountFrom && (MountFrom->Registry != Dest.Registry ||
                    MountFrom->Repository == Dest.Repository))
    MountFrom = nullptr;
  std::vector<std::string> Scopes = {"repository:" + Dest.Repository +
                                     ":pull,push"};
  if (MountFrom)
    Scopes.push_back("repository:" + MountFrom->Repository + ":pull");

  Connection S(Dest.Registry, Dest.getAPIHost(), Opts);
  if (Error E = S.init())
    return E;
  if (Error E = S.ping(Scopes, "pushing to " + Dest.getName()))
    return E;

  // Every blob, in parallel (a blob listed twice is sent once); then the
  // manifest that names them.
  std::vector<const Descriptor *> Unique;
  for (const Descriptor &D : Blobs)
    if (none_of(Unique,
                [&](const Descriptor *U) { return U->Digest == D.Digest; }))
      Unique.push_back(&D);
  std::vector<BlobOutcome> Outcomes(Unique.size(), BlobOutcome::Skipped);
  {
    ConnectionPool Workers(Dest.Registry, Dest.getAPIHost(), Opts);
    if (Error E = runParallel(
            Unique.size(), Workers, [&](Connection &W, size_t I) -> Error {
              Expected<BlobOutcome> O =
                  pushBlob(W, Dest, MountFrom, *Unique[I],
                           blobFile(BlobDir, Unique[I]->Digest), Scopes, Opts);
              if (!O)
                return O.takeError();
              Outcomes[I] = *O;
              return Error::success();
            }))
      return E;
  }
  PushResult Result;
  for (size_t I = 0; I != Unique.size(); ++I) {
    const Descriptor &D = *Unique[I];
    switch (Outcomes[I]) {
    case BlobOutcome::Skipped:
      ++Result.Skipped;
      break;
    case BlobOutcome::Mounted:
      ++Result.Mounted;
      break;
    case BlobOutcome::Uploaded:
      ++Result.Uploaded;
      Result.BytesUploaded += D.Size;
      break;
    }
  }

  std::string Type =
      ManDesc->MediaType.empty() ? oci::ManifestType : ManDesc->MediaType;
  Request Put;
  Put.Method = "PUT";
  Put.URL = S.url("/v2/" + Dest.Repository + "/manifests/" +
                  Dest.getManifestReference());
  Put.Headers.push_back("Content-Type: " + Type);
  Put.Body = ManText;
  Put.HasBody = true;
  Put.What = "pushing the manifest of " + Dest.str();
  Expected<Response> PR = S.send(Put, Scopes);
  if (!PR)
    return PR.takeError();
  if (Error E = checkUploaded(*PR, *ManDigest, Put.What, S))
    return E;
  Result.ManifestDigest = *ManDigest;
  return Result;
}

/// The entry point of libLambdaOptRegistryNet.so (see Support/Module.h).
extern "C" const lambdaopt::RegistryModule *lambdaopt_registry_module_v1() {
  static const lambdaopt::RegistryModule Module = {
      &lambdaopt::pullImage, &lambdaopt::pushImage,
      &lambdaopt::findDockerCredentials};
  return &Module;
}
