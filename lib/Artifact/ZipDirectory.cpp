//===- ZipDirectory.cpp - Zip sizes from the end of the file --------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Artifact/ZipDirectory.h"
#include "ZipFormat.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;
using namespace lambdaopt;
using namespace lambdaopt::zipformat;

namespace {

Error fail(const Twine &Msg) {
  return createStringError(inconvertibleErrorCode(), Msg.str());
}
} // namespace

Expected<ZipDirectoryLocation>
lambdaopt::locateZipDirectory(StringRef Tail, uint64_t FileSize) {
  if (Tail.size() < 22 || Tail.size() > FileSize)
    return fail(formatv("{0} bytes cannot end a zip of {1} bytes", Tail.size(),
                        FileSize));
  uint64_t TailStart = FileSize - Tail.size();
  size_t EndPos = StringRef::npos;
  for (size_t I = Tail.size() - 22 + 1; I-- > 0;)
    if (get32(Tail, I) == EndSig &&
        I + 22 + get16(Tail, I + 20) <= Tail.size()) {
      EndPos = I;
      break;
    }
  if (EndPos == StringRef::npos)
    return fail("no end of central directory record");
  if (get16(Tail, EndPos + 4) != 0 || get16(Tail, EndPos + 6) != 0)
    return fail("a multi-disk archive");
  ZipDirectoryLocation L;
  L.Entries = get16(Tail, EndPos + 10);
  L.Size = get32(Tail, EndPos + 12);
  L.Offset = get32(Tail, EndPos + 16);
  if (L.Entries == 0xffff || L.Size == 0xffffffff || L.Offset == 0xffffffff) {
    if (EndPos < 20 || get32(Tail, EndPos - 20) != End64LocatorSig)
      return fail("zip64 fields without a zip64 locator");
    uint64_t End64 = get64(Tail, EndPos - 20 + 8);
    if (End64 < TailStart || End64 + 56 > TailStart + EndPos)
      return fail("a zip64 record outside the end of the file");
    StringRef R = Tail.substr(End64 - TailStart, 56);
    if (get32(R, 0) != End64Sig)
      return fail("a bad zip64 end of central directory record");
    L.Entries = get64(R, 32);
    L.Size = get64(R, 40);
    L.Offset = get64(R, 48);
  }
  if (L.Offset > FileSize || L.Size > FileSize - L.Offset)
    return fail(formatv("a central directory of {0} bytes at {1} in a "
                        "{2}-byte file",
                        L.Size, L.Offset, FileSize));
  return L;
}

Expected<uint64_t> lambdaopt::sumZipDirectorySizes(StringRef CD,
                                                   uint64_t Entries) {
  uint64_t Total = 0;
  size_t Pos = 0;
  for (uint64_t I = 0; I < Entries; ++I) {
    if (Pos + 46 > CD.size() || get32(CD, Pos) != CentralSig)
      return fail(formatv("central directory entry {0} of {1} is malformed", I,
                          Entries));
    uint64_t Size = get32(CD, Pos + 24);
    uint64_t CSize = get32(CD, Pos + 20);
    size_t NameLen = get16(CD, Pos + 28), ExtraLen = get16(CD, Pos + 30),
           CommentLen = get16(CD, Pos + 32);
    if (Pos + 46 + NameLen + ExtraLen + CommentLen > CD.size())
      return fail(formatv("central directory entry {0} of {1} is truncated", I,
                          Entries));
    StringRef Extra = CD.substr(Pos + 46 + NameLen, ExtraLen);
    // The zip64 extra field holds the sizes recorded as 0xffffffff.
    for (size_t X = 0; X + 4 <= Extra.size();) {
      uint16_t Id = get16(Extra, X), Len = get16(Extra, X + 2);
      StringRef Body = Extra.substr(X + 4, Len);
      X += 4 + Len;
      if (Id != 1)
        continue;
      if (Size == 0xffffffff && Body.size() >= 8)
        Size = get64(Body, 0);
      break;
    }
    (void)CSize;
    Total += Size;
    Pos += 46 + NameLen + ExtraLen + CommentLen;
  }
  return Total;
}
