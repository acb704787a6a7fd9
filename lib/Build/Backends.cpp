//===- Backends.cpp - Each build backend's file selection -----------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Which files of a source tree each backend puts into a pure-Python wheel,
// where, and what it adds to the dist-info of its own. The rules follow the
// backends' documented behaviour (hatchling 1.12+, setuptools 66+ with
// pyproject.toml configuration, flit_core 3.8+, uv_build); a setting that
// would change the result and is not understood here is refused.
//
//===----------------------------------------------------------------------===//

#include "LocalBuildImpl.h"

#include "lambda-opt/Standards/Marker.h"
#include "lambda-opt/Support/SourceError.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <set>

using namespace llvm;
using namespace lambdaopt;
using namespace lambdaopt::build;

/// Every run of characters other than letters, digits, '_' and '.' becomes
/// '_' (hatchling's file-name component).
static std::string escapeHatch(StringRef Name) {
  std::string Out;
  bool InRun = false;
  for (char C : Name) {
    bool Keep = isAlnum(C) || C == '_' || C == '.';
    if (Keep) {
      Out += C;
      InRun = false;
    } else if (!InRun) {
      Out += '_';
      InRun = true;
    }
  }
  return Out;
}

/// Runs of '-', '_' and '.' become '_', lowercased (flit, uv_build).
static std::string escapeLower(StringRef Name) {
  std::string Out;
  bool InRun = false;
  for (char C : Name) {
    if (C == '-' || C == '_' || C == '.') {
      if (!InRun)
        Out += '_';
      InRun = true;
      continue;
    }
    Out += toLower(C);
    InRun = false;
  }
  return Out;
}

/// setuptools' safe_name then '-' -> '_': runs of characters other than
/// letters, digits and '.' become '_', case kept.
static std::string escapeSetuptools(StringRef Name) {
  std::string Out;
  bool InRun = false;
  for (char C : Name) {
    if (isAlnum(C) || C == '.') {
      Out += C;
      InRun = false;
    } else if (!InRun) {
      Out += '_';
      InRun = true;
    }
  }
  return Out;
}

static bool isIdentifier(StringRef S) {
  if (S.empty() || isDigit(S.front()))
    return false;
  return all_of(S, [](char C) { return isAlnum(C) || C == '_'; });
}

Error Builder::setVersionFromFile(StringRef Rel, const toml::Value *At,
                                  bool DunderOnly) {
  Expected<std::string> Text = readText(Rel);
  if (!Text)
    return refuse(At, "version file '" + Rel +
                          "' cannot be read: " + toString(Text.takeError()));
  std::optional<std::string> V =
      DunderOnly ? readDunderVersion(*Text) : readVersionAssignment(*Text);
  if (!V)
    return refuse(At, "no `__version__ = \"...\"` in '" + Rel + "'");
  M.Version = *V;
  return Error::success();
}

//===----------------------------------------------------------------------===//
// hatchling
//===----------------------------------------------------------------------===//

