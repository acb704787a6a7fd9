//===- FetchTest.cpp - Tests for wheel fetching ---------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Download tests talk to utils/fixture-http-server.py on 127.0.0.1 only.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Fetch/Fetch.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <chrono>
#include <signal.h>
#include <stdlib.h>
#include <thread>

using namespace llvm;
using namespace lambdaopt;

namespace {

constexpr const char *AbcSha =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

std::string readFile(StringRef Path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buf = MemoryBuffer::getFile(Path);
  if (!Buf)
    return "<unreadable>";
  return (*Buf)->getBuffer().str();
}

void writeFile(StringRef Path, StringRef Content) {
  std::error_code EC;
  raw_fd_ostream OS(Path, EC);
  ASSERT_FALSE(EC) << EC.message();
  OS << Content;
}

/// Counts the directory entries of \p Dir (0 when it does not exist).
unsigned countEntries(StringRef Dir) {
  std::error_code EC;
  unsigned N = 0;
  for (sys::fs::directory_iterator I(Dir, EC), E; I != E && !EC;
       I.increment(EC))
    ++N;
  return N;
}

class FetchTest : public ::testing::Test {
protected:
  void SetUp() override {
    SmallString<128> Model;
    sys::path::system_temp_directory(true, Model);
    sys::path::append(Model, "lambda-opt-fetch-test");
    ASSERT_FALSE(sys::fs::createUniqueDirectory(Model, Root));
    ServeDir = join("serve");
    CacheDir = join("cache");
    ASSERT_FALSE(sys::fs::create_directories(ServeDir));
    // Keep the developer's own credentials out of the tests.
    setenv("NETRC", join("no-such-netrc").c_str(), 1);
    unsetenv("LAMBDA_OPT_INDEX_USERNAME");
    unsetenv("LAMBDA_OPT_INDEX_PASSWORD");
  }

  void TearDown() override {
    stopServer();
    unsetenv("NETRC");
    unsetenv("LAMBDA_OPT_INDEX_USERNAME");
    unsetenv("LAMBDA_OPT_INDEX_PASSWORD");
    sys::fs::remove_directories(Root);
  }

  std::string join(StringRef Name) {
    SmallString<256> P(Root);
    sys::path::append(P, Name);
    return std::string(P);
  }

  /// Starts the fixture server with \p Extra flags; sets Port.
  void startServer(std::vector<std::string> Extra = {}) {
    ErrorOr<std::string> Python = sys::findProgramByName("python3");
    ASSERT_TRUE(bool(Python));
    std::string PortFile = join("port-" + std::to_string(++ServerCount));
    LogFile = join("log-" + std::to_string(ServerCount));
    std::vector<std::string> Args = {*Python,       LAMBDA_OPT_FIXTURE_SERVER,
                                     "--dir",       ServeDir,
                                     "--port-file", PortFile,
                                     "--log",       LogFile,
                                     "--timeout",   "30"};
    Args.insert(Args.end(), Extra.begin(), Extra.end());
    std::vector<StringRef> ArgRefs(Args.begin(), Args.end());
    Optional<StringRef> Redirects[] = {StringRef(""), StringRef(""), None};
    std::string ErrMsg;
    Server = sys::ExecuteNoWait(*Python, ArgRefs, None, Redirects, 0, &ErrMsg);
    ASSERT_NE(Server->Pid, sys::ProcessInfo::InvalidPid) << ErrMsg;
    for (int I = 0; I < 500 && !sys::fs::exists(PortFile); ++I)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(sys::fs::exists(PortFile)) << "fixture server did not start";
    ASSERT_FALSE(StringRef(readFile(PortFile)).trim().getAsInteger(10, Port));
    writeFile(LogFile, "");
  }

  void stopServer() {
    if (!Server)
      return;
    ::kill(Server->Pid, SIGTERM);
    sys::Wait(*Server, 0, /*WaitUntilTerminates=*/true);
    Server = None;
  }

  std::string url(StringRef Name) {
    return "http://127.0.0.1:" + std::to_string(Port) + "/" + Name.str();
  }

  /// Number of requests the server logged whose line contains \p Needle.
  unsigned countRequests(StringRef Needle) {
    SmallVector<StringRef, 8> Lines;
    std::string Log = readFile(LogFile);
    StringRef(Log).split(Lines, '\n', -1, false);
    unsigned N = 0;
    for (StringRef L : Lines)
      N += L.contains(Needle);
    return N;
  }

