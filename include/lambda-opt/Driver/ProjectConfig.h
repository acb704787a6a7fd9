//===- lambda-opt/Driver/ProjectConfig.h - [tool.lambda-opt] ---*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Reads the run settings (ProjectOptions) from a [tool.lambda-opt] table.
// The diagnostic keys (select, ignore, ...) are read by Diagnostics/Config;
// both lists together are the known keys, and anything else is an error.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_DRIVER_PROJECTCONFIG_H
#define LAMBDA_OPT_DRIVER_PROJECTCONFIG_H

#include "lambda-opt/IR/Options.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace lambdaopt {

namespace toml {
class Value;
} // namespace toml

/// The keys readProjectOptions understands.
llvm::ArrayRef<llvm::StringLiteral> getProjectOptionKeys();

/// Reads the keys of getProjectOptionKeys() from \p Table into \p Opts.
/// Relative paths (find-links, include, cache-dir) are taken relative to
/// \p BaseDir, the folder of the file the table came from. Type errors are
/// SourceErrors at the value.
llvm::Error readProjectOptions(const toml::Value &Table,
                               llvm::StringRef BaseDir, ProjectOptions &Opts);

/// Parses a byte size: an integer, or a string such as "200 MB", "50MiB",
/// "262144000".
llvm::Expected<uint64_t> parseByteSize(llvm::StringRef Text);

} // namespace lambdaopt

#endif // LAMBDA_OPT_DRIVER_PROJECTCONFIG_H
