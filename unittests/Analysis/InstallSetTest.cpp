//===- InstallSetTest.cpp - Tests of the install-set analysis -------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Analysis/InstallSet.h"
#include "lambda-opt/FrontEnd/FrontEnd.h"
#include "lambda-opt/IR/Project.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <algorithm>

using namespace llvm;
using namespace lambdaopt;

namespace {

std::unique_ptr<Project> parse(StringRef Text) {
  auto P = std::make_unique<Project>();
  if (Error E =
          parseLock(*P, MemoryBuffer::getMemBufferCopy(Text, "uv.lock"))) {
    ADD_FAILURE() << toString(std::move(E));
    return nullptr;
  }
  return P;
}

TargetConfig target(StringRef Runtime, StringRef Arch = "x86_64") {
  Expected<TargetConfig> T = makeTargetConfig(Runtime, Arch);
  if (!T) {
    ADD_FAILURE() << toString(T.takeError());
    return TargetConfig();
  }
  return *T;
}

/// The installed names, in order, space separated.
std::string names(const Project &P, const TargetConfig &T,
                  const InstallOptions &Opts = InstallOptions()) {
  Expected<InstallSet> S = computeInstallSet(P, T, Opts);
  if (!S)
    return "error: " + toString(S.takeError());
  std::string Out;
  for (const InstalledPackage &IP : S->Packages)
    Out += (Out.empty() ? "" : " ") + IP.Pkg->Name.str();
  return Out;
}

std::string requirements(const InstallSet &S) {
  std::string Out;
  raw_string_ostream OS(Out);
  writeRequirements(S, OS);
  return OS.str();
}

const char *const MarkerLock = R"(version = 1
revision = 3
requires-python = ">=3.11"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "arm-only", marker = "platform_machine == 'aarch64'" },
    { name = "old-python", marker = "python_full_version < '3.12'" },
    { name = "plain" },
    { name = "windows-only", marker = "sys_platform == 'win32'" },
]

[package.metadata]
requires-dist = []

[[package]]
name = "arm-only"
version = "1.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "old-python"
version = "1.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "plain"
version = "1.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "windows-only", marker = "os_name == 'nt'" }]

[[package]]
name = "windows-only"
version = "1.0"
source = { registry = "https://pypi.org/simple" }
)";

TEST(InstallSetTest, MarkersOnEdges) {
  auto P = parse(MarkerLock);
  ASSERT_TRUE(P);
  EXPECT_EQ(names(*P, target("python3.11")), "app old-python plain");
  EXPECT_EQ(names(*P, target("python3.12")), "app plain");
  EXPECT_EQ(names(*P, target("python3.13", "arm64")), "app arm-only plain");
  EXPECT_EQ(names(*P, target("python3.11", "arm64")),
            "app arm-only old-python plain");
}

const char *const ExtrasLock = R"(version = 1
revision = 3
requires-python = ">=3.11"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "web", extra = ["fast"] }]

[package.optional-dependencies]
cli = [{ name = "click" }]

[package.metadata]
requires-dist = []
provides-extras = ["cli"]

[[package]]
name = "click"
version = "8.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "speedups"
version = "1.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "slow-thing"
version = "1.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "web"
version = "2.0"
source = { registry = "https://pypi.org/simple" }

[package.optional-dependencies]
fast = [
    { name = "slow-thing", marker = "extra == 'slow'" },
    { name = "speedups" },
]
slow = [{ name = "slow-thing", marker = "extra == 'never'" }]
)";

