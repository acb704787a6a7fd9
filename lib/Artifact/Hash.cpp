//===- Hash.cpp - Streaming SHA-256 ---------------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Artifact/Hash.h"
#include "lambda-opt/Artifact/ZipModule.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Base64.h"
#include "llvm/Support/FileSystem.h"

using namespace llvm;
using namespace lambdaopt;

Sha256::Sha256() {
  Expected<const ZipModule *> M = getZipModule();
  if (!M) {
    LoadError = toString(M.takeError());
    return;
  }
  Module = *M;
  Ctx = Module->NewSha256();
  if (!Ctx)
    LoadError = "OpenSSL cannot create a SHA-256 context";
}

Sha256::~Sha256() {
  if (Ctx)
    Module->FreeSha256(Ctx);
}

void Sha256::update(StringRef Data) {
  if (Ctx)
    Module->UpdateSha256(Ctx, Data.data(), Data.size());
}

void Sha256::update(ArrayRef<uint8_t> Data) {
  if (Ctx)
    Module->UpdateSha256(Ctx, Data.data(), Data.size());
}

Expected<Sha256Digest> Sha256::final() {
  if (!Ctx)
    return createStringError(inconvertibleErrorCode(), LoadError);
  Sha256Digest Digest{};
  Module->FinalSha256(Ctx, Digest.data());
  return Digest;
}

std::string lambdaopt::toBase64(ArrayRef<uint8_t> Bytes) {
  return encodeBase64(Bytes);
}

std::string lambdaopt::toUrlSafeBase64(ArrayRef<uint8_t> Bytes) {
  std::string Out = encodeBase64(Bytes);
  while (!Out.empty() && Out.back() == '=')
    Out.pop_back();
  for (char &C : Out) {
    if (C == '+')
      C = '-';
    else if (C == '/')
      C = '_';
  }
  return Out;
}

Expected<Sha256Digest> lambdaopt::sha256(StringRef Data) {
  Sha256 H;
  H.update(Data);
  return H.final();
}

Expected<std::string> lambdaopt::sha256Hex(StringRef Data) {
  Expected<Sha256Digest> D = sha256(Data);
  if (!D)
    return D.takeError();
  return toHex(*D, /*LowerCase=*/true);
}

Expected<std::string> lambdaopt::recordHash(StringRef Data) {
  Expected<Sha256Digest> D = sha256(Data);
  if (!D)
    return D.takeError();
  return "sha256=" + toUrlSafeBase64(*D);
}

Expected<Sha256Digest> lambdaopt::sha256FileDigest(StringRef Path) {
  Expected<sys::fs::file_t> FD = sys::fs::openNativeFileForRead(Path);
  if (!FD)
    return createFileError(Path, FD.takeError());
  Sha256 H;
  std::vector<char> Buffer(1 << 20);
  while (true) {
    Expected<size_t> N = sys::fs::readNativeFile(
        *FD, MutableArrayRef<char>(Buffer.data(), Buffer.size()));
    if (!N) {
      sys::fs::closeFile(*FD);
      return createFileError(Path, N.takeError());
    }
    if (*N == 0)
      break;
    H.update(StringRef(Buffer.data(), *N));
  }
  sys::fs::closeFile(*FD);
  return H.final();
}

Expected<std::string> lambdaopt::sha256File(StringRef Path) {
  Expected<Sha256Digest> D = sha256FileDigest(Path);
  if (!D)
    return D.takeError();
  return toHex(*D, /*LowerCase=*/true);
}
