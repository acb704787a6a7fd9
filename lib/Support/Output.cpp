//===- Output.cpp - Output targets and I/O errors -------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Support/Output.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <atomic>
#include <cstring>
#include <unistd.h>

using namespace llvm;
using namespace lambdaopt;

OutputKind lambdaopt::classifyOutput(StringRef Path) {
  if (Path == "-")
    return OutputKind::Stdout;
  sys::fs::file_status S;
  if (sys::fs::status(Path, S, /*Follow=*/true))
    return OutputKind::Replace;
  switch (S.type()) {
  case sys::fs::file_type::block_file:
  case sys::fs::file_type::character_file:
  case sys::fs::file_type::fifo_file:
  case sys::fs::file_type::socket_file:
    return OutputKind::InPlace;
  default:
    return OutputKind::Replace;
  }
}

Error lambdaopt::makeIOError(const Twine &Action, const Twine &Path,
                             std::error_code EC) {
  return createStringError(EC, "cannot %s '%s': %s", Action.str().c_str(),
                           Path.str().c_str(), EC.message().c_str());
}

/// The error of a stream that failed; the stream's error is cleared so that
/// its destructor does not abort.
static Error takeStreamError(raw_fd_ostream &OS, const Twine &Action,
                             const Twine &Path) {
  std::error_code EC = OS.error();
  OS.clear_error();
  if (Path.str() == "-")
    return createStringError(EC, "cannot write to standard output: %s",
                             EC.message().c_str());
  return makeIOError(Action, Path, EC);
}

//===----------------------------------------------------------------------===//
// Temporary outputs
//===----------------------------------------------------------------------===//

Expected<TempOutput> TempOutput::create(StringRef Path) {
  SmallString<256> Absolute(Path);
  if (std::error_code EC = sys::fs::make_absolute(Absolute))
    return makeIOError("write", Path, EC);
  // A symbolic link stays: the file it names is the one replaced (renaming
  // over `/dev/stdout` or a link in the project would destroy the link).
  sys::fs::file_status Link;
  if (!sys::fs::status(Absolute, Link, /*Follow=*/false) &&
      Link.type() == sys::fs::file_type::symlink_file) {
    SmallString<256> Target;
    if (std::error_code EC = sys::fs::real_path(Absolute, Target))
      return createStringError(EC,
                               "cannot write '%s': it is a symbolic link "
                               "whose target cannot be resolved: %s",
                               Path.str().c_str(), EC.message().c_str());
    Absolute = Target;
  }
  StringRef Dir = sys::path::parent_path(Absolute);
  sys::fs::file_status DirStatus;
  if (std::error_code EC = sys::fs::status(Dir, DirStatus))
    return createStringError(EC, "cannot write '%s': folder '%s': %s",
                             Path.str().c_str(), Dir.str().c_str(),
                             EC.message().c_str());
  if (DirStatus.type() != sys::fs::file_type::directory_file)
    return makeIOError("write", Path,
                       std::make_error_code(std::errc::not_a_directory));
  SmallString<256> Model(Dir);
  sys::path::append(Model,
                    "." + sys::path::filename(Absolute) + ".tmp-%%%%%%%%");
  TempOutput T;
  SmallString<256> Temp;
  if (std::error_code EC = sys::fs::createUniqueFile(Model, T.FD, Temp))
    return makeIOError("write", Path, EC);
  T.Path = std::string(Absolute);
  T.TempPath = std::string(Temp);
  sys::RemoveFileOnSignal(T.TempPath);
  return std::move(T);
}

TempOutput::TempOutput(TempOutput &&Other)
    : Path(std::move(Other.Path)), TempPath(std::move(Other.TempPath)),
      FD(Other.FD), Done(Other.Done) {
  Other.FD = -1;
  Other.Done = true;
}

TempOutput::~TempOutput() { discard(); }

int TempOutput::takeFD() {
  int Result = FD;
  FD = -1;
  return Result;
}

void TempOutput::discard() {
  if (FD >= 0) {
    ::close(FD);
    FD = -1;
  }
  if (Done)
    return;
  Done = true;
  sys::fs::remove(TempPath);
  sys::DontRemoveFileOnSignal(TempPath);
}

