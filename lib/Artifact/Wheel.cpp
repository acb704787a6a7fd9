//===- Wheel.cpp - Suspicious wheel reader --------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Artifact/Wheel.h"
#include "ZipFormat.h"
#include "lambda-opt/Artifact/Hash.h"
#include "lambda-opt/Artifact/ZipModule.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace llvm;
using namespace lambdaopt;
using namespace lambdaopt::zipformat;

namespace {

constexpr uint64_t MaxCentralDirSize = uint64_t(256) << 20;
constexpr unsigned UnixHost = 3;
constexpr unsigned FileTypeMask = 0170000;
constexpr unsigned SymlinkType = 0120000;

/// The \p Size bytes at \p Offset of the mapped wheel \p File.
Expected<StringRef> readAt(StringRef File, uint64_t Offset, uint64_t Size) {
  if (Offset > File.size() || Size > File.size() - Offset)
    return createStringError(inconvertibleErrorCode(),
                             "file ends before byte %llu",
                             (unsigned long long)(Offset + Size));
  return File.substr(Offset, Size);
}

/// Values of a zip64 extended-information extra field, in field order.
void applyZip64Extra(StringRef Extra, uint64_t &Size, uint64_t &CSize,
                     uint64_t *Offset) {
  size_t Pos = 0;
  while (Pos + 4 <= Extra.size()) {
    uint16_t Id = get16(Extra, Pos);
    uint16_t Len = get16(Extra, Pos + 2);
    StringRef Body = Extra.substr(Pos + 4, Len);
    Pos += 4 + Len;
    if (Id != 1)
      continue;
    size_t At = 0;
    auto Take = [&](uint64_t &V) {
      if (V != 0xffffffff || At + 8 > Body.size())
        return;
      V = get64(Body, At);
      At += 8;
    };
    Take(Size);
    Take(CSize);
    if (Offset)
      Take(*Offset);
    return;
  }
}

/// True if \p Name could escape the directory it is extracted into.
bool isAbsoluteName(StringRef Name) {
  if (Name.startswith("/") || Name.startswith("\\"))
    return true;
  return Name.size() >= 2 && isAlpha(Name[0]) && Name[1] == ':';
}

bool hasParentComponent(StringRef Name) {
  SmallVector<StringRef, 16> Parts;
  Name.split(Parts, '/');
  for (StringRef P : Parts) {
    SmallVector<StringRef, 4> Sub;
    P.split(Sub, '\\');
    if (is_contained(Sub, ".."))
      return true;
  }
  return false;
}

} // namespace

WheelArchive::~WheelArchive() {
  if (Zip)
    Module->CloseWheel(Zip);
}

Error WheelArchive::entryError(StringRef Entry, const Twine &Msg) const {
  return createStringError(inconvertibleErrorCode(), "wheel '" + Path +
                                                         "': entry '" + Entry +
                                                         "' " + Msg.str());
}

const WheelEntry *WheelArchive::findEntry(StringRef Name) const {
  for (const WheelEntry &E : Entries)
    if (E.Name == Name)
      return &E;
  return nullptr;
}

Expected<uint64_t> WheelArchive::readUnpackedSize(StringRef Path,
                                                  const WheelLimits &Limits) {
  WheelArchive W;
  W.Path = Path.str();
  if (Error E = W.mapFile())
    return std::move(E);
  if (Error E = W.parseCentralDirectory(Limits))
    return std::move(E);
  return W.UnpackedSize;
}

/// \p Actual (the lower-case hex digest of the file \p Path) when it is
/// \p ExpectedHex, else the mismatch error naming \p Package.
static Expected<std::string> compareDigest(std::string Actual, StringRef Path,
                                           StringRef ExpectedHex,
                                           StringRef Package) {
  if (!ExpectedHex.equals_insensitive(Actual))
    return createStringError(
        inconvertibleErrorCode(),
        "sha256 mismatch for package '%s' in wheel '%s': expected %s, got %s",
        Package.str().c_str(), Path.str().c_str(), ExpectedHex.lower().c_str(),
        Actual.c_str());
  return Actual;
}

Expected<std::string> WheelArchive::verify(StringRef Path,
                                           StringRef ExpectedSha256Hex,
                                           StringRef Package) {
  // Read through a buffer rather than mapped: a check that runs beside the
  // artifact's writing should not hold the whole wheel in memory.
  Expected<std::string> Actual = sha256File(Path);
  if (!Actual)
    return Actual.takeError();
  ExpectedSha256Hex.consume_front("sha256:");
  return compareDigest(std::move(*Actual), Path, ExpectedSha256Hex, Package);
}