TEST(InstallSetTest, ExtrasPropagateAlongEdges) {
  auto P = parse(ExtrasLock);
  ASSERT_TRUE(P);
  TargetConfig T = target("python3.12");
  // `web[fast]` brings speedups; slow-thing needs `slow` active on web.
  EXPECT_EQ(names(*P, T), "app speedups web");

  InstallOptions Cli;
  Cli.Extras = {"CLI"};
  EXPECT_EQ(names(*P, T, Cli), "app click speedups web");
  InstallOptions All;
  All.AllExtras = true;
  EXPECT_EQ(names(*P, T, All), "app click speedups web");

  Expected<InstallSet> S = computeInstallSet(*P, T, Cli);
  ASSERT_TRUE(bool(S));
  ASSERT_EQ(S->lookup("web").size(), 1u);
  EXPECT_EQ(S->lookup("web").front()->Extras, std::vector<std::string>{"fast"});

  InstallOptions Bad;
  Bad.Extras = {"gui"};
  EXPECT_EQ(names(*P, T, Bad), "error: extra 'gui' is not defined by app");
}

const char *const ConflictLock = R"(version = 1
revision = 3
requires-python = ">=3.12"
conflicts = [[
    { package = "app", extra = "cpu" },
    { package = "app", extra = "gpu" },
]]

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [
    { name = "numpy", marker = "extra != 'extra-3-app-gpu'" },
]

[package.optional-dependencies]
cpu = [{ name = "torch", version = "2.0.0+cpu", source = { registry = "https://download.pytorch.org/whl/cpu" }, marker = "extra == 'extra-3-app-cpu'" }]
gpu = [{ name = "torch", version = "2.0.0+cu128", source = { registry = "https://download.pytorch.org/whl/cu128" }, marker = "extra == 'extra-3-app-gpu'" }]

[package.dev-dependencies]
dev = [{ name = "pytest", marker = "extra == 'group-3-app-dev'" }]
lint = [{ name = "ruff", marker = "extra == 'group-3-app-dev'" }]

[package.metadata]
requires-dist = []
provides-extras = ["cpu", "gpu"]

[[package]]
name = "numpy"
version = "2.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest"
version = "8.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "ruff"
version = "0.5"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "torch"
version = "2.0.0+cpu"
source = { registry = "https://download.pytorch.org/whl/cpu" }

[[package]]
name = "torch"
version = "2.0.0+cu128"
source = { registry = "https://download.pytorch.org/whl/cu128" }
)";

TEST(InstallSetTest, ConflictPseudoExtras) {
  auto P = parse(ConflictLock);
  ASSERT_TRUE(P);
  TargetConfig T = target("python3.12");
  EXPECT_EQ(names(*P, T), "numpy");

  InstallOptions Cpu;
  Cpu.Extras = {"cpu"};
  Expected<InstallSet> S = computeInstallSet(*P, T, Cpu);
  ASSERT_TRUE(bool(S));
  ASSERT_EQ(S->Packages.size(), 2u);
  EXPECT_EQ(S->Packages[1].Pkg->Version, "2.0.0+cpu");

  InstallOptions Gpu;
  Gpu.Extras = {"gpu"};
  S = computeInstallSet(*P, T, Gpu);
  ASSERT_TRUE(bool(S));
  ASSERT_EQ(S->Packages.size(), 1u);
  EXPECT_EQ(S->Packages[0].Pkg->Version, "2.0.0+cu128");

  // group-3-app-dev is true only when the dev group is requested.
  InstallOptions Lint;
  Lint.Groups = {"lint"};
  EXPECT_EQ(names(*P, T, Lint), "numpy");
  Lint.Groups = {"lint", "dev"};
  EXPECT_EQ(names(*P, T, Lint), "numpy pytest ruff");
}

const char *const GroupLock = R"(version = 1
revision = 3
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "six" }]

[package.dev-dependencies]
dev = [{ name = "pytest" }]
docs = [{ name = "sphinx" }]

[package.metadata]
requires-dist = []

[package.metadata.requires-dev]
dev = []
docs = []
empty = []

[[package]]
name = "pytest"
version = "8.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "six"
version = "1.17.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "sphinx"
version = "7.0"
source = { registry = "https://pypi.org/simple" }
)";

