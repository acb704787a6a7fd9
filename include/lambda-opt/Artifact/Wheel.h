//===- Wheel.h - Suspicious wheel reader ----------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Opens a wheel (.whl), reads its central directory itself and refuses
/// archives that could write outside the install tree, hide content, or
/// exhaust memory/disk when extracted. Entry data is then read (or copied
/// raw) through libzip.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_ARTIFACT_WHEEL_H
#define LAMBDA_OPT_ARTIFACT_WHEEL_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct zip;

namespace lambdaopt {

struct ZipModule;

/// Bounds applied while reading a wheel.
struct WheelLimits {
  /// Largest uncompressed size of one entry.
  uint64_t MaxEntrySize = uint64_t(1) << 30;
  /// Largest sum of uncompressed sizes.
  uint64_t MaxTotalSize = uint64_t(4) << 30;
  /// Entries at least this large are checked against MaxRatio.
  uint64_t BombMinSize = uint64_t(1) << 20;
  /// Largest uncompressed:compressed ratio for entries >= BombMinSize.
  uint64_t MaxRatio = 200;
};

/// The zip compression methods a wheel may use.
enum class CompressionKind : uint16_t { Stored = 0, Deflated = 8 };

/// One central-directory entry of a wheel.
struct WheelEntry {
  std::string Name;
  /// Index in the central directory (and in libzip).
  uint64_t Index = 0;
  uint64_t Size = 0;
  uint64_t CompressedSize = 0;
  /// Raw zip method number; only 0 (stored) and 8 (deflated) are accepted.
  uint16_t Method = 0;
  uint32_t Crc = 0;
  /// Unix permission bits (0644 when the archive records none).
  unsigned Mode = 0644;
  /// Offset of the local file header.
  uint64_t LocalHeaderOffset = 0;
  /// Offset of the entry's (compressed) data, just past its local header.
  uint64_t DataOffset = 0;

  bool isDirectory() const { return !Name.empty() && Name.back() == '/'; }
  bool isExecutable() const { return (Mode & 0111) != 0; }
};

/// An opened and validated wheel.
class WheelArchive {
public:
  /// Opens and validates the wheel at \p Path. The returned error names the
  /// wheel file and the offending entry.
  /// When \p ExpectedSha256Hex is not empty, the file's bytes are hashed
  /// from the same mapping the archive is read from, and checked before any
  /// of them is parsed; \p Package names the wheel's package in the error.
  static llvm::Expected<std::unique_ptr<WheelArchive>>
  open(llvm::StringRef Path, const WheelLimits &Limits = WheelLimits(),
       llvm::StringRef ExpectedSha256Hex = {}, llvm::StringRef Package = {});
  /// Hashes the file at \p Path and compares the digest with
  /// \p ExpectedSha256Hex ("sha256:" prefix allowed): the lower-case hex
  /// digest, or the error open() gives for a mismatch. With setVerified(), it
  /// lets a large wheel be parsed while its bytes are hashed; nothing
  /// planned from it may be used until this has succeeded.
  static llvm::Expected<std::string> verify(llvm::StringRef Path,
                                            llvm::StringRef ExpectedSha256Hex,
                                            llvm::StringRef Package);
  /// The sum of the uncompressed entry sizes of the wheel at \p Path, from
  /// its central directory alone (checked against \p Limits as open()
  /// does), without loading libzip or inflating anything.
  static llvm::Expected<uint64_t>
  readUnpackedSize(llvm::StringRef Path,
                   const WheelLimits &Limits = WheelLimits());
  ~WheelArchive();
  WheelArchive(const WheelArchive &) = delete;
  WheelArchive &operator=(const WheelArchive &) = delete;

  llvm::StringRef getPath() const { return Path; }
  /// The lower-case hex SHA-256 of the file when open() checked it against
  /// an expected digest; empty otherwise.
  llvm::StringRef getVerifiedSha256() const { return VerifiedSha256; }
  /// Records that verify() found the file's digest to be \p Sha256Hex.
  void setVerified(std::string Sha256Hex) {
    VerifiedSha256 = std::move(Sha256Hex);
  }
  /// "name-version.dist-info".
  llvm::StringRef getDistInfoDir() const { return DistInfoDir; }
  /// "name-version.data" (whether or not the wheel has one).
  llvm::StringRef getDataDir() const { return DataDir; }
  llvm::StringRef getMetadata() const { return Metadata; }
  llvm::StringRef getWheelText() const { return WheelText; }
  /// Sum of uncompressed entry sizes.
  uint64_t getUnpackedSize() const { return UnpackedSize; }
  /// All entries, in central-directory order.
  llvm::ArrayRef<WheelEntry> entries() const { return Entries; }
  /// The entry called \p Name, or null.
  const WheelEntry *findEntry(llvm::StringRef Name) const;
  /// The bytes of \p E as stored in the wheel (still compressed when
  /// E.Method is deflate), straight from the mapping; bounds checked when the
  /// wheel was opened.
  llvm::StringRef getRawData(const WheelEntry &E) const {
    return Buffer->getBuffer().substr(E.DataOffset, E.CompressedSize);
  }
  /// Tells the kernel that the mapped bytes are not needed for now: they
  /// stop counting as resident and are read back from the page cache on the
  /// next access. Contents and pointers stay valid.
  void releasePages() const;
  /// Inflated bytes of \p E (CRC checked by libzip).
  llvm::Expected<std::string> readEntry(const WheelEntry &E) const;
  /// The libzip handle, for raw entry copies. Not thread-safe.
  ::zip *getZip() const { return Zip; }

private:
  WheelArchive() = default;
  llvm::Error mapFile();
  llvm::Error parseCentralDirectory(const WheelLimits &Limits);
  llvm::Error checkLocalHeaders(llvm::StringRef File);
  llvm::Error findDistInfo();
  llvm::Error entryError(llvm::StringRef Entry, const llvm::Twine &Msg) const;

  std::string Path;
  std::string VerifiedSha256;
  std::unique_ptr<llvm::MemoryBuffer> Buffer;
  std::string DistInfoDir;
  std::string DataDir;
  std::string Metadata;
  std::string WheelText;
  uint64_t UnpackedSize = 0;
  std::vector<WheelEntry> Entries;
  std::vector<uint16_t> Flags;
  ::zip *Zip = nullptr;
  /// The libLambdaOptZip.so table that opened Zip (see ZipModule.h).
  const ZipModule *Module = nullptr;
};

} // namespace lambdaopt

#endif // LAMBDA_OPT_ARTIFACT_WHEEL_H