Error Builder::buildHatchling() {
  const toml::Value *Hatch = getTable(Root, {"tool", "hatch"});
  const toml::Value *BuildCfg = getTable(Hatch, {"build"});
  const toml::Value *Target = getTable(BuildCfg, {"targets", "wheel"});
  if (getTable(Hatch, {"metadata", "hooks"}) || getTable(BuildCfg, {"hooks"}) ||
      getTable(Target, {"hooks"}))
    return refuse(getTable(BuildCfg, {"hooks"})
                      ? getTable(BuildCfg, {"hooks"})
                      : (getTable(Target, {"hooks"})
                             ? getTable(Target, {"hooks"})
                             : getTable(Hatch, {"metadata", "hooks"})),
                  "hatchling build hooks run code at build time");
  static const StringRef Known[] = {"packages",
                                    "only-include",
                                    "include",
                                    "exclude",
                                    "ignore-vcs",
                                    "dev-mode-dirs",
                                    "dev-mode-exact",
                                    "reproducible",
                                    "directory",
                                    "skip-excluded-dirs",
                                    "core-metadata-version",
                                    "macos-max-compat",
                                    "targets",
                                    "hooks",
                                    "sources",
                                    "force-include"};
  if (Error E = checkKeys(BuildCfg, Known, "tool.hatch.build"))
    return E;
  if (Error E = checkKeys(Target, Known, "tool.hatch.build.targets.wheel"))
    return E;
  if (const toml::Value *Meta = getTable(Hatch, {"metadata"}))
    if (Error E = checkKeys(
            Meta, {"allow-direct-references", "allow-ambiguous-features"},
            "tool.hatch.metadata"))
      return E;
  if (M.DynamicVersion) {
    const toml::Value *V = getTable(Hatch, {"version"});
    if (!V)
      return refuse(Project, "the version is dynamic but [tool.hatch.version] "
                             "is missing");
    if (Error E = checkKeys(V, {"path"}, "tool.hatch.version"))
      return E;
    Expected<std::optional<std::string>> Path = getString(V, "path");
    if (!Path)
      return Path.takeError();
    if (!*Path)
      return refuse(V, "[tool.hatch.version] has no 'path'");
    if (Error E = setVersionFromFile(**Path, V, /*DunderOnly=*/false))
      return E;
  }
  DistInfoName =
      escapeHatch(M.Name) + "-" + escapeHatch(M.Version) + ".dist-info";

  // A setting on the wheel target wins over the one on [tool.hatch.build].
  auto Setting = [&](StringRef Key) -> const toml::Value * {
    if (Target && Target->get(Key))
      return Target;
    return BuildCfg;
  };
  auto Strings = [&](StringRef Key) { return getStrings(Setting(Key), Key); };
  Expected<std::vector<std::string>> Packages = Strings("packages");
  Expected<std::vector<std::string>> OnlyInclude = Strings("only-include");
  Expected<std::vector<std::string>> Include = Strings("include");
  Expected<std::vector<std::string>> Exclude = Strings("exclude");
  if (!Packages)
    return Packages.takeError();
  if (!OnlyInclude)
    return OnlyInclude.takeError();
  if (!Include)
    return Include.takeError();
  if (!Exclude)
    return Exclude.takeError();
  bool IgnoreVcs = false;
  if (const toml::Value *T = Setting("ignore-vcs"))
    if (const toml::Value *V = T->get("ignore-vcs"))
      IgnoreVcs = V->isBoolean() && V->getBoolean();

  auto Normal = [](std::string P) {
    StringRef S = P;
    S = S.trim("/");
    while (S.consume_front("./"))
      ;
    return S.str();
  };
  // The default selection when nothing is configured.
  bool Configured = !Packages->empty() || !OnlyInclude->empty() ||
                    !Include->empty() || !Exclude->empty();
  if (!Configured) {
    std::string Name = escapeHatch(M.Name);
    std::string Norm = escapeHatch(normalizePackageName(M.Name));
    bool Found = false;
    for (const std::string &N : {Name, Norm}) {
      if (isFile(N + "/__init__.py")) {
        Packages->push_back(N);
      } else if (isFile("src/" + N + "/__init__.py")) {
        Packages->push_back("src/" + N);
      } else if (isFile(N + ".py")) {
        OnlyInclude->push_back(N + ".py");
      } else {
        // `ns/name/__init__.py`: the namespace folder.
        std::vector<std::string> Candidates;
        std::error_code EC;
        for (sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
             It.increment(EC)) {
          StringRef Top = sys::path::filename(It->path());
          if (isFile((Top + "/" + N + "/__init__.py").str()))
            Candidates.push_back(Top.str());
        }
        if (Candidates.size() != 1)
          continue;
        Packages->push_back(Candidates.front());
      }
      Found = true;
      break;
    }
    if (!Found) {
      Include->push_back("*.py");
      Exclude->push_back("test*");
    }
  }
  for (std::string &P : *Packages)
    P = Normal(P);
  // `packages` select folders and drop their parents from installed paths.
  // `sources` rewrite installed paths: a list strips the prefixes, a table
  // replaces them. The first match in sorted order wins.
  std::map<std::string, std::string> Sources;
  if (const toml::Value *T = Setting("sources")) {
    const toml::Value *V = T->get("sources");
    if (V && V->isArray()) {
      Expected<std::vector<std::string>> L = getStrings(T, "sources");
      if (!L)
        return L.takeError();
      for (const std::string &S : *L)
        Sources[Normal(S) + "/"] = "";
    } else if (V && V->isTable()) {
      for (const toml::Entry &E : V->getEntries()) {
        if (!E.Val->isString())
          return refuse(E.Val, "'sources' values must be strings");
        std::string To = Normal(E.Val->getString().str());
        Sources[Normal(E.Key.str()) + "/"] =
            To.empty() || To == "." ? "" : To + "/";
      }
    } else if (V) {
      return refuse(V, "'sources' must be an array or a table");
    }
  }
  GitIgnoreList IncludeSpec, ExcludeSpec;
  for (const std::string &I : *Include)
    IncludeSpec.add(I);
  for (const std::string &P : *Packages) {
    IncludeSpec.add("/" + P + "/");
    StringRef Parent = sys::path::parent_path(P, sys::path::Style::posix);
    if (!Parent.empty() && !Sources.count(P + "/"))
      Sources.emplace((Parent + "/").str(), "");
  }
  if (OnlyInclude->empty())
    for (const std::string &P : *Packages)
      OnlyInclude->push_back(P);
  ExcludeSpec.add("*.py[cdo]");
  ExcludeSpec.add("/dist");
  for (const std::string &E : *Exclude)
    ExcludeSpec.add(E);
  if (!IgnoreVcs) {
    // The first .gitignore found from the package folder upwards.
    SmallString<256> Up(Dir);
    sys::fs::make_absolute(Up);
    sys::path::remove_dots(Up, /*remove_dot_dot=*/true);
    while (!Up.empty()) {
      SmallString<256> Candidate(Up);
      sys::path::append(Candidate, ".gitignore");
      if (sys::fs::is_regular_file(Candidate)) {
        ErrorOr<std::unique_ptr<MemoryBuffer>> Buf =
            MemoryBuffer::getFile(Candidate);
        if (Buf)
          ExcludeSpec.addLines((*Buf)->getBuffer());
        break;
      }
      StringRef Parent = sys::path::parent_path(Up);
      if (Parent == Up)
        break;
      Up = Parent;
    }
  }
  static const StringRef ExcludedDirs[] = {
      "__pycache__", "__pypackages__", ".git", ".hg", ".hatch", ".tox", ".nox"};
  auto DistPath = [&](StringRef Rel) {
    for (const auto &S : Sources)
      if (Rel.startswith(S.first))
        return (S.second + Rel.drop_front(S.first.size())).str();
    return Rel.str();
  };
  auto Consider = [&](StringRef Rel, bool Explicit) -> Error {
    if (ExcludeSpec.matches(Rel))
      return Error::success();
    if (!Explicit && !IncludeSpec.empty() && !IncludeSpec.matches(Rel))
      return Error::success();
    addPackageFile(Rel, DistPath(Rel));
    return Error::success();
  };
  auto DirOk = [&](StringRef Name, StringRef) {
    return !is_contained(ExcludedDirs, Name);
  };
  if (!OnlyInclude->empty()) {
    for (std::string &OI : *OnlyInclude) {
      std::string Rel = Normal(OI);
      if (isFile(Rel)) {
        if (Error E = Consider(Rel, /*Explicit=*/true))
          return E;
      } else if (isDir(Rel)) {
        if (Error E = walk(Rel, DirOk, [&](StringRef F) {
              return Consider(F, /*Explicit=*/true);
            }))
          return E;
      }
    }
  } else if (Error E = walk("", DirOk, [&](StringRef F) {
               return Consider(F, /*Explicit=*/false);
             })) {
    return E;
  }
  // force-include: files and folders copied to the given paths, whatever
  // the selection says.
  if (const toml::Value *T = Setting("force-include"))
    if (const toml::Value *V = T->get("force-include")) {
      if (!V->isTable())
        return refuse(V, "'force-include' must be a table");
      for (const toml::Entry &E : V->getEntries()) {
        if (!E.Val->isString() || E.Val->getString().empty())
          return refuse(E.Val, "'force-include' paths must be strings");
        std::string From = Normal(E.Key.str());
        std::string To = Normal(E.Val->getString().str());
        if (isFile(From)) {
          addPackageFile(From, DistPath(To));
        } else if (isDir(From)) {
          if (Error Err = walk(From, DirOk, [&](StringRef F) -> Error {
                addPackageFile(F,
                               DistPath(To + F.drop_front(From.size()).str()));
                return Error::success();
              }))
            return Err;
        } else {
          return refuse(E.Val,
                        "force-include source '" + E.Key + "' does not exist");
        }
      }
    }
  if (Selected.empty())
    return refuse(BuildCfg ? BuildCfg : BuildSystem,
                  "hatchling would select no file for the wheel of '" + M.Name +
                      "' (no package named after the project)");
  // Licence files: [project] license-files, else hatchling's default globs.
  if (Project->get("license-files"))
    return refuse(Project->get("license-files"),
                  "'license-files' is not supported by lambda-opt's native "
                  "hatchling build");
  for (const std::string &F :
       globRootFiles({"LICEN[CS]E*", "COPYING*", "NOTICE*", "AUTHORS*"}))
    addLicenseFile(F, "licenses/" + F);
  return Error::success();
}

