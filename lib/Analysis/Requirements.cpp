//===- Requirements.cpp - requirements.txt for an install set -------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Analysis/InstallSet.h"
#include "lambda-opt/IR/Project.h"

using namespace llvm;
using namespace lambdaopt;

/// `git+URL@COMMIT[#subdirectory=DIR]` from a lock's git source
/// `URL?query#COMMIT`.
static std::string formatGitSource(StringRef Value) {
  auto [Rest, Commit] = Value.split('#');
  auto [URL, Query] = Rest.split('?');
  std::string Out = ("git+" + URL).str();
  if (!Commit.empty())
    Out += ("@" + Commit).str();
  while (!Query.empty()) {
    StringRef Param;
    std::tie(Param, Query) = Query.split('&');
    if (Param.consume_front("subdirectory="))
      Out += ("#subdirectory=" + Param).str();
  }
  return Out;
}

/// True for `/abs`, `\\share` and `C:/...` paths.
static bool isAbsolutePortablePath(StringRef Path) {
  if (Path.startswith("/") || Path.startswith("\\"))
    return true;
  return Path.size() >= 2 && isAlpha(Path[0]) && Path[1] == ':';
}

static std::string formatLocalPath(StringRef Path) {
  if (Path == "." || isAbsolutePortablePath(Path) || Path.startswith("./") ||
      Path.startswith("../"))
    return Path.str();
  return ("./" + Path).str();
}

std::string lambdaopt::getRequirementLine(const InstalledPackage &IP) {
  const Package &Pkg = *IP.Pkg;
  std::string Line = Pkg.Name.str();
  switch (Pkg.Src.Kind) {
  case SourceKind::Registry: {
    Line += ("==" + Pkg.Version).str();
    StringRef Hash;
    if (IP.Wheel)
      Hash = IP.Wheel->getSHA256();
    else if (Pkg.Sdist)
      Hash = Pkg.Sdist->getSHA256();
    if (!Hash.empty())
      Line += (" --hash=sha256:" + Hash).str();
    return Line;
  }
  case SourceKind::Git:
    return Line + " @ " + formatGitSource(Pkg.Src.Value);
  case SourceKind::URL:
    Line += (" @ " + Pkg.Src.Value).str();
    if (!Pkg.Src.Subdirectory.empty())
      Line += ("#subdirectory=" + Pkg.Src.Subdirectory).str();
    return Line;
  case SourceKind::Path:
  case SourceKind::Directory:
  case SourceKind::Editable:
  case SourceKind::Virtual:
    // `uv export --no-editable` names a local package by its path alone.
    return formatLocalPath(Pkg.Src.Value);
  }
  return Line;
}

void lambdaopt::writeRequirements(const InstallSet &Set, raw_ostream &OS) {
  for (const InstalledPackage &IP : Set.Packages)
    OS << getRequirementLine(IP) << '\n';
}
