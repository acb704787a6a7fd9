//===- OCIImageTest.cpp - Tests for the OCI image writer ------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Image/OCIImage.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include <sys/stat.h>

using namespace llvm;
using namespace lambdaopt;

namespace {

constexpr int64_t Epoch = 1700000000;

std::string readAll(const Twine &Path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buf =
      MemoryBuffer::getFile(Path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!Buf)
    return "<unreadable " + Path.str() + ">";
  return (*Buf)->getBuffer().str();
}

std::string sha256(StringRef Data) {
  unsigned char Md[EVP_MAX_MD_SIZE];
  unsigned Len = 0;
  EVP_Digest(Data.data(), Data.size(), Md, &Len, EVP_sha256(), nullptr);
  return "sha256:" + toHex(ArrayRef<uint8_t>(Md, Len), /*LowerCase=*/true);
}

std::string blobFile(StringRef Layout, StringRef Digest) {
  SmallString<256> P(Layout);
  sys::path::append(P, "blobs", "sha256", Digest.drop_front(7));
  return std::string(P);
}

void writeText(const Twine &Path, StringRef Data) {
  std::error_code EC;
  raw_fd_ostream OS(Path.str(), EC);
  ASSERT_FALSE(EC) << EC.message();
  OS << Data;
}

/// Decompresses a gzip'd blob with libarchive's raw reader.
std::string gunzip(StringRef Data) {
  struct archive *A = archive_read_new();
  archive_read_support_filter_gzip(A);
  archive_read_support_format_raw(A);
  std::string Out;
  struct archive_entry *E;
  if (archive_read_open_memory(A, Data.data(), Data.size()) == ARCHIVE_OK &&
      archive_read_next_header(A, &E) == ARCHIVE_OK) {
    char Buf[8192];
    la_ssize_t N;
    while ((N = archive_read_data(A, Buf, sizeof(Buf))) > 0)
      Out.append(Buf, static_cast<size_t>(N));
  }
  archive_read_free(A);
  return Out;
}

struct TarRow {
  std::string Name;
  unsigned Mode;
  int64_t UID, GID, MTime;
  bool HasATime;
};

std::vector<TarRow> listLayer(StringRef Gz) {
  struct archive *A = archive_read_new();
  archive_read_support_filter_gzip(A);
  archive_read_support_format_tar(A);
  std::vector<TarRow> Rows;
  struct archive_entry *E;
  if (archive_read_open_memory(A, Gz.data(), Gz.size()) == ARCHIVE_OK)
    while (archive_read_next_header(A, &E) == ARCHIVE_OK)
      Rows.push_back({archive_entry_pathname(E),
                      static_cast<unsigned>(archive_entry_mode(E)),
                      archive_entry_uid(E), archive_entry_gid(E),
                      archive_entry_mtime(E),
                      archive_entry_atime_is_set(E) != 0});
  archive_read_free(A);
  return Rows;
}

/// Runs a tool; returns its exit code (-1 when absent) and fills Stdout.
int runTool(StringRef Name, ArrayRef<StringRef> Args, StringRef TmpDir,
            std::string &Stdout, std::string &Stderr) {
  ErrorOr<std::string> Prog = sys::findProgramByName(Name);
  if (!Prog)
    return -1;
  SmallString<256> OutFile(TmpDir), ErrFile(TmpDir);
  sys::path::append(OutFile, Name + ".stdout");
  sys::path::append(ErrFile, Name + ".stderr");
  std::vector<StringRef> Argv = {*Prog};
  Argv.insert(Argv.end(), Args.begin(), Args.end());
  Optional<StringRef> Redirects[] = {None, StringRef(OutFile),
                                     StringRef(ErrFile)};
  int RC = sys::ExecuteAndWait(*Prog, Argv, None, Redirects);
  Stdout = readAll(OutFile);
  Stderr = readAll(ErrFile);
  sys::fs::remove(OutFile);
  sys::fs::remove(ErrFile);
  return RC;
}

/// Parses JSON text; the test fails when it is malformed.
struct ParsedJSON {
  json::Value Root = nullptr;
  bool parse(StringRef Text) {
    Expected<json::Value> V = json::parse(Text);
    if (!V) {
      consumeError(V.takeError());
      return false;
    }
    Root = std::move(*V);
    return true;
  }
};

/// The value at JSON pointer \p Pointer (RFC 6901), or null.
const json::Value *resolve(const json::Value &Root, StringRef Pointer) {
  const json::Value *Cur = &Root;
  SmallVector<StringRef, 8> Tokens;
  Pointer.split(Tokens, '/');
  for (StringRef Raw : makeArrayRef(Tokens).drop_front()) {
    std::string Token = Raw.str();
    for (size_t P; (P = Token.find("~1")) != std::string::npos;)
      Token.replace(P, 2, "/");
    for (size_t P; (P = Token.find("~0")) != std::string::npos;)
      Token.replace(P, 2, "~");
    if (const json::Object *O = Cur->getAsObject()) {
      Cur = O->get(Token);
    } else if (const json::Array *A = Cur->getAsArray()) {
      size_t I;
      if (StringRef(Token).getAsInteger(10, I) || I >= A->size())
        return nullptr;
      Cur = &(*A)[I];
    } else {
      return nullptr;
    }
    if (!Cur)
      return nullptr;
  }
  return Cur;
}

std::string getString(const json::Value &E, const char *Pointer) {
  const json::Value *V = resolve(E, Pointer);
  if (!V || !V->getAsString())
    return "<missing " + std::string(Pointer) + ">";
  return V->getAsString()->str();
}

size_t getArraySize(const json::Value &E, const char *Pointer) {
  const json::Value *V = resolve(E, Pointer);
  if (!V || !V->getAsArray())
    return 0;
  return V->getAsArray()->size();
}

std::vector<ImageLayerSpec> sampleLayers() {
  ImageLayerSpec Deps;
  Deps.Comment = "dependencies";
  Deps.Root = "/var/task";
  Deps.Files = {{"requests/__init__.py", 0644, "__version__ = '2.32.3'\n"},
                {"bin/tool", 0755, "#!/bin/sh\necho tool\n"}};
  ImageLayerSpec App;
  App.Comment = "application";
  App.Root = "/var/task";
  App.Files = {
      {"app/main.py", 0644, "def handler(event, context):\n    return 1\n"}};
  return {Deps, App};
}

ImageConfigSpec sampleConfig(StringRef Arch = "x86_64") {
  ImageConfigSpec C;
  C.Arch = Arch.str();
  C.Cmd = {"app.main.handler"};
  C.Created = Epoch;
  C.RefName = "latest";
  return C;
}

class ImageTest : public ::testing::Test {
protected:
  SmallString<256> Dir;