//===----------------------------------------------------------------------===//
// setuptools
//===----------------------------------------------------------------------===//

namespace {
/// The packages and modules setuptools installs, and where each lives.
struct SetuptoolsLayout {
  /// package name -> folder relative to the project.
  std::vector<std::pair<std::string, std::string>> Packages;
  /// module name -> file relative to the project.
  std::vector<std::pair<std::string, std::string>> Modules;
};
} // namespace

static bool matchAnyName(ArrayRef<std::string> Patterns, StringRef Name) {
  for (const std::string &P : Patterns) {
    Expected<GlobPattern> G = GlobPattern::create(P);
    if (!G) {
      consumeError(G.takeError());
      continue;
    }
    if (G->match(Name))
      return true;
  }
  return false;
}

/// setuptools' find_packages / find_namespace_packages below \p Where.
static void findPackages(StringRef Root, StringRef Where, bool Namespaces,
                         ArrayRef<std::string> Include,
                         ArrayRef<std::string> Exclude, bool FlatRules,
                         std::vector<std::string> &Out, StringRef Prefix = "",
                         std::set<std::string> *Visited = nullptr) {
  std::set<std::string> Seen;
  if (!Visited)
    Visited = &Seen;
  SmallString<256> Folder(Root);
  if (!Where.empty() && Where != ".")
    sys::path::append(Folder, Where);
  if (!Prefix.empty())
    for (StringRef Part : split(Prefix, '.'))
      sys::path::append(Folder, Part);
  // A folder reached twice (a symbolic link loop) is searched once.
  SmallString<256> Real;
  if (sys::fs::real_path(Folder, Real) ||
      !Visited->insert(std::string(Real)).second)
    return;
  std::error_code EC;
  std::vector<std::string> Dirs;
  for (sys::fs::directory_iterator It(Folder, EC), End; It != End && !EC;
       It.increment(EC))
    if (sys::fs::is_directory(It->path()))
      Dirs.push_back(sys::path::filename(It->path()).str());
  llvm::sort(Dirs);
  for (const std::string &D : Dirs) {
    if (StringRef(D).contains('.'))
      continue;
    std::string Name = Prefix.empty() ? D : (Prefix + "." + D).str();
    SmallString<256> Init(Folder);
    sys::path::append(Init, D, "__init__.py");
    bool Looks = Namespaces || sys::fs::is_regular_file(Init);
    if (FlatRules) {
      StringRef First = StringRef(Name).split('.').first;
      bool Valid = isIdentifier(First) || First.endswith("-stubs");
      SmallVector<StringRef, 4> Parts;
      StringRef(Name).split(Parts, '.');
      for (size_t I = 1; I < Parts.size(); ++I)
        Valid &= isIdentifier(Parts[I]);
      Looks &= Valid;
    }
    if (!Looks)
      continue;
    bool AlwaysExcluded =
        Name == "ez_setup" || StringRef(Name).endswith("__pycache__");
    if (!AlwaysExcluded && matchAnyName(Include, Name) &&
        !matchAnyName(Exclude, Name))
      Out.push_back(Name);
    findPackages(Root, Where, Namespaces, Include, Exclude, FlatRules, Out,
                 Name, Visited);
  }
}

/// Top-level `*.py` modules of \p Folder with identifier names.
static std::vector<std::string> findModules(StringRef Root, StringRef Where,
                                            ArrayRef<std::string> Exclude) {
  SmallString<256> Folder(Root);
  if (!Where.empty() && Where != ".")
    sys::path::append(Folder, Where);
  std::vector<std::string> Out;
  std::error_code EC;
  for (sys::fs::directory_iterator It(Folder, EC), End; It != End && !EC;
       It.increment(EC)) {
    StringRef File = sys::path::filename(It->path());
    if (!File.endswith(".py") || !sys::fs::is_regular_file(It->path()))
      continue;
    StringRef Mod = File.drop_back(3);
    if (!isIdentifier(Mod) || matchAnyName(Exclude, Mod))
      continue;
    Out.push_back(Mod.str());
  }
  llvm::sort(Out);
  return Out;
}

