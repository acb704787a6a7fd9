//===- OCIImage.cpp - Daemonless OCI images -------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Reproducible OCI image layouts: deterministic gzip'd tar layers written
/// with libarchive, configs and manifests written with llvm::json (whose
/// objects print with sorted keys), base layouts read with llvm::json.
///
//===----------------------------------------------------------------------===//

#include "lambda-opt/Image/OCIImage.h"
#include "lambda-opt/Artifact/Hash.h"
#include "lambda-opt/Artifact/OCIMediaTypes.h"
#include "lambda-opt/Support/Error.h"
#include "lambda-opt/Support/Files.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/raw_ostream.h"

#include <archive.h>
#include <archive_entry.h>

#include <ctime>
#include <map>
#include <memory>
#include <set>

using namespace llvm;

namespace lambdaopt {
namespace {

constexpr const char *LambdaTaskRoot = "/var/task";

/// "sha256:<hex>" of \p Digest, as OCI names blobs.
std::string formatDigest(const Sha256Digest &Digest) {
  return "sha256:" + toHex(Digest, /*LowerCase=*/true);
}

Expected<std::string> sha256Digest(StringRef Data) {
  Expected<Sha256Digest> D = sha256(Data);
  if (!D)
    return D.takeError();
  return formatDigest(*D);
}

std::string printJSON(json::Value V) {
  std::string S;
  raw_string_ostream OS(S);
  OS << V;
  return OS.str();
}

Expected<std::string> formatTimestamp(int64_t Seconds) {
  if (Seconds < 0)
    return makeError("creation time " + Twine(Seconds) +
                     " is before 1970-01-01T00:00:00Z");
  std::time_t T = static_cast<std::time_t>(Seconds);
  std::tm Tm;
  if (!gmtime_r(&T, &Tm))
    return makeError("creation time " + Twine(Seconds) + " is out of range");
  char Buf[32];
  size_t Len = std::strftime(Buf, sizeof(Buf), "%Y-%m-%dT%H:%M:%SZ", &Tm);
  return std::string(Buf, Len);
}

//===----------------------------------------------------------------------===//
// Output directories: staging and atomic replacement
//===----------------------------------------------------------------------===//

/// Succeeds when OutDir is absent, empty, or a directory holding Marker.
Error checkReplaceable(StringRef OutDir, StringRef Marker, StringRef What) {
  sys::fs::file_status Status;
  if (sys::fs::status(OutDir, Status))
    return Error::success();
  if (!sys::fs::is_directory(Status))
    return makeError("refusing to replace '" + OutDir +
                     "': it exists and is not a directory");
  SmallString<256> MarkerPath(OutDir);
  sys::path::append(MarkerPath, Marker);
  if (sys::fs::exists(MarkerPath))
    return Error::success();
  std::error_code EC;
  sys::fs::directory_iterator It(OutDir, EC);
  if (EC)
    return makeError("cannot list '" + OutDir + "': " + EC.message());
  if (It == sys::fs::directory_iterator())
    return Error::success();
  return makeError("refusing to replace '" + OutDir +
                   "': it is not empty and " + "has no " + Marker +
                   " file, so it is not " + What);
}

/// A temporary directory next to the destination, removed unless committed.
class StagingDir {
  std::string Path;
  bool Committed = false;

public:
  StagingDir() = default;
  StagingDir(const StagingDir &) = delete;
  StagingDir &operator=(const StagingDir &) = delete;
  ~StagingDir() {
    if (!Path.empty() && !Committed)
      sys::fs::remove_directories(Path);
  }

  StringRef path() const { return Path; }

  Error create(StringRef Target) {
    StringRef Parent = sys::path::parent_path(Target);
    if (std::error_code EC = sys::fs::create_directories(Parent))
      return makeError("cannot create directory '" + Parent +
                       "': " + EC.message());
    SmallString<256> Prefix(Parent);
    sys::path::append(Prefix, "." + sys::path::filename(Target) + ".tmp");
    SmallString<256> Result;
    if (std::error_code EC = sys::fs::createUniqueDirectory(Prefix, Result))
      return makeError("cannot create a temporary directory next to '" +
                       Target + "': " + EC.message());
    Path = std::string(Result);
    return Error::success();
  }