Expected<std::unique_ptr<WheelArchive>>
WheelArchive::open(StringRef Path, const WheelLimits &Limits,
                   StringRef ExpectedSha256Hex, StringRef Package) {
  std::unique_ptr<WheelArchive> W(new WheelArchive());
  W->Path = Path.str();
  if (Error E = W->mapFile())
    return E;
  // Verify the bytes before trusting any of their structure.
  ExpectedSha256Hex.consume_front("sha256:");
  if (!ExpectedSha256Hex.empty()) {
    Expected<std::string> Hex = sha256Hex(W->Buffer->getBuffer());
    if (!Hex)
      return Hex.takeError();
    Expected<std::string> Actual =
        compareDigest(std::move(*Hex), W->Path, ExpectedSha256Hex, Package);
    if (!Actual)
      return Actual.takeError();
    W->VerifiedSha256 = std::move(*Actual);
  }
  if (Error E = W->parseCentralDirectory(Limits))
    return E;
  if (Error E = W->findDistInfo())
    return E;

  Expected<const ZipModule *> Module = getZipModule();
  if (!Module)
    return Module.takeError();
  Expected<::zip *> Zip =
      (*Module)->OpenWheel(W->Path, W->Buffer->getBuffer(), W->Entries);
  if (!Zip)
    return Zip.takeError();
  W->Zip = *Zip;
  W->Module = *Module;

  if (const WheelEntry *M = W->findEntry(W->DistInfoDir + "/METADATA")) {
    Expected<std::string> Text = W->readEntry(*M);
    if (!Text)
      return Text.takeError();
    W->Metadata = std::move(*Text);
  }
  if (const WheelEntry *M = W->findEntry(W->DistInfoDir + "/WHEEL")) {
    Expected<std::string> Text = W->readEntry(*M);
    if (!Text)
      return Text.takeError();
    W->WheelText = std::move(*Text);
  }
  // Every byte was touched by the hash; let the kernel reclaim the pages
  // until the entries are read or copied (they come back from the page
  // cache), so that many wheels open at once do not all count as resident.
  W->releasePages();
  return W;
}

void WheelArchive::releasePages() const { Buffer->dontNeedIfMmap(); }

Error WheelArchive::mapFile() {
  // Map the wheel once: its hash, the central directory, the local headers,
  // libzip's reads and the raw copies into the artifact all come from these
  // pages.
  ErrorOr<std::unique_ptr<MemoryBuffer>> BufOrErr =
      MemoryBuffer::getFile(Path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!BufOrErr)
    return createFileError(Path, BufOrErr.getError());
  Buffer = std::move(*BufOrErr);
  return Error::success();
}

