//===- PassPlugin.cpp - Loading pass plugins ------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Plugin/PassPlugin.h"
#include "lambda-opt/Support/Error.h"

#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/FileSystem.h"

using namespace llvm;
using namespace lambdaopt;

Expected<PassPlugin> PassPlugin::load(const std::string &Path) {
  if (!sys::fs::exists(Path))
    return makeError("could not load pass plugin '" + Path + "': no such file");
  std::string Why;
  sys::DynamicLibrary Library =
      sys::DynamicLibrary::getPermanentLibrary(Path.c_str(), &Why);
  if (!Library.isValid())
    return makeError("could not load pass plugin '" + Path + "': " + Why);
  void *Entry = Library.getAddressOfSymbol("lambdaOptGetPluginInfo");
  if (!Entry)
    return makeError("pass plugin '" + Path +
                     "' does not export lambdaOptGetPluginInfo");
  auto *GetInfo = reinterpret_cast<LambdaOptPluginInfo (*)()>(Entry);
  LambdaOptPluginInfo Info = GetInfo();
  StringRef Name = Info.Name ? Info.Name : Path;
  if (Info.APIVersion != LAMBDA_OPT_PLUGIN_API_VERSION)
    return makeError("plugin " + Name + " was built for plugin API " +
                     Twine(Info.APIVersion) + "; this lambda-opt has API " +
                     Twine(LAMBDA_OPT_PLUGIN_API_VERSION));
  if (!Info.Name || !Info.Version || !Info.Register)
    return makeError("pass plugin '" + Path +
                     "' returned an incomplete LambdaOptPluginInfo");
  return PassPlugin(Path, Info);
}
