//===- ArtifactTest.cpp - Wheel reader, layout and zip writer tests -------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Artifact/Hash.h"
#include "lambda-opt/Artifact/Layout.h"
#include "lambda-opt/Artifact/Wheel.h"
#include "lambda-opt/Artifact/ZipDirectory.h"
#include "lambda-opt/Artifact/ZipWriter.h"

#include "Common/FixtureTest.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <map>
#include <sys/stat.h>
#include <zip.h>

using namespace llvm;
using namespace lambdaopt;

namespace {

/// A scratch directory removed at the end of the test, and fixture wheels.
class ArtifactTest : public FixtureTest {
protected:
  ArtifactTest() : FixtureTest("lambda-opt-artifact") {}

  std::string readFile(StringRef P) {
    auto Buf = MemoryBuffer::getFile(P, false, false);
    EXPECT_TRUE(bool(Buf)) << P.str();
    return Buf ? (*Buf)->getBuffer().str() : "";
  }

  void writeFile(StringRef P, StringRef Data) {
    sys::fs::create_directories(sys::path::parent_path(P));
    std::error_code EC;
    raw_fd_ostream OS(P, EC);
    ASSERT_FALSE(EC);
    OS << Data;
  }
};

TEST_F(ArtifactTest, Sha256Encodings) {
  EXPECT_EQ(cantFail(sha256Hex("abc")), "ba7816bf8f01cfea414140de5dae2223"
                                        "b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(toBase64(cantFail(sha256("abc"))),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  EXPECT_EQ(cantFail(recordHash("abc")),
            "sha256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
  std::string P = path("big.bin");
  std::string Big(3 << 20, 'x');
  writeFile(P, Big);
  Expected<std::string> Hex = sha256File(P);
  ASSERT_TRUE(bool(Hex)) << toString(Hex.takeError());
  EXPECT_EQ(*Hex, cantFail(sha256Hex(Big)));
  Expected<std::string> Missing = sha256File(path("nope"));
  ASSERT_FALSE(bool(Missing));
  EXPECT_NE(toString(Missing.takeError()).find("nope"), std::string::npos);
}

TEST_F(ArtifactTest, OpensGoodWheel) {
  std::string Whl =
      makeWheel({"--name", "Good.Pkg", "--version", "1.2", "--file",
                 "good/__init__.py=x = 1\\n", "--exec-file",
                 "good/run.sh=#!/bin/sh\\n", "--license", "MIT"});
  Expected<std::unique_ptr<WheelArchive>> W = WheelArchive::open(Whl);
  ASSERT_TRUE(bool(W)) << toString(W.takeError());
  EXPECT_EQ((*W)->getDistInfoDir(), "Good_Pkg-1.2.dist-info");
  EXPECT_EQ((*W)->getDataDir(), "Good_Pkg-1.2.data");
  EXPECT_NE((*W)->getMetadata().find("License: MIT"), StringRef::npos);
  EXPECT_NE((*W)->getWheelText().find("Root-Is-Purelib: true"),
            StringRef::npos);
  uint64_t Sum = 0;
  for (const WheelEntry &E : (*W)->entries())
    Sum += E.Size;
  EXPECT_EQ((*W)->getUnpackedSize(), Sum);
  const WheelEntry *Init = (*W)->findEntry("good/__init__.py");
  ASSERT_TRUE(Init);
  EXPECT_EQ(Init->Size, 6u);
  EXPECT_EQ(Init->Mode, 0644u);
  EXPECT_EQ(Init->Method, 8u);
  const WheelEntry *Run = (*W)->findEntry("good/run.sh");
  ASSERT_TRUE(Run);
  EXPECT_TRUE(Run->isExecutable());
  Expected<std::string> Text = (*W)->readEntry(*Init);
  ASSERT_TRUE(bool(Text));
  EXPECT_EQ(*Text, "x = 1\n");
}

TEST_F(ArtifactTest, RefusesHostileWheels) {
  struct Case {
    const char *Kind;
    const char *Entry;
    const char *Words;
  } Cases[] = {
      {"traversal", "../evil.py", "traversal"},
      {"absolute", "/tmp/evil.py", "absolute"},
      {"symlink", "hsymlink/link", "symbolic link"},
      {"duplicate", "dup/x.py", "more than once"},
      {"header-mismatch", "a/b.py", "local header"},
      {"bomb", "bomb/zeros.bin", "zip bomb"},
      {"no-metadata", "hno_metadata-1.dist-info/METADATA", "missing"},
      {"no-wheel", "hno_wheel-1.dist-info/WHEEL", "missing"},
      {"encrypted", "a/b.py", "encrypted"},
  };
  for (const Case &C : Cases) {
    std::string Whl =
        makeWheel({"--name", std::string("h") + C.Kind, "--version", "1",
                   "--file", "a/b.py=x", "--hostile", C.Kind});
    Expected<std::unique_ptr<WheelArchive>> W = WheelArchive::open(Whl);
    ASSERT_FALSE(bool(W)) << C.Kind;
    std::string Msg = toString(W.takeError());
    EXPECT_NE(Msg.find(Whl), std::string::npos) << C.Kind << ": " << Msg;
    EXPECT_NE(Msg.find(std::string("'") + C.Entry + "'"), std::string::npos)
        << C.Kind << ": " << Msg;
    EXPECT_NE(Msg.find(C.Words), std::string::npos) << C.Kind << ": " << Msg;
  }
}

TEST_F(ArtifactTest, EnforcesSizeLimits) {
  std::string Whl =
      makeWheel({"--name", "big", "--version", "1", "--file",
                 "big/a.txt=0123456789", "--file", "big/b.txt=0123456789"});
  WheelLimits Entry;
  Entry.MaxEntrySize = 9;
  Expected<std::unique_ptr<WheelArchive>> W = WheelArchive::open(Whl, Entry);
  ASSERT_FALSE(bool(W));
  std::string Msg = toString(W.takeError());
  EXPECT_NE(Msg.find("'big/a.txt' is 10 bytes uncompressed, over the 9-byte"),
            std::string::npos)
      << Msg;
  WheelLimits Total;
  Total.MaxTotalSize = 15;
  W = WheelArchive::open(Whl, Total);
  ASSERT_FALSE(bool(W));
  Msg = toString(W.takeError());
  EXPECT_NE(Msg.find("'big/b.txt' brings the uncompressed total to 20 bytes"),
            std::string::npos)
      << Msg;
}

/// Every file under \p Root, relative path -> bytes, without pip's own
/// INSTALLER/REQUESTED/direct_url.json and __pycache__.
std::map<std::string, std::string> walkTree(StringRef Root) {
  std::map<std::string, std::string> Files;
  std::error_code EC;
  for (sys::fs::recursive_directory_iterator It(Root, EC), End;
       It != End && !EC; It.increment(EC)) {
    StringRef P = It->path();
    StringRef Name = sys::path::filename(P);
    if (It->type() == sys::fs::file_type::directory_file) {
      if (Name == "__pycache__")
        It.no_push();
      continue;
    }
    if (Name == "INSTALLER" || Name == "REQUESTED" || Name == "direct_url.json")
      continue;
    auto Buf = MemoryBuffer::getFile(P, false, false);
    Files[P.drop_front(Root.size() + 1).str()] =
        Buf ? (*Buf)->getBuffer().str() : "<unreadable>";
  }
  return Files;
}

/// Drops the RECORD rows pip writes for the three files lambda-opt omits.
std::string stripOmittedRows(StringRef Record) {
  SmallVector<StringRef, 32> Lines;
  Record.split(Lines, "\r\n", -1, false);
  std::string Out;
  for (StringRef L : Lines) {
    StringRef Path = L.split(',').first;
    if (Path.endswith("/INSTALLER") || Path.endswith("/REQUESTED") ||
        Path.endswith("/direct_url.json"))
      continue;
    Out += L.str() + "\r\n";
  }
  return Out;
}

TEST_F(ArtifactTest, LayoutMatchesPipTarget) {
  std::string Foo =
      makeWheel({"--name",      "foo",
                 "--version",   "1.0",
                 "--file",      "foo/__init__.py=print(1)\\n",
                 "--exec-file", "foo/run.sh=#!/bin/sh\\n",
                 "--data-file", "scripts/foo-cli=#!python\\nprint(2)\\n",
                 "--data-file", "scripts/plain=echo hi\\n",
                 "--data-file", "purelib/foo/extra.py=x=1\\n",
                 "--data-file", "headers/foo.h=int x;\\n",
                 "--data-file", "data/share/foo/a.txt=a\\n",
                 "--data-file", "data/lib/bad.txt=b\\n",
                 "--file",      "six.py=# six\\n"});
  std::string Bar =
      makeWheel({"--name", "Bar_Pkg", "--version", "2.0", "--file",
                 "bar/__init__.py=", "--file", "bar/tests/test_x.py=t\\n",
                 "--file", "bar/x.pyi=s\\n", "--stored"});
  std::string Target = path("T");
  runPython({"-m", "pip", "install", "--target", Target, "--no-deps",
             "--no-compile", "--disable-pip-version-check", "--no-index",
             "--quiet", Foo, Bar});
  std::string Exe =
      StringRef(runPython({"-c", "import sys; print(sys.executable)"}))
          .trim()
          .str();

  LayoutOptions Opts;
  Opts.ScriptInterpreter = Exe;
  Expected<InstallPlan> Plan =
      planInstall({{Foo, "foo", ""}, {Bar, "bar-pkg", ""}}, {}, Opts);
  ASSERT_TRUE(bool(Plan)) << toString(Plan.takeError());

  std::map<std::string, std::string> Want = walkTree(Target);
  for (auto &KV : Want)
    if (StringRef(KV.first).endswith("/RECORD"))
      KV.second = stripOmittedRows(KV.second);
  std::map<std::string, std::string> Got;
  std::string Previous;
  for (const PlannedFile &F : Plan->Files) {
    EXPECT_LT(Previous, F.Path);
    Previous = F.Path;
    Expected<std::string> Bytes = Plan->readPlannedFile(F);
    ASSERT_TRUE(bool(Bytes)) << toString(Bytes.takeError());
    EXPECT_EQ(Bytes->size(), F.Size) << F.Path;
    Got[F.Path] = *Bytes;
  }
  ASSERT_EQ(Got.size(), Want.size());
  for (auto &KV : Want) {
    ASSERT_TRUE(Got.count(KV.first)) << KV.first;
    EXPECT_EQ(Got[KV.first], KV.second) << KV.first;
  }
  EXPECT_TRUE(Got.count("bin/foo-cli"));
  EXPECT_TRUE(Got.count("include/python/foo/foo.h"));
  EXPECT_FALSE(Got.count("lib/bad.txt"));

  for (const PlannedFile &F : Plan->Files) {
    if (F.Path == "foo/run.sh" || F.Path == "bin/plain") {
      EXPECT_EQ(F.Mode, 0755u) << F.Path;
    }
    if (F.Path == "foo/__init__.py") {
      EXPECT_EQ(F.Mode, 0644u);
    }
  }
}

TEST_F(ArtifactTest, LayoutConflictsAndHashes) {
  std::string A =
      makeWheel({"--name", "pa", "--version", "1", "--file",
                 "shared/x.py=one\\n", "--file", "shared/same.py=same\\n"});
  std::string B =
      makeWheel({"--name", "pb", "--version", "1", "--file",
                 "shared/x.py=two\\n", "--file", "shared/same.py=same\\n"});
  std::string C = makeWheel(
      {"--name", "pc", "--version", "1", "--file", "shared/same.py=same\\n"});
  Expected<InstallPlan> Plan =
      planInstall({{A, "pa", ""}, {B, "pb", ""}}, {}, LayoutOptions());
  ASSERT_FALSE(bool(Plan));
  std::string Msg = toString(Plan.takeError());
  EXPECT_NE(Msg.find("package 'pa' and package 'pb' both install "
                     "'shared/x.py' with different contents"),
            std::string::npos)
      << Msg;

  Expected<std::string> HashA = sha256File(A);
  ASSERT_TRUE(bool(HashA));
  Plan = planInstall({{A, "pa", "sha256:" + *HashA}, {C, "pc", ""}}, {},
                     LayoutOptions());
  ASSERT_TRUE(bool(Plan)) << toString(Plan.takeError());
  unsigned SameCount = 0;
  for (const PlannedFile &F : Plan->Files)
    SameCount += F.Path == "shared/same.py";
  EXPECT_EQ(SameCount, 1u);

  std::string Wrong(64, '0');
  Plan = planInstall({{A, "pa", Wrong}}, {}, LayoutOptions());
  ASSERT_FALSE(bool(Plan));
  Msg = toString(Plan.takeError());
  EXPECT_NE(Msg.find("sha256 mismatch for package 'pa' in wheel '" + A +
                     "': expected " + Wrong + ", got " + *HashA),
            std::string::npos)
      << Msg;
}

TEST_F(ArtifactTest, DeferredDigestChecks) {
  // Large enough for its check to be deferred: stored, not deflated.
  std::string Big = makeWheel({"--name", "big", "--version", "1", "--stored",
                               "--zero-file", "big/zeros.bin=5000000"});
  std::string Small = makeWheel(
      {"--name", "small", "--version", "1", "--file", "small.py=x = 1\\n"});
  Expected<std::string> BigHash = sha256File(Big);
  Expected<std::string> SmallHash = sha256File(Small);
  ASSERT_TRUE(BigHash && SmallHash);
  LayoutOptions Opts;
  Opts.DeferVerification = true;

  // Intact: planned at once, verified once waited for.
  Expected<InstallPlan> Plan =
      planInstall({{Big, "big", "sha256:" + *BigHash},
                   {Small, "small", "sha256:" + *SmallHash}},
                  {}, Opts);
  ASSERT_TRUE(bool(Plan)) << toString(Plan.takeError());
  ASSERT_NE(Plan->Pending, nullptr);
  EXPECT_EQ(Plan->Wheels[0]->getVerifiedSha256(), "");
  EXPECT_EQ(Plan->Wheels[1]->getVerifiedSha256(), *SmallHash);
  EXPECT_FALSE(bool(Plan->waitVerified()));
  EXPECT_EQ(Plan->Wheels[0]->getVerifiedSha256(), *BigHash);

  // Changed: the plan exists, but waiting names the mismatch, every time.
  std::string Wrong(64, '0');
  Plan = planInstall({{Big, "big", Wrong}}, {}, Opts);
  ASSERT_TRUE(bool(Plan)) << toString(Plan.takeError());
  for (int Call = 0; Call < 2; ++Call) {
    Error E = Plan->waitVerified();
    ASSERT_TRUE(bool(E));
    std::string Msg = toString(std::move(E));
    EXPECT_NE(Msg.find("sha256 mismatch for package 'big' in wheel '" + Big +
                       "': expected " + Wrong + ", got " + *BigHash),
              std::string::npos)
        << Msg;
  }
  EXPECT_EQ(Plan->Wheels[0]->getVerifiedSha256(), "");

  // Not deferred: the mismatch stops planning, as for a small wheel.
  Plan = planInstall({{Big, "big", Wrong}}, {}, LayoutOptions());
  ASSERT_FALSE(bool(Plan));
  consumeError(Plan.takeError());
}

TEST_F(ArtifactTest, FiltersLayerAndIncludes) {
  std::string Boto = makeWheel({"--name", "boto3", "--version", "1.0", "--file",
                                "boto3/__init__.py=b = 1\\n"});
  std::string Lib = makeWheel(
      {"--name", "lib", "--version", "1.0", "--file", "lib/__init__.py=\\n",
       "--file", "lib/tests/test_a.py=assert 1\\n", "--file",
       "lib/test/_x.so=ELF", "--file", "lib/api.pyi=def f(): ...\\n", "--file",
       "lib/__pycache__/m.cpython-312.pyc=pyc"});
  writeFile(path("app/handler.py"), "def handler(e, c): return 1\n");
  writeFile(path("app/pkg/util.py"), "u = 1\n");
  writeFile(path("app/__pycache__/handler.cpython-312.pyc"), "junk");
  writeFile(path("app/pkg/stale.pyc"), "junk");
  writeFile(path("main.py"), "import app\n");

  LayoutOptions Opts;
  Opts.Kind = LayoutKind::Layer;
  Opts.PythonVersion = "3.12";
  Opts.Filters.DropTests = true;
  Opts.Filters.DropPycache = true;
  Opts.Filters.DropStubs = true;
  Opts.Filters.DropPackages = {"boto3", "botocore"};
  Expected<InstallPlan> Plan =
      planInstall({{Boto, "boto3", ""}, {Lib, "lib", ""}},
                  {{path("app")}, {path("main.py")}}, Opts);
  ASSERT_TRUE(bool(Plan)) << toString(Plan.takeError());
  std::vector<std::string> Paths;
  for (const PlannedFile &F : Plan->Files)
    Paths.push_back(F.Path);
  const std::string P = "python/lib/python3.12/site-packages/";
  std::vector<std::string> Want = {P + "app/handler.py",
                                   P + "app/pkg/util.py",
                                   P + "lib-1.0.dist-info/METADATA",
                                   P + "lib-1.0.dist-info/RECORD",
                                   P + "lib-1.0.dist-info/WHEEL",
                                   P + "lib/__init__.py",
                                   P + "lib/test/_x.so",
                                   P + "main.py"};
  EXPECT_EQ(Paths, Want);
  EXPECT_EQ(Plan->Tests.Files, 1u);
  EXPECT_EQ(Plan->Tests.Bytes, 9u);
  EXPECT_EQ(Plan->Stubs.Files, 1u);
  EXPECT_EQ(Plan->Pycache.Files, 1u);
  EXPECT_EQ(Plan->Packages.Files, 4u); // boto3/__init__.py + 3 dist-info.
}

/// Compressed bytes of entry \p Name of the zip at \p Path.
std::string rawEntry(StringRef Path, StringRef Name, int *Method = nullptr) {
  int Err = 0;
  zip_t *Za = zip_open(Path.str().c_str(), ZIP_RDONLY, &Err);
  if (!Za)
    return "<cannot open>";
  zip_stat_t St;
  std::string Out;
  if (zip_stat(Za, Name.str().c_str(), 0, &St) == 0) {
    zip_file_t *F = zip_fopen_index(Za, St.index, ZIP_FL_COMPRESSED);
    Out.resize(St.comp_size);
    if (!F || zip_fread(F, &Out[0], St.comp_size) != (int64_t)St.comp_size)
      Out = "<cannot read>";
    if (F)
      zip_fclose(F);
    if (Method)
      *Method = St.comp_method;
  }
  zip_discard(Za);
  return Out;
}

TEST_F(ArtifactTest, ZipIsReproducibleAndRaw) {
  std::string Foo =
      makeWheel({"--name", "foo", "--version", "1.0", "--file",
                 "foo/__init__.py=print('hello hello hello hello')\\n",
                 "--exec-file", "foo/run.sh=#!/bin/sh\\n", "--data-file",
                 "scripts/foo-cli=#!python\\nprint(2)\\n"});
  std::string Bar = makeWheel({"--name", "bar", "--version", "2.0", "--file",
                               "bar/__init__.py=B = 2\\n", "--stored"});
  writeFile(path("src/app/handler.py"), "def handler(e, c):\n  return 1\n");

  auto Build = [&](StringRef Out, unsigned Umask,
                   sys::TimePoint<> MTime) -> Expected<ZipResult> {
    int FD;
    if (!sys::fs::openFileForWrite(path("src/app/handler.py"), FD,
                                   sys::fs::CD_OpenExisting,
                                   sys::fs::OF_Append)) {
      sys::fs::setLastAccessAndModificationTime(FD, MTime);
      sys::fs::closeFile(FD);
    }
    mode_t Old = ::umask(Umask);
    Expected<InstallPlan> Plan =
        planInstall({{Foo, "foo", ""}, {Bar, "bar", ""}}, {{path("src/app")}},
                    LayoutOptions());
    if (!Plan) {
      ::umask(Old);
      return Plan.takeError();
    }
    Expected<ZipResult> R = writeZip(*Plan, Out);
    ::umask(Old);
    return R;
  };
  std::string Out1 = path("out1.zip"), Out2 = path("out2/out.zip");
  sys::fs::create_directories(path("out2"));
  Expected<ZipResult> R1 = Build(Out1, 022, sys::TimePoint<>());
  ASSERT_TRUE(bool(R1)) << toString(R1.takeError());
  Expected<ZipResult> R2 =
      Build(Out2, 077, sys::TimePoint<>(std::chrono::hours(24 * 365 * 40)));
  ASSERT_TRUE(bool(R2)) << toString(R2.takeError());
  std::string Bytes1 = readFile(Out1), Bytes2 = readFile(Out2);
  EXPECT_EQ(Bytes1, Bytes2);
  EXPECT_EQ(R1->Sha256Hex, cantFail(sha256Hex(Bytes1)));
  EXPECT_EQ(R1->CodeSha256, toBase64(cantFail(sha256(Bytes1))));
  EXPECT_EQ(R1->CompressedSize, Bytes1.size());
  EXPECT_EQ(R1->Sha256Hex, R2->Sha256Hex);
  // 8 files plus 7 directories and 2 dist-info directories.
  EXPECT_EQ(R1->EntryCount, 17u);

  // Wheel entries are copied compressed, method kept.
  int Method = -1;
  EXPECT_EQ(rawEntry(Out1, "foo/__init__.py", &Method),
            rawEntry(Foo, "foo/__init__.py"));
  EXPECT_EQ(Method, ZIP_CM_DEFLATE);
  EXPECT_EQ(rawEntry(Out1, "bar/__init__.py", &Method), "B = 2\n");
  EXPECT_EQ(Method, ZIP_CM_STORE);

  // Python's zipfile agrees on names, order, times, modes, extras, content.
  std::string Check = R"(
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
names = [i.filename for i in z.infolist()]
assert names == sorted(names, key=lambda n: n.encode()), names
for i in z.infolist():
    assert i.date_time == (1980, 1, 1, 0, 0, 0), (i.filename, i.date_time)
    assert i.extra == b"", (i.filename, i.extra)
    mode = i.external_attr >> 16
    if i.filename.endswith("/"):
        assert mode == 0o40755, (i.filename, oct(mode))
    elif i.filename in ("foo/run.sh", "bin/foo-cli"):
        assert mode == 0o100755, (i.filename, oct(mode))
    else:
        assert mode == 0o100644, (i.filename, oct(mode))
for d in ("app/", "bin/", "foo/", "bar/", "foo-1.0.dist-info/"):
    assert d in names, d
assert z.read("bin/foo-cli") == b"#!/var/lang/bin/python3\nprint(2)\n"
assert z.read("app/handler.py") == b"def handler(e, c):\n  return 1\n"
print(len(names))
)";
  std::string Script = path("check.py");
  writeFile(Script, Check);
  std::string Count = runPython({Script, Out1});
  EXPECT_EQ(StringRef(Count).trim(), std::to_string(R1->EntryCount));

  ErrorOr<std::string> Unzip = sys::findProgramByName("unzip");
  if (Unzip) {
    StringRef Argv[] = {*Unzip, "-t", "-q", Out1};
    std::string Log = path("unzip.txt");
    Optional<StringRef> Redirects[] = {None, StringRef(Log), StringRef(Log)};
    std::string ErrMsg;
    EXPECT_EQ(sys::ExecuteAndWait(*Unzip, Argv, None, Redirects, 0, 0, &ErrMsg),
              0)
        << ErrMsg << readFile(Log);
  }
}

TEST_F(ArtifactTest, ZipPastSixtyFiveThousandEntriesUsesZip64) {
  // 70,000 files (plus their directories) do not fit the classic end record's
  // 16-bit count: the writer adds the ZIP64 end record and locator, and
  // Python's zipfile reads every entry back.
  InstallPlan Plan;
  for (unsigned I = 0; I < 70000; ++I) {
    PlannedFile F;
    F.Path = formatv("pkg/d{0}/m{1}.py", I / 1000, I).str();
    F.Data = formatv("X = {0}\n", I).str();
    F.Size = F.Data.size();
    Plan.Files.push_back(std::move(F));
  }
  llvm::sort(Plan.Files, [](const PlannedFile &A, const PlannedFile &B) {
    return A.Path < B.Path;
  });
  std::string Out = path("big.zip");
  Expected<ZipResult> R = writeZip(Plan, Out);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_EQ(R->EntryCount, 70000u + 70u + 1u);
  std::string Bytes = readFile(Out);
  // The classic end record saturates its counts; the ZIP64 locator precedes it.
  ASSERT_GE(Bytes.size(), 22u + 20u);
  StringRef Tail = StringRef(Bytes).take_back(22 + 20);
  EXPECT_EQ(Tail.substr(0, 4), StringRef("PK\x06\x07", 4));
  EXPECT_EQ(Tail.substr(20, 4), StringRef("PK\x05\x06", 4));
  EXPECT_EQ(Tail.substr(20 + 8, 4), StringRef("\xff\xff\xff\xff", 4));
  std::string Script = path("check64.py");
  writeFile(Script, R"(
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.read("pkg/d69/m69999.py") == b"X = 69999\n"
print(len(z.infolist()))
)");
  EXPECT_EQ(StringRef(runPython({Script, Out})).trim(),
            std::to_string(R->EntryCount));
}

TEST_F(ArtifactTest, FailedWriteLeavesNoFile) {
  std::string Foo = makeWheel(
      {"--name", "foo", "--version", "1.0", "--file", "foo/__init__.py=x\\n"});
  writeFile(path("out/app.py"), "print(1)\n");
  writeFile(path("gone.py"), "print(2)\n");
  Expected<InstallPlan> Plan =
      planInstall({{Foo, "foo", ""}}, {{path("gone.py")}}, LayoutOptions());
  ASSERT_TRUE(bool(Plan)) << toString(Plan.takeError());
  ASSERT_FALSE(sys::fs::remove(path("gone.py")));
  std::string Out = path("out/fn.zip");
  Expected<ZipResult> R = writeZip(*Plan, Out);
  ASSERT_FALSE(bool(R));
  consumeError(R.takeError());
  EXPECT_FALSE(sys::fs::exists(Out));
  // Nothing but the pre-existing file is left in the output directory.
  std::error_code EC;
  unsigned Count = 0;
  for (sys::fs::directory_iterator It(path("out"), EC), End; It != End && !EC;
       It.increment(EC))
    ++Count;
  EXPECT_EQ(Count, 1u);

  // With the inputs intact the same call succeeds.
  ZipOptions Opts;
  Opts.SourceDateEpoch = 1700000000;
  sys::fs::remove(path("out/app.py"));
  Expected<InstallPlan> Good =
      planInstall({{Foo, "foo", ""}}, {}, LayoutOptions());
  ASSERT_TRUE(bool(Good));
  Expected<ZipResult> R2 = writeZip(*Good, Out, Opts);
  ASSERT_TRUE(bool(R2)) << toString(R2.takeError());
  EXPECT_TRUE(sys::fs::exists(Out));
}

} // namespace

