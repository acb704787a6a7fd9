//===- Bytecode.cpp - Reproducible .pyc files -----------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Runs one interpreter process over a manifest of sources written to a
/// scratch folder; py_compile writes unchecked-hash .pyc files whose code
/// objects name the final in-image path, so nothing of the scratch folder,
/// the clock or the hash seed reaches the output.
///
//===----------------------------------------------------------------------===//

#include "lambda-opt/Image/Bytecode.h"
#include "lambda-opt/Support/Error.h"
#include "lambda-opt/Support/Files.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

extern char **environ;

using namespace llvm;

namespace lambdaopt {
namespace {

/// Parses "3.N" into N.
Expected<unsigned> parsePythonMinor(StringRef PythonMinor) {
  StringRef Rest = PythonMinor;
  unsigned Minor = 0;
  if (!Rest.consume_front("3.") || Rest.empty() || Rest.getAsInteger(10, Minor))
    return makeError("python version '" + PythonMinor +
                     "' is not of the form 3.N");
  return Minor;
}

/// A scratch folder removed on destruction.
class ScratchDir {
  SmallString<256> Path;

public:
  ScratchDir() = default;
  ScratchDir(const ScratchDir &) = delete;
  ScratchDir &operator=(const ScratchDir &) = delete;
  ~ScratchDir() {
    if (!Path.empty())
      sys::fs::remove_directories(Path);
  }

  Error create(StringRef Prefix) {
    if (std::error_code EC = sys::fs::createUniqueDirectory(Prefix, Path))
      return makeError("cannot create a temporary directory for " + Prefix +
                       ": " + EC.message());
    return Error::success();
  }

  std::string file(const Twine &Name) const {
    SmallString<256> P(Path);
    sys::path::append(P, Name);
    return std::string(P);
  }
};

Expected<std::string> readFile(const Twine &Path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buf =
      MemoryBuffer::getFile(Path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!Buf)
    return makeError("cannot read '" + Path + "': " + Buf.getError().message());
  return (*Buf)->getBuffer().str();
}

/// The caller's environment without PYTHON* variables (PYTHONPATH,
/// PYTHONHASHSEED, PYTHONPYCACHEPREFIX, ...), plus a fixed hash seed so
/// that frozenset constants marshal in the same order on every run.
std::vector<std::string> makeChildEnvironment() {
  std::vector<std::string> Env;
  for (char **E = environ; E && *E; ++E)
    if (!StringRef(*E).startswith("PYTHON"))
      Env.push_back(*E);
  Env.push_back("PYTHONHASHSEED=0");
  llvm::sort(Env);
  return Env;
}

/// Runs \p Program with \p Args (argv[0] excluded), stdout to \p StdoutPath
/// and stderr to \p StderrPath. Returns the exit status, or -1 when the
/// program could not run.
int runProgram(StringRef Program, ArrayRef<std::string> Args,
               StringRef StdoutPath, StringRef StderrPath,
               std::string *ErrMsg) {
  std::vector<StringRef> Argv;
  Argv.push_back(Program);
  for (const std::string &A : Args)
    Argv.push_back(A);
  std::vector<std::string> EnvStrings = makeChildEnvironment();
  std::vector<StringRef> Env(EnvStrings.begin(), EnvStrings.end());
  Optional<StringRef> Redirects[] = {StringRef(""), StdoutPath, StderrPath};
  return sys::ExecuteAndWait(Program, Argv, ArrayRef<StringRef>(Env), Redirects,
                             /*SecondsToWait=*/0,
                             /*MemoryLimit=*/0, ErrMsg);
}

/// True when \p Program runs and reports version \p PythonMinor.
bool reportsVersion(StringRef Program, StringRef PythonMinor) {
  ScratchDir Scratch;
  if (Error E = Scratch.create("lambda-opt-python")) {
    consumeError(std::move(E));
    return false;
  }
  std::string Out = Scratch.file("stdout");
  std::vector<std::string> Args = {
      "-S", "-c",
      "import sys; sys.stdout.write('%d.%d' % sys.version_info[:2])"};
  if (runProgram(Program, Args, Out, Scratch.file("stderr"), nullptr) != 0)
    return false;
  Expected<std::string> Version = readFile(Out);
  if (!Version) {
    consumeError(Version.takeError());
    return false;
  }
  return *Version == PythonMinor;
}

/// The patch number of a pyenv version folder named "3.N.P" (or -1).
int getPatchNumber(StringRef Name, StringRef PythonMinor) {
  StringRef Rest = Name;
  unsigned Patch = 0;
  if (!Rest.consume_front(PythonMinor) || !Rest.consume_front(".") ||
      Rest.getAsInteger(10, Patch))
    return -1;
  return static_cast<int>(Patch);
}

/// The compile script: argv[1] is the version, argv[2] the manifest of
/// "source\tdisplay-name\tpyc" lines; prints the rejected sources' numbers.
constexpr const char *CompileScript = R"py(import py_compile, sys
if '%d.%d' % sys.version_info[:2] != sys.argv[1]:
    sys.stderr.write('interpreter is Python %d.%d, not %s\n'
                     % (sys.version_info[:2] + (sys.argv[1],)))
    sys.exit(3)
mode = py_compile.PycInvalidationMode.UNCHECKED_HASH
with open(sys.argv[2], encoding='utf-8') as manifest:
    for number, line in enumerate(manifest):
        source, display, pyc = line.rstrip('\n').split('\t')
        try:
            py_compile.compile(source, cfile=pyc, dfile=display, doraise=True,
                               invalidation_mode=mode)
        except (py_compile.PyCompileError, ValueError, SyntaxError):
            sys.stdout.write('%d\n' % number)
)py";

} // namespace