TEST(InstallSetTest, GroupsOffByDefault) {
  auto P = parse(GroupLock);
  ASSERT_TRUE(P);
  TargetConfig T = target("python3.12");
  EXPECT_EQ(names(*P, T), "app six");
  InstallOptions Docs;
  Docs.Groups = {"docs", "empty"};
  EXPECT_EQ(names(*P, T, Docs), "app six sphinx");
  Docs.Groups = {"dev", "docs"};
  EXPECT_EQ(names(*P, T, Docs), "app pytest six sphinx");
  Docs.Groups = {"test"};
  EXPECT_EQ(names(*P, T, Docs),
            "error: group 'test' is not defined by app (groups: dev, docs)");
}

const char *const WorkspaceLock = R"(version = 1
revision = 3
requires-python = ">=3.12"

[manifest]
members = ["alpha", "beta"]
requirements = [{ name = "req", marker = "sys_platform == 'linux'" }]

[manifest.dependency-groups]
lint = [{ name = "ruff" }]

[[package]]
name = "alpha"
version = "0.1.0"
source = { editable = "packages/alpha" }
dependencies = [{ name = "beta" }, { name = "six" }]

[package.metadata]
requires-dist = []

[[package]]
name = "attrs"
version = "24.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "beta"
version = "0.1.0"
source = { virtual = "packages/beta" }
dependencies = [{ name = "attrs" }]

[package.metadata]
requires-dist = []

[[package]]
name = "req"
version = "1.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "ruff"
version = "0.5"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "six"
version = "1.17.0"
source = { registry = "https://pypi.org/simple" }
)";

TEST(InstallSetTest, WorkspaceRootWithoutProject) {
  auto P = parse(WorkspaceLock);
  ASSERT_TRUE(P);
  TargetConfig T = target("python3.12");
  Expected<InstallSet> S = computeInstallSet(*P, T, InstallOptions());
  ASSERT_TRUE(bool(S));
  ASSERT_EQ(S->Roots.size(), 2u);
  EXPECT_EQ(S->Roots[0]->Name, "alpha");
  EXPECT_EQ(names(*P, T), "alpha attrs req six");
  // Members are installed unless virtual, or left out as uv's export flags
  // say.
  EXPECT_EQ(S->Reached.size(), 5u);
  EXPECT_TRUE(S->isInstalled(S->Roots[0]));
  EXPECT_FALSE(S->isInstalled(S->Roots[1]));
  EXPECT_TRUE(S->lookup("alpha").front()->IsWorkspaceMember);
  EXPECT_FALSE(S->lookup("six").front()->IsWorkspaceMember);
  InstallOptions NoWorkspace;
  NoWorkspace.NoEmitWorkspace = true;
  EXPECT_EQ(names(*P, T, NoWorkspace), "attrs req six");
  // Without a root project there is no project to leave out.
  InstallOptions NoProject;
  NoProject.NoEmitProject = true;
  EXPECT_EQ(names(*P, T, NoProject), "alpha attrs req six");
  InstallOptions NoBeta;
  NoBeta.NoEmitPackages = {"Alpha", "six"};
  EXPECT_EQ(names(*P, T, NoBeta), "attrs req");

  InstallOptions Lint;
  Lint.Groups = {"lint"};
  EXPECT_EQ(names(*P, T, Lint), "alpha attrs req ruff six");

  InstallOptions Beta;
  Beta.Package = "Beta";
  EXPECT_EQ(names(*P, T, Beta), "attrs");
  InstallOptions Alpha;
  Alpha.Package = "alpha";
  EXPECT_EQ(names(*P, T, Alpha), "alpha attrs six");
  Alpha.NoEmitProject = true;
  EXPECT_EQ(names(*P, T, Alpha), "attrs six");
  Beta.Package = "six";
  EXPECT_EQ(names(*P, T, Beta),
            "error: package 'six' is not a workspace member; members: alpha, "
            "beta");
}

const char *const SourcesLock = R"(version = 1
revision = 3
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "from-git" },
    { name = "from-url" },
    { name = "lib" },
    { name = "local-wheel" },
    { name = "tool" },
    { name = "vendored" },
]

[package.metadata]
requires-dist = []

[[package]]
name = "from-git"
version = "0.2.0"
source = { git = "https://github.com/o/r.git?subdirectory=pkg&rev=v0.2.0#1effa026ff0000000000000000000000000000aa" }

