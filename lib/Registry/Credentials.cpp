//===- Credentials.cpp - Registry credentials from the Docker config ------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Reads the credentials Docker's tools keep: `auths` entries (base64
/// "user:password"), and the `docker-credential-NAME get` helper protocol
/// for `credHelpers` and `credsStore` (the server on stdin, a JSON object
/// with Username and Secret on stdout). Secrets never reach a message.
///
//===----------------------------------------------------------------------===//

#include "lambda-opt/Registry/Registry.h"
#include "lambda-opt/Support/Error.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"

#include <openssl/evp.h>

using namespace llvm;
using namespace lambdaopt;

/// Decodes standard base64 with OpenSSL; None when it is not base64.
static Optional<std::string> decodeBase64(StringRef Text) {
  Text = Text.trim();
  if (Text.empty() || Text.size() % 4)
    return None;
  std::string Out(Text.size() / 4 * 3, '\0');
  int N = EVP_DecodeBlock(reinterpret_cast<unsigned char *>(&Out[0]),
                          reinterpret_cast<const unsigned char *>(Text.data()),
                          static_cast<int>(Text.size()));
  if (N < 0)
    return None;
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t Len = static_cast<size_t>(N);
  if (Text.endswith("=="))
    Len -= 2;
  else if (Text.endswith("="))
    Len -= 1;
  Out.resize(Len);
  return Out;
}

/// The keys a registry may be listed under in `auths` and `credHelpers`.
static std::vector<std::string> getConfigKeys(StringRef Registry) {
  if (Registry == "docker.io" || Registry == "registry-1.docker.io" ||
      Registry == "index.docker.io")
    return {"https://index.docker.io/v1/", "index.docker.io", "docker.io",
            "registry-1.docker.io"};
  std::string R = Registry.str();
  return {R, "https://" + R, "http://" + R, "https://" + R + "/v1/",
          "http://" + R + "/v1/"};
}

/// Runs `docker-credential-NAME get` for \p Server.
static Expected<std::optional<RegistryCredentials>>
runCredentialHelper(StringRef Name, StringRef Server) {
  std::string Program = ("docker-credential-" + Name).str();
  ErrorOr<std::string> Path = sys::findProgramByName(Program);
  if (!Path)
    return makeError("the Docker configuration names the credential helper '" +
                     Name + "', but " + Program + " is not on PATH");
  SmallString<128> In, Out, Err;
  auto Cleanup = [&] {
    for (SmallString<128> *P : {&In, &Out, &Err})
      if (!P->empty())
        sys::fs::remove(*P);
  };
  int FD = -1;
  if (std::error_code EC =
          sys::fs::createTemporaryFile("lambda-opt-cred", "in", FD, In))
    return makeError("cannot create a temporary file: " + EC.message());
  {
    raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << Server;
  }
  if (std::error_code EC =
          sys::fs::createTemporaryFile("lambda-opt-cred", "out", Out)) {
    Cleanup();
    return makeError("cannot create a temporary file: " + EC.message());
  }
  if (std::error_code EC =
          sys::fs::createTemporaryFile("lambda-opt-cred", "err", Err)) {
    Cleanup();
    return makeError("cannot create a temporary file: " + EC.message());
  }
  Optional<StringRef> Redirects[] = {StringRef(In), StringRef(Out),
                                     StringRef(Err)};
  std::string ExecError;
  int RC = sys::ExecuteAndWait(*Path, {*Path, "get"}, None, Redirects,
                               /*SecondsToWait=*/60, 0, &ExecError);
  ErrorOr<std::unique_ptr<MemoryBuffer>> OutBuf = MemoryBuffer::getFile(Out);
  ErrorOr<std::unique_ptr<MemoryBuffer>> ErrBuf = MemoryBuffer::getFile(Err);
  Cleanup();
  std::string Stdout = OutBuf ? (*OutBuf)->getBuffer().str() : "";
  std::string Stderr = ErrBuf ? (*ErrBuf)->getBuffer().str() : "";
  if (RC < 0)
    return makeError("cannot run " + Program + ": " + ExecError);
  if (RC != 0) {
    // The protocol's answer for an unknown server.
    if (StringRef(Stdout).contains("credentials not found") ||
        StringRef(Stderr).contains("credentials not found"))
      return std::nullopt;
    StringRef Why = StringRef(Stderr).trim();
    if (Why.empty())
      Why = StringRef(Stdout).trim();
    return makeError(Program + " get failed for " + Server + " (exit " +
                     Twine(RC) + ")" +
                     (Why.empty() ? "" : ": " + Why.split('\n').first));
  }
  Expected<json::Value> V = json::parse(Stdout);
  if (!V) {
    consumeError(V.takeError());
    return makeError(Program + " get printed something that is not JSON");
  }
  const json::Object *O = V->getAsObject();
  Optional<StringRef> User = O ? O->getString("Username") : None;
  Optional<StringRef> Secret = O ? O->getString("Secret") : None;
  if (!User || !Secret)
    return makeError(Program +
                     " get printed no \"Username\" and \"Secret\" strings");
  RegistryCredentials C;
  C.Username = User->str();
  C.Password = Secret->str();
  // An identity token comes with the user name "<token>": registries take
  // it as a refresh token, which this client does not speak.
  if (C.Username == "<token>")
    return makeError(Program + " returned an identity token for " + Server +
                     "; log in with a user name and password instead");
  return C;
}