Expected<std::string> getBytecodePath(StringRef SourcePath,
                                      StringRef PythonMinor) {
  Expected<unsigned> Minor = parsePythonMinor(PythonMinor);
  if (!Minor)
    return Minor.takeError();
  if (!SourcePath.endswith(".py") || SourcePath.endswith("/.py") ||
      SourcePath == ".py")
    return makeError("'" + SourcePath + "' is not a .py file name");
  StringRef Dir = sys::path::parent_path(SourcePath, sys::path::Style::posix);
  StringRef Stem = sys::path::stem(SourcePath, sys::path::Style::posix);
  std::string Result = Dir.empty() ? std::string() : (Dir + "/").str();
  Result += "__pycache__/" + Stem.str() + ".cpython-3" +
            std::to_string(*Minor) + ".pyc";
  return Result;
}

std::optional<std::string>
findPythonInterpreter(StringRef PythonMinor, const InterpreterSearch &Search) {
  Expected<unsigned> Minor = parsePythonMinor(PythonMinor);
  if (!Minor) {
    consumeError(Minor.takeError());
    return std::nullopt;
  }
  std::vector<StringRef> Dirs(Search.Path.begin(), Search.Path.end());
  ErrorOr<std::string> OnPath =
      sys::findProgramByName(("python" + PythonMinor).str(), Dirs);
  if (OnPath && reportsVersion(*OnPath, PythonMinor))
    return *OnPath;

  SmallString<256> Versions(Search.PyenvVersions);
  if (Versions.empty()) {
    Optional<std::string> Home = sys::Process::GetEnv("HOME");
    if (!Home)
      return std::nullopt;
    Versions = *Home;
    sys::path::append(Versions, ".pyenv", "versions");
  }
  std::vector<std::pair<int, std::string>> Candidates;
  std::error_code EC;
  for (sys::fs::directory_iterator It(Versions, EC), End; It != End && !EC;
       It.increment(EC)) {
    StringRef Name = sys::path::filename(It->path());
    int Patch = getPatchNumber(Name, PythonMinor);
    if (Patch < 0)
      continue;
    SmallString<256> Exe(It->path());
    sys::path::append(Exe, "bin", "python3");
    if (sys::fs::can_execute(Exe))
      Candidates.emplace_back(Patch, std::string(Exe));
  }
  // Newest patch release first; the name breaks ties for determinism.
  llvm::sort(Candidates, [](const auto &A, const auto &B) {
    if (A.first != B.first)
      return A.first > B.first;
    return A.second < B.second;
  });
  for (const auto &[Patch, Exe] : Candidates)
    if (reportsVersion(Exe, PythonMinor))
      return Exe;
  return std::nullopt;
}

