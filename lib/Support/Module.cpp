//===- Module.cpp - On-demand parts of the core ---------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Support/Module.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/Path.h"

#include <dlfcn.h>
#include <mutex>

using namespace llvm;
using namespace lambdaopt;

/// The directory holding the library (or executable) this function is in.
static std::string getOwnDirectory() {
  Dl_info Info;
  if (!dladdr(reinterpret_cast<void *>(&getOwnDirectory), &Info) ||
      !Info.dli_fname)
    return std::string();
  return sys::path::parent_path(Info.dli_fname).str();
}

Expected<void *> lambdaopt::getModuleSymbol(StringRef Module,
                                            StringRef Symbol) {
  static std::mutex Lock;
  std::lock_guard<std::mutex> Guard(Lock);
  // Symbols of the process itself become searchable once.
  static const bool ProcessLoaded = [] {
    std::string Ignored;
    return !sys::DynamicLibrary::LoadLibraryPermanently(nullptr, &Ignored);
  }();
  (void)ProcessLoaded;
  std::string Name = Symbol.str();
  if (void *Address = sys::DynamicLibrary::SearchForAddressOfSymbol(Name))
    return Address;

  SmallString<256> Path(getOwnDirectory());
  sys::path::append(Path, "lib" + Module + ".so");
  std::string Err;
  sys::DynamicLibrary Lib =
      sys::DynamicLibrary::getPermanentLibrary(Path.c_str(), &Err);
  if (!Lib.isValid())
    return createStringError(inconvertibleErrorCode(),
                             "cannot load '%s', which lambda-opt needs for "
                             "this: %s",
                             Path.c_str(), Err.c_str());
  if (void *Address = Lib.getAddressOfSymbol(Name.c_str()))
    return Address;
  return createStringError(inconvertibleErrorCode(),
                           "'%s' does not define '%s'; it does not belong to "
                           "this lambda-opt",
                           Path.c_str(), Name.c_str());
}