Error Builder::buildSetuptools() {
  for (StringRef F : {"setup.py", "setup.cfg", "MANIFEST.in"})
    if (isFile(F))
      return refuse(nullptr,
                    "'" + F +
                        "' configures the setuptools build; lambda-opt "
                        "builds only projects configured in pyproject.toml");
  const toml::Value *ST = getTable(Root, {"tool", "setuptools"});
  if (Error E = checkKeys(
          ST,
          {"packages", "py-modules", "package-dir", "package-data",
           "exclude-package-data", "include-package-data", "dynamic",
           "zip-safe", "platforms", "license-files", "provides", "obsoletes"},
          "tool.setuptools"))
    return E;
  // The version: static, or [tool.setuptools.dynamic] attr / file.
  if (M.DynamicVersion) {
    const toml::Value *V = getTable(ST, {"dynamic", "version"});
    if (!V)
      return refuse(Project, "the version is dynamic but "
                             "[tool.setuptools.dynamic] has no version");
    if (Error E = checkKeys(V, {"attr", "file"}, "tool.setuptools.dynamic"))
      return E;
    Expected<std::optional<std::string>> Attr = getString(V, "attr");
    if (!Attr)
      return Attr.takeError();
    Expected<std::optional<std::string>> File = getString(V, "file");
    if (!File)
      return File.takeError();
    if (*File) {
      Expected<std::string> Text = readText(**File);
      if (!Text)
        return refuse(V, "version file '" + **File + "' cannot be read");
      M.Version = StringRef(*Text).trim().str();
    } else if (*Attr) {
      // `pkg.mod.__version__`: read statically from pkg/mod.py or
      // pkg/mod/__init__.py, below package-dir's root.
      StringRef A = **Attr;
      auto [ModPath, AttrName] = A.rsplit('.');
      if (AttrName != "__version__" && AttrName != "VERSION")
        return refuse(V, "version attribute '" + A +
                             "' is not a `__version__` lambda-opt can read");
      std::string Base = isDir("src") ? "src/" : "";
      std::string Rel = Base + ModPath.str();
      std::replace(Rel.begin(), Rel.end(), '.', '/');
      std::string File =
          isFile(Rel + ".py") ? Rel + ".py" : Rel + "/__init__.py";
      if (Error E = setVersionFromFile(File, V, /*DunderOnly=*/false))
        return E;
    } else {
      return refuse(V, "[tool.setuptools.dynamic] version needs 'attr' or "
                       "'file'");
    }
  }
  if (const toml::Value *Dyn = getTable(ST, {"dynamic"}))
    if (Error E =
            checkKeys(Dyn, {"version", "readme"}, "tool.setuptools.dynamic"))
      return E;
  DistInfoName = escapeSetuptools(M.Name) + "-" + escapeSetuptools(M.Version) +
                 ".dist-info";

  // package-dir: package name -> folder ("" is the root of every package).
  std::map<std::string, std::string> PackageDir;
  if (const toml::Value *PD = getTable(ST, {"package-dir"}))
    for (const toml::Entry &E : PD->getEntries()) {
      if (!E.Val->isString())
        return refuse(E.Val, "package-dir values must be strings");
      PackageDir[E.Key.str()] = StringRef(E.Val->getString()).trim("/").str();
    }
  auto FolderOf = [&](StringRef Pkg) -> std::string {
    // The longest package-dir prefix wins, as in setuptools.
    SmallVector<StringRef, 4> Parts;
    Pkg.split(Parts, '.');
    for (size_t N = Parts.size() + 1; N-- > 0;) {
      std::string Head = join(Parts.begin(), Parts.begin() + N, ".");
      auto It = PackageDir.find(Head);
      if (It == PackageDir.end())
        continue;
      std::string Out = It->second == "." ? "" : It->second;
      for (size_t I = N; I < Parts.size(); ++I)
        Out += (Out.empty() ? "" : "/") + Parts[I].str();
      return Out;
    }
    return join(Parts, "/");
  };

  std::vector<std::string> Packages, Modules;
  const toml::Value *PackagesV = ST ? ST->get("packages") : nullptr;
  Expected<std::vector<std::string>> PyModules = getStrings(ST, "py-modules");
  if (!PyModules)
    return PyModules.takeError();
  Modules = *PyModules;
  bool Explicit = PackagesV || (ST && ST->get("py-modules"));
  if (PackagesV && PackagesV->isArray()) {
    Expected<std::vector<std::string>> L = getStrings(ST, "packages");
    if (!L)
      return L.takeError();
    Packages = std::move(*L);
  } else if (PackagesV && PackagesV->isTable()) {
    const toml::Value *Find = getTable(PackagesV, {"find"});
    if (!Find)
      return refuse(PackagesV, "[tool.setuptools.packages] supports only "
                               "'find'");
    if (Error E = checkKeys(Find, {"where", "include", "exclude", "namespaces"},
                            "tool.setuptools.packages.find"))
      return E;
    Expected<std::vector<std::string>> Where = getStrings(Find, "where");
    Expected<std::vector<std::string>> Inc = getStrings(Find, "include");
    Expected<std::vector<std::string>> Exc = getStrings(Find, "exclude");
    if (!Where)
      return Where.takeError();
    if (!Inc)
      return Inc.takeError();
    if (!Exc)
      return Exc.takeError();
    if (Where->empty())
      Where->push_back(".");
    if (Inc->empty())
      Inc->push_back("*");
    bool Namespaces = true;
    if (const toml::Value *N = Find->get("namespaces"))
      Namespaces = N->isBoolean() && N->getBoolean();
    for (const std::string &W : *Where) {
      std::string WhereDir = StringRef(W).trim("/").str();
      std::vector<std::string> Found;
      findPackages(Dir, WhereDir, Namespaces, *Inc, *Exc, false, Found);
      // `where` other than the root is the package-dir of what it finds.
      if (WhereDir != "." && !WhereDir.empty() && !PackageDir.count(""))
        PackageDir[""] = WhereDir;
      llvm::append_range(Packages, Found);
    }
  } else if (PackagesV) {
    return refuse(PackagesV, "'packages' must be an array or a table");
  }
  if (!Explicit) {
    // Automatic discovery: the src-layout, else the flat layout.
    std::string Src =
        PackageDir.count("") ? PackageDir[""] : std::string("src");
    if (isDir(Src)) {
      PackageDir[""] = Src;
      findPackages(Dir, Src, /*Namespaces=*/true, {"*"}, {}, false, Packages);
      Modules = findModules(Dir, Src, {});
    } else {
      static const char *const FlatExclude[] = {
          "ci",        "bin",           "doc",
          "docs",      "documentation", "manpages",
          "news",      "changelog",     "test",
          "tests",     "unit_test",     "unit_tests",
          "example",   "examples",      "scripts",
          "tools",     "util",          "utils",
          "python",    "build",         "dist",
          "venv",      "env",           "requirements",
          "tasks",     "fabfile",       "site_scons",
          "benchmark", "benchmarks",    "exercise",
          "exercises", "[._]*"};
      std::vector<std::string> Exclude;
      for (const char *E : FlatExclude) {
        Exclude.push_back(E);
        Exclude.push_back(std::string(E) + ".*");
      }
      findPackages(Dir, "", /*Namespaces=*/true, {"*"}, Exclude, true,
                   Packages);
      std::set<std::string> Top;
      for (const std::string &P : Packages) {
        StringRef T = StringRef(P).split('.').first;
        if (!T.endswith("-stubs"))
          Top.insert(T.str());
      }
      if (Top.size() > 1)
        return refuse(nullptr, "setuptools refuses this flat layout: "
                               "multiple top-level packages (" +
                                   join(Top, ", ") +
                                   "); configure "
                                   "[tool.setuptools] packages");
      if (Top.empty()) {
        static const char *const ModExclude[] = {
            "setup",     "conftest",
            "test",      "tests",
            "example",   "examples",
            "build",     "toxfile",
            "noxfile",   "pavement",
            "dodo",      "tasks",
            "fabfile",   "[Ss][Cc]onstruct",
            "conanfile", "manage",
            "benchmark", "benchmarks",
            "exercise",  "exercises",
            "htmlcov",   "[._]*"};
        std::vector<std::string> MExclude(std::begin(ModExclude),
                                          std::end(ModExclude));
        Modules = findModules(Dir, "", MExclude);
        if (Modules.size() > 1)
          return refuse(nullptr, "setuptools refuses this flat layout: "
                                 "multiple top-level modules (" +
                                     join(Modules, ", ") +
                                     "); configure [tool.setuptools] "
                                     "py-modules");
      }
    }
  }

  // package-data and exclude-package-data: globs relative to each package.
  auto ReadData =
      [&](StringRef Key,
          std::map<std::string, std::vector<std::string>> &Out) -> Error {
    const toml::Value *T = getTable(ST, {Key});
    if (!T)
      return Error::success();
    for (const toml::Entry &E : T->getEntries()) {
      Expected<std::vector<std::string>> L = getStrings(T, E.Key);
      if (!L)
        return L.takeError();
      Out[E.Key.str()] = std::move(*L);
    }
    return Error::success();
  };
  std::map<std::string, std::vector<std::string>> Data, ExcludeData;
  if (Error E = ReadData("package-data", Data))
    return E;
  if (Error E = ReadData("exclude-package-data", ExcludeData))
    return E;

  std::set<std::string> TopLevel;
  for (const std::string &Pkg : Packages) {
    std::string Folder = FolderOf(Pkg);
    if (!isDir(Folder))
      return refuse(PackagesV ? PackagesV : nullptr,
                    "package '" + Pkg + "' has no folder '" + Folder + "'");
    TopLevel.insert(StringRef(Pkg).split('.').first.str());
    std::string Dest = Pkg;
    std::replace(Dest.begin(), Dest.end(), '.', '/');
    // The package's own modules.
    std::error_code EC;
    SmallString<256> Abs(Dir);
    sys::path::append(Abs, Folder);
    std::vector<std::string> Files;
    for (sys::fs::directory_iterator It(Abs, EC), End; It != End && !EC;
         It.increment(EC))
      if (sys::fs::is_regular_file(It->path()))
        Files.push_back(sys::path::filename(It->path()).str());
    llvm::sort(Files);
    std::vector<std::string> Patterns;
    for (const char *Key : {"*", ""})
      if (Data.count(Key))
        llvm::append_range(Patterns, Data[Key]);
    if (Data.count(Pkg))
      llvm::append_range(Patterns, Data[Pkg]);
    std::vector<std::string> Excluded;
    for (const char *Key : {"*", ""})
      if (ExcludeData.count(Key))
        llvm::append_range(Excluded, ExcludeData[Key]);
    if (ExcludeData.count(Pkg))
      llvm::append_range(Excluded, ExcludeData[Pkg]);
    for (const std::string &F : Files)
      if (StringRef(F).endswith(".py"))
        addPackageFile(Folder.empty() ? F : Folder + "/" + F, Dest + "/" + F);
    // Data files anywhere below the package folder that a pattern matches
    // (not inside a subpackage that is itself listed).
    if (Patterns.empty())
      continue;
    if (Error E = walk(
            Folder,
            [](StringRef Name, StringRef) { return Name != "__pycache__"; },
            [&](StringRef RelFile) -> Error {
              StringRef Inner = Folder.empty()
                                    ? RelFile
                                    : RelFile.drop_front(Folder.size() + 1);
              bool Hit = any_of(Patterns, [&](const std::string &P) {
                return matchPathWildcard(P, Inner);
              });
              bool Out = any_of(Excluded, [&](const std::string &P) {
                return matchPathWildcard(P, Inner);
              });
              if (Hit && !Out && !Inner.endswith(".pyc"))
                addPackageFile(RelFile, Dest + "/" + Inner.str());
              return Error::success();
            }))
      return E;
  }
  for (const std::string &Mod : Modules) {
    std::string Base = PackageDir.count("") ? PackageDir[""] : "";
    if (Base == ".")
      Base.clear();
    std::string Rel = (Base.empty() ? "" : Base + "/") + Mod + ".py";
    if (!isFile(Rel))
      return refuse(nullptr, "module '" + Mod + "' has no file '" + Rel + "'");
    addPackageFile(Rel, Mod + ".py");
    TopLevel.insert(Mod);
  }
  std::string Top;
  for (const std::string &T : TopLevel)
    Top += T + "\n";
  DistInfoFiles["top_level.txt"] = Top;
  // Licence files: [tool.setuptools] license-files globs, else the defaults;
  // the wheel puts them at the dist-info's root under their base names.
  Expected<std::vector<std::string>> LicenseGlobs =
      getStrings(ST, "license-files");
  if (!LicenseGlobs)
    return LicenseGlobs.takeError();
  std::vector<StringRef> Globs;
  if (ST && ST->get("license-files"))
    for (const std::string &G : *LicenseGlobs)
      Globs.push_back(G);
  else
    // What setuptools 66 with wheel 0.38 puts into the wheel by default
    // (COPYING* and NOTICE* match its patterns but are not copied).
    Globs = {"LICEN[CS]E*", "AUTHORS*"};
  for (const std::string &F : globRootFiles(Globs))
    addLicenseFile(F, F);
  return Error::success();
}

