//===- ZipWriter.cpp - Reproducible zip writer ----------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Artifact/ZipWriter.h"
#include "lambda-opt/Artifact/Hash.h"
#include "lambda-opt/Support/Output.h"

#include "ZipFormat.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <future>
#include <mutex>
#include <optional>
#include <unistd.h>
#include <zlib.h>

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

/// The archive's bytes on their way to the temporary file.
///
/// Headers and small entries collect in a buffer that leaves in large
/// writes; large entries copied from a wheel go to the file straight from the
/// wheel's mapping, without a copy. Every piece is hashed in order on a
/// second thread while the next is written, so the output's SHA-256 (Lambda's
/// CodeSha256) costs no time on the writing thread and the file is never read
/// back. Buffers are reused once hashed, and the wheels' pages are given back
/// once hashed, so that their bytes pass through memory instead of
/// accumulating in it.
class OutputStream {
public:
  explicit OutputStream(raw_fd_ostream &OS) : OS(OS) { Buf = takeBuffer(); }

  /// Appends bytes that may be reused once this returns.
  void append(StringRef Bytes) {
    if (Buf->size() + Bytes.size() > Chunk)
      flush();
    Buf->append(Bytes.data(), Bytes.size());
    Offset += Bytes.size();
  }
  /// Appends bytes that stay valid until finish() returns (a wheel mapping).
  void appendStable(StringRef Bytes) {
    if (Bytes.size() < Chunk / 16) {
      append(Bytes);
      return;
    }
    flush();
    hash(Bytes, nullptr);
    OS.write(Bytes.data(), Bytes.size());
    Offset += Bytes.size();
  }
  /// Notes that \p Bytes of \p W's mapping were appended; \p Last: the
  /// wheel has no more entries to write. Its pages are released once hashed,
  /// after every ReleaseStep bytes and after its last entry. (A wheel's
  /// entries are seldom stored in path order, so its pages are touched
  /// anywhere: the whole mapping goes each time.)
  void wrote(const WheelArchive &W, uint64_t Bytes, bool Last) {
    uint64_t &Pending = Unreleased[&W];
    Pending += Bytes;
    if (!Last && Pending < ReleaseStep)
      return;
    Pending = 0;
    flush(); // Bytes still in the buffer were copied: the mapping may go.
    HashThread.async([&W] { W.releasePages(); });
  }
  /// Offset of the next byte.
  uint64_t tell() const { return Offset; }
  /// Writes what is buffered and returns the digest of everything.
  Expected<Sha256Digest> finish() {
    flush();
    HashThread.wait();
    return Hasher.final();
  }

private:
  static constexpr size_t Chunk = 256 << 10;
  static constexpr size_t Backlog = 2 << 20;
  static constexpr uint64_t ReleaseStep = 1 << 20;
  static constexpr size_t MaxBuffers = Backlog / Chunk + 2;

  /// An empty buffer of Chunk bytes' capacity, reused when one is free.
  /// Pieces are often small (a flush before each large entry), so the bytes
  /// queued do not bound the buffers in flight: past MaxBuffers, the writer
  /// waits for the hash thread to hand them back.
  std::string *takeBuffer() {
    bool Wait;
    {
      std::lock_guard<std::mutex> Guard(FreeLock);
      if (Free.empty() && Buffers.size() < MaxBuffers) {
        Buffers.push_back(std::make_unique<std::string>());
        Buffers.back()->reserve(Chunk);
        return Buffers.back().get();
      }
      Wait = Free.empty();
    }
    if (Wait)
      HashThread.wait();
    std::lock_guard<std::mutex> Guard(FreeLock);
    std::string *B = Free.back();
    Free.pop_back();
    B->clear();
    return B;
  }

  void flush() {
    if (Buf->empty())
      return;
    std::string *Piece = Buf;
    hash(*Piece, Piece);
    OS.write(Piece->data(), Piece->size());
    Buf = takeBuffer();
  }

