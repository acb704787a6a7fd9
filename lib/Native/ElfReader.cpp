//===- ElfReader.cpp - libLambdaOptElf.so: LLVM's ELF reader --------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The entry point of the module that holds LLVM's Object library (see
// Native/Elf.h). Everything comes from the section headers: the dynamic
// section and the string table it links, and the GNU version needs.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Native/Elf.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELF.h"

using namespace llvm;
using namespace llvm::object;
using namespace lambdaopt;

static void appendPaths(StringRef List, std::vector<std::string> &Out) {
  SmallVector<StringRef, 4> Parts;
  List.split(Parts, ':', -1, /*KeepEmpty=*/false);
  for (StringRef P : Parts)
    Out.push_back(P.str());
}

template <class ELFT> static Expected<ElfInfo> readAs(StringRef Bytes) {
  Expected<ELFFile<ELFT>> FileOrErr = ELFFile<ELFT>::create(Bytes);
  if (!FileOrErr)
    return FileOrErr.takeError();
  const ELFFile<ELFT> &File = *FileOrErr;
  ElfInfo Info;
  Info.Machine = File.getHeader().e_machine;
  Info.Type = File.getHeader().e_type;
  Info.Is64Bit = ELFT::Is64Bits;
  Info.IsLittleEndian = ELFT::TargetEndianness == support::little;

  auto Sections = File.sections();
  if (!Sections)
    return Sections.takeError();
  for (const typename ELFT::Shdr &Sec : *Sections) {
    if (Sec.sh_type == ELF::SHT_DYNAMIC) {
      auto Entries =
          File.template getSectionContentsAsArray<typename ELFT::Dyn>(Sec);
      if (!Entries)
        return Entries.takeError();
      Expected<StringRef> Strings = File.getLinkAsStrtab(Sec);
      if (!Strings)
        return Strings.takeError();
      auto Str = [&](uint64_t Offset) -> Expected<StringRef> {
        if (Offset >= Strings->size())
          return createError("dynamic entry names string offset " +
                             Twine(Offset) + " past the string table");
        return StringRef(Strings->data() + Offset);
      };
      for (const typename ELFT::Dyn &D : *Entries) {
        int64_t Tag = D.getTag();
        if (Tag != ELF::DT_NEEDED && Tag != ELF::DT_RPATH &&
            Tag != ELF::DT_RUNPATH && Tag != ELF::DT_SONAME)
          continue;
        Expected<StringRef> S = Str(D.getVal());
        if (!S)
          return S.takeError();
        if (Tag == ELF::DT_NEEDED)
          Info.Needed.push_back(S->str());
        else if (Tag == ELF::DT_SONAME)
          Info.Soname = S->str();
        else
          appendPaths(*S, Tag == ELF::DT_RPATH ? Info.RPath : Info.RunPath);
      }
    } else if (Sec.sh_type == ELF::SHT_GNU_verneed) {
      Expected<std::vector<VerNeed>> Needs = File.getVersionDependencies(Sec);
      if (!Needs)
        return Needs.takeError();
      // LLVM 14 keeps the rest of the string table after each name: cut
      // every name at its terminating NUL.
      for (const VerNeed &N : *Needs)
        for (const VernAux &A : N.AuxV)
          Info.VersionNeeds.push_back({N.File.c_str(), A.Name.c_str()});
    }
  }
  return Info;
}

static Expected<ElfInfo> readElf(StringRef Bytes) {
  if (Bytes.size() < ELF::EI_NIDENT || !hasElfMagic(Bytes))
    return createStringError(inconvertibleErrorCode(), "not an ELF file");
  unsigned char Class = Bytes[ELF::EI_CLASS];
  unsigned char Data = Bytes[ELF::EI_DATA];
  bool Little = Data == ELF::ELFDATA2LSB;
  if (Data != ELF::ELFDATA2LSB && Data != ELF::ELFDATA2MSB)
    return createStringError(inconvertibleErrorCode(),
                             "unknown ELF byte order %u", unsigned(Data));
  if (Class == ELF::ELFCLASS64)
    return Little ? readAs<ELF64LE>(Bytes) : readAs<ELF64BE>(Bytes);
  if (Class == ELF::ELFCLASS32)
    return Little ? readAs<ELF32LE>(Bytes) : readAs<ELF32BE>(Bytes);
  return createStringError(inconvertibleErrorCode(), "unknown ELF class %u",
                           unsigned(Class));
}

/// The entry point of libLambdaOptElf.so (see Support/Module.h).
extern "C" const lambdaopt::ElfModule *lambdaopt_elf_module_v1() {
  static const lambdaopt::ElfModule Module = {&readElf};
  return &Module;
}