//===----------------------------------------------------------------------===//
// flit_core
//===----------------------------------------------------------------------===//

Error Builder::buildFlit() {
  const toml::Value *Flit = getTable(Root, {"tool", "flit"});
  if (Error E = checkKeys(Flit, {"module", "sdist"}, "tool.flit"))
    return E;
  std::string Module = StringRef(M.Name).lower();
  std::replace(Module.begin(), Module.end(), '-', '_');
  if (const toml::Value *Mod = getTable(Flit, {"module"})) {
    if (Error E = checkKeys(Mod, {"name"}, "tool.flit.module"))
      return E;
    Expected<std::optional<std::string>> N = getString(Mod, "name");
    if (!N)
      return N.takeError();
    if (*N)
      Module = **N;
  }
  std::string AsPath = Module;
  std::replace(AsPath.begin(), AsPath.end(), '.', '/');
  std::vector<std::pair<std::string, bool>> Found; // path, is package
  for (StringRef Prefix : {"", "src/"}) {
    if (isDir((Prefix + AsPath).str()))
      Found.push_back({(Prefix + AsPath).str(), true});
    if (isFile((Prefix + AsPath + ".py").str()))
      Found.push_back({(Prefix + AsPath + ".py").str(), false});
  }
  if (Found.empty())
    return refuse(Flit ? Flit : BuildSystem,
                  "flit finds no module '" + Module + "' (" + AsPath + "/ or " +
                      AsPath + ".py, at the root or in src/)");
  if (Found.size() > 1)
    return refuse(Flit ? Flit : BuildSystem,
                  "flit finds more than one module '" + Module + "'");
  auto [Path, IsPackage] = Found.front();
  StringRef SourceDir = StringRef(Path).startswith("src/") ? "src/" : "";
  std::string ModuleFile = IsPackage ? Path + "/__init__.py" : Path;
  if (M.DynamicVersion || M.DynamicDescription) {
    Expected<std::string> Text = readText(ModuleFile);
    if (!Text)
      return refuse(Project,
                    "module file '" + ModuleFile +
                        "' cannot be read: " + toString(Text.takeError()));
    if (M.DynamicVersion) {
      std::optional<std::string> V = readDunderVersion(*Text);
      if (!V)
        return refuse(Project, "the version is dynamic but '" + ModuleFile +
                                   "' has no `__version__ = \"...\"`");
      M.Version = *V;
    }
    if (M.DynamicDescription) {
      std::optional<std::string> D = readDocstringSummary(*Text);
      if (!D)
        return refuse(Project, "the description is dynamic but '" + ModuleFile +
                                   "' has no docstring");
      M.Summary = *D;
    }
  }
  DistInfoName = escapeLower(M.Name) + "-" + M.Version + ".dist-info";
  if (IsPackage) {
    if (Error E = walk(
            Path,
            [](StringRef Name, StringRef) { return Name != "__pycache__"; },
            [&](StringRef Rel) -> Error {
              if (!Rel.endswith(".pyc"))
                addPackageFile(Rel, Rel.drop_front(SourceDir.size()));
              return Error::success();
            }))
      return E;
  } else {
    addPackageFile(Path, StringRef(Path).drop_front(SourceDir.size()));
  }
  for (const std::string &F : globRootFiles({"COPYING*", "LICENSE*"}))
    addLicenseFile(F, F);
  return Error::success();
}

