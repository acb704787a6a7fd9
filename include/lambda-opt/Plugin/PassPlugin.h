//===- lambda-opt/Plugin/PassPlugin.h - Pass plugin entry point -*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// A pass plugin is a shared object linked against libLambdaOptCore (never
// against LLVM statically) that exports one C function:
//
//   extern "C" LambdaOptPluginInfo lambdaOptGetPluginInfo() {
//     return {LAMBDA_OPT_PLUGIN_API_VERSION, "my-policy", "1.0",
//             [](lambdaopt::PassBuilder &PB) { ... register passes ... }};
//   }
//
// lambda-opt loads it with --load-pass-plugin=FILE and calls Register before
// it parses the pipeline. The struct is append-only; the API version is
// bumped on any change to a public header's ABI, and a plugin built for
// another version is refused.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_PLUGIN_PASSPLUGIN_H
#define LAMBDA_OPT_PLUGIN_PASSPLUGIN_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

/// The plugin API this lambda-opt implements.
#define LAMBDA_OPT_PLUGIN_API_VERSION 1

namespace lambdaopt {
class PassBuilder;
} // namespace lambdaopt

extern "C" {
/// What lambdaOptGetPluginInfo returns.
struct LambdaOptPluginInfo {
  /// LAMBDA_OPT_PLUGIN_API_VERSION of the headers the plugin was built with.
  uint32_t APIVersion;
  const char *Name;
  const char *Version;
  /// Registers the plugin's passes, rules and config keys.
  void (*Register)(lambdaopt::PassBuilder &);
};
}

/// The entry point every plugin defines.
extern "C" LambdaOptPluginInfo lambdaOptGetPluginInfo();

namespace lambdaopt {

/// A loaded plugin.
class PassPlugin {
public:
  /// Loads \p Path. Fails when the file is missing or not a shared object,
  /// lacks the entry point, or was built for another API version.
  static llvm::Expected<PassPlugin> load(const std::string &Path);

  llvm::StringRef getFilename() const { return Filename; }
  llvm::StringRef getName() const { return Info.Name; }
  llvm::StringRef getVersion() const { return Info.Version; }
  uint32_t getAPIVersion() const { return Info.APIVersion; }

  /// Calls the plugin's Register.
  void registerCallbacks(PassBuilder &PB) const { Info.Register(PB); }

private:
  PassPlugin(std::string Filename, LambdaOptPluginInfo Info)
      : Filename(std::move(Filename)), Info(Info) {}

  std::string Filename;
  LambdaOptPluginInfo Info;
};

} // namespace lambdaopt

#endif // LAMBDA_OPT_PLUGIN_PASSPLUGIN_H