  /// Queues \p Bytes for the hash thread; \p Piece, when not null, is the
  /// buffer holding them, reused once they are hashed. When the thread falls
  /// more than Backlog bytes behind, the writer waits, so that queued pieces
  /// and the wheel pages they pin stay bounded.
  void hash(StringRef Bytes, std::string *Piece) {
    Queued += Bytes.size();
    HashThread.async([this, Bytes, Piece] {
      Hasher.update(Bytes);
      Queued -= Bytes.size();
      if (!Piece)
        return;
      std::lock_guard<std::mutex> Guard(FreeLock);
      Free.push_back(Piece);
    });
    if (Queued > Backlog)
      HashThread.wait();
  }

  raw_fd_ostream &OS;
  std::string *Buf = nullptr;
  uint64_t Offset = 0;
  /// Bytes appended from each wheel since its pages were last released.
  DenseMap<const WheelArchive *, uint64_t> Unreleased;
  std::vector<std::unique_ptr<std::string>> Buffers;
  std::vector<std::string *> Free;
  std::mutex FreeLock;
  std::atomic<uint64_t> Queued{0};
  Sha256 Hasher;
  /// One worker, so pieces are hashed in the order they were written.
  ThreadPool HashThread{hardware_concurrency(1)};
};

void put16(std::string &S, uint16_t V) {
  S.push_back(char(V & 0xff));
  S.push_back(char(V >> 8));
}
void put32(std::string &S, uint32_t V) {
  put16(S, uint16_t(V & 0xffff));
  put16(S, uint16_t(V >> 16));
}
void put64(std::string &S, uint64_t V) {
  put32(S, uint32_t(V & 0xffffffff));
  put32(S, uint32_t(V >> 32));
}

/// What the central directory needs to know of a written entry.
struct Written {
  uint16_t Method = 0;
  uint16_t Flags = 0;
  uint32_t Crc = 0;
  uint64_t CompressedSize = 0;
  uint64_t Size = 0;
  uint64_t LocalHeaderOffset = 0;
  uint32_t ExternalAttributes = 0;
};

/// Compresses \p Data as a raw deflate stream at \p Level; stores it when
/// deflate does not make it smaller. Returns {method, bytes}.
Expected<std::pair<uint16_t, std::string>> compress(StringRef Data, int Level) {
  if (Data.empty() || Level == 0)
    return std::make_pair(uint16_t(0), Data.str());
  z_stream Z{};
  if (deflateInit2(&Z, Level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK)
    return createStringError(inconvertibleErrorCode(),
                             "cannot start zlib's deflate");
  std::string Out(deflateBound(&Z, Data.size()), '\0');
  Z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(Data.data()));
  Z.avail_in = static_cast<uInt>(Data.size());
  Z.next_out = reinterpret_cast<Bytef *>(&Out[0]);
  Z.avail_out = static_cast<uInt>(Out.size());
  int R = deflate(&Z, Z_FINISH);
  size_t Produced = Out.size() - Z.avail_out;
  deflateEnd(&Z);
  if (R != Z_STREAM_END)
    return createStringError(inconvertibleErrorCode(),
                             "zlib's deflate failed (%d)", R);
  if (Produced >= Data.size())
    return std::make_pair(uint16_t(0), Data.str());
  Out.resize(Produced);
  Out.shrink_to_fit(); // Kept until written: only the deflated size.
  return std::make_pair(uint16_t(8), std::move(Out));
}

bool isAscii(StringRef S) {
  return llvm::all_of(S, [](char C) { return (unsigned char)C < 0x80; });
}

/// One zip entry to write, a file of the plan or a parent directory.
struct Item {
  StringRef Name; ///< Points into the plan or the set of directories.
  const PlannedFile *File = nullptr; ///< Null for directories.
  /// Index in the packed files, for a file not copied from a wheel.
  uint32_t Packed = ~0u;
  /// The last entry written from its wheel.
  bool LastOfWheel = false;
};

