//===- LoadElfModule.cpp - Loading LLVM's ELF reader on demand ------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Native/Elf.h"
#include "lambda-opt/Support/Module.h"

#include "llvm/BinaryFormat/ELF.h"

#include <atomic>

using namespace llvm;
using namespace lambdaopt;

Expected<const ElfModule *> lambdaopt::getElfModule() {
  static std::atomic<const ElfModule *> Loaded{nullptr};
  if (const ElfModule *M = Loaded.load(std::memory_order_acquire))
    return M;
  Expected<const ElfModule *> M =
      getModuleTable<ElfModule>("LambdaOptElf", "lambdaopt_elf_module_v1");
  if (M)
    Loaded.store(*M, std::memory_order_release);
  return M;
}

std::string lambdaopt::getElfMachineName(uint16_t Machine) {
  switch (Machine) {
  case ELF::EM_X86_64:
    return "x86_64";
  case ELF::EM_AARCH64:
    return "aarch64";
  case ELF::EM_386:
    return "i386";
  case ELF::EM_ARM:
    return "arm";
  case ELF::EM_PPC64:
    return "ppc64";
  case ELF::EM_S390:
    return "s390x";
  case ELF::EM_RISCV:
    return "riscv";
  default:
    return "machine " + std::to_string(Machine);
  }
}
