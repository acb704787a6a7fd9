//===- lambda-opt/Native/Elf.h - ELF files read on demand ------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// What the native audit needs to know about one ELF file: its machine and
/// class, the libraries it names (DT_NEEDED), where it asks the loader to
/// look (DT_RPATH, DT_RUNPATH) and the symbol versions it needs from each
/// library (SHT_GNU_verneed).
///
/// The files are parsed with LLVM's Object library, which pulls in several
/// more LLVM libraries. Like libzip (see Artifact/ZipModule.h) it therefore
/// lives in a module, libLambdaOptElf.so, loaded the first time a native
/// file is audited, so that a plain lint does not map it at start-up.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_NATIVE_ELF_H
#define LAMBDA_OPT_NATIVE_ELF_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lambdaopt {

/// A symbol version one library must define: GLIBC_2.28 from libc.so.6.
struct ElfVersionNeed {
  std::string Library;
  std::string Version;
};

/// The dynamic-linking facts of one ELF file.
struct ElfInfo {
  /// e_machine (llvm::ELF::EM_X86_64, EM_AARCH64, ...).
  uint16_t Machine = 0;
  /// e_type (ET_DYN, ET_EXEC, ET_REL, ...).
  uint16_t Type = 0;
  bool Is64Bit = false;
  bool IsLittleEndian = false;
  std::string Soname;
  /// DT_NEEDED, in file order.
  std::vector<std::string> Needed;
  /// DT_RPATH and DT_RUNPATH, split at ':'.
  std::vector<std::string> RPath;
  std::vector<std::string> RunPath;
  std::vector<ElfVersionNeed> VersionNeeds;
};

/// True when \p Bytes start with the ELF magic number.
inline bool hasElfMagic(llvm::StringRef Bytes) {
  return Bytes.startswith("\x7f"
                          "ELF");
}

/// The entry points of libLambdaOptElf.so.
struct ElfModule {
  /// Reads \p Bytes as an ELF file of any class and byte order.
  llvm::Expected<ElfInfo> (*ReadElf)(llvm::StringRef Bytes);
};

/// Loads libLambdaOptElf.so once.
llvm::Expected<const ElfModule *> getElfModule();

/// "x86_64", "aarch64", "i386", "arm", ... for e_machine \p Machine.
std::string getElfMachineName(uint16_t Machine);

} // namespace lambdaopt

#endif // LAMBDA_OPT_NATIVE_ELF_H