[[package]]
name = "from-url"
version = "1.0"
source = { url = "https://example.com/from_url-1.0.tar.gz" }
sdist = { hash = "sha256:cc" }

[[package]]
name = "lib"
version = "0.3.0"
source = { editable = "libs/lib" }
dependencies = [{ name = "lib-dep" }]

[package.metadata]
requires-dist = []

[[package]]
name = "lib-dep"
version = "1.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.example/lib-dep-1.0.tar.gz", hash = "sha256:dd" }

[[package]]
name = "local-wheel"
version = "1.0"
source = { path = "dist/local_wheel-1.0-py3-none-any.whl" }
wheels = [{ filename = "local_wheel-1.0-py3-none-any.whl", hash = "sha256:ee" }]

[package.metadata]
requires-dist = []

[[package]]
name = "tool"
version = "0.1.0"
source = { virtual = "tools/tool" }
dependencies = [{ name = "tool-dep" }]

[package.metadata]
requires-dist = []

[[package]]
name = "tool-dep"
version = "1.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "vendored"
version = "1.0"
source = { directory = "../vendor/vendored" }

[package.metadata]
requires-dist = []
)";

TEST(InstallSetTest, LocalAndVirtualPackages) {
  auto P = parse(SourcesLock);
  ASSERT_TRUE(P);
  Expected<InstallSet> S =
      computeInstallSet(*P, target("python3.12"), InstallOptions());
  ASSERT_TRUE(bool(S));
  // The virtual `tool` is not installed, but what it depends on is; the
  // project and the editable non-member `lib` are installed and flagged.
  EXPECT_EQ(requirements(*S),
            ".\n"
            "from-git @ "
            "git+https://github.com/o/r.git@"
            "1effa026ff0000000000000000000000000000aa#subdirectory=pkg\n"
            "from-url @ https://example.com/from_url-1.0.tar.gz\n"
            "./libs/lib\n"
            "lib-dep==1.0 --hash=sha256:dd\n"
            "./dist/local_wheel-1.0-py3-none-any.whl\n"
            "tool-dep==1.0\n"
            "../vendor/vendored\n");
  auto Lib = S->lookup("lib");
  ASSERT_EQ(Lib.size(), 1u);
  EXPECT_TRUE(Lib.front()->IsLocal);
  EXPECT_FALSE(Lib.front()->ViaLocalTree);
  auto LibDep = S->lookup("lib-dep");
  ASSERT_EQ(LibDep.size(), 1u);
  EXPECT_FALSE(LibDep.front()->IsLocal);
  EXPECT_TRUE(LibDep.front()->ViaLocalTree);
  EXPECT_EQ(LibDep.front()->getPathString(), "app -> lib -> lib-dep");
  EXPECT_TRUE(S->lookup("tool").empty());
  EXPECT_FALSE(S->lookup("tool-dep").front()->ViaLocalTree);
  // The path wheel fits every target.
  EXPECT_NE(S->lookup("local-wheel").front()->Wheel, nullptr);
}

const char *const WheelLock = R"(version = 1
revision = 3
requires-python = ">=3.11"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [
    { name = "fast" },
    { name = "limited" },
    { name = "sdist-only" },
    { name = "windows-wheels" },
]

[package.metadata]
requires-dist = []

[[package]]
name = "fast"
version = "1.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.example/fast-1.0.tar.gz", hash = "sha256:f0" }
wheels = [
    { url = "https://files.example/fast-1.0-cp311-cp311-manylinux_2_28_x86_64.whl", hash = "sha256:f1" },
    { url = "https://files.example/fast-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:f2" },
    { url = "https://files.example/fast-1.0-cp312-cp312-manylinux_2_28_x86_64.whl", hash = "sha256:f3" },
    { url = "https://files.example/fast-1.0-cp312-cp312-manylinux_2_17_x86_64.whl", hash = "sha256:f4" },
    { url = "https://files.example/fast-1.0-py3-none-any.whl", hash = "sha256:f5" },
]

