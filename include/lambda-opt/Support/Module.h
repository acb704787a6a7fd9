//===- lambda-opt/Support/Module.h - On-demand parts of the core -*- C++ -*-=//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Downloading (libcurl), writing container layers (libarchive) and reading
// or writing zips and hashes (libzip, libcrypto) pull in some forty shared
// libraries between them. Mapping and relocating those at every start would
// more than triple the time of a plain lint, which is meant to run from
// pre-commit hooks in milliseconds. Those parts are therefore built as
// separate shared libraries (libLambdaOptNet.so, libLambdaOptOCI.so,
// libLambdaOptZip.so) beside libLambdaOptCore.so and loaded the first time
// they are needed.
//
// Each module exports one `extern "C"` function returning a table of entry
// points; callers look it up by name with getModuleSymbol.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_SUPPORT_MODULE_H
#define LAMBDA_OPT_SUPPORT_MODULE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace lambdaopt {

/// The address of \p Symbol: from this process when it is linked in (unit
/// tests link modules statically), otherwise from lib<Module>.so in the
/// directory of libLambdaOptCore.so, loaded once and kept.
llvm::Expected<void *> getModuleSymbol(llvm::StringRef Module,
                                       llvm::StringRef Symbol);

/// Calls the module's entry point \p Entry, an `extern "C"` function taking
/// nothing and returning its table of entry points.
template <typename TableT>
llvm::Expected<const TableT *> getModuleTable(llvm::StringRef Module,
                                              llvm::StringRef Entry) {
  llvm::Expected<void *> Address = getModuleSymbol(Module, Entry);
  if (!Address)
    return Address.takeError();
  using EntryFn = const TableT *();
  return reinterpret_cast<EntryFn *>(*Address)();
}

} // namespace lambdaopt

#endif // LAMBDA_OPT_SUPPORT_MODULE_H
