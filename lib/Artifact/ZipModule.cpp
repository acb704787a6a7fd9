//===- ZipModule.cpp - libLambdaOptZip.so: libzip and OpenSSL -------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The entry points of the module that holds libzip and libcrypto (see
// ZipModule.h): SHA-256 contexts, opening and reading wheels, and (from
// ZipWriter.cpp) writing zips.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Artifact/ZipModule.h"

#include "llvm/Support/FormatVariadic.h"

#include <openssl/evp.h>
#include <zip.h>

using namespace llvm;
using namespace lambdaopt;

static void *newSha256() {
  EVP_MD_CTX *Ctx = EVP_MD_CTX_new();
  if (Ctx && EVP_DigestInit_ex(Ctx, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(Ctx);
    return nullptr;
  }
  return Ctx;
}

static void updateSha256(void *Ctx, const void *Data, size_t Size) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX *>(Ctx), Data, Size);
}

static void finalSha256(void *Ctx, uint8_t *Digest) {
  unsigned Len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX *>(Ctx), Digest, &Len);
}

static void freeSha256(void *Ctx) {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX *>(Ctx));
}

static Error entryError(StringRef Path, StringRef Entry, const Twine &Msg) {
  return createStringError(inconvertibleErrorCode(), "wheel '" + Path +
                                                         "': entry '" + Entry +
                                                         "' " + Msg.str());
}

static Expected<zip_t *> openWheel(StringRef Path, StringRef Bytes,
                                   ArrayRef<WheelEntry> Entries) {
  zip_error_t ZE;
  zip_error_init(&ZE);
  zip_t *Zip = nullptr;
  zip_source_t *Src =
      zip_source_buffer_create(Bytes.data(), Bytes.size(), 0, &ZE);
  if (Src)
    Zip = zip_open_from_source(Src, ZIP_RDONLY, &ZE);
  if (!Zip) {
    std::string Msg = zip_error_strerror(&ZE);
    zip_error_fini(&ZE);
    if (Src)
      zip_source_free(Src);
    return createStringError(inconvertibleErrorCode(),
                             "wheel '%s': cannot open: %s", Path.str().c_str(),
                             Msg.c_str());
  }
  zip_error_fini(&ZE);
  auto Fail = [&](Error E) -> Expected<zip_t *> {
    zip_discard(Zip);
    return E;
  };
  zip_int64_t Count = zip_get_num_entries(Zip, 0);
  if (Count < 0 || uint64_t(Count) != Entries.size())
    return Fail(createStringError(
        inconvertibleErrorCode(),
        "wheel '%s': libzip sees %lld entries, central directory has %zu",
        Path.str().c_str(), (long long)Count, Entries.size()));
  for (const WheelEntry &E : Entries) {
    const char *Name = zip_get_name(Zip, E.Index, ZIP_FL_ENC_RAW);
    if (!Name || E.Name != Name)
      return Fail(
          entryError(Path, E.Name, "is at a different index in libzip"));
  }
  return Zip;
}

static Expected<std::string> readWheelEntry(zip_t *Zip, StringRef Path,
                                            const WheelEntry &E) {
  zip_file_t *F = zip_fopen_index(Zip, E.Index, 0);
  if (!F)
    return entryError(Path, E.Name,
                      "cannot be opened: " + Twine(zip_strerror(Zip)));
  std::string Data(E.Size, '\0');
  uint64_t Done = 0;
  while (Done < E.Size) {
    zip_int64_t N = zip_fread(F, &Data[Done], E.Size - Done);
    if (N <= 0) {
      std::string Msg = N < 0 ? zip_file_strerror(F) : "unexpected end";
      zip_fclose(F);
      return entryError(Path, E.Name,
                        formatv("cannot be read after {0} of {1} bytes: {2}",
                                Done, E.Size, Msg));
    }
    Done += N;
  }
  // Reading one more byte lets libzip reach the end and verify the CRC.
  char Extra;
  zip_int64_t N = zip_fread(F, &Extra, 1);
  std::string Msg = N < 0 ? zip_file_strerror(F) : "";
  zip_fclose(F);
  if (N != 0)
    return entryError(Path, E.Name,
                      N > 0 ? Twine("is longer than its recorded size")
                            : Twine("fails to read: ") + Msg);
  return Data;
}

static void closeWheel(zip_t *Zip) { zip_discard(Zip); }

extern "C" const lambdaopt::ZipModule *lambdaopt_zip_module_v1() {
  static const lambdaopt::ZipModule Module = {
      &newSha256, &updateSha256,   &finalSha256, &freeSha256,
      &openWheel, &readWheelEntry, &closeWheel,  &lambdaopt::writeZip};
  return &Module;
}
