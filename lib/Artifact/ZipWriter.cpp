//===- ZipWriter.cpp - Reproducible zip writer ----------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Artifact/ZipWriter.h"
#include "lambda-opt/Artifact/Hash.h"
#include "lambda-opt/Support/Output.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>
#include <set>
#include <zip.h>

using namespace llvm;
using namespace lambdaopt;

namespace {

constexpr uint32_t RegularFileType = 0100000;
constexpr uint32_t DirectoryType = 0040000;

/// DOS date and time (UTC) of \p Epoch, clamped to the DOS range.
std::pair<uint16_t, uint16_t> toDosTime(int64_t Epoch) {
  constexpr int64_t DosMax = 4354819199; // 2107-12-31 23:59:59
  Epoch = std::min(std::max(Epoch, DosEpoch), DosMax);
  time_t T = static_cast<time_t>(Epoch);
  struct tm TM;
  gmtime_r(&T, &TM);
  uint16_t Date =
      ((TM.tm_year - 80) << 9) | ((TM.tm_mon + 1) << 5) | TM.tm_mday;
  uint16_t Time = (TM.tm_hour << 11) | (TM.tm_min << 5) | (TM.tm_sec / 2);
  return {Time, Date};
}

/// The libzip output: a write-only source over the temporary file.
///
/// libzip writes an entry's local header, then its data, then seeks back to
/// write the header again. A window holding the most recent bytes absorbs
/// those rewrites in memory, so the file sees a few large sequential writes
/// instead of thousands of small writes and seeks. Bytes leave the window
/// only once no rewrite can reach them, so they are hashed as they are
/// written: the output is never read back. A rewrite that does reach bytes
/// already written (an entry larger than the window) is compared with what
/// is on disk; should it differ, the digest is recomputed from the file.
class FileSink {
public:
  FileSink(raw_fd_ostream &OS, int FD) : OS(OS), FD(FD) {
    zip_error_init(&Err);
    Window.reserve(2 * Keep + (1 << 16));
  }
  ~FileSink() { zip_error_fini(&Err); }

  static zip_int64_t callback(void *State, void *Data, zip_uint64_t Len,
                              zip_source_cmd_t Cmd) {
    return static_cast<FileSink *>(State)->handle(Data, Len, Cmd);
  }

  /// The digest of everything written; call after zip_close succeeded.
  Expected<Sha256Digest> finish(StringRef Path) {
    HashThread.wait();
    if (!Stale)
      return Hasher.final();
    return sha256FileDigest(Path);
  }
  uint64_t size() const { return End; }

private:
  /// Bytes kept in memory behind the write position.
  static constexpr size_t Keep = 2 << 20;

  raw_fd_ostream &OS;
  int FD; ///< OS's descriptor, for reading back rewritten bytes.
  std::vector<char> Window;
  uint64_t WindowStart = 0; ///< File offset of Window[0].
  uint64_t Pos = 0;         ///< Write position.
  uint64_t End = 0;         ///< Bytes written so far.
  Sha256 Hasher;
  ThreadPool HashThread{hardware_concurrency(1)};
  bool Stale = false;
  zip_error_t Err;

  zip_int64_t fail(int ZipError) {
    zip_error_set(&Err, ZipError, errno);
    return -1;
  }

  /// Moves the oldest bytes of the window to the file. They are hashed on
  /// a second thread while libzip goes on writing; one worker keeps the
  /// chunks in order.
  void spill(size_t Bytes) {
    auto Chunk = std::make_shared<std::vector<uint8_t>>(Window.begin(),
                                                        Window.begin() + Bytes);
    HashThread.async([this, Chunk] { Hasher.update(*Chunk); });
    OS.write(Window.data(), Bytes);
    Window.erase(Window.begin(), Window.begin() + Bytes);
    WindowStart += Bytes;
  }

  zip_int64_t write(const char *Data, uint64_t Len) {
    uint64_t Offset = Pos;
    // Part before the window: already on disk.
    if (Offset < WindowStart) {
      uint64_t Head = std::min(Len, WindowStart - Offset);
      std::string OnDisk(Head, '\0');
      OS.flush();
      Expected<size_t> Read = sys::fs::readNativeFileSlice(
          FD, MutableArrayRef<char>(&OnDisk[0], Head), Offset);
      if (!Read || *Read != Head ||
          StringRef(OnDisk) != StringRef(Data, Head)) {
        consumeError(Read.takeError());
        OS.pwrite(Data, Head, Offset);
        Stale = true;
      }
      Data += Head;
      Len -= Head;
      Offset += Head;
      // A header rewritten wholly before the window (its entry was larger
      // than the window) is done.
      if (Len == 0) {
        Pos = Offset;
        return OS.has_error() ? fail(ZIP_ER_WRITE) : 0;
      }
    }
    uint64_t At = Offset - WindowStart;
    if (At > Window.size())
      return fail(ZIP_ER_SEEK);
    if (At + Len > Window.size())
      Window.resize(At + Len);
    std::memcpy(Window.data() + At, Data, Len);
    Pos = Offset + Len;
    End = std::max(End, Pos);
    if (Window.size() > 2 * Keep && Pos == WindowStart + Window.size())
      spill(Window.size() - Keep);
    if (OS.has_error())
      return fail(ZIP_ER_WRITE);
    return 0;
  }