//===----------------------------------------------------------------------===//
// uv_build
//===----------------------------------------------------------------------===//

Error Builder::buildUv() {
  const toml::Value *UvB = getTable(Root, {"tool", "uv", "build-backend"});
  if (Error E = checkKeys(UvB, {"module-root", "module-name"},
                          "tool.uv.build-backend"))
    return E;
  if (M.DynamicVersion)
    return refuse(Project, "uv_build needs a static version");
  Expected<std::optional<std::string>> RootV = getString(UvB, "module-root");
  if (!RootV)
    return RootV.takeError();
  Expected<std::optional<std::string>> NameV = getString(UvB, "module-name");
  if (!NameV)
    return NameV.takeError();
  std::string ModuleRoot = *RootV ? StringRef(**RootV).trim("/").str() : "src";
  if (ModuleRoot == ".")
    ModuleRoot.clear();
  std::string Module = *NameV ? **NameV : escapeLower(M.Name);
  std::string AsPath = Module;
  std::replace(AsPath.begin(), AsPath.end(), '.', '/');
  std::string Path = (ModuleRoot.empty() ? "" : ModuleRoot + "/") + AsPath;
  DistInfoName = escapeLower(M.Name) + "-" + M.Version + ".dist-info";
  if (!isFile(Path + "/__init__.py"))
    return refuse(UvB ? UvB : BuildSystem,
                  "uv_build expects the module at '" + Path +
                      "/__init__.py', which does not exist");
  size_t Strip = ModuleRoot.empty() ? 0 : ModuleRoot.size() + 1;
  if (Error E = walk(
          Path, [](StringRef Name, StringRef) { return Name != "__pycache__"; },
          [&](StringRef Rel) -> Error {
            if (!Rel.endswith(".pyc") && !Rel.endswith(".pyo"))
              addPackageFile(Rel, Rel.drop_front(Strip));
            return Error::success();
          }))
    return E;
  Expected<std::vector<std::string>> Licenses =
      getStrings(Project, "license-files");
  if (!Licenses)
    return Licenses.takeError();
  std::vector<StringRef> Globs(Licenses->begin(), Licenses->end());
  for (const std::string &F : globRootFiles(Globs))
    addLicenseFile(F, "licenses/" + F);
  return Error::success();
}

//===----------------------------------------------------------------------===//
// poetry-core
//===----------------------------------------------------------------------===//