TEST_F(ArtifactTest, ZipDirectoryFromTheTailAlone) {
  std::string Whl =
      makeWheel({"--name", "tail", "--version", "1", "--file",
                 "tail/a.py=a = 1\\n", "--zero-file", "tail/zeros.bin=300000"});
  std::string Bytes = readFile(Whl);
  Expected<std::unique_ptr<WheelArchive>> W = WheelArchive::open(Whl);
  ASSERT_TRUE(bool(W)) << toString(W.takeError());
  // A tail of any length that holds the end record finds the directory.
  for (uint64_t TailSize : {uint64_t(22 + 200), uint64_t(ZipTailSize)}) {
    StringRef Tail = StringRef(Bytes).take_back(TailSize);
    Expected<ZipDirectoryLocation> L = locateZipDirectory(Tail, Bytes.size());
    ASSERT_TRUE(bool(L)) << toString(L.takeError());
    EXPECT_EQ(L->Entries, (*W)->entries().size());
    EXPECT_EQ(L->Offset + L->Size + 22, Bytes.size());
    Expected<uint64_t> Sum = sumZipDirectorySizes(
        StringRef(Bytes).substr(L->Offset, L->Size), L->Entries);
    ASSERT_TRUE(bool(Sum)) << toString(Sum.takeError());
    EXPECT_EQ(*Sum, (*W)->getUnpackedSize());
  }
  // No end record, a truncated directory.
  Expected<ZipDirectoryLocation> None =
      locateZipDirectory(StringRef(Bytes).take_front(100), 100);
  EXPECT_FALSE(bool(None));
  consumeError(None.takeError());
  Expected<ZipDirectoryLocation> L =
      locateZipDirectory(StringRef(Bytes).take_back(1000), Bytes.size());
  ASSERT_TRUE(bool(L));
  Expected<uint64_t> Short = sumZipDirectorySizes(
      StringRef(Bytes).substr(L->Offset, L->Size / 2), L->Entries);
  ASSERT_FALSE(bool(Short));
  EXPECT_NE(toString(Short.takeError()).find("central directory entry"),
            std::string::npos);
}