  zip_int64_t handle(void *Data, zip_uint64_t Len, zip_source_cmd_t Cmd) {
    switch (Cmd) {
    case ZIP_SOURCE_SUPPORTS:
      return ZIP_SOURCE_SUPPORTS_WRITABLE;
    case ZIP_SOURCE_STAT: {
      // A new, empty archive.
      auto *St = static_cast<zip_stat_t *>(Data);
      zip_stat_init(St);
      St->size = 0;
      St->valid |= ZIP_STAT_SIZE;
      return sizeof(*St);
    }
    case ZIP_SOURCE_OPEN:
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_READ:
    case ZIP_SOURCE_SEEK:
    case ZIP_SOURCE_TELL:
    case ZIP_SOURCE_ROLLBACK_WRITE:
    case ZIP_SOURCE_REMOVE:
    case ZIP_SOURCE_FREE:
      return 0;
    case ZIP_SOURCE_BEGIN_WRITE:
      Window.clear();
      WindowStart = Pos = End = 0;
      return 0;
    case ZIP_SOURCE_WRITE: {
      zip_int64_t R = write(static_cast<const char *>(Data), Len);
      return R < 0 ? R : static_cast<zip_int64_t>(Len);
    }
    case ZIP_SOURCE_SEEK_WRITE: {
      zip_int64_t New =
          zip_source_seek_compute_offset(Pos, End, Data, Len, &Err);
      if (New < 0)
        return -1;
      Pos = static_cast<uint64_t>(New);
      return 0;
    }
    case ZIP_SOURCE_TELL_WRITE:
      return static_cast<zip_int64_t>(Pos);
    case ZIP_SOURCE_COMMIT_WRITE:
      spill(Window.size());
      OS.flush();
      return OS.has_error() ? fail(ZIP_ER_WRITE) : 0;
    case ZIP_SOURCE_ERROR:
      return zip_error_to_data(&Err, Data, Len);
    default:
      zip_error_set(&Err, ZIP_ER_OPNOTSUPP, 0);
      return -1;
    }
  }
};

/// One zip entry to write, a file of the plan or a parent directory.
struct Item {
  std::string Name;
  const PlannedFile *File = nullptr; ///< Null for directories.
};

} // namespace