/// A poetry version constraint as PEP 440 specifiers: `^1.2` is `>=1.2,<2.0`,
/// `~1.2` is `>=1.2,<1.3`, `*` is empty, a bare version is `==`; comparisons
/// pass through. std::nullopt for what is not understood (`||`, wildcards).
static std::optional<std::string> convertPoetryConstraint(StringRef C) {
  C = C.trim();
  if (C.empty() || C == "*")
    return std::string();
  if (C.contains("||") || C.contains('|'))
    return std::nullopt;
  SmallVector<StringRef, 4> Parts;
  C.split(Parts, ',');
  std::vector<std::string> Out;
  for (StringRef Part : Parts) {
    Part = Part.trim();
    auto Bump = [](StringRef V, bool Caret) -> std::optional<std::string> {
      SmallVector<StringRef, 4> Nums;
      V.split(Nums, '.');
      std::vector<unsigned> N;
      for (StringRef X : Nums) {
        unsigned U;
        if (X.getAsInteger(10, U))
          return std::nullopt;
        N.push_back(U);
      }
      if (N.empty())
        return std::nullopt;
      std::vector<unsigned> Upper;
      if (Caret) {
        // The first non-zero component goes up (all zeros: the last one).
        size_t I = 0;
        while (I + 1 < N.size() && N[I] == 0)
          ++I;
        Upper.assign(N.begin(), N.begin() + I + 1);
        ++Upper.back();
      } else {
        // `~1` is `<2`, `~1.2` and `~1.2.3` are `<1.3`.
        size_t Keep = N.size() == 1 ? 1 : 2;
        Upper.assign(N.begin(), N.begin() + Keep);
        ++Upper.back();
      }
      while (Upper.size() < N.size())
        Upper.push_back(0);
      std::string Low = ">=" + V.str(), High = "<";
      for (size_t I = 0; I < Upper.size(); ++I)
        High += (I ? "." : "") + std::to_string(Upper[I]);
      return Low + "," + High;
    };
    if (Part.consume_front("^")) {
      std::optional<std::string> R = Bump(Part.trim(), true);
      if (!R)
        return std::nullopt;
      Out.push_back(*R);
    } else if (Part.consume_front("~=")) {
      Out.push_back("~=" + Part.trim().str());
    } else if (Part.consume_front("~")) {
      std::optional<std::string> R = Bump(Part.trim(), false);
      if (!R)
        return std::nullopt;
      Out.push_back(*R);
    } else if (Part.startswith(">") || Part.startswith("<") ||
               Part.startswith("=") || Part.startswith("!")) {
      if (Part.contains('*'))
        return std::nullopt;
      std::string Op =
          Part.take_while([](char X) {
                return X == '>' || X == '<' || X == '=' || X == '!';
              })
              .str();
      if (Op == "=")
        Op = "==";
      Out.push_back(Op + Part.drop_front(Part.take_while([](char X) {
                                               return X == '>' || X == '<' ||
                                                      X == '=' || X == '!';
                                             })
                                             .size())
                             .trim()
                             .str());
    } else {
      if (Part.contains('*') || Part.contains(' '))
        return std::nullopt;
      Out.push_back("==" + Part.str());
    }
  }
  return join(Out, ",");
}

Error Builder::readPoetryMetadata() {
  const toml::Value *P = getTable(Root, {"tool", "poetry"});
  if (!P)
    return refuse(nullptr, "pyproject.toml has neither [project] nor "
                           "[tool.poetry]");
  Project = P;
  if (Error E = checkKeys(
          P,
          {"name", "version", "description", "authors", "maintainers",
           "license", "readme", "homepage", "repository", "documentation",
           "keywords", "classifiers", "packages", "dependencies",
           "dev-dependencies", "group", "scripts", "plugins", "urls"},
          "tool.poetry"))
    return E;
  for (auto [Key, Out] : {std::pair<StringRef, std::string *>{"name", &M.Name},
                          {"version", &M.Version},
                          {"description", &M.Summary}}) {
    Expected<std::optional<std::string>> S = getString(P, Key);
    if (!S)
      return S.takeError();
    if (!*S && Key != "description")
      return refuse(P, "[tool.poetry] has no " + Key);
    if (*S)
      *Out = **S;
  }
  Expected<std::optional<std::string>> License = getString(P, "license");
  if (!License)
    return License.takeError();
  if (*License)
    M.LicenseExpression = **License;
  for (StringRef Key : {"keywords", "classifiers"}) {
    Expected<std::vector<std::string>> L = getStrings(P, Key);
    if (!L)
      return L.takeError();
    (Key == "keywords" ? M.Keywords : M.Classifiers) = std::move(*L);
  }
  if (const toml::Value *Deps = getTable(P, {"dependencies"}))
    for (const toml::Entry &E : Deps->getEntries()) {
      if (!E.Val->isString())
        return refuse(E.Val, "dependency '" + E.Key +
                                 "' is not a plain version constraint, which "
                                 "is all lambda-opt's poetry-core build reads");
      std::optional<std::string> Spec =
          convertPoetryConstraint(E.Val->getString());
      if (!Spec)
        return refuse(E.Val, "constraint '" + E.Val->getString() +
                                 "' is not one lambda-opt converts");
      if (E.Key == "python") {
        M.RequiresPython = *Spec;
        continue;
      }
      M.Dependencies.push_back(
          Spec->empty() ? E.Key.str() : E.Key.str() + " (" + *Spec + ")");
    }
  if (Error E =
          readEntryPointGroup(getTable(P, {"scripts"}), "console_scripts"))
    return E;
  if (const toml::Value *Plugins = getTable(P, {"plugins"}))
    for (const toml::Entry &E : Plugins->getEntries())
      if (Error Err =
              readEntryPointGroup(E.Val->isTable() ? E.Val : nullptr, E.Key))
        return Err;
  return Error::success();
}

Error Builder::buildPoetry() {
  const toml::Value *P = getTable(Root, {"tool", "poetry"});
  if (P && (P->get("include") || P->get("exclude") || P->get("build")))
    return refuse(P->get("include")   ? P->get("include")
                  : P->get("exclude") ? P->get("exclude")
                                      : P->get("build"),
                  "poetry 'include', 'exclude' and 'build' settings are not "
                  "supported by lambda-opt's native poetry-core build");
  if (M.DynamicVersion)
    return refuse(Project, "poetry-core needs a static version here");
  std::string Canonical = normalizePackageName(M.Name);
  std::string Module = Canonical;
  std::replace(Module.begin(), Module.end(), '-', '_');
  DistInfoName = Module + "-" + M.Version + ".dist-info";
  // [tool.poetry] packages, else the module named after the project.
  std::vector<std::pair<std::string, std::string>> Includes; // include, from
  const toml::Value *Packages = P ? P->get("packages") : nullptr;
  if (Packages) {
    if (!Packages->isArray())
      return refuse(Packages, "'packages' must be an array of tables");
    for (const toml::Value *E : Packages->getElements()) {
      if (!E->isTable())
        return refuse(E, "'packages' must be an array of tables");
      if (Error Err = checkKeys(E, {"include", "from"}, "tool.poetry.packages"))
        return Err;
      Expected<std::optional<std::string>> Inc = getString(E, "include");
      if (!Inc)
        return Inc.takeError();
      Expected<std::optional<std::string>> From = getString(E, "from");
      if (!From)
        return From.takeError();
      if (!*Inc || StringRef(**Inc).contains('*'))
        return refuse(E, "lambda-opt reads only plain package paths in "
                         "poetry's 'packages'");
      Includes.push_back(
          {**Inc, *From ? StringRef(**From).trim("/").str() : std::string()});
    }
  } else {
    for (StringRef From : {"", "src"}) {
      std::string Base = From.empty() ? "" : From.str() + "/";
      bool Dir = isDir(Base + Module), File = isFile(Base + Module + ".py");
      if (Dir && File)
        return refuse(BuildSystem, "both '" + Base + Module + "/' and '" +
                                       Base + Module + ".py' exist");
      if (Dir || File) {
        Includes.push_back({Dir ? Module : Module + ".py", From.str()});
        break;
      }
    }
    if (Includes.empty())
      return refuse(BuildSystem, "poetry finds no package '" + Module + "'");
  }
  for (const auto &[Inc, From] : Includes) {
    std::string Rel = From.empty() ? Inc : From + "/" + Inc;
    size_t Strip = From.empty() ? 0 : From.size() + 1;
    if (isFile(Rel)) {
      addPackageFile(Rel, StringRef(Rel).drop_front(Strip));
      continue;
    }
    if (!isDir(Rel))
      return refuse(Packages ? Packages : BuildSystem,
                    "package path '" + Rel + "' does not exist");
    if (Error E = walk(
            Rel,
            [](StringRef Name, StringRef) { return Name != "__pycache__"; },
            [&](StringRef F) -> Error {
              if (!F.endswith(".pyc"))
                addPackageFile(F, F.drop_front(Strip));
              return Error::success();
            }))
      return E;
  }
  for (const std::string &F :
       globRootFiles({"COPYING", "LICENSE", "COPYING.*", "LICENSE.*"}))
    addLicenseFile(F, F);
  if (isDir("LICENSES"))
    if (Error E = walk(
            "LICENSES", [](StringRef, StringRef) { return true; },
            [&](StringRef F) -> Error {
              addLicenseFile(F, F);
              return Error::success();
            }))
      return E;
  return Error::success();
}

