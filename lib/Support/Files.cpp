//===- Files.cpp - Small file helpers -------------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Support/Files.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

Error lambdaopt::writeFile(const Twine &Path, StringRef Data) {
  std::string Name = Path.str();
  std::error_code EC;
  raw_fd_ostream OS(Name, EC, sys::fs::OF_None);
  if (EC)
    return createStringError(EC, "cannot create '%s': %s", Name.c_str(),
                             EC.message().c_str());
  OS << Data;
  OS.close();
  if (std::error_code WriteEC = OS.error()) {
    // Cleared, or the stream's destructor would abort.
    OS.clear_error();
    return createStringError(WriteEC, "cannot write %zu bytes to '%s': %s",
                             Data.size(), Name.c_str(),
                             WriteEC.message().c_str());
  }
  return Error::success();
}