[[package]]
name = "limited"
version = "2.0"
source = { registry = "https://pypi.org/simple" }
wheels = [
    { url = "https://files.example/limited-2.0-cp39-abi3-manylinux_2_17_aarch64.whl", hash = "sha256:a1" },
    { url = "https://files.example/limited-2.0-cp39-abi3-manylinux_2_17_x86_64.whl", hash = "sha256:a2" },
    { url = "https://files.example/limited-2.0-cp313-cp313-macosx_11_0_arm64.whl", hash = "sha256:a3" },
]

[[package]]
name = "sdist-only"
version = "3.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.example/sdist_only-3.0.tar.gz", hash = "sha256:50" }

[[package]]
name = "windows-wheels"
version = "4.0"
source = { registry = "https://pypi.org/simple" }
wheels = [{ url = "https://files.example/windows_wheels-4.0-cp312-cp312-win_amd64.whl", hash = "sha256:w1" }]
)";

TEST(InstallSetTest, WheelSelection) {
  auto P = parse(WheelLock);
  ASSERT_TRUE(P);
  Expected<InstallSet> S311 =
      computeInstallSet(*P, target("python3.11"), InstallOptions());
  ASSERT_TRUE(bool(S311));
  // Amazon Linux 2 has glibc 2.26: manylinux_2_28 is rejected.
  const InstalledPackage *Fast = S311->lookup("fast").front();
  ASSERT_NE(Fast->Wheel, nullptr);
  EXPECT_EQ(Fast->Wheel->getSHA256(), "f2");
  std::vector<RejectedWheel> FastRejected =
      getRejectedWheels(*Fast, target("python3.11"));
  ASSERT_EQ(FastRejected.size(), 3u);
  EXPECT_EQ(FastRejected[0].Wheel->getSHA256(), "f1");
  EXPECT_EQ(FastRejected[0].Kind, IncompatibilityKind::GlibcTooOld);
  EXPECT_EQ(FastRejected[1].Kind, IncompatibilityKind::GlibcTooOld);
  EXPECT_EQ(FastRejected[2].Kind, IncompatibilityKind::PythonVersion);

  Expected<InstallSet> S312 =
      computeInstallSet(*P, target("python3.12"), InstallOptions());
  ASSERT_TRUE(bool(S312));
  EXPECT_EQ(S312->lookup("fast").front()->Wheel->getSHA256(), "f3");

  // abi3 wheels built for 3.9 fit 3.13; the architecture decides.
  Expected<InstallSet> Arm =
      computeInstallSet(*P, target("python3.13", "arm64"), InstallOptions());
  ASSERT_TRUE(bool(Arm));
  EXPECT_EQ(Arm->lookup("limited").front()->Wheel->getSHA256(), "a1");
  EXPECT_EQ(Arm->lookup("fast").front()->Wheel->getSHA256(), "f5");
  EXPECT_EQ(S312->lookup("limited").front()->Wheel->getSHA256(), "a2");

  const InstalledPackage *Win = S312->lookup("windows-wheels").front();
  EXPECT_EQ(Win->Wheel, nullptr);
  EXPECT_TRUE(Win->hasNoCompatibleWheel());
  std::vector<RejectedWheel> WinRejected =
      getRejectedWheels(*Win, target("python3.12"));
  ASSERT_EQ(WinRejected.size(), 1u);
  EXPECT_EQ(WinRejected[0].Kind, IncompatibilityKind::Windows);
  const InstalledPackage *Sdist = S312->lookup("sdist-only").front();
  EXPECT_EQ(Sdist->Wheel, nullptr);
  EXPECT_FALSE(Sdist->hasNoCompatibleWheel());

  EXPECT_EQ(requirements(*S311), "fast==1.0 --hash=sha256:f2\n"
                                 "limited==2.0 --hash=sha256:a2\n"
                                 "sdist-only==3.0 --hash=sha256:50\n"
                                 "windows-wheels==4.0\n");
}

