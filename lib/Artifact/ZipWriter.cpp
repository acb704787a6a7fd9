//===- ZipWriter.cpp - Reproducible zip writer ----------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Artifact/ZipWriter.h"
#include "lambda-opt/Artifact/Hash.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include <ctime>
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

Expected<int64_t> resolveEpoch(int64_t Requested) {
  if (Requested >= 0)
    return Requested;
  Optional<std::string> Env = sys::Process::GetEnv("SOURCE_DATE_EPOCH");
  if (!Env || Env->empty())
    return DosEpoch;
  int64_t Value;
  if (StringRef(*Env).getAsInteger(10, Value) || Value < 0)
    return createStringError(inconvertibleErrorCode(),
                             "SOURCE_DATE_EPOCH '%s' is not a non-negative "
                             "integer",
                             Env->c_str());
  return Value;
}

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
  Expected<int64_t> Epoch = resolveEpoch(Options.SourceDateEpoch);
  if (!Epoch)
    return Epoch.takeError();
  std::pair<uint16_t, uint16_t> Dos = toDosTime(*Epoch);

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

  SmallString<256> Absolute(OutPath);
  if (std::error_code EC = sys::fs::make_absolute(Absolute))
    return createFileError(OutPath, EC);
  StringRef Dir = sys::path::parent_path(Absolute);
  SmallString<256> Model(Dir);
  sys::path::append(Model,
                    "." + sys::path::filename(Absolute) + ".tmp-%%%%%%%%");
  int TempFD;
  SmallString<256> TempPath;
  if (std::error_code EC = sys::fs::createUniqueFile(Model, TempFD, TempPath))
    return createFileError(Model, EC);
  sys::fs::closeFile(TempFD);
  bool Keep = false;
  auto RemoveTemp = make_scope_exit([&] {
    if (!Keep)
      sys::fs::remove(TempPath);
  });

  int ZipErr = 0;
  zip_t *Za = zip_open(TempPath.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &ZipErr);
  if (!Za) {
    zip_error_t ZE;
    zip_error_init_with_code(&ZE, ZipErr);
    std::string Msg = zip_error_strerror(&ZE);
    zip_error_fini(&ZE);
    return createStringError(inconvertibleErrorCode(), "cannot create '%s': %s",
                             TempPath.c_str(), Msg.c_str());
  }
  auto Fail = [&](const Twine &What) -> Error {
    std::string Msg = zip_strerror(Za);
    zip_discard(Za);
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

  Expected<Sha256Digest> Digest = sha256FileDigest(TempPath);
  if (!Digest)
    return Digest.takeError();
  uint64_t Size = 0;
  if (std::error_code EC = sys::fs::file_size(TempPath, Size))
    return createFileError(TempPath, EC);
  if (std::error_code EC = sys::fs::rename(TempPath, Absolute))
    return createFileError(OutPath, EC);
  Keep = true;
  Result.Sha256Hex = toHex(*Digest);
  Result.CodeSha256 = toBase64(*Digest);
  Result.CompressedSize = Size;
  return Result;
}