Expected<std::optional<RegistryCredentials>>
lambdaopt::findDockerCredentials(StringRef Registry, StringRef ConfigDir) {
  SmallString<256> Path;
  if (!ConfigDir.empty()) {
    Path = ConfigDir;
  } else if (Optional<std::string> Env =
                 sys::Process::GetEnv("DOCKER_CONFIG")) {
    Path = *Env;
  } else {
    if (!sys::path::home_directory(Path))
      return std::nullopt;
    sys::path::append(Path, ".docker");
  }
  sys::path::append(Path, "config.json");
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buf = MemoryBuffer::getFile(Path);
  if (!Buf) {
    if (Buf.getError() == std::errc::no_such_file_or_directory)
      return std::nullopt;
    return makeError("cannot read the Docker configuration '" + Path +
                     "': " + Buf.getError().message());
  }
  Expected<json::Value> V = json::parse((*Buf)->getBuffer());
  if (!V) {
    consumeError(V.takeError());
    return makeError("the Docker configuration '" + Path +
                     "' is not valid JSON");
  }
  const json::Object *Root = V->getAsObject();
  if (!Root)
    return makeError("the Docker configuration '" + Path +
                     "' is not a JSON object");
  std::vector<std::string> Keys = getConfigKeys(Registry);
  std::string Server = Keys.front();

  if (const json::Object *Helpers = Root->getObject("credHelpers"))
    for (const std::string &K : Keys)
      if (Optional<StringRef> Name = Helpers->getString(K))
        return runCredentialHelper(*Name, Server);

  if (Optional<StringRef> Store = Root->getString("credsStore")) {
    Expected<std::optional<RegistryCredentials>> C =
        runCredentialHelper(*Store, Server);
    if (!C || *C)
      return C;
  }

  if (const json::Object *Auths = Root->getObject("auths"))
    for (const std::string &K : Keys) {
      const json::Object *Entry = Auths->getObject(K);
      if (!Entry)
        continue;
      if (Optional<StringRef> Auth = Entry->getString("auth")) {
        Optional<std::string> Decoded = decodeBase64(*Auth);
        if (!Decoded || !StringRef(*Decoded).contains(':'))
          return makeError("the \"auth\" of '" + K + "' in '" + Path +
                           "' is not base64 of USER:PASSWORD");
        auto [User, Password] = StringRef(*Decoded).split(':');
        return RegistryCredentials{User.str(), Password.str()};
      }
      Optional<StringRef> User = Entry->getString("username");
      Optional<StringRef> Password = Entry->getString("password");
      if (User && Password)
        return RegistryCredentials{User->str(), Password->str()};
    }
  return std::nullopt;
}