Error TempOutput::commit() {
  if (FD >= 0) {
    ::close(FD);
    FD = -1;
  }
  if (std::error_code EC = sys::fs::rename(TempPath, Path)) {
    discard();
    return makeIOError("write", Path, EC);
  }
  Done = true;
  sys::DontRemoveFileOnSignal(TempPath);
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Writing outputs
//===----------------------------------------------------------------------===//

/// Opens the existing non-regular \p Path for writing, without truncating
/// or replacing it.
static Expected<int> openInPlace(StringRef Path) {
  if (Path == "-")
    return STDOUT_FILENO;
  int FD;
  if (std::error_code EC = sys::fs::openFileForWrite(
          Path, FD, sys::fs::CD_OpenExisting, sys::fs::OF_None))
    return makeIOError("write", Path, EC);
  return FD;
}

Error lambdaopt::writeOutput(StringRef Path, StringRef Data) {
  OutputKind Kind = classifyOutput(Path);
  if (Kind == OutputKind::Replace) {
    Expected<TempOutput> T = TempOutput::create(Path);
    if (!T)
      return T.takeError();
    {
      raw_fd_ostream OS(T->takeFD(), /*shouldClose=*/true);
      OS << Data;
      OS.close();
      if (OS.has_error()) {
        Error E = takeStreamError(OS, "write", Path);
        T->discard();
        return E;
      }
    }
    return T->commit();
  }
  if (Kind == OutputKind::Stdout) {
    raw_fd_ostream &Out = outs();
    Out << Data;
    Out.flush();
    if (Out.has_error())
      return takeStreamError(Out, "write", "-");
    return Error::success();
  }
  Expected<int> FD = openInPlace(Path);
  if (!FD)
    return FD.takeError();
  raw_fd_ostream OS(*FD, /*shouldClose=*/true);
  OS << Data;
  OS.close();
  if (OS.has_error())
    return takeStreamError(OS, "write", Path);
  return Error::success();
}

Error lambdaopt::copyToOutput(StringRef From, StringRef To) {
  Expected<sys::fs::file_t> In = sys::fs::openNativeFileForRead(From);
  if (!In)
    return handleErrors(In.takeError(), [&](const ECError &E) {
      return makeIOError("read", From, E.convertToErrorCode());
    });
  auto CloseIn = [&] { sys::fs::closeFile(*In); };
  raw_fd_ostream *Out = &outs();
  std::unique_ptr<raw_fd_ostream> File;
  if (To != "-") {
    Expected<int> FD = openInPlace(To);
    if (!FD) {
      CloseIn();
      return FD.takeError();
    }
    File = std::make_unique<raw_fd_ostream>(*FD, /*shouldClose=*/true);
    Out = File.get();
  }
  std::vector<char> Buffer(1 << 16);
  while (true) {
    Expected<size_t> Read =
        sys::fs::readNativeFile(*In, MutableArrayRef<char>(Buffer));
    if (!Read) {
      CloseIn();
      return handleErrors(Read.takeError(), [&](const ECError &E) {
        return makeIOError("read", From, E.convertToErrorCode());
      });
    }
    if (*Read == 0)
      break;
    Out->write(Buffer.data(), *Read);
    if (Out->has_error())
      break;
  }
  CloseIn();
  Out->flush();
  if (File)
    File->close();
  if (Out->has_error())
    return takeStreamError(*Out, "write", To);
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

static StringRef describeType(sys::fs::file_type T) {
  switch (T) {
  case sys::fs::file_type::directory_file:
    return "a folder";
  case sys::fs::file_type::block_file:
    return "a block device";
  case sys::fs::file_type::character_file:
    return "a character device";
  case sys::fs::file_type::fifo_file:
    return "a FIFO";
  case sys::fs::file_type::socket_file:
    return "a socket";
  default:
    return "not a regular file";
  }
}

Error lambdaopt::checkInputFile(StringRef Path, StringRef What,
                                uint64_t MaxBytes) {
  sys::fs::file_status S;
  if (std::error_code EC = sys::fs::status(Path, S))
    return createStringError(EC, "cannot read %s '%s': %s", What.str().c_str(),
                             Path.str().c_str(), EC.message().c_str());
  if (S.type() != sys::fs::file_type::regular_file)
    return createStringError(
        std::make_error_code(std::errc::invalid_argument),
        "cannot read %s '%s': it is %s, not a regular file", What.str().c_str(),
        Path.str().c_str(), describeType(S.type()).str().c_str());
  if (S.getSize() > MaxBytes)
    return createStringError(
        std::make_error_code(std::errc::file_too_large),
        "cannot read %s '%s': it is %llu bytes, more than the %llu MB "
        "allowed",
        What.str().c_str(), Path.str().c_str(), (unsigned long long)S.getSize(),
        (unsigned long long)(MaxBytes >> 20));
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Process-wide handlers
//===----------------------------------------------------------------------===//

static const char *ToolName = "lambda-opt";
static int ToolErrorExit = 2;

/// Writes "<tool>: error: <Reason>\n" with write(2) alone: these paths may
/// run out of memory or inside a stream's destructor.
static void writeErrorLine(const char *Reason) {
  // Two threads may fail at once (both out of memory): the first one
  // reports and exits the process; the others wait for it.
  static std::atomic<bool> Reported{false};
  if (Reported.exchange(true))
    for (;;)
      ::pause();
  auto Put = [](const char *S) {
    size_t Len = std::strlen(S);
    while (Len) {
      ssize_t N = ::write(STDERR_FILENO, S, Len);
      if (N <= 0)
        return;
      S += N;
      Len -= N;
    }
  };
  Put(ToolName);
  Put(": error: ");
  Put(Reason);
  Put("\n");
}

static void onFatalError(void *, const char *Reason, bool) {
  writeErrorLine(Reason);
  sys::RunInterruptHandlers();
  ::_exit(ToolErrorExit);
}

/// Catching SIGPIPE (rather than ignoring it) makes a write to a closed pipe
/// fail with EPIPE, and lets programs the tool runs start with the default
/// disposition: a caught signal is reset by exec, an ignored one is not.
static void onBrokenPipe(int) {}

static void onBadAlloc(void *, const char *, bool) {
  writeErrorLine("out of memory");
  sys::RunInterruptHandlers();
  ::_exit(ToolErrorExit);
}

int lambdaopt::checkStandardStreams(int RC, int ExitCode) {
  raw_fd_ostream &Out = outs();
  Out.flush();
  if (Out.has_error()) {
    std::error_code EC = Out.error();
    Out.clear_error();
    std::string Msg = "cannot write to standard output: " + EC.message();
    writeErrorLine(Msg.c_str());
    RC = ExitCode;
  }
  raw_fd_ostream &Err = errs();
  Err.flush();
  if (Err.has_error()) {
    Err.clear_error();
    RC = ExitCode;
  }
  return RC;
}

/// At exit, before the destructors of outs() and errs() would abort on a
/// failed write: report it and exit with the tool's error status.
static void checkStreamsAtExit() {
  if (int RC = checkStandardStreams(0, ToolErrorExit)) {
    sys::RunInterruptHandlers();
    ::_exit(RC);
  }
}

void lambdaopt::installToolErrorHandlers(const char *Tool, int ExitCode) {
  ToolName = Tool;
  ToolErrorExit = ExitCode;
  install_fatal_error_handler(onFatalError);
  install_bad_alloc_error_handler(onBadAlloc);
  // A closed pipe turns into EPIPE on the write, which the writer reports;
  // no thread is killed in the middle of a download, and LLVM's own SIGPIPE
  // handler (exit from whichever thread wrote) is replaced.
  struct sigaction Action;
  std::memset(&Action, 0, sizeof(Action));
  Action.sa_handler = onBrokenPipe;
  sigemptyset(&Action.sa_mask);
  ::sigaction(SIGPIPE, &Action, nullptr);
  // Registered after outs() and errs() exist, so it runs before they are
  // destroyed.
  (void)outs();
  (void)errs();
  std::atexit(checkStreamsAtExit);
}