Error WheelArchive::parseCentralDirectory(const WheelLimits &Limits) {
  StringRef FD = Buffer->getBuffer();
  auto Fail = [&](const Twine &Msg) {
    return createStringError(inconvertibleErrorCode(),
                             "wheel '" + Path + "': " + Msg.str());
  };
  uint64_t FileSize = FD.size();
  if (FileSize < 22)
    return Fail(formatv("is {0} bytes, too small to be a zip", FileSize));

  // Find the end-of-central-directory record in the last 64 KiB + 22 bytes.
  uint64_t TailSize = std::min<uint64_t>(FileSize, 65535 + 22);
  Expected<StringRef> Tail = readAt(FD, FileSize - TailSize, TailSize);
  if (!Tail)
    return Fail(toString(Tail.takeError()));
  StringRef T = *Tail;
  size_t EndPos = StringRef::npos;
  for (size_t I = T.size() - 22 + 1; I-- > 0;) {
    if (get32(T, I) == EndSig && I + 22 + get16(T, I + 20) <= T.size()) {
      EndPos = I;
      break;
    }
  }
  if (EndPos == StringRef::npos)
    return Fail("has no end of central directory record");
  uint64_t EndOffset = FileSize - TailSize + EndPos;
  if (get16(T, EndPos + 4) != 0 || get16(T, EndPos + 6) != 0)
    return Fail("is a multi-disk archive");
  uint64_t Count = get16(T, EndPos + 10);
  uint64_t CDSize = get32(T, EndPos + 12);
  uint64_t CDOffset = get32(T, EndPos + 16);
  if (Count == 0xffff || CDSize == 0xffffffff || CDOffset == 0xffffffff) {
    if (EndOffset < 20)
      return Fail("has a truncated zip64 locator");
    Expected<StringRef> Loc = readAt(FD, EndOffset - 20, 20);
    if (!Loc)
      return Fail(toString(Loc.takeError()));
    if (get32(*Loc, 0) != End64LocatorSig)
      return Fail("needs zip64 fields but has no zip64 locator");
    uint64_t End64Offset = get64(*Loc, 8);
    Expected<StringRef> End64 = readAt(FD, End64Offset, 56);
    if (!End64)
      return Fail(toString(End64.takeError()));
    if (get32(*End64, 0) != End64Sig)
      return Fail("has a bad zip64 end of central directory record");
    Count = get64(*End64, 32);
    CDSize = get64(*End64, 40);
    CDOffset = get64(*End64, 48);
  }
  if (CDSize > MaxCentralDirSize || CDOffset + CDSize > FileSize)
    return Fail(formatv("has a central directory of {0} bytes at offset {1} "
                        "in a {2}-byte file",
                        CDSize, CDOffset, FileSize));
  Expected<StringRef> CDBuf = readAt(FD, CDOffset, CDSize);
  if (!CDBuf)
    return Fail(toString(CDBuf.takeError()));
  StringRef CD = *CDBuf;

  StringSet<> Seen;
  size_t Pos = 0;
  for (uint64_t I = 0; I < Count; ++I) {
    if (Pos + 46 > CD.size() || get32(CD, Pos) != CentralSig)
      return Fail(
          formatv("central directory entry {0} of {1} is malformed", I, Count));
    uint16_t MadeBy = get16(CD, Pos + 4);
    uint16_t Flag = get16(CD, Pos + 8);
    WheelEntry E;
    E.Index = I;
    E.Method = get16(CD, Pos + 10);
    E.Crc = get32(CD, Pos + 16);
    E.CompressedSize = get32(CD, Pos + 20);
    E.Size = get32(CD, Pos + 24);
    uint16_t NameLen = get16(CD, Pos + 28);
    uint16_t ExtraLen = get16(CD, Pos + 30);
    uint16_t CommentLen = get16(CD, Pos + 32);
    uint32_t External = get32(CD, Pos + 38);
    E.LocalHeaderOffset = get32(CD, Pos + 42);
    if (Pos + 46 + NameLen + ExtraLen + CommentLen > CD.size())
      return Fail(
          formatv("central directory entry {0} of {1} is truncated", I, Count));
    E.Name = CD.substr(Pos + 46, NameLen).str();
    applyZip64Extra(CD.substr(Pos + 46 + NameLen, ExtraLen), E.Size,
                    E.CompressedSize, &E.LocalHeaderOffset);
    Pos += 46 + NameLen + ExtraLen + CommentLen;

    unsigned UnixMode = External >> 16;
    if ((MadeBy >> 8) == UnixHost && UnixMode != 0)
      E.Mode = UnixMode & 07777;
    else
      E.Mode = E.isDirectory() ? 0755 : 0644;

    if (E.Name.empty() || StringRef(E.Name).contains('\0'))
      return entryError(E.Name, "has an empty or NUL-containing name");
    if (isAbsoluteName(E.Name))
      return entryError(E.Name, "has an absolute path");
    if (hasParentComponent(E.Name))
      return entryError(E.Name, "has a '..' path component (path traversal)");
    if (UnixMode != 0 && (UnixMode & FileTypeMask) == SymlinkType)
      return entryError(E.Name, "is a symbolic link");
    if (!Seen.insert(E.Name).second)
      return entryError(E.Name, "appears more than once");
    if (Flag & 0x41)
      return entryError(E.Name, "is encrypted");
    if (E.Method != uint16_t(CompressionKind::Stored) &&
        E.Method != uint16_t(CompressionKind::Deflated))
      return entryError(E.Name,
                        formatv("uses compression method {0}; only stored "
                                "(0) and deflated (8) are accepted",
                                E.Method));
    if (E.Size > Limits.MaxEntrySize)
      return entryError(E.Name,
                        formatv("is {0} bytes uncompressed, over the {1}-byte "
                                "per-entry limit",
                                E.Size, Limits.MaxEntrySize));
    if (E.Size >= Limits.BombMinSize &&
        E.Size > Limits.MaxRatio * std::max<uint64_t>(E.CompressedSize, 1))
      return entryError(
          E.Name, formatv("expands {0} bytes to {1} bytes, over the {2}:1 "
                          "compression ratio limit (zip bomb)",
                          E.CompressedSize, E.Size, Limits.MaxRatio));
    if (E.Method == uint16_t(CompressionKind::Stored) &&
        E.Size != E.CompressedSize)
      return entryError(E.Name,
                        formatv("is stored but sizes differ ({0} vs {1})",
                                E.Size, E.CompressedSize));
    if (E.LocalHeaderOffset + 30 > CDOffset)
      return entryError(E.Name, formatv("has a local header offset {0} past "
                                        "the central directory at {1}",
                                        E.LocalHeaderOffset, CDOffset));
    UnpackedSize += E.Size;
    if (UnpackedSize > Limits.MaxTotalSize)
      return entryError(E.Name,
                        formatv("brings the uncompressed total to {0} bytes, "
                                "over the {1}-byte wheel limit",
                                UnpackedSize, Limits.MaxTotalSize));
    Flags.push_back(Flag);
    Entries.push_back(std::move(E));
  }
  return checkLocalHeaders(FD);
}