  /// Puts \p Content in the served directory as \p Name and returns a request
  /// for it with its true hash.
  WheelRequest serve(StringRef Name, StringRef Content) {
    SmallString<256> P(ServeDir);
    sys::path::append(P, Name);
    writeFile(P, Content);
    Expected<std::string> Sha = computeFileSha256(P);
    EXPECT_TRUE(bool(Sha));
    WheelRequest R;
    R.Package = Name.split('-').first.str();
    R.URL = url(Name);
    R.Sha256Hex = Sha ? *Sha : "";
    if (!Sha)
      consumeError(Sha.takeError());
    R.Size = Content.size();
    return R;
  }

  FetchOptions options() {
    FetchOptions O;
    O.CacheDir = CacheDir;
    O.AllowInsecureHosts = {"127.0.0.1"};
    O.RetryBaseDelayMs = 1;
    O.TimeoutSeconds = 5;
    O.Progress = false;
    O.Notes = &NotesOS;
    return O;
  }

  std::string errorOf(Expected<std::vector<FetchedWheel>> R) {
    if (R)
      return "<no error>";
    return toString(R.takeError());
  }

  SmallString<128> Root;
  std::string ServeDir;
  std::string CacheDir;
  std::string LogFile;
  Optional<sys::ProcessInfo> Server;
  unsigned Port = 0;
  unsigned ServerCount = 0;
  std::string Notes;
  raw_string_ostream NotesOS{Notes};
};

TEST_F(FetchTest, Sha256OfFile) {
  std::string P = join("abc");
  writeFile(P, "abc");
  Expected<std::string> Sha = computeFileSha256(P);
  ASSERT_TRUE(bool(Sha)) << toString(Sha.takeError());
  EXPECT_EQ(*Sha, AbcSha);
  Expected<std::string> Missing = computeFileSha256(join("missing"));
  ASSERT_FALSE(bool(Missing));
  EXPECT_TRUE(StringRef(toString(Missing.takeError())).contains("missing"));
}

TEST(FetchURLTest, RedactURL) {
  EXPECT_EQ(redactURL("https://user:pw@host.example/simple/x.whl"),
            "https://***@host.example/simple/x.whl");
  EXPECT_EQ(redactURL("https://token@host.example"),
            "https://***@host.example");
  EXPECT_EQ(redactURL("https://host.example/a@b/x.whl"),
            "https://host.example/a@b/x.whl");
  EXPECT_EQ(redactURL("not a url"), "not a url");
}

TEST(FetchURLTest, FilenameFromURL) {
  Expected<std::string> Name = getFilenameFromURL(
      "https://files.example/p/ab/foo%2Bbar-1.0-py3-none-any.whl?x=1#sha256=0");
  ASSERT_TRUE(bool(Name)) << toString(Name.takeError());
  EXPECT_EQ(*Name, "foo+bar-1.0-py3-none-any.whl");
  Expected<std::string> Bad =
      getFilenameFromURL("https://u:secretpw@h/p/..%2F..%2Fetc%2Fpasswd");
  ASSERT_FALSE(bool(Bad));
  std::string Msg = toString(Bad.takeError());
  EXPECT_TRUE(StringRef(Msg).contains("not a usable wheel file name")) << Msg;
  EXPECT_FALSE(StringRef(Msg).contains("secretpw")) << Msg;
  Expected<std::string> Empty = getFilenameFromURL("https://h/dir/");
  EXPECT_FALSE(bool(Empty));
  consumeError(Empty.takeError());
}

TEST(FetchPathTest, CacheLayoutAndDefault) {
  EXPECT_EQ(getCachePath("/c", AbcSha, "a-1-py3-none-any.whl"),
            std::string("/c/wheels/sha256/ba/") + AbcSha +
                "/a-1-py3-none-any.whl");
  setenv("XDG_CACHE_HOME", "/xdg/cache", 1);
  EXPECT_EQ(getDefaultCacheDir(), "/xdg/cache/lambda-opt");
  unsetenv("XDG_CACHE_HOME");
  EXPECT_TRUE(StringRef(getDefaultCacheDir()).endswith("/.cache/lambda-opt"));
}

TEST_F(FetchTest, DownloadVerifiesAndPopulatesCache) {
  startServer();
  WheelRequest R = serve("six-1.16.0-py2.py3-none-any.whl", "six wheel bytes");
  Expected<std::vector<FetchedWheel>> Got = fetchWheels({R}, options());
  ASSERT_TRUE(bool(Got)) << toString(Got.takeError());
  ASSERT_EQ(Got->size(), 1u);
  EXPECT_EQ((*Got)[0].From, WheelSourceKind::Download);
  EXPECT_EQ((*Got)[0].Path, getCachePath(CacheDir, R.Sha256Hex,
                                         "six-1.16.0-py2.py3-none-any.whl"));
  EXPECT_EQ(readFile((*Got)[0].Path), "six wheel bytes");
  EXPECT_EQ(countRequests("GET /six-1.16.0"), 1u);
  EXPECT_EQ(countEntries(CacheDir + "/tmp"), 0u);

  // A second run must not touch the network: the server now fails everything.
  stopServer();
  startServer({"--status", "500"});
  Got = fetchWheels({R}, options());
  ASSERT_TRUE(bool(Got)) << toString(Got.takeError());
  EXPECT_EQ((*Got)[0].From, WheelSourceKind::Cache);
  EXPECT_EQ(countRequests("GET"), 0u);
}

TEST_F(FetchTest, FindLinksWinsOverCache) {
  std::string Name = "attrs-23.1.0-py3-none-any.whl";
  std::string Cached = getCachePath(CacheDir, AbcSha, Name);
  ASSERT_FALSE(sys::fs::create_directories(sys::path::parent_path(Cached)));
  writeFile(Cached, "abc");
  std::string Links = join("links");
  ASSERT_FALSE(sys::fs::create_directories(Links));
  writeFile(Links + "/" + Name, "abc");

  WheelRequest R;
  R.Package = "attrs";
  R.URL = "https://127.0.0.1:1/packages/" + Name;
  R.Sha256Hex = std::string("sha256:") + AbcSha;
  FetchOptions O = options();
  O.Offline = true;
  ASSERT_FALSE(sys::fs::create_directories(join("empty-links")));
  O.FindLinks = {join("empty-links"), Links};
  Expected<std::vector<FetchedWheel>> Got = fetchWheels({R}, O);
  ASSERT_TRUE(bool(Got)) << toString(Got.takeError());
  EXPECT_EQ((*Got)[0].From, WheelSourceKind::FindLinks);
  EXPECT_EQ((*Got)[0].Path, Links + "/" + Name);

  // A find-links folder that does not exist is an error, not skipped.
  O.FindLinks = {join("no-such-links"), Links};
  Got = fetchWheels({R}, O);
  ASSERT_FALSE(bool(Got));
  EXPECT_EQ(toString(Got.takeError()), "find-links folder '" +
                                           join("no-such-links") +
                                           "': No such file or directory (fix the path given to "
                "--find-links or find-links in [tool.lambda-opt])");

  // Without find-links the cache serves it.
  O.FindLinks.clear();
  Got = fetchWheels({R}, O);
  ASSERT_TRUE(bool(Got)) << toString(Got.takeError());
  EXPECT_EQ((*Got)[0].From, WheelSourceKind::Cache);

  // A find-links file with the wrong content is an error, not a fallback.
  writeFile(Links + "/" + Name, "abd");
  O.FindLinks = {Links};
  std::string Err = errorOf(fetchWheels({R}, O));
  EXPECT_TRUE(StringRef(Err).contains("sha256 mismatch")) << Err;
  EXPECT_TRUE(StringRef(Err).contains(AbcSha)) << Err;
}

TEST_F(FetchTest, CorruptCacheEntryIsRefetched) {
  startServer();
  WheelRequest R = serve("idna-3.4-py3-none-any.whl", "idna bytes");
  std::string Cached =
      getCachePath(CacheDir, R.Sha256Hex, "idna-3.4-py3-none-any.whl");
  ASSERT_FALSE(sys::fs::create_directories(sys::path::parent_path(Cached)));
  writeFile(Cached, "idna bytez");
  Expected<std::vector<FetchedWheel>> Got = fetchWheels({R}, options());
  ASSERT_TRUE(bool(Got)) << toString(Got.takeError());
  EXPECT_EQ((*Got)[0].From, WheelSourceKind::Download);
  EXPECT_EQ(readFile(Cached), "idna bytes");
  EXPECT_TRUE(StringRef(Notes).contains("corrupted cache entry")) << Notes;
}

TEST_F(FetchTest, RetriesTransientFailures) {
  startServer({"--fail-first", "2"});
  WheelRequest R = serve("certifi-2023.7.22-py3-none-any.whl", "certifi");
  Expected<std::vector<FetchedWheel>> Got = fetchWheels({R}, options());
  ASSERT_TRUE(bool(Got)) << toString(Got.takeError());
  EXPECT_EQ((*Got)[0].From, WheelSourceKind::Download);
  EXPECT_EQ(countRequests("GET /certifi"), 3u);
  EXPECT_EQ(countRequests(" 503"), 2u);
  EXPECT_TRUE(StringRef(Notes).contains("retrying")) << Notes;
}

TEST_F(FetchTest, ServerErrorsGiveUpAfterRetries) {
  startServer({"--status", "503"});
  WheelRequest R = serve("urllib3-2.0.4-py3-none-any.whl", "urllib3");
  FetchOptions O = options();
  O.Retries = 2;
  std::string Err = errorOf(fetchWheels({R}, O));
  EXPECT_TRUE(StringRef(Err).contains("HTTP status 503")) << Err;
  EXPECT_TRUE(StringRef(Err).contains("3 attempts")) << Err;
  EXPECT_EQ(countRequests("GET /urllib3"), 3u);
}

TEST_F(FetchTest, NotFoundIsNotRetried) {
  startServer();
  WheelRequest R;
  R.Package = "missing";
  R.URL = url("missing-1.0-py3-none-any.whl");
  R.Sha256Hex = AbcSha;
  std::string Err = errorOf(fetchWheels({R}, options()));
  EXPECT_TRUE(StringRef(Err).contains("HTTP status 404")) << Err;
  EXPECT_TRUE(StringRef(Err).contains("'missing'")) << Err;
  EXPECT_EQ(countRequests("GET /missing"), 1u);
}

TEST_F(FetchTest, TruncatedBodyFails) {
  startServer({"--truncate"});
  WheelRequest R = serve("pyyaml-6.0-py3-none-any.whl", "yaml bytes");
  R.Size.reset();
  FetchOptions O = options();
  O.Retries = 1;
  std::string Err = errorOf(fetchWheels({R}, O));
  EXPECT_TRUE(StringRef(Err).contains("curl error 18")) << Err;
  EXPECT_FALSE(sys::fs::exists(
      getCachePath(CacheDir, R.Sha256Hex, "pyyaml-6.0-py3-none-any.whl")));
  EXPECT_EQ(countEntries(CacheDir + "/tmp"), 0u);
  EXPECT_EQ(countRequests("GET /pyyaml"), 2u);
}

TEST_F(FetchTest, HashMismatchNamesBothHashesAndCachesNothing) {
  startServer();
  WheelRequest R = serve("boto3-1.28.0-py3-none-any.whl", "tampered");
  std::string Actual = R.Sha256Hex;
  R.Sha256Hex = AbcSha;
  std::string Err = errorOf(fetchWheels({R}, options()));
  EXPECT_TRUE(StringRef(Err).contains("sha256 mismatch")) << Err;
  EXPECT_TRUE(StringRef(Err).contains("'boto3'")) << Err;
  EXPECT_TRUE(StringRef(Err).contains(AbcSha)) << Err;
  EXPECT_TRUE(StringRef(Err).contains(Actual)) << Err;
  EXPECT_FALSE(sys::fs::exists(
      getCachePath(CacheDir, AbcSha, "boto3-1.28.0-py3-none-any.whl")));
  EXPECT_EQ(countEntries(CacheDir + "/tmp"), 0u);
  // Content is deterministic, so a mismatch is not retried.
  EXPECT_EQ(countRequests("GET /boto3"), 1u);
}

TEST_F(FetchTest, SizeMismatchFails) {
  startServer();
  WheelRequest R = serve("rich-13.0-py3-none-any.whl", "rich bytes");
  R.Size = 4;
  std::string Err = errorOf(fetchWheels({R}, options()));
  EXPECT_TRUE(StringRef(Err).contains("size mismatch")) << Err;
  EXPECT_TRUE(StringRef(Err).contains("expected 4 bytes")) << Err;
  EXPECT_EQ(countEntries(CacheDir + "/tmp"), 0u);
}

TEST_F(FetchTest, PlainHttpNeedsAllowInsecureHost) {
  startServer();
  WheelRequest R = serve("click-8.1.0-py3-none-any.whl", "click");
  FetchOptions O = options();
  O.AllowInsecureHosts = {"example.com"};
  std::string Err = errorOf(fetchWheels({R}, O));
  EXPECT_TRUE(StringRef(Err).contains("--allow-insecure-host=127.0.0.1"))
      << Err;
  EXPECT_EQ(countRequests("GET"), 0u);

  O.AllowInsecureHosts = {"127.0.0.1:" + std::to_string(Port)};
  Expected<std::vector<FetchedWheel>> Got = fetchWheels({R}, O);
  ASSERT_TRUE(bool(Got)) << toString(Got.takeError());
  EXPECT_EQ((*Got)[0].From, WheelSourceKind::Download);
}

TEST_F(FetchTest, OfflineRefusesNetwork) {
  startServer();
  WheelRequest R = serve("jmespath-1.0.1-py3-none-any.whl", "jmespath");
  FetchOptions O = options();
  O.Offline = true;
  std::string Err = errorOf(fetchWheels({R}, O));
  EXPECT_TRUE(StringRef(Err).contains("offline mode")) << Err;
  EXPECT_TRUE(StringRef(Err).contains("jmespath-1.0.1-py3-none-any.whl"))
      << Err;
  EXPECT_EQ(countRequests("GET"), 0u);
}

TEST_F(FetchTest, NetrcCredentialsAreUsedAndNeverPrinted) {
  startServer({"--require-auth", "deployer:Sup3rSecretPw"});
  WheelRequest R = serve("private-1.0-py3-none-any.whl", "private");
  std::string Netrc = join("netrc");
  writeFile(Netrc, "machine 127.0.0.1 login deployer password Sup3rSecretPw\n");
  setenv("NETRC", Netrc.c_str(), 1);
  Expected<std::vector<FetchedWheel>> Got = fetchWheels({R}, options());
  ASSERT_TRUE(bool(Got)) << toString(Got.takeError());
  EXPECT_EQ((*Got)[0].From, WheelSourceKind::Download);

  // Wrong credentials: the 401 is reported, no secret shows up anywhere.
  sys::fs::remove_directories(CacheDir);
  writeFile(Netrc, "machine 127.0.0.1 login deployer password WrongPw1234\n");
  std::string Err = errorOf(fetchWheels({R}, options()));
  EXPECT_TRUE(StringRef(Err).contains("HTTP status 401")) << Err;
  EXPECT_FALSE(StringRef(Err).contains("WrongPw1234")) << Err;

  WheelRequest Embedded = R;
  Embedded.URL =
      "http://deployer:Hunter2Pass@127.0.0.1:" + std::to_string(Port) +
      "/private-1.0-py3-none-any.whl";
  Err = errorOf(fetchWheels({Embedded}, options()));
  EXPECT_TRUE(StringRef(Err).contains("HTTP status 401")) << Err;
  EXPECT_TRUE(StringRef(Err).contains("http://***@127.0.0.1")) << Err;
  EXPECT_FALSE(StringRef(Err).contains("Hunter2Pass")) << Err;
  EXPECT_FALSE(StringRef(Notes).contains("Hunter2Pass")) << Notes;
  EXPECT_FALSE(StringRef(Notes).contains("WrongPw1234")) << Notes;
}

TEST_F(FetchTest, EnvironmentCredentials) {
  startServer({"--require-auth", "ci:EnvSecret99"});
  WheelRequest R = serve("internal-2.0-py3-none-any.whl", "internal");
  setenv("LAMBDA_OPT_INDEX_USERNAME", "ci", 1);
  setenv("LAMBDA_OPT_INDEX_PASSWORD", "EnvSecret99", 1);
  Expected<std::vector<FetchedWheel>> Got = fetchWheels({R}, options());
  ASSERT_TRUE(bool(Got)) << toString(Got.takeError());
  EXPECT_EQ((*Got)[0].From, WheelSourceKind::Download);
}

TEST_F(FetchTest, ManyWheelsInParallelKeepRequestOrder) {
  startServer({"--slow", "50"});
  std::vector<WheelRequest> Reqs;
  for (int I = 0; I < 12; ++I)
    Reqs.push_back(serve("pkg" + std::to_string(I) + "-1.0-py3-none-any.whl",
                         "wheel number " + std::to_string(I)));
  Reqs.push_back(Reqs[3]); // the same wheel twice is downloaded once
  FetchOptions O = options();
  O.Jobs = 6;
  Expected<std::vector<FetchedWheel>> Got = fetchWheels(Reqs, O);
  ASSERT_TRUE(bool(Got)) << toString(Got.takeError());
  ASSERT_EQ(Got->size(), Reqs.size());
  for (int I = 0; I < 12; ++I)
    EXPECT_EQ(readFile((*Got)[I].Path), "wheel number " + std::to_string(I));
  EXPECT_EQ((*Got)[12].Path, (*Got)[3].Path);
  EXPECT_EQ(countRequests("GET /pkg3-"), 1u);
  EXPECT_EQ(countRequests("GET"), 12u);
}

TEST_F(FetchTest, AllErrorsAreReportedInRequestOrder) {
  startServer();
  WheelRequest Good = serve("good-1.0-py3-none-any.whl", "good");
  WheelRequest A;
  A.Package = "alpha";
  A.URL = url("alpha-1.0-py3-none-any.whl");
  A.Sha256Hex = AbcSha;
  WheelRequest B = A;
  B.Package = "beta";
  B.URL = url("beta-1.0-py3-none-any.whl");
  std::string Err = errorOf(fetchWheels({A, Good, B}, options()));
  size_t PosA = Err.find("'alpha'");
  size_t PosB = Err.find("'beta'");
  ASSERT_NE(PosA, std::string::npos) << Err;
  ASSERT_NE(PosB, std::string::npos) << Err;
  EXPECT_LT(PosA, PosB);
  EXPECT_EQ(Err.find("'good'"), std::string::npos) << Err;
}

TEST_F(FetchTest, LocalPathsAndFileURLs) {
  std::string Project = join("project");
  ASSERT_FALSE(sys::fs::create_directories(Project + "/dist"));
  writeFile(Project + "/dist/mine-0.1-py3-none-any.whl", "abc");
  WheelRequest R;
  R.Package = "mine";
  R.LocalPath = "dist/mine-0.1-py3-none-any.whl";
  R.Sha256Hex = AbcSha;
  WheelRequest F;
  F.Package = "mine";
  F.URL = "file://" + Project + "/dist/mine%2D0.1-py3-none-any.whl";
  F.Sha256Hex = AbcSha;
  FetchOptions O = options();
  O.ProjectDir = Project;
  O.Offline = true;
  Expected<std::vector<FetchedWheel>> Got = fetchWheels({R, F}, O);
  ASSERT_TRUE(bool(Got)) << toString(Got.takeError());
  EXPECT_EQ((*Got)[0].From, WheelSourceKind::Local);
  EXPECT_EQ((*Got)[0].Path, Project + "/dist/mine-0.1-py3-none-any.whl");
  EXPECT_EQ((*Got)[1].From, WheelSourceKind::Local);
  EXPECT_EQ((*Got)[1].Path, Project + "/dist/mine-0.1-py3-none-any.whl");

  R.LocalPath = "dist/absent-0.1-py3-none-any.whl";
  std::string Err = errorOf(fetchWheels({R}, O));
  EXPECT_TRUE(StringRef(Err).contains("does not exist")) << Err;
}

TEST_F(FetchTest, UnwritableCacheFallsBackToTempDir) {
  startServer();
  WheelRequest R = serve("tomli-2.0.1-py3-none-any.whl", "tomli");
  std::string Blocker = join("blocker");
  writeFile(Blocker, "a file, not a directory");
  FetchOptions O = options();
  O.CacheDir = Blocker + "/cache";
  Expected<std::vector<FetchedWheel>> Got = fetchWheels({R}, O);
  ASSERT_TRUE(bool(Got)) << toString(Got.takeError());
  EXPECT_EQ((*Got)[0].From, WheelSourceKind::Download);
  EXPECT_EQ(readFile((*Got)[0].Path), "tomli");
  EXPECT_FALSE(StringRef((*Got)[0].Path).startswith(Blocker));
  EXPECT_TRUE(StringRef(Notes).contains("not writable")) << Notes;
  // The fallback directory is a temporary one: remove it.
  SmallString<256> Dir((*Got)[0].Path);
  for (int I = 0; I < 5; ++I)
    sys::path::remove_filename(Dir);
  EXPECT_TRUE(sys::path::filename(Dir).startswith("lambda-opt-wheels"))
      << std::string(Dir);
  sys::fs::remove_directories(Dir);
}

TEST_F(FetchTest, MissingHashRefusesDownload) {
  WheelRequest R;
  R.Package = "nohash";
  R.URL = "https://127.0.0.1:1/nohash-1.0-py3-none-any.whl";
  std::string Err = errorOf(fetchWheels({R}, options()));
  EXPECT_TRUE(StringRef(Err).contains("no sha256")) << Err;
  R.Sha256Hex = "sha256:xyz";
  Err = errorOf(fetchWheels({R}, options()));
  EXPECT_TRUE(StringRef(Err).contains("invalid sha256")) << Err;
}

} // namespace