Expected<BytecodeResult> compileBytecode(StringRef Interpreter,
                                         StringRef PythonMinor,
                                         ArrayRef<ImageFile> Sources,
                                         StringRef Root) {
  if (Error E = parsePythonMinor(PythonMinor).takeError())
    return E;
  if (Root.empty() || Root.front() != '/')
    return makeError("bytecode root '" + Root + "' must be an absolute path");

  // The sources to compile, in path order.
  std::vector<const ImageFile *> Todo;
  for (const ImageFile &F : Sources) {
    StringRef Path = F.Path;
    if (!Path.endswith(".py") || sys::path::filename(Path) == ".py")
      continue;
    if (Path.find_first_of("\t\n\r") != StringRef::npos)
      continue;
    Todo.push_back(&F);
  }
  llvm::sort(Todo, [](const ImageFile *A, const ImageFile *B) {
    return A->Path < B->Path;
  });
  BytecodeResult Result;
  if (Todo.empty())
    return Result;

  ScratchDir Scratch;
  if (Error E = Scratch.create("lambda-opt-bytecode"))
    return E;
  std::string SrcDir = Scratch.file("src");
  std::string PycDir = Scratch.file("pyc");
  for (StringRef Dir : {StringRef(SrcDir), StringRef(PycDir)})
    if (std::error_code EC = sys::fs::create_directory(Dir))
      return makeError("cannot create '" + Dir + "': " + EC.message());

  std::string Manifest;
  raw_string_ostream MOS(Manifest);
  StringRef TrimmedRoot = Root.rtrim('/');
  for (size_t I = 0; I != Todo.size(); ++I) {
    std::string Src = (SrcDir + "/" + Twine(I) + ".py").str();
    if (Error E = writeFile(Src, Todo[I]->Contents))
      return E;
    MOS << Src << '\t' << TrimmedRoot << '/' << Todo[I]->Path << '\t' << PycDir
        << '/' << I << ".pyc\n";
  }
  MOS.flush();
  std::string ManifestPath = Scratch.file("manifest.txt");
  std::string ScriptPath = Scratch.file("compile.py");
  if (Error E = writeFile(ManifestPath, Manifest))
    return E;
  if (Error E = writeFile(ScriptPath, CompileScript))
    return E;

  std::string Out = Scratch.file("stdout");
  std::string Err = Scratch.file("stderr");
  std::string ErrMsg;
  std::vector<std::string> Args = {"-S", "-B", ScriptPath, PythonMinor.str(),
                                   ManifestPath};
  int Status = runProgram(Interpreter, Args, Out, Err, &ErrMsg);
  if (Status != 0) {
    Expected<std::string> Stderr = readFile(Err);
    std::string Detail = Stderr ? StringRef(*Stderr).trim().str() : ErrMsg;
    if (!Stderr)
      consumeError(Stderr.takeError());
    if (Detail.empty())
      Detail = ErrMsg;
    return makeError("'" + Interpreter + "' failed to compile " +
                     Twine(Todo.size()) + " files (exit status " +
                     Twine(Status) + ")" +
                     (Detail.empty() ? "" : ": " + Detail));
  }

  Expected<std::string> Rejected = readFile(Out);
  if (!Rejected)
    return Rejected.takeError();
  std::vector<bool> IsFailed(Todo.size(), false);
  SmallVector<StringRef, 8> Lines;
  StringRef(*Rejected).split(Lines, '\n', -1, /*KeepEmpty=*/false);
  for (StringRef Line : Lines) {
    unsigned Number = 0;
    if (Line.getAsInteger(10, Number) || Number >= Todo.size())
      return makeError("unexpected output line '" + Line + "' from '" +
                       Interpreter + "'");
    IsFailed[Number] = true;
  }

  for (size_t I = 0; I != Todo.size(); ++I) {
    if (IsFailed[I]) {
      Result.Failed.push_back(Todo[I]->Path);
      continue;
    }
    Expected<std::string> PycPath = getBytecodePath(Todo[I]->Path, PythonMinor);
    if (!PycPath)
      return PycPath.takeError();
    Expected<std::string> Data = readFile(PycDir + "/" + Twine(I) + ".pyc");
    if (!Data)
      return Data.takeError();
    ImageFile F;
    F.Path = std::move(*PycPath);
    F.Mode = 0644;
    F.Contents = std::move(*Data);
    Result.Files.push_back(std::move(F));
  }
  llvm::sort(Result.Files, [](const ImageFile &A, const ImageFile &B) {
    return A.Path < B.Path;
  });
  return Result;
}

} // namespace lambdaopt