  void SetUp() override {
    ASSERT_FALSE(sys::fs::createUniqueDirectory("lambda-opt-image-test", Dir));
  }
  void TearDown() override { sys::fs::remove_directories(Dir); }

  std::string path(StringRef Name) const {
    SmallString<256> P(Dir);
    sys::path::append(P, Name);
    return std::string(P);
  }

  /// Names directly inside the test directory, sorted.
  std::vector<std::string> listDir() const {
    std::vector<std::string> Names;
    std::error_code EC;
    for (sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
         It.increment(EC))
      Names.push_back(sys::path::filename(It->path()).str());
    llvm::sort(Names);
    return Names;
  }

  /// A one-layer base image with its own entrypoint and environment.
  ImageResult makeBase(StringRef Name, StringRef Arch, StringRef Tag) {
    ImageLayerSpec Layer;
    Layer.Comment = "base runtime";
    Layer.Root = "/opt/base";
    Layer.Files = {{"bootstrap", 0755, ("#!/bin/sh\n# " + Arch + "\n").str()}};
    ImageConfigSpec C;
    C.Arch = Arch.str();
    C.Cmd = {"base.handler"};
    C.Entrypoint = {"/lambda-entrypoint.sh"};
    C.Env = {"PATH=/usr/local/bin:/usr/bin", "LANG=en_US.UTF-8"};
    C.Created = 1600000000;
    C.RefName = Tag.str();
    Expected<ImageResult> R = writeOCIImage(path(Name), Layer, C, nullptr);
    EXPECT_TRUE(bool(R)) << toString(R.takeError());
    return R ? *R : ImageResult();
  }
};

TEST(ImageRefTest, ParsesOCIReferences) {
  Expected<BaseImage> A = parseBaseImageRef("oci:/srv/base:3.12");
  ASSERT_TRUE(bool(A)) << toString(A.takeError());
  EXPECT_EQ(A->LayoutDir, "/srv/base");
  EXPECT_EQ(A->Tag, "3.12");

  Expected<BaseImage> B = parseBaseImageRef("oci:base");
  ASSERT_TRUE(bool(B)) << toString(B.takeError());
  EXPECT_EQ(B->LayoutDir, "base");
  EXPECT_EQ(B->Tag, "");

  Expected<BaseImage> C = parseBaseImageRef("oci:/a:b/layout");
  ASSERT_TRUE(bool(C)) << toString(C.takeError());
  EXPECT_EQ(C->LayoutDir, "/a:b/layout");
  EXPECT_EQ(C->Tag, "");

  for (StringRef Bad : {"docker://python:3.12", "oci:", "oci:dir:", "oci::x"}) {
    Expected<BaseImage> R = parseBaseImageRef(Bad);
    EXPECT_FALSE(bool(R)) << Bad.str() << " was accepted";
    if (!R)
      consumeError(R.takeError());
  }
}

TEST(ImageRefTest, NormalizesArchitectures) {
  EXPECT_EQ(cantFail(normalizeImageArch("x86_64")), "amd64");
  EXPECT_EQ(cantFail(normalizeImageArch("amd64")), "amd64");
  EXPECT_EQ(cantFail(normalizeImageArch("aarch64")), "arm64");
  EXPECT_EQ(cantFail(normalizeImageArch("arm64")), "arm64");
  Expected<std::string> Bad = normalizeImageArch("ppc64le");
  ASSERT_FALSE(bool(Bad));
  EXPECT_NE(toString(Bad.takeError()).find("ppc64le"), std::string::npos);
}

TEST_F(ImageTest, WritesLayoutWithDeterministicLayers) {
  std::string Out = path("image");
  Expected<ImageResult> R =
      writeOCIImage(Out, sampleLayers(), sampleConfig(), nullptr);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_EQ(readAll(Out + "/oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
  ASSERT_EQ(R->LayerDigests.size(), 2u);

  ParsedJSON Index;
  ASSERT_TRUE(Index.parse(readAll(Out + "/index.json")));
  EXPECT_EQ(getString(Index.Root, "/manifests/0/digest"), R->ManifestDigest);
  EXPECT_EQ(getString(Index.Root, "/manifests/0/annotations/"
                                  "org.opencontainers.image.ref.name"),
            "latest");
  EXPECT_EQ(getArraySize(Index.Root, "/manifests"), 1u);

  std::string ManText = readAll(blobFile(Out, R->ManifestDigest));
  EXPECT_EQ(sha256(ManText), R->ManifestDigest);
  ParsedJSON Man;
  ASSERT_TRUE(Man.parse(ManText));
  EXPECT_EQ(getString(Man.Root, "/config/digest"), R->ConfigDigest);
  EXPECT_EQ(getString(Man.Root, "/layers/1/mediaType"),
            "application/vnd.oci.image.layer.v1.tar+gzip");

  ParsedJSON Cfg;
  ASSERT_TRUE(Cfg.parse(readAll(blobFile(Out, R->ConfigDigest))));
  EXPECT_EQ(getString(Cfg.Root, "/architecture"), "amd64");
  EXPECT_EQ(getString(Cfg.Root, "/os"), "linux");
  EXPECT_EQ(getString(Cfg.Root, "/created"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(getString(Cfg.Root, "/config/Cmd/0"), "app.main.handler");
  EXPECT_EQ(getString(Cfg.Root, "/config/WorkingDir"), "/var/task");
  EXPECT_EQ(getString(Cfg.Root, "/config/Env/0"), "LAMBDA_TASK_ROOT=/var/task");
  EXPECT_EQ(getArraySize(Cfg.Root, "/history"), 2u);
  EXPECT_EQ(getString(Cfg.Root, "/history/0/comment"), "dependencies");

  for (size_t I = 0; I != 2; ++I) {
    std::string Gz = readAll(blobFile(Out, R->LayerDigests[I]));
    EXPECT_EQ(sha256(Gz), R->LayerDigests[I]);
    ASSERT_GT(Gz.size(), 10u);
    // gzip header: magic, deflate, no flags (no name), zero mtime.
    EXPECT_EQ(Gz.substr(0, 8), std::string("\x1f\x8b\x08\0\0\0\0\0", 8));
    std::string Pointer = "/rootfs/diff_ids/" + std::to_string(I);
    EXPECT_EQ(getString(Cfg.Root, Pointer.c_str()), sha256(gunzip(Gz)));
  }

  std::vector<TarRow> Rows =
      listLayer(readAll(blobFile(Out, R->LayerDigests[0])));
  std::vector<std::string> Names;
  for (const TarRow &Row : Rows) {
    Names.push_back(Row.Name);
    EXPECT_EQ(Row.UID, 0);
    EXPECT_EQ(Row.GID, 0);
    EXPECT_EQ(Row.MTime, Epoch);
    EXPECT_FALSE(Row.HasATime);
  }
  std::vector<std::string> Expected = {"var/",
                                       "var/task/",
                                       "var/task/bin/",
                                       "var/task/bin/tool",
                                       "var/task/requests/",
                                       "var/task/requests/__init__.py"};
  EXPECT_EQ(Names, Expected);
  ASSERT_EQ(Rows.size(), 6u);
  EXPECT_EQ(Rows[0].Mode, unsigned(S_IFDIR | 0755));
  EXPECT_EQ(Rows[3].Mode, unsigned(S_IFREG | 0755));
  EXPECT_EQ(Rows[5].Mode, unsigned(S_IFREG | 0644));
}

TEST_F(ImageTest, TwoRunsGiveIdenticalDigests) {
  Expected<ImageResult> A =
      writeOCIImage(path("one"), sampleLayers(), sampleConfig(), nullptr);
  ASSERT_TRUE(bool(A)) << toString(A.takeError());
  Expected<ImageResult> B =
      writeOCIImage(path("two"), sampleLayers(), sampleConfig(), nullptr);
  ASSERT_TRUE(bool(B)) << toString(B.takeError());
  EXPECT_EQ(A->ManifestDigest, B->ManifestDigest);
  EXPECT_EQ(A->ConfigDigest, B->ConfigDigest);
  EXPECT_EQ(A->LayerDigests, B->LayerDigests);
  EXPECT_EQ(readAll(path("one") + "/index.json"),
            readAll(path("two") + "/index.json"));

  // A different creation time changes the digests.
  ImageConfigSpec Later = sampleConfig();
  Later.Created = Epoch + 1;
  Expected<ImageResult> C =
      writeOCIImage(path("one"), sampleLayers(), Later, nullptr);
  ASSERT_TRUE(bool(C)) << toString(C.takeError());
  EXPECT_NE(C->ManifestDigest, A->ManifestDigest);
  EXPECT_NE(C->LayerDigests[0], A->LayerDigests[0]);
  // Replacing a layout leaves no stale blobs and no temporary directories.
  EXPECT_FALSE(sys::fs::exists(blobFile(path("one"), A->LayerDigests[0])));
  EXPECT_EQ(listDir(), (std::vector<std::string>{"one", "two"}));
}

TEST_F(ImageTest, ExternalToolsAcceptTheLayout) {
  std::string Out = path("image");
  Expected<ImageResult> R =
      writeOCIImage(Out, sampleLayers(), sampleConfig("arm64"), nullptr);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  std::string StdOut, StdErr;
  bool RanAny = false;

  int RC = runTool("oci-image-tool",
                   {"validate", "--type", "image", "--ref", "name=latest", Out},
                   Dir, StdOut, StdErr);
  if (RC != -1) {
    RanAny = true;
    EXPECT_EQ(RC, 0) << StdOut << StdErr;
  }

  std::string Bundle = path("bundle");
  RC = runTool("umoci",
               {"unpack", "--rootless", "--image", Out + ":latest", Bundle},
               Dir, StdOut, StdErr);
  if (RC != -1) {
    RanAny = true;
    ASSERT_EQ(RC, 0) << StdOut << StdErr;
    std::string Root = Bundle + "/rootfs/var/task/";
    EXPECT_EQ(readAll(Root + "app/main.py"),
              "def handler(event, context):\n    return 1\n");
    EXPECT_EQ(readAll(Root + "requests/__init__.py"),
              "__version__ = '2.32.3'\n");
    sys::fs::file_status Status;
    ASSERT_FALSE(sys::fs::status(Root + "bin/tool", Status));
    EXPECT_EQ(unsigned(Status.permissions()), 0755u);
    ASSERT_FALSE(sys::fs::status(Root + "app/main.py", Status));
    EXPECT_EQ(unsigned(Status.permissions()), 0644u);
  }

  RC = runTool("skopeo", {"inspect", "--config", "oci:" + Out + ":latest"}, Dir,
               StdOut, StdErr);
  if (RC != -1) {
    RanAny = true;
    ASSERT_EQ(RC, 0) << StdOut << StdErr;
    ParsedJSON Cfg;
    ASSERT_TRUE(Cfg.parse(StdOut)) << StdOut;
    EXPECT_EQ(getString(Cfg.Root, "/architecture"), "arm64");
    EXPECT_EQ(getString(Cfg.Root, "/config/Cmd/0"), "app.main.handler");
  }
  if (!RanAny)
    GTEST_SKIP() << "none of oci-image-tool, umoci, skopeo is installed";
}

TEST_F(ImageTest, StacksOnBaseImage) {
  ImageResult Base = makeBase("base", "amd64", "3.12");
  ASSERT_EQ(Base.LayerDigests.size(), 1u);
  BaseImage Ref = cantFail(parseBaseImageRef("oci:" + path("base") + ":3.12"));
  std::string Out = path("image");
  Expected<ImageResult> R =
      writeOCIImage(Out, sampleLayers(), sampleConfig(), &Ref);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  ASSERT_EQ(R->LayerDigests.size(), 3u);
  EXPECT_EQ(R->LayerDigests[0], Base.LayerDigests[0]);
  EXPECT_EQ(sha256(readAll(blobFile(Out, R->LayerDigests[0]))),
            Base.LayerDigests[0]);

  ParsedJSON Cfg;
  ASSERT_TRUE(Cfg.parse(readAll(blobFile(Out, R->ConfigDigest))));
  EXPECT_EQ(getString(Cfg.Root, "/config/Entrypoint/0"),
            "/lambda-entrypoint.sh");
  EXPECT_EQ(getString(Cfg.Root, "/config/Cmd/0"), "app.main.handler");
  EXPECT_EQ(getArraySize(Cfg.Root, "/config/Env"), 3u);
  EXPECT_EQ(getString(Cfg.Root, "/config/Env/0"),
            "PATH=/usr/local/bin:/usr/bin");
  EXPECT_EQ(getString(Cfg.Root, "/config/Env/2"), "LAMBDA_TASK_ROOT=/var/task");
  EXPECT_EQ(getArraySize(Cfg.Root, "/rootfs/diff_ids"), 3u);
  EXPECT_EQ(getArraySize(Cfg.Root, "/history"), 3u);
  EXPECT_EQ(getString(Cfg.Root, "/history/0/comment"), "base runtime");
  EXPECT_EQ(getString(Cfg.Root, "/history/0/created"), "2020-09-13T12:26:40Z");

  std::string StdOut, StdErr;
  std::string Bundle = path("bundle");
  int RC = runTool("umoci",
                   {"unpack", "--rootless", "--image", Out + ":latest", Bundle},
                   Dir, StdOut, StdErr);
  if (RC == -1)
    GTEST_SKIP() << "umoci is not installed";
  ASSERT_EQ(RC, 0) << StdOut << StdErr;
  EXPECT_EQ(readAll(Bundle + "/rootfs/opt/base/bootstrap"),
            "#!/bin/sh\n# amd64\n");
  EXPECT_EQ(readAll(Bundle + "/rootfs/var/task/app/main.py"),
            "def handler(event, context):\n    return 1\n");
}

TEST_F(ImageTest, FollowsImageIndexToPlatform) {
  ImageResult Arm = makeBase("arm", "arm64", "a");
  ImageResult Amd = makeBase("amd", "amd64", "b");
  // A multi-platform layout holding both images behind one index blob.
  std::string Multi = path("multi");
  ASSERT_FALSE(sys::fs::create_directories(Multi + "/blobs/sha256"));
  for (auto [Layout, Img] :
       {std::make_pair(path("arm"), &Arm), std::make_pair(path("amd"), &Amd)}) {
    for (const std::string &D :
         {Img->ManifestDigest, Img->ConfigDigest, Img->LayerDigests[0]})
      ASSERT_FALSE(sys::fs::copy_file(blobFile(Layout, D), blobFile(Multi, D)));
  }
  auto Desc = [&](const ImageResult &Img, StringRef Arch) {
    size_t Size = readAll(blobFile(Multi, Img.ManifestDigest)).size();
    return "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
           "\"digest\":\"" +
           Img.ManifestDigest + "\",\"size\":" + std::to_string(Size) +
           ",\"platform\":{\"architecture\":\"" + Arch.str() +
           "\",\"os\":\"linux\"}}";
  };
  std::string IndexBlob =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index."
      "v1+json\",\"manifests\":[" +
      Desc(Amd, "amd64") + "," + Desc(Arm, "arm64") + "]}";
  writeText(blobFile(Multi, sha256(IndexBlob)), IndexBlob);
  writeText(Multi + "/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
  writeText(Multi + "/index.json",
            "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
            "\"application/vnd.oci.image.index.v1+json\",\"digest\":\"" +
                sha256(IndexBlob) +
                "\",\"size\":" + std::to_string(IndexBlob.size()) +
                ",\"annotations\":{\"org.opencontainers.image.ref.name\":"
                "\"multi\"}}]}");

  BaseImage Ref{Multi, "multi"};
  Expected<ImageResult> R = writeOCIImage(path("out-arm"), sampleLayers(),
                                          sampleConfig("arm64"), &Ref);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_EQ(R->LayerDigests[0], Arm.LayerDigests[0]);
  Ref.Tag = ""; // The only manifest in index.json.
  R = writeOCIImage(path("out-amd"), sampleLayers(), sampleConfig("x86_64"),
                    &Ref);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_EQ(R->LayerDigests[0], Amd.LayerDigests[0]);
}

TEST_F(ImageTest, RefusesArchitectureMismatch) {
  makeBase("base", "arm64", "latest");
  BaseImage Ref{path("base"), "latest"};
  Expected<ImageResult> R = writeOCIImage(path("image"), sampleLayers(),
                                          sampleConfig("x86_64"), &Ref);
  ASSERT_FALSE(bool(R));
  std::string Msg = toString(R.takeError());
  EXPECT_NE(Msg.find("is arm64, --arch=x86_64 needs amd64"), std::string::npos)
      << Msg;
  EXPECT_EQ(listDir(), std::vector<std::string>{"base"});
}

TEST_F(ImageTest, RefusesBrokenBaseLayouts) {
  ImageResult Base = makeBase("base", "amd64", "latest");
  BaseImage Ref{path("base"), "latest"};
  auto Fails = [&](StringRef Needle) {
    Expected<ImageResult> R =
        writeOCIImage(path("image"), sampleLayers(), sampleConfig(), &Ref);
    if (R)
      return std::string("unexpectedly succeeded");
    std::string Msg = toString(R.takeError());
    if (Msg.find(Needle.str()) == std::string::npos)
      return "error '" + Msg + "' lacks '" + Needle.str() + "'";
    return std::string();
  };

  Ref.Tag = "3.13";
  EXPECT_EQ(Fails("no manifest tagged '3.13' (tags: latest)"), "");
  Ref.Tag = "latest";

  // A layer blob with the right size but the wrong bytes.
  std::string LayerFile = blobFile(path("base"), Base.LayerDigests[0]);
  std::string Good = readAll(LayerFile);
  std::string Bad = Good;
  Bad[Bad.size() / 2] ^= 0x55;
  writeText(LayerFile, Bad);
  EXPECT_EQ(Fails("is corrupt: its digest is " + sha256(Bad)), "");
  EXPECT_EQ(listDir(), std::vector<std::string>{"base"});
  writeText(LayerFile, Good);

  std::string CfgFile = blobFile(path("base"), Base.ConfigDigest);
  std::string Cfg = readAll(CfgFile);
  ASSERT_FALSE(sys::fs::remove(CfgFile));
  EXPECT_EQ(Fails("cannot read blob '" + CfgFile + "'"), "");
  writeText(CfgFile, Cfg);

  std::string IndexFile = path("base") + "/index.json";
  std::string Index = readAll(IndexFile);
  writeText(IndexFile, "{\"manifests\": [");
  EXPECT_EQ(Fails(IndexFile + "' is not valid JSON"), "");
  writeText(IndexFile, Index);

  EXPECT_EQ(Fails("sentinel that never matches"),
            "unexpectedly succeeded"); // Restored base works again.
  ASSERT_FALSE(sys::fs::remove(path("base") + "/oci-layout"));
  EXPECT_EQ(Fails("is not an OCI layout"), "");
}

TEST_F(ImageTest, RefusesToReplaceForeignDirectory) {
  std::string Out = path("precious");
  ASSERT_FALSE(sys::fs::create_directories(Out));
  writeText(Out + "/notes.txt", "keep me");
  Expected<ImageResult> R =
      writeOCIImage(Out, sampleLayers(), sampleConfig(), nullptr);
  ASSERT_FALSE(bool(R));
  EXPECT_NE(toString(R.takeError()).find("refusing to replace"),
            std::string::npos);
  EXPECT_EQ(readAll(Out + "/notes.txt"), "keep me");

  Error E = writeImageContext(Out, "3.12", "x86_64", {}, {"app.handler"});
  ASSERT_TRUE(bool(E));
  EXPECT_NE(toString(std::move(E)).find("no Dockerfile"), std::string::npos);
  EXPECT_EQ(listDir(), std::vector<std::string>{"precious"});
}

TEST_F(ImageTest, RejectsBadLayerContents) {
  auto Message = [&](std::vector<ImageFile> Files, StringRef Root) {
    ImageLayerSpec L;
    L.Comment = "app";
    L.Root = Root.str();
    L.Files = std::move(Files);
    Expected<ImageResult> R =
        writeOCIImage(path("image"), L, sampleConfig(), nullptr);
    return R ? std::string("accepted") : toString(R.takeError());
  };
  EXPECT_NE(Message({{"../etc/passwd", 0644, ""}}, "/var/task").find("'..'"),
            std::string::npos);
  EXPECT_NE(Message({{"/abs", 0644, ""}}, "/var/task").find("must be relative"),
            std::string::npos);
  EXPECT_NE(Message({{"a.py", 0644, "1"}, {"a.py", 0644, "2"}}, "/var/task")
                .find("'/var/task/a.py' appears twice"),
            std::string::npos);
  EXPECT_NE(Message({{"a", 0644, ""}, {"a/b", 0644, ""}}, "/var/task")
                .find("is both a file and a directory"),
            std::string::npos);
  EXPECT_NE(Message({{"a", 0644, ""}}, "var/task").find("absolute path"),
            std::string::npos);
  ImageConfigSpec Neg = sampleConfig();
  Neg.Created = -5;
  Expected<ImageResult> R =
      writeOCIImage(path("image"), sampleLayers(), Neg, nullptr);
  ASSERT_FALSE(bool(R));
  EXPECT_NE(toString(R.takeError()).find("-5"), std::string::npos);
  EXPECT_TRUE(listDir().empty());
}

TEST_F(ImageTest, WritesDockerBuildContext) {
  std::string Ctx = path("context");
  std::vector<ImageFile> Files = {
      {"app/main.py", 0644, "def handler(e, c):\n    pass\n"},
      {"bin/run", 0755, "#!/bin/sh\n"}};
  ASSERT_FALSE(bool(
      writeImageContext(Ctx, "3.12", "arm64", Files, {"app.main.handler"})));
  std::string Dockerfile = readAll(Ctx + "/Dockerfile");
  EXPECT_NE(Dockerfile.find("\nFROM public.ecr.aws/lambda/python:3.12-arm64\n"
                            "COPY task/ ${LAMBDA_TASK_ROOT}/\n"
                            "CMD [\"app.main.handler\"]\n"),
            std::string::npos)
      << Dockerfile;
  EXPECT_EQ(readAll(Ctx + "/task/app/main.py"), Files[0].Contents);
  EXPECT_EQ(readAll(Ctx + "/.dockerignore"), "*\n!task\n");
  sys::fs::file_status Status;
  ASSERT_FALSE(sys::fs::status(Ctx + "/task/bin/run", Status));
  EXPECT_EQ(unsigned(Status.permissions()), 0755u);

  // Rewriting replaces the whole context.
  ASSERT_FALSE(bool(writeImageContext(Ctx, "3.13", "x86_64", {Files[0]},
                                      {"app.main.handler"})));
  EXPECT_NE(readAll(Ctx + "/Dockerfile")
                .find("FROM public.ecr.aws/lambda/python:3.13\n"),
            std::string::npos);
  EXPECT_FALSE(sys::fs::exists(Ctx + "/task/bin/run"));

  Error E = writeImageContext(Ctx, "12", "x86_64", Files, {"h"});
  ASSERT_TRUE(bool(E));
  EXPECT_NE(toString(std::move(E)).find("'12' is not of the form 3.N"),
            std::string::npos);
  EXPECT_EQ(listDir(), std::vector<std::string>{"context"});
}

} // namespace
