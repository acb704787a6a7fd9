//===- lambda-opt/Image/Bytecode.h - Reproducible .pyc files ----*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Precompiles the Python sources of an image with an interpreter of the
/// runtime's minor version, deterministically: unchecked-hash .pyc files
/// (PEP 552, so no source mtime is recorded), the final in-image path as the
/// code objects' file name, and a fixed hash seed.
///
/// Lambda's task root is read-only, so a .pyc that is not shipped is never
/// cached: every cold start compiles the sources again. Container images
/// keep the .pyc; zips leave them out because a stale or mismatched .pyc
/// would cost size and buy nothing when the runtime's patch release differs.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_IMAGE_BYTECODE_H
#define LAMBDA_OPT_IMAGE_BYTECODE_H

#include "lambda-opt/Image/OCIImage.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace lambdaopt {

/// Where findPythonInterpreter looks.
struct InterpreterSearch {
  /// Directories searched for `python3.X`; empty means $PATH.
  std::vector<std::string> Path;
  /// The pyenv versions folder; empty means $HOME/.pyenv/versions.
  std::string PyenvVersions;
};

/// Finds an interpreter of Python \p PythonMinor ("3.12"): `python3.12` on
/// the search path, then `<pyenv>/3.12.*/bin/python3` (newest patch first).
/// A candidate is kept only when running it reports that version. Returns
/// std::nullopt when there is none.
std::optional<std::string>
findPythonInterpreter(llvm::StringRef PythonMinor,
                      const InterpreterSearch &Search = InterpreterSearch());

/// The outcome of compileBytecode.
struct BytecodeResult {
  /// The new `<dir>/__pycache__/<stem>.cpython-3XY.pyc` files, mode 0644,
  /// sorted by path.
  std::vector<ImageFile> Files;
  /// Sources the interpreter rejected (e.g. Python 2 syntax in a test
  /// folder), sorted; they stay uncompiled, as pip leaves them.
  std::vector<std::string> Failed;
};

/// Compiles every `*.py` of \p Sources (paths relative to \p Root, the
/// folder they land in inside the image, e.g. "/var/task") with
/// \p Interpreter, which must be Python \p PythonMinor. Files that are not
/// `.py` are ignored. The same inputs give byte-identical output.
llvm::Expected<BytecodeResult>
compileBytecode(llvm::StringRef Interpreter, llvm::StringRef PythonMinor,
                llvm::ArrayRef<ImageFile> Sources, llvm::StringRef Root);

/// The `__pycache__` path of the .pyc of \p SourcePath ("a/b.py") for
/// Python \p PythonMinor: "a/__pycache__/b.cpython-312.pyc".
llvm::Expected<std::string> getBytecodePath(llvm::StringRef SourcePath,
                                            llvm::StringRef PythonMinor);

} // namespace lambdaopt

#endif // LAMBDA_OPT_IMAGE_BYTECODE_H