const char *const PathLock = R"(version = 1
revision = 3
requires-python = ">=3.12"

[[package]]
name = "annotated-types"
version = "0.7.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "fastapi" }, { name = "pydantic" }]

[package.metadata]
requires-dist = []

[[package]]
name = "fastapi"
version = "0.115.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "pydantic" }, { name = "starlette" }]

[[package]]
name = "pydantic"
version = "2.9.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "annotated-types" }, { name = "pydantic-core" }]

[[package]]
name = "pydantic-core"
version = "2.23.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "starlette"
version = "0.38.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "anyio" }]

[[package]]
name = "anyio"
version = "4.0"
source = { registry = "https://pypi.org/simple" }
)";

TEST(InstallSetTest, DependencyPathsAndReverseEdges) {
  auto P = parse(PathLock);
  ASSERT_TRUE(P);
  Expected<InstallSet> S =
      computeInstallSet(*P, target("python3.12"), InstallOptions());
  ASSERT_TRUE(bool(S));
  EXPECT_EQ(S->lookup("pydantic-core").front()->getPathString(),
            "app -> pydantic -> pydantic-core");
  EXPECT_EQ(S->lookup("anyio").front()->getPathString(),
            "app -> fastapi -> starlette -> anyio");
  const Package *Pydantic = S->lookup("pydantic").front()->Pkg;
  ArrayRef<const Package *> Dependents = S->getDependents(Pydantic);
  ASSERT_EQ(Dependents.size(), 2u);
  EXPECT_EQ(Dependents[0]->Name, "app");
  EXPECT_EQ(Dependents[1]->Name, "fastapi");
  ASSERT_EQ(S->getDependencies(Pydantic).size(), 2u);
  EXPECT_EQ(S->getDependencies(Pydantic)[0]->Name, "annotated-types");
  EXPECT_EQ(names(*P, target("python3.12")),
            "annotated-types anyio fastapi pydantic pydantic-core starlette");
}

const char *const CycleLock = R"(version = 1
revision = 3
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [
    { name = "lib", extra = ["a"] },
    { name = "broken", marker = "sys_platform == 'linux'" },
]

[package.metadata]
requires-dist = []

[[package]]
name = "broken"
version = "1.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "six", marker = "python_version >= '3'" }]

[[package]]
name = "lib"
version = "1.0"
source = { registry = "https://pypi.org/simple" }

[package.optional-dependencies]
a = [{ name = "lib", extra = ["b"] }]
b = [{ name = "six" }]

[[package]]
name = "six"
version = "1.17.0"
source = { registry = "https://pypi.org/simple" }
)";

TEST(InstallSetTest, SelfReferenceAndInvalidMarker) {
  auto P = parse(CycleLock);
  ASSERT_TRUE(P);
  // The front end refuses invalid markers; an IR built otherwise (a plugin)
  // may still carry one.
  for (const auto &Pkg : P->Packages)
    if (Pkg->Name == "broken")
      Pkg->Dependencies.back().Marker = "python_version >< '3'";
  // `lib[a]` depends on `lib[b]`, which brings six; the invalid marker
  // below `broken` is reported with the edge it sits on.
  std::string Error = names(*P, target("python3.12"));
  EXPECT_EQ(Error.rfind("error: dependency broken -> six: invalid marker "
                        "'python_version >< '3''",
                        0),
            0u)
      << Error;

  P->Packages.erase(
      std::remove_if(P->Packages.begin(), P->Packages.end(),
                     [](const auto &Pkg) { return Pkg->Name == "broken"; }),
      P->Packages.end());
  P->Packages.front()->Dependencies.pop_back();
  P->reindex();
  Expected<InstallSet> S =
      computeInstallSet(*P, target("python3.12"), InstallOptions());
  ASSERT_TRUE(bool(S));
  EXPECT_EQ(names(*P, target("python3.12")), "lib six");
  EXPECT_EQ(S->lookup("lib").front()->Extras,
            (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(S->lookup("six").front()->getPathString(), "app -> lib -> six");
}

} // namespace