/// Preallocates \p Size bytes for the file open as \p FD. On ext4, a file
/// whose blocks are allocated is not flushed when it is renamed over an
/// existing output (the delayed-allocation safeguard), and a full disk is
/// found before anything is written. File systems without the call are
/// written as usual.
std::error_code preallocate(int FD, uint64_t Size) {
#ifdef __linux__
  if (Size == 0 || ::fallocate(FD, 0, 0, static_cast<off_t>(Size)) == 0)
    return std::error_code();
  if (errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL)
    return std::error_code();
  return std::error_code(errno, std::generic_category());
#else
  (void)FD;
  (void)Size;
  return std::error_code();
#endif
}

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

  // Every file, and every folder above one (named by a prefix of a path),
  // in byte order. The plan is sorted, so the files under a folder are
  // consecutive: a folder is new when the previous file did not have it, and
  // the folders come out sorted too, to be merged in (the check below
  // refuses anything out of order).
  std::vector<StringRef> Dirs;
  StringRef Previous;
  for (const PlannedFile &F : Plan.Files) {
    StringRef Path = F.Path;
    for (size_t Slash = Path.find('/'); Slash != StringRef::npos;
         Slash = Path.find('/', Slash + 1))
      if (!Previous.startswith(Path.take_front(Slash + 1)))
        Dirs.push_back(Path.take_front(Slash + 1));
    Previous = Path;
  }
  std::vector<Item> Items;
  Items.reserve(Plan.Files.size() + Dirs.size());
  {
    auto D = Dirs.begin();
    for (const PlannedFile &F : Plan.Files) {
      for (; D != Dirs.end() && *D < StringRef(F.Path); ++D)
        Items.push_back({*D, nullptr});
      Items.push_back({F.Path, &F});
    }
    for (; D != Dirs.end(); ++D)
      Items.push_back({*D, nullptr});
  }
  for (size_t I = 1; I < Items.size(); ++I) {
    if (Items[I].Name == Items[I - 1].Name)
      return createStringError(inconvertibleErrorCode(),
                               "path '%s' is planned twice",
                               Items[I].Name.str().c_str());
    if (Items[I].Name < Items[I - 1].Name)
      return createStringError(inconvertibleErrorCode(),
                               "the plan is not sorted at '%s'",
                               Items[I].Name.str().c_str());
  }

  // A regular output is written beside itself and renamed into place; a
  // device, FIFO or stdout is written in place, from a temporary file in
  // the system's temporary folder, once the archive is whole.
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
  raw_fd_ostream File(OutFD, /*shouldClose=*/true, /*unbuffered=*/true);
  // A failed write is reported below; its stream must not abort when it is
  // destroyed.
  auto ClearFileError = make_scope_exit([&] { File.clear_error(); });
  OutputStream Out(File);
  auto Fail = [&](const Twine &What) -> Error {
    return createStringError(inconvertibleErrorCode(),
                             "cannot write '" + OutPath + "': " + What);
  };

  // Files that are not copied from a wheel (application files, rewritten
  // RECORDs and scripts) are read and deflated on every core while the
  // entries before them are written; the writer waits for each when it
  // reaches it. The size of the archive is known up to their deflated
  // sizes: the file is preallocated to the bound (stored sizes) and cut to
  // what was written.
  struct Packed {
    uint16_t Method = 0;
    uint32_t Crc = 0;
    uint64_t Size = 0;
    std::string Bytes;
    /// Why the file could not be packed, or empty.
    std::string Err;
  };
  std::vector<const PlannedFile *> ToPack;
  std::vector<int64_t> LastItem(Plan.Wheels.size(), -1);
  uint64_t Bound = 22 + 56 + 20;
  for (size_t I = 0; I < Items.size(); ++I) {
    Item &It = Items[I];
    Bound += 30 + 46 + 2 * It.Name.size();
    if (!It.File)
      continue;
    const PlannedFile &F = *It.File;
    if (F.Source != PlannedSourceKind::WheelEntry) {
      It.Packed = ToPack.size();
      ToPack.push_back(&F);
      Bound += F.Size;
      continue;
    }
    if (F.Wheel >= Plan.Wheels.size() ||
        F.Entry >= Plan.Wheels[F.Wheel]->entries().size())
      return Fail("file '" + F.Path + "' has no wheel entry");
    Bound += Plan.Wheels[F.Wheel]->entries()[F.Entry].CompressedSize;
    LastItem[F.Wheel] = I;
  }
  for (int64_t I : LastItem)
    if (I >= 0)
      Items[I].LastOfWheel = true;
  if (std::error_code EC = preallocate(OutFD, Bound))
    return makeIOError("write", OutPath, EC);

  std::vector<Packed> PackedFiles(ToPack.size());
  std::vector<std::shared_future<void>> PackedReady;
  PackedReady.reserve(ToPack.size());
  // Declared after what its tasks use: it is destroyed (and waited for)
  // first, also on an early return.
  ThreadPool Pool(hardware_concurrency());
  for (size_t I = 0; I < ToPack.size(); ++I) {
    PackedReady.push_back(Pool.async([&, I] {
      const PlannedFile &F = *ToPack[I];
      Packed &P = PackedFiles[I];
      std::unique_ptr<MemoryBuffer> Disk;
      StringRef Bytes = F.Data;
      if (F.Source == PlannedSourceKind::DiskFile) {
        ErrorOr<std::unique_ptr<MemoryBuffer>> Buf = MemoryBuffer::getFile(
            F.DiskPath, /*IsText=*/false, /*RequiresNullTerminator=*/false);
        if (!Buf) {
          P.Err = toString(createFileError(F.DiskPath, Buf.getError()));
          return;
        }
        Disk = std::move(*Buf);
        Bytes = Disk->getBuffer();
      }
      P.Size = Bytes.size();
      P.Crc = crc32(0, reinterpret_cast<const Bytef *>(Bytes.data()),
                    static_cast<uInt>(Bytes.size()));
      Expected<std::pair<uint16_t, std::string>> Z =
          compress(Bytes, Options.DeflateLevel);
      if (!Z) {
        P.Err = "cannot write '" + OutPath.str() + "': file '" + F.Path +
                "': " + toString(Z.takeError());
        return;
      }
      P.Method = Z->first;
      P.Bytes = std::move(Z->second);
    }));
  }

  // Local headers and data, in name order.
  ZipResult Result;
  std::vector<Written> Entries;
  Entries.reserve(Items.size());
  std::string Header;
  for (const Item &It : Items) {
    Written W;
    W.LocalHeaderOffset = Out.tell();
    W.Flags = isAscii(It.Name) ? 0 : 0x0800; // bit 11: the name is UTF-8
    StringRef Data;                          // the bytes after the header
    const WheelArchive *From = nullptr;

    if (!It.File) {
      W.ExternalAttributes = (DirectoryType | 0755) << 16 | 0x10;
    } else {
      const PlannedFile &F = *It.File;
      W.ExternalAttributes = (RegularFileType | (F.Mode & 0111 ? 0755 : 0644))
                             << 16;
      if (F.Source == PlannedSourceKind::WheelEntry) {
        const WheelArchive &Wheel = *Plan.Wheels[F.Wheel];
        const WheelEntry &E = Wheel.entries()[F.Entry];
        // Copied as the wheel stores it: no inflate, no deflate. The wheel
        // was checked against its hash and its headers when it was opened.
        W.Method = E.Method;
        W.Crc = E.Crc;
        W.Size = E.Size;
        Data = Wheel.getRawData(E);
        From = &Wheel;
      } else {
        PackedReady[It.Packed].wait();
        Packed &P = PackedFiles[It.Packed];
        if (!P.Err.empty())
          return createStringError(inconvertibleErrorCode(), P.Err);
        W.Method = P.Method;
        W.Crc = P.Crc;
        W.Size = P.Size;
        Data = P.Bytes;
      }
      Result.UncompressedSize += F.Size;
    }
    W.CompressedSize = Data.size();
    if (W.Size >= 0xffffffff || W.CompressedSize >= 0xffffffff)
      return Fail("file '" + It.Name + "' is 4 GiB or larger");
    if (W.LocalHeaderOffset >= 0xffffffff)
      return Fail("the archive would be 4 GiB or larger");

    Header.clear();
    put32(Header, zipformat::LocalSig);
    put16(Header, 20); // version needed: deflate
    put16(Header, W.Flags);
    put16(Header, W.Method);
    put16(Header, Dos.first);
    put16(Header, Dos.second);
    put32(Header, W.Crc);
    put32(Header, uint32_t(W.CompressedSize));
    put32(Header, uint32_t(W.Size));
    put16(Header, uint16_t(It.Name.size()));
    put16(Header, 0); // no extra fields
    Header += It.Name;
    Out.append(Header);
    // Wheel mappings and packed files both live until the function returns.
    Out.appendStable(Data);
    if (From)
      Out.wrote(*From, Header.size() + Data.size(), It.LastOfWheel);
    Entries.push_back(W);
    ++Result.EntryCount;
  }

  // The central directory and its end records (ZIP64 past 65,535 entries or
  // a directory beyond 4 GiB).
  uint64_t CDOffset = Out.tell();
  for (size_t I = 0; I < Items.size(); ++I) {
    const Written &W = Entries[I];
    StringRef Name = Items[I].Name;
    Header.clear();
    put32(Header, zipformat::CentralSig);
    put16(Header, 3 << 8 | 20); // made by: Unix, zip 2.0
    put16(Header, 20);
    put16(Header, W.Flags);
    put16(Header, W.Method);
    put16(Header, Dos.first);
    put16(Header, Dos.second);
    put32(Header, W.Crc);
    put32(Header, uint32_t(W.CompressedSize));
    put32(Header, uint32_t(W.Size));
    put16(Header, uint16_t(Name.size()));
    put16(Header, 0); // extra
    put16(Header, 0); // comment
    put16(Header, 0); // disk
    put16(Header, 0); // internal attributes
    put32(Header, W.ExternalAttributes);
    put32(Header, uint32_t(W.LocalHeaderOffset));
    Header += Name;
    Out.append(Header);
  }
  uint64_t CDSize = Out.tell() - CDOffset;
  uint64_t Count = Entries.size();
  bool Zip64 =
      Count >= 0xffff || CDOffset >= 0xffffffff || CDSize >= 0xffffffff;
  Header.clear();
  if (Zip64) {
    uint64_t End64 = Out.tell();
    put32(Header, zipformat::End64Sig);
    put64(Header, 44); // size of the rest of this record
    put16(Header, 3 << 8 | 45);
    put16(Header, 45);
    put32(Header, 0);
    put32(Header, 0);
    put64(Header, Count);
    put64(Header, Count);
    put64(Header, CDSize);
    put64(Header, CDOffset);
    put32(Header, zipformat::End64LocatorSig);
    put32(Header, 0);
    put64(Header, End64);
    put32(Header, 1);
  }
  put32(Header, zipformat::EndSig);
  put16(Header, 0);
  put16(Header, 0);
  put16(Header, uint16_t(std::min<uint64_t>(Count, 0xffff)));
  put16(Header, uint16_t(std::min<uint64_t>(Count, 0xffff)));
  put32(Header, uint32_t(std::min<uint64_t>(CDSize, 0xffffffff)));
  put32(Header, uint32_t(std::min<uint64_t>(CDOffset, 0xffffffff)));
  put16(Header, 0); // comment
  Out.append(Header);

  Expected<Sha256Digest> Digest = Out.finish();
  uint64_t Size = Out.tell();
  if (Size < Bound && ::ftruncate(OutFD, static_cast<off_t>(Size)) != 0) {
    std::error_code EC(errno, std::generic_category());
    consumeError(Digest.takeError());
    return makeIOError("write", OutPath, EC);
  }
  File.close();
  if (File.has_error()) {
    std::error_code EC = File.error();
    File.clear_error();
    consumeError(Digest.takeError());
    return makeIOError("write", OutPath, EC);
  }
  if (!Digest)
    return Digest.takeError();
  if (Options.BeforeCommit)
    if (Error E = Options.BeforeCommit())
      return E; // The temporary file goes with Temp.
  if (Kind != OutputKind::Replace) {
    if (Error E = copyToOutput(TempPath, OutPath))
      return E;
    Temp->discard();
  } else if (Error E = Temp->commit()) {
    return E;
  }
  Result.Sha256Hex = toHex(*Digest, /*LowerCase=*/true);
  Result.CodeSha256 = toBase64(*Digest);
  Result.CompressedSize = Size;
  return Result;
}