Error WheelArchive::checkLocalHeaders(StringRef FD) {
  for (size_t I = 0; I < Entries.size(); ++I) {
    const WheelEntry &E = Entries[I];
    Expected<StringRef> Head = readAt(FD, E.LocalHeaderOffset, 30);
    if (!Head)
      return entryError(E.Name, "has an unreadable local header: " +
                                    toString(Head.takeError()));
    StringRef H = *Head;
    if (get32(H, 0) != LocalSig)
      return entryError(E.Name, formatv("has no local header signature at "
                                        "offset {0}",
                                        E.LocalHeaderOffset));
    uint16_t Flag = get16(H, 6);
    uint16_t Method = get16(H, 8);
    uint64_t CSize = get32(H, 18);
    uint64_t Size = get32(H, 22);
    uint16_t NameLen = get16(H, 26);
    uint16_t ExtraLen = get16(H, 28);
    Expected<StringRef> Rest =
        readAt(FD, E.LocalHeaderOffset + 30, NameLen + ExtraLen);
    if (!Rest)
      return entryError(E.Name, "has a truncated local header: " +
                                    toString(Rest.takeError()));
    Entries[I].DataOffset = E.LocalHeaderOffset + 30 + NameLen + ExtraLen;
    // readAt checked that the header fits, so DataOffset <= FD.size().
    if (E.CompressedSize > FD.size() - Entries[I].DataOffset)
      return entryError(E.Name,
                        formatv("has {0} bytes of data at offset {1}, "
                                "past the end of the file",
                                E.CompressedSize, Entries[I].DataOffset));
    StringRef LocalName = StringRef(*Rest).take_front(NameLen);
    if (LocalName != E.Name)
      return entryError(E.Name,
                        "is called '" + LocalName + "' in its local header");
    if (Method != E.Method)
      return entryError(E.Name,
                        formatv("has method {0} in its local header but {1} "
                                "in the central directory",
                                Method, E.Method));
    if ((Flag ^ Flags[I]) & 0x41)
      return entryError(E.Name, "has different encryption flags in its local "
                                "header and the central directory");
    if (Flag & 0x8)
      continue; // Sizes live in a data descriptor after the data.
    applyZip64Extra(StringRef(*Rest).drop_front(NameLen), Size, CSize, nullptr);
    if (Size != E.Size || CSize != E.CompressedSize)
      return entryError(
          E.Name, formatv("has sizes {0}/{1} in its local header but {2}/{3} "
                          "in the central directory",
                          Size, CSize, E.Size, E.CompressedSize));
  }
  return Error::success();
}

Error WheelArchive::findDistInfo() {
  std::vector<std::string> Dirs;
  for (const WheelEntry &E : Entries) {
    StringRef Top = StringRef(E.Name).split('/').first;
    if (Top.endswith(".dist-info") && StringRef(E.Name).contains('/') &&
        !is_contained(Dirs, Top))
      Dirs.push_back(Top.str());
  }
  StringRef File = sys::path::filename(Path);
  if (Dirs.empty()) {
    // Name the entry the wheel file name promises.
    SmallVector<StringRef, 5> Parts;
    File.split(Parts, '-');
    std::string Guess = Parts.size() >= 2
                            ? (Parts[0] + "-" + Parts[1] + ".dist-info").str()
                            : std::string("*.dist-info");
    return entryError(Guess + "/METADATA", "is missing");
  }
  if (Dirs.size() > 1)
    return entryError(Dirs[1], "is a second .dist-info directory besides '" +
                                   Dirs[0] + "'");
  DistInfoDir = Dirs.front();
  DataDir =
      StringRef(DistInfoDir).drop_back(strlen(".dist-info")).str() + ".data";
  for (StringRef Required : {"WHEEL", "METADATA"}) {
    std::string Name = DistInfoDir + "/" + Required.str();
    if (!findEntry(Name))
      return entryError(Name, "is missing");
  }
  return Error::success();
}

Expected<std::string> WheelArchive::readEntry(const WheelEntry &E) const {
  return Module->ReadWheelEntry(Zip, Path, E);
}