Expected<ZipResult> lambdaopt::writeZip(const InstallPlan &Plan,
                                        StringRef OutPath,
                                        const ZipOptions &Options) {
  if (Plan.Files.empty())
    return createStringError(inconvertibleErrorCode(),
                             "refusing to write '%s': the plan has 0 files",
                             OutPath.str().c_str());
  std::pair<uint16_t, uint16_t> Dos = toDosTime(
      Options.SourceDateEpoch >= 0 ? Options.SourceDateEpoch : DosEpoch);

  std::set<std::string> Dirs;
  std::vector<Item> Items;
  for (const PlannedFile &F : Plan.Files) {
    Items.push_back({F.Path, &F});
    for (size_t Slash = F.Path.find('/'); Slash != std::string::npos;
         Slash = F.Path.find('/', Slash + 1))
      Dirs.insert(F.Path.substr(0, Slash + 1));
  }
  for (const std::string &D : Dirs)
    Items.push_back({D, nullptr});
  llvm::sort(Items,
             [](const Item &A, const Item &B) { return A.Name < B.Name; });
  for (size_t I = 1; I < Items.size(); ++I)
    if (Items[I].Name == Items[I - 1].Name)
      return createStringError(inconvertibleErrorCode(),
                               "path '%s' is planned twice",
                               Items[I].Name.c_str());

  // A regular output is written beside itself and renamed into place; a
  // device, FIFO or stdout is written in place, from a temporary file in
  // the system's temporary folder (the zip is rewritten as it is built).
  OutputKind Kind = classifyOutput(OutPath);
  std::optional<TempOutput> Temp;
  if (Kind == OutputKind::Replace) {
    Expected<TempOutput> T = TempOutput::create(OutPath);
    if (!T)
      return T.takeError();
    Temp.emplace(std::move(*T));
  } else {
    SmallString<256> Path;
    int FD;
    if (std::error_code EC =
            sys::fs::createTemporaryFile("lambda-opt", "zip", FD, Path))
      return makeIOError("create a temporary file for", OutPath, EC);
    sys::fs::closeFile(FD);
    Expected<TempOutput> T = TempOutput::create(Path);
    sys::fs::remove(Path);
    if (!T)
      return T.takeError();
    Temp.emplace(std::move(*T));
  }
  std::string TempPath = Temp->getTempPath().str();
  int OutFD = Temp->takeFD();
  raw_fd_ostream File(OutFD, /*shouldClose=*/true);
  // A failed write is reported below; its stream must not abort when it is
  // destroyed.
  auto ClearFileError = make_scope_exit([&] { File.clear_error(); });
  FileSink Sink(File, OutFD);
  zip_error_t ZE;
  zip_error_init(&ZE);
  zip_source_t *Out =
      zip_source_function_create(&FileSink::callback, &Sink, &ZE);
  zip_t *Za =
      Out ? zip_open_from_source(Out, ZIP_CREATE | ZIP_TRUNCATE, &ZE) : nullptr;
  if (!Za) {
    std::string Msg = zip_error_strerror(&ZE);
    zip_error_fini(&ZE);
    if (Out)
      zip_source_free(Out);
    return createStringError(inconvertibleErrorCode(), "cannot write '%s': %s",
                             OutPath.str().c_str(), Msg.c_str());
  }
  zip_error_fini(&ZE);
  auto Fail = [&](const Twine &What) -> Error {
    std::string Msg = zip_strerror(Za);
    zip_discard(Za);
    // A write error may still sit in the stream's buffer.
    File.flush();
    if (File.has_error())
      return makeIOError("write", OutPath, File.error());
    return createStringError(inconvertibleErrorCode(),
                             "cannot write '" + OutPath + "': " + What + ": " +
                                 Msg);
  };

  ZipResult Result;
  for (const Item &It : Items) {
    zip_int64_t Index;
    uint32_t Mode;
    if (!It.File) {
      Index = zip_dir_add(Za, It.Name.c_str(), ZIP_FL_ENC_UTF_8);
      if (Index < 0)
        return Fail("directory '" + It.Name + "'");
      Mode = DirectoryType | 0755;
    } else {
      const PlannedFile &F = *It.File;
      zip_source_t *Src = nullptr;
      int32_t Method = ZIP_CM_DEFLATE;
      uint32_t Level = Options.DeflateLevel;
      switch (F.Source) {
      case PlannedSourceKind::WheelEntry: {
        if (F.Wheel >= Plan.Wheels.size() ||
            F.Entry >= Plan.Wheels[F.Wheel]->entries().size())
          return Fail("file '" + F.Path + "' has no wheel entry");
        const WheelArchive &W = *Plan.Wheels[F.Wheel];
        const WheelEntry &E = W.entries()[F.Entry];
        Src = zip_source_zip(Za, W.getZip(), E.Index, ZIP_FL_COMPRESSED, 0, -1);
        if (E.Method == uint16_t(CompressionKind::Stored))
          Method = ZIP_CM_STORE;
        Level = 0;
        break;
      }
      case PlannedSourceKind::DiskFile:
        Src = zip_source_file(Za, F.DiskPath.c_str(), 0, -1);
        break;
      case PlannedSourceKind::Memory:
        Src = zip_source_buffer(Za, F.Data.data(), F.Data.size(), 0);
        break;
      }
      if (!Src)
        return Fail("source of '" + F.Path + "'");
      Index = zip_file_add(Za, F.Path.c_str(), Src, ZIP_FL_ENC_UTF_8);
      if (Index < 0) {
        zip_source_free(Src);
        return Fail("file '" + F.Path + "'");
      }
      if (zip_set_file_compression(Za, Index, Method, Level) < 0)
        return Fail("compression of '" + F.Path + "'");
      Mode = RegularFileType | (F.Mode & 0111 ? 0755 : 0644);
      Result.UncompressedSize += F.Size;
    }
    if (zip_file_set_dostime(Za, Index, Dos.first, Dos.second, 0) < 0 ||
        zip_file_set_external_attributes(Za, Index, 0, ZIP_OPSYS_UNIX,
                                         Mode << 16) < 0)
      return Fail("attributes of '" + It.Name + "'");
    if (zip_file_extra_field_delete(Za, Index, ZIP_EXTRA_FIELD_ALL,
                                    ZIP_FL_CENTRAL | ZIP_FL_LOCAL) < 0)
      return Fail("extra fields of '" + It.Name + "'");
    ++Result.EntryCount;
  }
  if (zip_close(Za) < 0)
    return Fail("closing");

  File.close();
  if (File.has_error()) {
    std::error_code EC = File.error();
    File.clear_error();
    return makeIOError("write", OutPath, EC);
  }
  Expected<Sha256Digest> Digest = Sink.finish(TempPath);
  if (!Digest)
    return Digest.takeError();
  uint64_t Size = Sink.size();
  if (Kind != OutputKind::Replace) {
    if (Error E = copyToOutput(TempPath, OutPath))
      return E;
    Temp->discard();
  } else if (Error E = Temp->commit()) {
    return E;
  }
  Result.Sha256Hex = toHex(*Digest);
  Result.CodeSha256 = toBase64(*Digest);
  Result.CompressedSize = Size;
  return Result;
}