  /// Renames the staging directory onto Target, moving any previous Target
  /// aside first and deleting it afterwards.
  Error commit(StringRef Target) {
    std::string Backup = Path + ".old";
    bool HadOld = sys::fs::exists(Target);
    if (HadOld)
      if (std::error_code EC = sys::fs::rename(Target, Backup))
        return makeError("cannot move the previous '" + Target +
                         "' aside: " + EC.message());
    if (std::error_code EC = sys::fs::rename(Path, Target)) {
      if (HadOld)
        sys::fs::rename(Backup, Target);
      return makeError("cannot rename '" + Path + "' to '" + Target +
                       "': " + EC.message());
    }
    Committed = true;
    if (HadOld)
      sys::fs::remove_directories(Backup);
    return Error::success();
  }
};

Expected<std::string> makeAbsolutePath(StringRef Path) {
  if (Path.empty())
    return makeError("output directory name is empty");
  SmallString<256> Abs(Path);
  if (std::error_code EC = sys::fs::make_absolute(Abs))
    return makeError("cannot make '" + Path + "' absolute: " + EC.message());
  sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  while (Abs.size() > 1 && sys::path::is_separator(Abs.back()))
    Abs.pop_back();
  if (sys::path::parent_path(Abs).empty())
    return makeError("cannot use the root directory '" + Abs +
                     "' as an output directory");
  return std::string(Abs);
}

//===----------------------------------------------------------------------===//
// File validation
//===----------------------------------------------------------------------===//

/// Checks a relative, '/'-separated path with no '.', '..' or empty parts.
Error checkRelativePath(StringRef Path, StringRef Where) {
  if (Path.empty())
    return makeError("empty file path in " + Where);
  if (Path.contains('\0'))
    return makeError("file path '" + Path + "' in " + Where +
                     " contains a NUL byte");
  if (Path.front() == '/')
    return makeError("file path '" + Path + "' in " + Where +
                     " must be relative");
  SmallVector<StringRef, 8> Parts;
  Path.split(Parts, '/');
  for (StringRef Part : Parts)
    if (Part.empty() || Part == "." || Part == "..")
      return makeError("file path '" + Path + "' in " + Where + " has a '" +
                       Part + "' component");
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

struct TarEntry {
  std::string Path; ///< Without a trailing '/'.
  unsigned Mode = 0;
  bool IsDir = false;
  const std::string *Contents = nullptr;
};

/// Returns the sorted entries of a layer, parent directories included.
Expected<std::vector<TarEntry>> planLayer(const ImageLayerSpec &Layer) {
  std::string Where = "layer '" + Layer.Comment + "'";
  StringRef Root = Layer.Root;
  if (Root.empty() || Root.front() != '/')
    return makeError("layer root '" + Root + "' of " + Where +
                     " must be an absolute path");
  Root = Root.trim('/');
  if (!Root.empty())
    if (Error E = checkRelativePath(Root, Where))
      return E;

  std::map<std::string, TarEntry> Entries;
  auto AddDirs = [&](StringRef Path) {
    for (size_t Pos = Path.find('/'); Pos != StringRef::npos;
         Pos = Path.find('/', Pos + 1)) {
      TarEntry Dir;
      Dir.Path = Path.substr(0, Pos).str();
      Dir.Mode = 0755;
      Dir.IsDir = true;
      Entries.emplace(Dir.Path, Dir);
    }
  };
  if (!Root.empty())
    AddDirs((Root + "/").str());

  for (const ImageFile &File : Layer.Files) {
    if (Error E = checkRelativePath(File.Path, Where))
      return E;
    std::string Full =
        Root.empty() ? File.Path : (Root + "/" + File.Path).str();
    AddDirs(Full);
    TarEntry Entry;
    Entry.Path = Full;
    Entry.Mode = File.Mode & 07777;
    Entry.Contents = &File.Contents;
    auto [It, Inserted] = Entries.emplace(Full, Entry);
    if (!Inserted)
      return makeError("'/" + Full + "' appears twice in " + Where);
  }
  std::vector<TarEntry> Result;
  Result.reserve(Entries.size());
  for (auto &KV : Entries) {
    // A file may not also be the parent of another entry.
    auto Next = Entries.upper_bound(KV.first);
    if (!KV.second.IsDir && Next != Entries.end() &&
        StringRef(Next->first).startswith(KV.first + "/"))
      return makeError("'/" + KV.first + "' in " + Where +
                       " is both a file and a directory");
    Result.push_back(std::move(KV.second));
  }
  return Result;
}

/// Where libarchive's output goes: appended to a string and/or hashed.
struct TarSink {
  std::string *Out = nullptr;
  Sha256 *Hash = nullptr;
};

la_ssize_t tarSinkWrite(struct archive *, void *Data, const void *Buf,
                        size_t Len) {
  auto *Sink = static_cast<TarSink *>(Data);
  if (Sink->Out)
    Sink->Out->append(static_cast<const char *>(Buf), Len);
  if (Sink->Hash)
    Sink->Hash->update(StringRef(static_cast<const char *>(Buf), Len));
  return static_cast<la_ssize_t>(Len);
}

struct ArchiveWriteDeleter {
  void operator()(struct archive *A) const { archive_write_free(A); }
};
struct ArchiveEntryDeleter {
  void operator()(struct archive_entry *E) const { archive_entry_free(E); }
};

Error archiveError(struct archive *A, const Twine &What) {
  const char *Msg = archive_error_string(A);
  return makeError(What + ": " + (Msg ? Msg : "unknown libarchive error"));
}

/// Writes Entries as a pax-restricted tar, gzip'd when Gzip is set, with no
/// padding after the end-of-archive blocks so that the gunzip'd blob equals
/// the plain tar byte for byte.
Error writeTar(ArrayRef<TarEntry> Entries, int64_t MTime, bool Gzip,
               TarSink &Sink) {
  std::unique_ptr<struct archive, ArchiveWriteDeleter> A(archive_write_new());
  if (!A)
    return makeError("cannot allocate a libarchive writer");
  if (archive_write_set_format_pax_restricted(A.get()) != ARCHIVE_OK)
    return archiveError(A.get(), "cannot select the pax tar format");
  if (Gzip) {
    if (archive_write_add_filter_gzip(A.get()) != ARCHIVE_OK)
      return archiveError(A.get(), "cannot add the gzip filter");
    if (archive_write_set_filter_option(A.get(), "gzip", "timestamp",
                                        nullptr) != ARCHIVE_OK)
      return archiveError(A.get(), "cannot disable the gzip timestamp");
  }
  archive_write_set_bytes_in_last_block(A.get(), 1);
  if (archive_write_open(A.get(), &Sink, nullptr, tarSinkWrite, nullptr) !=
      ARCHIVE_OK)
    return archiveError(A.get(), "cannot open the layer tar");

  for (const TarEntry &Entry : Entries) {
    std::unique_ptr<struct archive_entry, ArchiveEntryDeleter> E(
        archive_entry_new());
    std::string Name = Entry.IsDir ? Entry.Path + "/" : Entry.Path;
    archive_entry_set_pathname_utf8(E.get(), Name.c_str());
    archive_entry_set_filetype(E.get(), Entry.IsDir ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(E.get(), Entry.Mode);
    archive_entry_set_uid(E.get(), 0);
    archive_entry_set_gid(E.get(), 0);
    archive_entry_set_mtime(E.get(), MTime, 0);
    size_t Size = Entry.Contents ? Entry.Contents->size() : 0;
    archive_entry_set_size(E.get(), static_cast<la_int64_t>(Size));
    if (archive_write_header(A.get(), E.get()) < ARCHIVE_WARN)
      return archiveError(A.get(), "cannot add '" + Name + "' to the layer");
    size_t Done = 0;
    while (Done < Size) {
      la_ssize_t N = archive_write_data(A.get(), Entry.Contents->data() + Done,
                                        Size - Done);
      if (N <= 0)
        return archiveError(A.get(), "cannot write the " + Twine(Size) +
                                         " bytes of '" + Name + "'");
      Done += static_cast<size_t>(N);
    }
  }
  if (archive_write_close(A.get()) != ARCHIVE_OK)
    return archiveError(A.get(), "cannot finish the layer tar");
  return Error::success();
}

struct BuiltLayer {
  std::string Blob; ///< The gzip'd tar.
  std::string Digest;
  std::string DiffID;
};

Expected<BuiltLayer> buildLayer(const ImageLayerSpec &Layer, int64_t MTime) {
  Expected<std::vector<TarEntry>> Entries = planLayer(Layer);
  if (!Entries)
    return Entries.takeError();
  BuiltLayer Result;
  Sha256 Plain;
  TarSink PlainSink;
  PlainSink.Hash = &Plain;
  if (Error E = writeTar(*Entries, MTime, /*Gzip=*/false, PlainSink))
    return E;
  Expected<Sha256Digest> DiffID = Plain.final();
  if (!DiffID)
    return DiffID.takeError();
  Result.DiffID = formatDigest(*DiffID);
  TarSink GzipSink;
  GzipSink.Out = &Result.Blob;
  if (Error E = writeTar(*Entries, MTime, /*Gzip=*/true, GzipSink))
    return E;
  Expected<std::string> Digest = sha256Digest(Result.Blob);
  if (!Digest)
    return Digest.takeError();
  Result.Digest = std::move(*Digest);
  return Result;
}

//===----------------------------------------------------------------------===//
// Reading JSON and base layouts
//===----------------------------------------------------------------------===//

/// OCI documents are small (a few kB): LLVM's JSON parser reads them
/// directly into the llvm::json values the writer works with.
Expected<json::Value> parseJSON(StringRef Data, const Twine &What) {
  Expected<json::Value> V = json::parse(Data);
  if (!V)
    return makeError(What + " is not valid JSON: " + toString(V.takeError()));
  return V;
}

Expected<const json::Object *> asObject(const json::Value &V,
                                        const Twine &What) {
  if (const json::Object *O = V.getAsObject())
    return O;
  return makeError(What + " is not a JSON object");
}

struct Descriptor {
  std::string MediaType;
  std::string Digest;
  int64_t Size = 0;
  json::Object Raw;
};

Expected<Descriptor> parseDescriptor(const json::Value &V, const Twine &What) {
  Expected<const json::Object *> O = asObject(V, What);
  if (!O)
    return O.takeError();
  Descriptor D;
  D.Raw = **O;
  Optional<StringRef> Digest = (*O)->getString("digest");
  if (!Digest)
    return makeError(What + " has no \"digest\" string");
  D.Digest = Digest->str();
  Optional<int64_t> Size = (*O)->getInteger("size");
  if (!Size || *Size < 0)
    return makeError(What + " has no valid \"size\"");
  D.Size = *Size;
  if (Optional<StringRef> Type = (*O)->getString("mediaType"))
    D.MediaType = Type->str();
  return D;
}

/// A blob path inside Layout, for sha256 digests only.
Expected<std::string> blobPath(StringRef Layout, StringRef Digest,
                               const Twine &What) {
  StringRef Hex = Digest;
  if (!Hex.consume_front("sha256:") || Hex.size() != 64 ||
      !all_of(Hex, [](char C) { return isDigit(C) || (C >= 'a' && C <= 'f'); }))
    return makeError("unsupported digest '" + Digest + "' in " + What +
                     " (expected sha256:<64 lowercase hex digits>)");
  SmallString<256> Path(Layout);
  sys::path::append(Path, "blobs", "sha256", Hex);
  return std::string(Path);
}

/// Reads a blob and checks its size and digest against D.
Expected<std::unique_ptr<MemoryBuffer>>
readVerifiedBlob(StringRef Layout, const Descriptor &D, const Twine &What) {
  Expected<std::string> Path = blobPath(Layout, D.Digest, What);
  if (!Path)
    return Path.takeError();
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buf =
      MemoryBuffer::getFile(*Path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!Buf)
    return makeError("cannot read blob '" + *Path + "' (" + What +
                     "): " + Buf.getError().message());
  StringRef Data = (*Buf)->getBuffer();
  if (static_cast<int64_t>(Data.size()) != D.Size)
    return makeError("blob '" + *Path + "' has " + Twine(Data.size()) +
                     " bytes but " + What + " says " + Twine(D.Size));
  Expected<std::string> Actual = sha256Digest(Data);
  if (!Actual)
    return Actual.takeError();
  if (*Actual != D.Digest)
    return makeError("blob '" + *Path + "' is corrupt: its digest is " +
                     *Actual + " but " + What + " expects " + D.Digest);
  return std::move(*Buf);
}

bool isIndexType(StringRef T) {
  return T == oci::IndexType || T == oci::DockerListType;
}

struct LoadedBase {
  std::vector<Descriptor> Layers;
  json::Object Config;
};

/// Picks the descriptor in an index's "manifests" by tag or platform.
Expected<Descriptor> selectManifest(const json::Object &Index,
                                    const Twine &What, StringRef Tag,
                                    StringRef Arch, bool ByPlatform) {
  const json::Array *Manifests = Index.getArray("manifests");
  if (!Manifests)
    return makeError(What + " has no \"manifests\" array");
  std::vector<Descriptor> All;
  for (size_t I = 0; I != Manifests->size(); ++I) {
    Expected<Descriptor> D =
        parseDescriptor((*Manifests)[I], What + " manifests[" + Twine(I) + "]");
    if (!D)
      return D.takeError();
    All.push_back(std::move(*D));
  }
  if (ByPlatform) {
    std::set<std::string> Seen;
    for (Descriptor &D : All) {
      const json::Object *P = D.Raw.getObject("platform");
      StringRef A = P ? P->getString("architecture").getValueOr("") : "";
      StringRef OS = P ? P->getString("os").getValueOr("") : "";
      if (A == Arch && OS == "linux")
        return std::move(D);
      Seen.insert((OS + "/" + A).str());
    }
    return makeError(What + " has no linux/" + Arch +
                     " manifest (found: " + join(Seen, ", ") + ")");
  }
  if (Tag.empty()) {
    if (All.size() == 1)
      return std::move(All.front());
    return makeError(What + " lists " + Twine(All.size()) +
                     " manifests; name one with oci:PATH:TAG");
  }
  std::set<std::string> Tags;
  for (Descriptor &D : All) {
    const json::Object *Ann = D.Raw.getObject("annotations");
    Optional<StringRef> Name = Ann ? Ann->getString(oci::RefNameKey) : None;
    if (!Name)
      continue;
    if (*Name == Tag)
      return std::move(D);
    Tags.insert(Name->str());
  }
  return makeError(What + " has no manifest tagged '" + Tag + "' (tags: " +
                   (Tags.empty() ? "none" : join(Tags, ", ")) + ")");
}

Expected<LoadedBase> loadBase(const BaseImage &Base, StringRef Arch) {
  StringRef Dir = Base.LayoutDir;
  SmallString<256> LayoutFile(Dir);
  sys::path::append(LayoutFile, "oci-layout");
  ErrorOr<std::unique_ptr<MemoryBuffer>> LayoutBuf =
      MemoryBuffer::getFile(LayoutFile);
  if (!LayoutBuf)
    return makeError("base image '" + Dir + "' is not an OCI layout: cannot " +
                     "read '" + LayoutFile +
                     "': " + LayoutBuf.getError().message());
  Expected<json::Value> Layout =
      parseJSON((*LayoutBuf)->getBuffer(), "'" + LayoutFile + "'");
  if (!Layout)
    return Layout.takeError();
  const json::Object *LayoutObj = Layout->getAsObject();
  if (!LayoutObj || !LayoutObj->getString("imageLayoutVersion"))
    return makeError("'" + LayoutFile +
                     "' has no \"imageLayoutVersion\" string");

  SmallString<256> IndexFile(Dir);
  sys::path::append(IndexFile, "index.json");
  ErrorOr<std::unique_ptr<MemoryBuffer>> IndexBuf =
      MemoryBuffer::getFile(IndexFile);
  if (!IndexBuf)
    return makeError("cannot read '" + IndexFile +
                     "': " + IndexBuf.getError().message());
  std::string What = "'" + IndexFile.str().str() + "'";
  Expected<json::Value> Index = parseJSON((*IndexBuf)->getBuffer(), What);
  if (!Index)
    return Index.takeError();
  Expected<const json::Object *> IndexObj = asObject(*Index, What);
  if (!IndexObj)
    return IndexObj.takeError();
  Expected<Descriptor> D =
      selectManifest(**IndexObj, What, Base.Tag, Arch, /*ByPlatform=*/false);
  if (!D)
    return D.takeError();

  // Follow image indexes (multi-platform images) down to one manifest.
  for (unsigned Depth = 0; isIndexType(D->MediaType); ++Depth) {
    if (Depth == 4)
      return makeError("base image '" + Dir + "' nests image indexes more " +
                       "than 4 deep");
    std::string IdxWhat = "image index " + D->Digest;
    Expected<std::unique_ptr<MemoryBuffer>> Blob =
        readVerifiedBlob(Dir, *D, IdxWhat);
    if (!Blob)
      return Blob.takeError();
    Expected<json::Value> Nested = parseJSON((*Blob)->getBuffer(), IdxWhat);
    if (!Nested)
      return Nested.takeError();
    Expected<const json::Object *> NestedObj = asObject(*Nested, IdxWhat);
    if (!NestedObj)
      return NestedObj.takeError();
    D = selectManifest(**NestedObj, IdxWhat, "", Arch, /*ByPlatform=*/true);
    if (!D)
      return D.takeError();
  }
  if (!D->MediaType.empty() && D->MediaType != oci::ManifestType &&
      D->MediaType != oci::DockerManifestType)
    return makeError("base image '" + Dir + "' points at unsupported " +
                     "media type '" + D->MediaType + "'");

  std::string ManWhat = "manifest " + D->Digest;
  Expected<std::unique_ptr<MemoryBuffer>> ManBlob =
      readVerifiedBlob(Dir, *D, ManWhat);
  if (!ManBlob)
    return ManBlob.takeError();
  Expected<json::Value> Manifest = parseJSON((*ManBlob)->getBuffer(), ManWhat);
  if (!Manifest)
    return Manifest.takeError();
  Expected<const json::Object *> ManObj = asObject(*Manifest, ManWhat);
  if (!ManObj)
    return ManObj.takeError();
  const json::Value *ConfigDesc = (*ManObj)->get("config");
  if (!ConfigDesc)
    return makeError(ManWhat + " has no \"config\"");
  Expected<Descriptor> CD = parseDescriptor(*ConfigDesc, ManWhat + " config");
  if (!CD)
    return CD.takeError();
  const json::Array *LayerArr = (*ManObj)->getArray("layers");
  if (!LayerArr)
    return makeError(ManWhat + " has no \"layers\" array");

  LoadedBase Result;
  for (size_t I = 0; I != LayerArr->size(); ++I) {
    Expected<Descriptor> LD =
        parseDescriptor((*LayerArr)[I], ManWhat + " layers[" + Twine(I) + "]");
    if (!LD)
      return LD.takeError();
    Result.Layers.push_back(std::move(*LD));
  }

  std::string CfgWhat = "config " + CD->Digest;
  Expected<std::unique_ptr<MemoryBuffer>> CfgBlob =
      readVerifiedBlob(Dir, *CD, CfgWhat);
  if (!CfgBlob)
    return CfgBlob.takeError();
  Expected<json::Value> Config = parseJSON((*CfgBlob)->getBuffer(), CfgWhat);
  if (!Config)
    return Config.takeError();
  Expected<const json::Object *> CfgObj = asObject(*Config, CfgWhat);
  if (!CfgObj)
    return CfgObj.takeError();
  Result.Config = **CfgObj;

  StringRef BaseArch =
      Result.Config.getString("architecture").getValueOr("unknown");
  if (BaseArch != Arch)
    return makeError("base image '" + Dir + "' is " + BaseArch + ", --arch=" +
                     (Arch == "amd64" ? "x86_64" : Arch) + " needs " + Arch);
  const json::Object *RootFS = Result.Config.getObject("rootfs");
  const json::Array *DiffIDs = RootFS ? RootFS->getArray("diff_ids") : nullptr;
  if (!DiffIDs)
    return makeError(CfgWhat + " has no \"rootfs.diff_ids\" array");
  if (DiffIDs->size() != Result.Layers.size())
    return makeError(CfgWhat + " lists " + Twine(DiffIDs->size()) +
                     " diff_ids but " + ManWhat + " has " +
                     Twine(Result.Layers.size()) + " layers");
  return Result;
}

/// Copies (hard-links when possible) a verified base blob into Staging.
Error copyBaseBlob(StringRef BaseDir, StringRef Staging, const Descriptor &D,
                   const Twine &What) {
  Expected<std::unique_ptr<MemoryBuffer>> Blob =
      readVerifiedBlob(BaseDir, D, What);
  if (!Blob)
    return Blob.takeError();
  Expected<std::string> From = blobPath(BaseDir, D.Digest, What);
  Expected<std::string> To = blobPath(Staging, D.Digest, What);
  if (!From || !To)
    return joinErrors(From.takeError(), To.takeError());
  if (sys::fs::exists(*To))
    return Error::success();
  if (!sys::fs::create_hard_link(*From, *To))
    return Error::success();
  return writeFile(*To, (*Blob)->getBuffer());
}

std::string octalMode(unsigned Mode) {
  std::string S;
  raw_string_ostream OS(S);
  OS << format("%04o", Mode & 07777);
  return OS.str();
}

/// Returns the "KEY" of a "KEY=VALUE" environment entry.
StringRef envKey(StringRef Entry) { return Entry.split('=').first; }

json::Array toJSONArray(ArrayRef<std::string> Strings) {
  json::Array A;
  for (const std::string &S : Strings)
    A.push_back(S);
  return A;
}

} // namespace

//===----------------------------------------------------------------------===//
// Public API
//===----------------------------------------------------------------------===//

Expected<BaseImage> parseBaseImageRef(StringRef Ref) {
  StringRef Rest = Ref;
  if (!Rest.consume_front("oci:"))
    return makeError("base image '" + Ref +
                     "' is not of the form oci:PATH[:TAG]");
  BaseImage Result;
  size_t Colon = Rest.rfind(':');
  if (Colon != StringRef::npos &&
      Rest.substr(Colon + 1).find('/') == StringRef::npos) {
    Result.Tag = Rest.substr(Colon + 1).str();
    Rest = Rest.substr(0, Colon);
    if (Result.Tag.empty())
      return makeError("base image '" + Ref + "' has an empty tag");
  }
  if (Rest.empty())
    return makeError("base image '" + Ref + "' has an empty layout path");
  Result.LayoutDir = Rest.str();
  return Result;
}

Expected<std::string> normalizeImageArch(StringRef Arch) {
  if (Arch == "amd64" || Arch == "x86_64")
    return std::string("amd64");
  if (Arch == "arm64" || Arch == "aarch64")
    return std::string("arm64");
  return makeError("unsupported architecture '" + Arch +
                   "' (expected x86_64 or arm64)");
}

Expected<ImageResult> writeOCIImage(StringRef OutDir,
                                    ArrayRef<ImageLayerSpec> Layers,
                                    const ImageConfigSpec &Config,
                                    const BaseImage *Base) {
  Expected<std::string> Arch = normalizeImageArch(Config.Arch);
  if (!Arch)
    return Arch.takeError();
  if (Config.RefName.empty())
    return makeError("the image reference name is empty");
  Expected<std::string> Created = formatTimestamp(Config.Created);
  if (!Created)
    return Created.takeError();
  Expected<std::string> Out = makeAbsolutePath(OutDir);
  if (!Out)
    return Out.takeError();
  if (Error E = checkReplaceable(*Out, "oci-layout", "an OCI image layout"))
    return E;

  LoadedBase BaseData;
  if (Base) {
    Expected<LoadedBase> Loaded = loadBase(*Base, *Arch);
    if (!Loaded)
      return Loaded.takeError();
    BaseData = std::move(*Loaded);
  }

  // Build the new layers in parallel; each task fills its own slot.
  std::vector<Optional<Expected<BuiltLayer>>> Built(Layers.size());
  {
    ThreadPool Pool;
    for (size_t I = 0; I != Layers.size(); ++I)
      Pool.async(
          [&, I] { Built[I].emplace(buildLayer(Layers[I], Config.Created)); });
    Pool.wait();
  }
  Error Failures = Error::success();
  for (Optional<Expected<BuiltLayer>> &L : Built)
    if (!*L)
      Failures = joinErrors(std::move(Failures), L->takeError());
  if (Failures)
    return Failures;

  StagingDir Staging;
  if (Error E = Staging.create(*Out))
    return E;
  SmallString<256> BlobDir(Staging.path());
  sys::path::append(BlobDir, "blobs", "sha256");
  if (std::error_code EC = sys::fs::create_directories(BlobDir))
    return makeError("cannot create '" + BlobDir + "': " + EC.message());

  auto PutBlob = [&](StringRef Data) -> Expected<std::string> {
    Expected<std::string> Digest = sha256Digest(Data);
    if (!Digest)
      return Digest.takeError();
    Expected<std::string> Path = blobPath(Staging.path(), *Digest, "blob");
    if (!Path)
      return Path.takeError();
    if (Error E = writeFile(*Path, Data))
      return E;
    return *Digest;
  };

  ImageResult Result;
  json::Array LayerDescs;
  json::Array DiffIDs;
  json::Array History;
  if (Base) {
    for (size_t I = 0; I != BaseData.Layers.size(); ++I) {
      Descriptor &D = BaseData.Layers[I];
      if (Error E = copyBaseBlob(Base->LayoutDir, Staging.path(), D,
                                 "base layer " + Twine(I)))
        return E;
      json::Object Desc = D.Raw;
      if (D.MediaType == oci::DockerLayerGzipType || D.MediaType.empty())
        Desc["mediaType"] = oci::LayerGzipType;
      LayerDescs.push_back(std::move(Desc));
      Result.LayerDigests.push_back(D.Digest);
    }
    if (const json::Object *RootFS = BaseData.Config.getObject("rootfs"))
      if (const json::Array *BaseIDs = RootFS->getArray("diff_ids"))
        DiffIDs = *BaseIDs;
    if (const json::Array *BaseHistory = BaseData.Config.getArray("history"))
      History = *BaseHistory;
  }

  for (size_t I = 0; I != Layers.size(); ++I) {
    BuiltLayer &L = **Built[I];
    Expected<std::string> Digest = PutBlob(L.Blob);
    if (!Digest)
      return Digest.takeError();
    LayerDescs.push_back(json::Object{{"mediaType", oci::LayerGzipType},
                                      {"digest", *Digest},
                                      {"size", int64_t(L.Blob.size())}});
    DiffIDs.push_back(L.DiffID);
    Result.LayerDigests.push_back(*Digest);
    const ImageLayerSpec &Spec = Layers[I];
    std::string CreatedBy = "lambda-opt: COPY " + Spec.Comment + " " +
                            Spec.Root + " # " +
                            std::to_string(Spec.Files.size()) + " files";
    History.push_back(json::Object{{"created", *Created},
                                   {"created_by", CreatedBy},
                                   {"comment", Spec.Comment}});
  }

  // The runtime config: the base's, updated.
  json::Object Cfg = std::move(BaseData.Config);
  json::Object Run;
  if (const json::Object *BaseRun = Cfg.getObject("config"))
    Run = *BaseRun;
  std::vector<std::string> Env;
  if (const json::Array *BaseEnv = Run.getArray("Env"))
    for (const json::Value &V : *BaseEnv)
      if (Optional<StringRef> S = V.getAsString())
        Env.push_back(S->str());
  for (const std::string &Entry : Config.Env) {
    auto Same = find_if(Env, [&](const std::string &Old) {
      return envKey(Old) == envKey(Entry);
    });
    if (Same != Env.end())
      *Same = Entry;
    else
      Env.push_back(Entry);
  }
  if (none_of(Env, [](const std::string &E) {
        return envKey(E) == "LAMBDA_TASK_ROOT";
      }))
    Env.push_back(std::string("LAMBDA_TASK_ROOT=") + LambdaTaskRoot);
  Run["Env"] = toJSONArray(Env);
  if (!Config.Entrypoint.empty())
    Run["Entrypoint"] = toJSONArray(Config.Entrypoint);
  if (!Config.Cmd.empty())
    Run["Cmd"] = toJSONArray(Config.Cmd);
  if (!Config.WorkingDir.empty())
    Run["WorkingDir"] = Config.WorkingDir;
  Cfg["config"] = std::move(Run);
  Cfg["architecture"] = *Arch;
  Cfg["os"] = "linux";
  Cfg["created"] = *Created;
  Cfg["rootfs"] =
      json::Object{{"type", "layers"}, {"diff_ids", std::move(DiffIDs)}};
  Cfg["history"] = std::move(History);

  std::string CfgText = printJSON(std::move(Cfg));
  Expected<std::string> CfgDigest = PutBlob(CfgText);
  if (!CfgDigest)
    return CfgDigest.takeError();
  Result.ConfigDigest = *CfgDigest;

  std::string ManText = printJSON(
      json::Object{{"schemaVersion", 2},
                   {"mediaType", oci::ManifestType},
                   {"config", json::Object{{"mediaType", oci::ConfigType},
                                           {"digest", *CfgDigest},
                                           {"size", int64_t(CfgText.size())}}},
                   {"layers", std::move(LayerDescs)}});
  Expected<std::string> ManDigest = PutBlob(ManText);
  if (!ManDigest)
    return ManDigest.takeError();
  Result.ManifestDigest = *ManDigest;

  json::Object ManDesc{
      {"mediaType", oci::ManifestType},
      {"digest", *ManDigest},
      {"size", int64_t(ManText.size())},
      {"annotations", json::Object{{oci::RefNameKey, Config.RefName}}},
      {"platform", json::Object{{"architecture", *Arch}, {"os", "linux"}}}};
  std::string IndexText = printJSON(json::Object{
      {"schemaVersion", 2}, {"manifests", json::Array{std::move(ManDesc)}}});
  SmallString<256> IndexPath(Staging.path());
  sys::path::append(IndexPath, "index.json");
  if (Error E = writeFile(IndexPath, IndexText))
    return E;
  SmallString<256> LayoutPath(Staging.path());
  sys::path::append(LayoutPath, "oci-layout");
  if (Error E = writeFile(
          LayoutPath, printJSON(json::Object{{"imageLayoutVersion", "1.0.0"}})))
    return E;

  if (Error E = checkReplaceable(*Out, "oci-layout", "an OCI image layout"))
    return E;
  if (Error E = Staging.commit(*Out))
    return E;
  return Result;
}

Error writeImageContext(StringRef OutDir, StringRef PythonMinor, StringRef Arch,
                        ArrayRef<ImageFile> TaskRootFiles,
                        ArrayRef<std::string> Cmd) {
  Expected<std::string> OCIArch = normalizeImageArch(Arch);
  if (!OCIArch)
    return OCIArch.takeError();
  StringRef Minor = PythonMinor;
  unsigned MinorNumber = 0;
  if (!Minor.consume_front("3.") || Minor.getAsInteger(10, MinorNumber))
    return makeError("python version '" + PythonMinor +
                     "' is not of the form 3.N");
  if (Cmd.empty())
    return makeError("the image command (handler) is empty");
  Expected<std::string> Out = makeAbsolutePath(OutDir);
  if (!Out)
    return Out.takeError();
  if (Error E = checkReplaceable(*Out, "Dockerfile", "a build context"))
    return E;

  StagingDir Staging;
  if (Error E = Staging.create(*Out))
    return E;

  std::string Tag = "3." + std::to_string(MinorNumber);
  if (*OCIArch == "arm64")
    Tag += "-arm64";
  std::string Dockerfile;
  raw_string_ostream OS(Dockerfile);
  OS << "# Build with: docker build --platform linux/" << *OCIArch
     << " -t IMAGE .\n"
     << "FROM public.ecr.aws/lambda/python:" << Tag << "\n"
     << "COPY task/ ${LAMBDA_TASK_ROOT}/\n"
     << "CMD " << json::Value(toJSONArray(Cmd)) << "\n";
  OS.flush();

  SmallString<256> Path(Staging.path());
  sys::path::append(Path, "Dockerfile");
  if (Error E = writeFile(Path, Dockerfile))
    return E;
  Path = Staging.path();
  sys::path::append(Path, ".dockerignore");
  if (Error E = writeFile(Path, "*\n!task\n"))
    return E;

  SmallString<256> TaskDir(Staging.path());
  sys::path::append(TaskDir, "task");
  if (std::error_code EC = sys::fs::create_directory(TaskDir))
    return makeError("cannot create '" + TaskDir + "': " + EC.message());
  std::set<std::string> Seen;
  for (const ImageFile &File : TaskRootFiles) {
    if (Error E = checkRelativePath(File.Path, "the build context"))
      return E;
    if (!Seen.insert(File.Path).second)
      return makeError("'" + File.Path +
                       "' appears twice in the build context");
    SmallString<256> FilePath(TaskDir);
    sys::path::append(FilePath, sys::path::Style::posix, File.Path);
    sys::path::native(FilePath);
    if (std::error_code EC =
            sys::fs::create_directories(sys::path::parent_path(FilePath)))
      return makeError("cannot create the directory of '" + FilePath +
                       "': " + EC.message());
    if (Error E = writeFile(FilePath, File.Contents))
      return E;
    if (std::error_code EC = sys::fs::setPermissions(
            FilePath, static_cast<sys::fs::perms>(File.Mode & 07777)))
      return makeError("cannot set mode " + octalMode(File.Mode) + " on '" +
                       FilePath + "': " + EC.message());
  }

  if (Error E = checkReplaceable(*Out, "Dockerfile", "a build context"))
    return E;
  return Staging.commit(*Out);
}

} // namespace lambdaopt

/// The entry point of libLambdaOptOCI.so (see Support/Module.h).
extern "C" const lambdaopt::OCIModule *lambdaopt_oci_module_v1() {
  static const lambdaopt::OCIModule Module = {
      &lambdaopt::parseBaseImageRef, &lambdaopt::normalizeImageArch,
      &lambdaopt::writeOCIImage, &lambdaopt::writeImageContext};
  return &Module;
}
