//===- lambda-opt/Support/Output.h - Output targets and I/O errors -*- C++ -*-//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Where the bytes of -o go. A regular file (or a path that does not exist
/// yet) is written through a temporary file beside it and renamed into
/// place, so that a failure never leaves it half-written. Anything else --
/// `-` (standard output), a character or block device, a FIFO, a socket, or
/// a symbolic link to one of them -- is written in place: replacing
/// `/dev/stdout` or a device node with a regular file would be wrong and, as
/// root, destructive.
///
/// Every failure names the user's path and the operating system's reason.
/// Temporary files are registered with llvm::sys::RemoveFileOnSignal so that
/// SIGINT and SIGTERM do not leave them behind.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_SUPPORT_OUTPUT_H
#define LAMBDA_OPT_SUPPORT_OUTPUT_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <system_error>

namespace lambdaopt {

/// How an output path is written.
enum class OutputKind {
  Stdout,  ///< `-`.
  Replace, ///< A regular file or a new path: temporary file + rename.
  InPlace  ///< A device, FIFO or socket (or a link to one): opened and written.
};

/// Classifies \p Path (symbolic links followed).
OutputKind classifyOutput(llvm::StringRef Path);

/// "cannot <Action> '<Path>': <reason>", with \p EC attached.
llvm::Error makeIOError(const llvm::Twine &Action, const llvm::Twine &Path,
                        std::error_code EC);

/// Writes \p Data to the output \p Path as classifyOutput says: whole or
/// not at all for regular files.
llvm::Error writeOutput(llvm::StringRef Path, llvm::StringRef Data);

/// A temporary file beside a regular output, renamed over it by commit()
/// and removed otherwise (also on SIGINT/SIGTERM).
class TempOutput {
public:
  /// Creates `.<name>.tmp-XXXXXXXX` in the folder of \p Path. A missing
  /// folder is reported with \p Path, not the temporary name.
  static llvm::Expected<TempOutput> create(llvm::StringRef Path);

  TempOutput(TempOutput &&Other);
  TempOutput &operator=(TempOutput &&) = delete;
  ~TempOutput();

  /// The open descriptor (owned by the caller from the moment it is taken).
  int takeFD();
  llvm::StringRef getTempPath() const { return TempPath; }
  /// Renames the temporary file over the output.
  llvm::Error commit();
  /// Removes the temporary file now.
  void discard();

private:
  TempOutput() = default;
  std::string Path;
  std::string TempPath;
  int FD = -1;
  bool Done = false;
};

/// Copies the file \p From into the in-place output \p To (stdout for `-`).
llvm::Error copyToOutput(llvm::StringRef From, llvm::StringRef To);

/// Checks that \p Path is a regular file of at most \p MaxBytes before it is
/// read, so that /dev/zero, a FIFO or an endless stream is refused with an
/// error instead of being read until memory runs out. \p What names the file
/// in messages ("lock file", "--config file").
llvm::Error checkInputFile(llvm::StringRef Path, llvm::StringRef What,
                           uint64_t MaxBytes = uint64_t(256) << 20);

/// Installs the process-wide handlers of a command-line tool: LLVM fatal
/// errors and allocation failures print one `<Tool>: error: ...` line and
/// exit with \p ExitCode (temporary files removed) instead of a crash
/// banner; SIGPIPE is caught and dropped so that a closed pipe is a write
/// error; a failed write to stdout or stderr found at exit is reported the same
/// way.
void installToolErrorHandlers(const char *Tool, int ExitCode);

/// Checks standard output and standard error after everything was written:
/// returns \p ExitCode (after one error line when stderr still works) if a
/// write failed, else \p RC. Errors are cleared so that their destructors do
/// not abort.
int checkStandardStreams(int RC, int ExitCode);

} // namespace lambdaopt

#endif // LAMBDA_OPT_SUPPORT_OUTPUT_H
