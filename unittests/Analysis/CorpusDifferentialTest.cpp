//===- CorpusDifferentialTest.cpp - C++ vs. the reference script ----------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// When LAMBDA_OPT_CORPUS names a folder of projects (subfolders holding
// uv.lock), compares the requirements the analysis writes with the ones
// utils/reference-install-set.py prints, for python3.11 and python3.13 on
// x86_64 and arm64.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Analysis/InstallSet.h"
#include "lambda-opt/FrontEnd/FrontEnd.h"
#include "lambda-opt/IR/Project.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <algorithm>

using namespace llvm;
using namespace lambdaopt;

namespace {

std::vector<std::string> listProjects(StringRef Corpus) {
  std::vector<std::string> Dirs;
  std::error_code EC;
  for (sys::fs::directory_iterator It(Corpus, EC), End; It != End && !EC;
       It.increment(EC)) {
    SmallString<256> Lock(It->path());
    sys::path::append(Lock, "uv.lock");
    if (sys::fs::exists(Lock))
      Dirs.push_back(It->path());
  }
  std::sort(Dirs.begin(), Dirs.end());
  return Dirs;
}

/// Runs the reference script; returns its stdout, or an error text.
std::string runReference(StringRef Python, StringRef Dir, StringRef Version,
                         StringRef Arch) {
  SmallString<256> Script(LAMBDA_OPT_SOURCE_DIR);
  sys::path::append(Script, "utils", "reference-install-set.py");
  SmallString<128> OutPath;
  if (sys::fs::createTemporaryFile("install-set", "txt", OutPath))
    return "error: cannot create a temporary file";
  StringRef Args[] = {Python, Script, Dir, "--python", Version, "--arch", Arch};
  Optional<StringRef> Redirects[] = {None, StringRef(OutPath), None};
  std::string ErrMsg;
  int RC = sys::ExecuteAndWait(Python, Args, None, Redirects, 0, 0, &ErrMsg);
  auto Buffer = MemoryBuffer::getFile(OutPath);
  sys::fs::remove(OutPath);
  if (RC != 0 || !Buffer)
    return ("error: reference script exited with " + Twine(RC) + " " + ErrMsg)
        .str();
  return (*Buffer)->getBuffer().str();
}

TEST(CorpusDifferentialTest, MatchesReferenceScript) {
  Optional<std::string> Corpus = sys::Process::GetEnv("LAMBDA_OPT_CORPUS");
  if (!Corpus || Corpus->empty())
    GTEST_SKIP() << "LAMBDA_OPT_CORPUS is not set";
  ErrorOr<std::string> Python = sys::findProgramByName("python3");
  ASSERT_TRUE(bool(Python)) << "python3 not found";

  unsigned Compared = 0;
  for (const std::string &Dir : listProjects(*Corpus)) {
    Project P;
    LoadOptions Load;
    Load.ReadPyProject = false;
    if (Error E = loadProject(P, Dir, Load)) {
      ADD_FAILURE() << Dir << ": " << toString(std::move(E));
      continue;
    }
    for (StringRef Version : {"3.11", "3.13"}) {
      for (StringRef Arch : {"x86_64", "arm64"}) {
        Expected<TargetConfig> T =
            makeTargetConfig(("python" + Version).str(), Arch);
        ASSERT_TRUE(bool(T)) << toString(T.takeError());
        std::string Got;
        Expected<InstallSet> S = computeInstallSet(P, *T, InstallOptions());
        if (!S) {
          Got = "error: " + toString(S.takeError());
        } else {
          raw_string_ostream OS(Got);
          writeRequirements(*S, OS);
          OS.flush();
        }
        EXPECT_EQ(Got, runReference(*Python, Dir, Version, Arch))
            << Dir << " on python" << Version.str() << "/" << Arch.str();
        ++Compared;
      }
    }
  }
  RecordProperty("Compared", Compared);
  outs() << "compared " << Compared << " projects x targets\n";
}

} // namespace