//===----------------------------------------------------------------------===//
// pdm-backend
//===----------------------------------------------------------------------===//

Error Builder::buildPdm() {
  const toml::Value *Pdm = getTable(Root, {"tool", "pdm"});
  const toml::Value *BuildCfg = getTable(Pdm, {"build"});
  if (isFile("pdm_build.py"))
    return refuse(nullptr, "'pdm_build.py' is a pdm-backend build hook, which "
                           "runs code at build time");
  if (Error E = checkKeys(
          BuildCfg,
          {"package-dir", "source-includes", "is-purelib", "editable-backend"},
          "tool.pdm.build"))
    return E;
  if (const toml::Value *Purelib =
          BuildCfg ? BuildCfg->get("is-purelib") : nullptr)
    if (!Purelib->isBoolean() || !Purelib->getBoolean())
      return refuse(Purelib, "a wheel that is not pure-Python needs its "
                             "backend");
  if (M.DynamicVersion) {
    const toml::Value *V = getTable(Pdm, {"version"});
    if (!V)
      return refuse(Project, "the version is dynamic but [tool.pdm.version] "
                             "is missing");
    if (Error E = checkKeys(V, {"source", "path"}, "tool.pdm.version"))
      return E;
    Expected<std::optional<std::string>> Source = getString(V, "source");
    if (!Source)
      return Source.takeError();
    Expected<std::optional<std::string>> Path = getString(V, "path");
    if (!Path)
      return Path.takeError();
    if (!*Source || **Source != "file" || !*Path)
      return refuse(V, "lambda-opt reads only `source = \"file\"` versions "
                       "(a version from SCM or a call needs the backend)");
    if (Error E = setVersionFromFile(**Path, V, /*DunderOnly=*/true))
      return E;
  }
  DistInfoName = escapeLower(M.Name) + "-" + M.Version + ".dist-info";
  // package-dir: given, else src/ when it exists, else the root.
  Expected<std::optional<std::string>> PackageDirV =
      getString(BuildCfg, "package-dir");
  if (!PackageDirV)
    return PackageDirV.takeError();
  std::string PackageDir =
      *PackageDirV ? StringRef(**PackageDirV).trim("/").str()
                   : (isDir("src") ? std::string("src") : std::string());
  if (PackageDir == ".")
    PackageDir.clear();
  std::string Prefix = PackageDir.empty() ? "" : PackageDir + "/";
  // The top-level packages with their data files, else the top-level
  // modules; tests/ goes only to the sdist.
  std::vector<std::string> Packages, Modules;
  SmallString<256> Abs(Dir);
  if (!PackageDir.empty())
    sys::path::append(Abs, PackageDir);
  std::error_code EC;
  for (sys::fs::directory_iterator It(Abs, EC), End; It != End && !EC;
       It.increment(EC)) {
    StringRef Name = sys::path::filename(It->path());
    if (sys::fs::is_directory(It->path())) {
      if (Name != "tests" && Name != "build" && Name != "__pycache__" &&
          isFile(Prefix + Name.str() + "/__init__.py"))
        Packages.push_back(Name.str());
    } else if (Name.endswith(".py") && Name != "pdm_build.py" &&
               Name != "setup.py") {
      Modules.push_back(Name.str());
    }
  }
  llvm::sort(Packages);
  llvm::sort(Modules);
  size_t Strip = Prefix.size();
  if (!Packages.empty()) {
    for (const std::string &Pkg : Packages)
      if (Error E = walk(
              Prefix + Pkg,
              [](StringRef Name, StringRef) { return Name != "__pycache__"; },
              [&](StringRef Rel) -> Error {
                if (!Rel.endswith(".pyc"))
                  addPackageFile(Rel, Rel.drop_front(Strip));
                return Error::success();
              }))
        return E;
  } else {
    for (const std::string &Mod : Modules)
      addPackageFile(Prefix + Mod, Mod);
  }
  if (Selected.empty())
    return refuse(BuildCfg ? BuildCfg : BuildSystem,
                  "pdm-backend finds no package or module in '" +
                      (PackageDir.empty() ? std::string(".") : PackageDir) +
                      "'");
  Expected<std::vector<std::string>> Licenses =
      getStrings(Project, "license-files");
  if (!Licenses)
    return Licenses.takeError();
  std::vector<StringRef> Globs(Licenses->begin(), Licenses->end());
  if (Globs.empty())
    Globs = {"LICEN[CS]E*", "COPYING*", "NOTICE*", "AUTHORS*"};
  for (const std::string &F : globRootFiles(Globs))
    addLicenseFile(F, "licenses/" + F);
  return Error::success();
}
