//===- BuildTest.cpp - Tests of native local-package builds ---------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "PathMatch.h"

#include "../Common/FixtureTest.h"

#include "lambda-opt/Build/LocalBuild.h"
#include "lambda-opt/Support/SourceError.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace lambdaopt;
using namespace lambdaopt::build;

namespace {

TEST(PathMatchTest, Wildcards) {
  EXPECT_TRUE(matchPathWildcard("data/*.json", "data/a.json"));
  EXPECT_FALSE(matchPathWildcard("*.json", "data/a.json"));
  EXPECT_TRUE(matchPathWildcard("**/*.txt", "a/b/c.txt"));
  EXPECT_TRUE(matchPathWildcard("**/*.txt", "c.txt"));
  EXPECT_TRUE(matchPathWildcard("LICEN[CS]E*", "LICENCE.txt"));
  EXPECT_FALSE(matchPathWildcard("LICEN[CS]E*", "LICENXE"));
  EXPECT_TRUE(matchPathWildcard("py.typed", "py.typed"));
  EXPECT_FALSE(matchPathWildcard("?.py", "ab.py"));
}

TEST(PathMatchTest, GitIgnore) {
  GitIgnoreList L;
  L.addLines("# comment\n\ndist/\n*.log\n/build\n!keep.log\n*.py[cdo]\n");
  EXPECT_TRUE(L.matches("dist/app-1.0.whl"));
  EXPECT_FALSE(L.matches("dist")); // a file called dist is not a folder
  EXPECT_TRUE(L.matches("src/app/debug.log"));
  EXPECT_FALSE(L.matches("src/app/keep.log"));
  EXPECT_TRUE(L.matches("build/lib/x.py"));
  EXPECT_FALSE(L.matches("src/build/x.py")); // anchored at the root
  EXPECT_TRUE(L.matches("app/__init__.pyc"));
  EXPECT_FALSE(L.matches("app/__init__.py"));
  GitIgnoreList Packages;
  Packages.add("/src/app/");
  EXPECT_TRUE(Packages.matches("src/app/data/x.json"));
  EXPECT_FALSE(Packages.matches("src/application/x.py"));
}

class LocalBuildTest : public FixtureTest {
protected:
  LocalBuildTest() : FixtureTest("lambda-opt-build") {}

  void write(StringRef Rel, StringRef Text) {
    std::string P = path(Rel);
    ASSERT_FALSE(sys::fs::create_directories(sys::path::parent_path(P)));
    std::error_code EC;
    raw_fd_ostream OS(P, EC);
    ASSERT_FALSE(EC);
    OS << Text;
  }

  /// Installed paths, one per line, or the error with its position.
  std::string build(StringRef Rel = "pkg") {
    SourceMgr SM;
    Expected<LocalBuildResult> R = buildLocalPackage(path(Rel), SM);
    if (!R) {
      std::string Out;
      handleAllErrors(
          R.takeError(),
          [&](const SourceError &E) {
            auto [Line, Col] = SM.getLineAndColumn(E.getLoc());
            Out = "error " + std::to_string(Line) + ":" + std::to_string(Col) +
                  ": " + E.getMessage();
          },
          [&](const ErrorInfoBase &E) { Out = "error: " + E.message(); });
      return Out;
    }
    std::string Out;
    for (const PlannedFile &F : R->Files)
      Out += F.Path + "\n";
    return Out;
  }
};

const char Hatch[] = "[build-system]\nrequires = [\"hatchling\"]\n"
                     "build-backend = \"hatchling.build\"\n";

TEST_F(LocalBuildTest, HatchlingDefaultSelectionAndVersionFile) {
  write("pkg/pyproject.toml",
        std::string("[project]\nname = \"My-Lib\"\ndynamic = [\"version\"]\n"
                    "[tool.hatch.version]\npath = \"src/my_lib/about.py\"\n") +
            Hatch);
  write("pkg/src/my_lib/__init__.py", "");
  write("pkg/src/my_lib/about.py", "__version__ = \"2.1\"\n");
  write("pkg/src/my_lib/__pycache__/x.pyc", "");
  write("pkg/tests/test_x.py", "");
  EXPECT_EQ(build(), "My_Lib-2.1.dist-info/METADATA\n"
                     "My_Lib-2.1.dist-info/RECORD\n"
                     "My_Lib-2.1.dist-info/WHEEL\n"
                     "my_lib/__init__.py\n"
                     "my_lib/about.py\n");
}

TEST_F(LocalBuildTest, HatchlingHooksAreRefused) {
  write("pkg/pyproject.toml",
        std::string("[project]\nname = \"x\"\nversion = \"1\"\n"
                    "[tool.hatch.build.hooks.custom]\n") +
            Hatch);
  EXPECT_EQ(build(),
            "error 4:19: hatchling build hooks run code at build time");
}

TEST_F(LocalBuildTest, VcsVersionPluginIsRefused) {
  write("pkg/pyproject.toml",
        "[project]\nname = \"x\"\ndynamic = [\"version\"]\n"
        "[build-system]\nrequires = [\"hatchling\", \"hatch-vcs\"]\n"
        "build-backend = \"hatchling.build\"\n");
  EXPECT_EQ(build(), "error 5:12: build requirement 'hatch-vcs' runs at build "
                     "time (a version from VCS, generated files or native "
                     "code)");
}

TEST_F(LocalBuildTest, SetuptoolsFlatLayoutWithTwoPackagesIsRefused) {
  write("pkg/pyproject.toml", "[project]\nname = \"x\"\nversion = \"1\"\n"
                              "[build-system]\nrequires = [\"setuptools\"]\n"
                              "build-backend = \"setuptools.build_meta\"\n");
  write("pkg/alpha/__init__.py", "");
  write("pkg/beta/__init__.py", "");
  write("pkg/tests/__init__.py", "");
  EXPECT_EQ(build(), "error 4:1: setuptools refuses this flat layout: "
                     "multiple top-level packages (alpha, beta); configure "
                     "[tool.setuptools] packages");
}

TEST_F(LocalBuildTest, SetuptoolsSingleModuleAndTopLevel) {
  write("pkg/pyproject.toml",
        "[project]\nname = \"tool-x\"\nversion = \"1.0\"\n"
        "[build-system]\nrequires = [\"setuptools\"]\n"
        "build-backend = \"setuptools.build_meta\"\n");
  write("pkg/toolx.py", "");
  write("pkg/setup_helpers.py", "");
  write("pkg/LICENSE", "MIT\n");
  EXPECT_EQ(build(), "error 4:1: setuptools refuses this flat layout: "
                     "multiple top-level modules (setup_helpers, toolx); "
                     "configure [tool.setuptools] py-modules");
  sys::fs::remove(path("pkg/setup_helpers.py"));
  EXPECT_EQ(build(), "tool_x-1.0.dist-info/LICENSE\n"
                     "tool_x-1.0.dist-info/METADATA\n"
                     "tool_x-1.0.dist-info/RECORD\n"
                     "tool_x-1.0.dist-info/WHEEL\n"
                     "tool_x-1.0.dist-info/top_level.txt\n"
                     "toolx.py\n");
}

TEST_F(LocalBuildTest, SetupPyIsRefused) {
  write("pkg/pyproject.toml", "[project]\nname = \"x\"\nversion = \"1\"\n"
                              "[build-system]\nrequires = [\"setuptools\"]\n"
                              "build-backend = \"setuptools.build_meta\"\n");
  write("pkg/setup.py", "from setuptools import setup\nsetup()\n");
  EXPECT_EQ(build(), "error 4:1: 'setup.py' configures the setuptools build; "
                     "lambda-opt builds only projects configured in "
                     "pyproject.toml");
}

TEST_F(LocalBuildTest, FlitDynamicVersionAndDocstring) {
  write("pkg/pyproject.toml",
        "[project]\nname = \"Flit.Thing\"\ndynamic = [\"version\", "
        "\"description\"]\n[tool.flit.module]\nname = \"thing\"\n"
        "[build-system]\nrequires = [\"flit_core\"]\n"
        "build-backend = \"flit_core.buildapi\"\n");
  write("pkg/src/thing/__init__.py",
        "# comment\n\"\"\"Does things.\n\nMore.\"\"\"\n__version__ = '0.4'\n");
  write("pkg/src/thing/data/x.bin", "x");
  EXPECT_EQ(build(), "flit_thing-0.4.dist-info/METADATA\n"
                     "flit_thing-0.4.dist-info/RECORD\n"
                     "flit_thing-0.4.dist-info/WHEEL\n"
                     "thing/__init__.py\n"
                     "thing/data/x.bin\n");
  SourceMgr SM;
  Expected<LocalBuildResult> R = buildLocalPackage(path("pkg"), SM);
  ASSERT_TRUE(bool(R));
  std::string Metadata;
  for (const PlannedFile &F : R->Files)
    if (StringRef(F.Path).endswith("/METADATA"))
      Metadata = F.Data;
  EXPECT_NE(Metadata.find("Summary: Does things.\n"), std::string::npos)
      << Metadata;
}

TEST_F(LocalBuildTest, UvBuildModuleRoot) {
  write("pkg/pyproject.toml",
        "[project]\nname = \"uv-thing\"\nversion = \"3\"\n"
        "license-files = [\"LICENSE*\"]\n"
        "[tool.uv.build-backend]\nmodule-root = \"\"\n"
        "[build-system]\nrequires = [\"uv_build\"]\n"
        "build-backend = \"uv_build\"\n");
  write("pkg/uv_thing/__init__.py", "");
  write("pkg/uv_thing/py.typed", "");
  write("pkg/LICENSE.txt", "x");
  EXPECT_EQ(build(), "uv_thing-3.dist-info/METADATA\n"
                     "uv_thing-3.dist-info/RECORD\n"
                     "uv_thing-3.dist-info/WHEEL\n"
                     "uv_thing-3.dist-info/licenses/LICENSE.txt\n"
                     "uv_thing/__init__.py\n"
                     "uv_thing/py.typed\n");
}

TEST_F(LocalBuildTest, PoetryConstraintsBecomeSpecifiers) {
  write("pkg/pyproject.toml",
        "[tool.poetry]\nname = \"pc\"\nversion = \"0.1.0\"\n"
        "[tool.poetry.dependencies]\npython = \"^3.9\"\n"
        "requests = \"^2.31\"\nattrs = \"~23.1\"\nsix = \"*\"\n"
        "zeta = \"^0.2.3\"\neta = \">=1.0,<2\"\ntheta = \"1.4.2\"\n"
        "[build-system]\nrequires = [\"poetry-core\"]\n"
        "build-backend = \"poetry.core.masonry.api\"\n");
  write("pkg/pc/__init__.py", "");
  SourceMgr SM;
  Expected<LocalBuildResult> R = buildLocalPackage(path("pkg"), SM);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  std::string Metadata;
  for (const PlannedFile &F : R->Files)
    if (F.Path == "pc-0.1.0.dist-info/METADATA")
      Metadata = F.Data;
  // What poetry-core 1.4 writes for the same constraints.
  EXPECT_EQ(Metadata, "Metadata-Version: 2.1\nName: pc\nVersion: 0.1.0\n"
                      "Summary: \nRequires-Python: >=3.9,<4.0\n"
                      "Requires-Dist: requests (>=2.31,<3.0)\n"
                      "Requires-Dist: attrs (>=23.1,<23.2)\n"
                      "Requires-Dist: six\n"
                      "Requires-Dist: zeta (>=0.2.3,<0.3.0)\n"
                      "Requires-Dist: eta (>=1.0,<2)\n"
                      "Requires-Dist: theta (==1.4.2)\n");
  write("pkg/pyproject.toml",
        "[tool.poetry]\nname = \"pc\"\nversion = \"0.1.0\"\n"
        "[tool.poetry.dependencies]\nfoo = \"^1 || ^2\"\n"
        "[build-system]\nrequires = [\"poetry-core\"]\n"
        "build-backend = \"poetry.core.masonry.api\"\n");
  EXPECT_EQ(build(), "error 5:7: constraint '^1 || ^2' is not one lambda-opt "
                     "converts");
}

TEST_F(LocalBuildTest, PdmBackendDefaults) {
  write("pkg/pyproject.toml",
        "[project]\nname = \"Pdm-Thing\"\ndynamic = [\"version\"]\n"
        "[tool.pdm.version]\nsource = \"file\"\n"
        "path = \"src/pdm_thing/__init__.py\"\n"
        "[build-system]\nrequires = [\"pdm-backend\"]\n"
        "build-backend = \"pdm.backend\"\n");
  write("pkg/src/pdm_thing/__init__.py", "__version__ = \"0.9\"\n");
  write("pkg/src/pdm_thing/data/x.json", "{}");
  write("pkg/src/pdm_thing/__pycache__/a.pyc", "");
  write("pkg/src/helper.py", "");
  write("pkg/tests/__init__.py", "");
  write("pkg/LICENSE", "x");
  // Packages win over top-level modules; tests/ is for the sdist only.
  EXPECT_EQ(build(), "pdm_thing-0.9.dist-info/METADATA\n"
                     "pdm_thing-0.9.dist-info/RECORD\n"
                     "pdm_thing-0.9.dist-info/WHEEL\n"
                     "pdm_thing-0.9.dist-info/licenses/LICENSE\n"
                     "pdm_thing/__init__.py\n"
                     "pdm_thing/data/x.json\n");
  write("pkg/pdm_build.py", "");
  EXPECT_EQ(build(), "error 7:1: 'pdm_build.py' is a pdm-backend build hook, "
                     "which runs code at build time");
}

TEST_F(LocalBuildTest, SymbolicLinkLoopsAreWalkedOnce) {
  write("pkg/pyproject.toml", "[project]\nname = \"loop\"\nversion = \"1\"\n"
                              "[build-system]\nrequires = [\"flit_core\"]\n"
                              "build-backend = \"flit_core.buildapi\"\n");
  write("pkg/loop/__init__.py", "");
  ASSERT_FALSE(sys::fs::create_link(".", path("pkg/loop/again")));
  EXPECT_EQ(build(), "loop-1.dist-info/METADATA\n"
                     "loop-1.dist-info/RECORD\n"
                     "loop-1.dist-info/WHEEL\n"
                     "loop/__init__.py\n");
}

TEST_F(LocalBuildTest, UnknownBackendAndMissingFiles) {
  write("pkg/pyproject.toml", "[project]\nname = \"x\"\nversion = \"1\"\n"
                              "[build-system]\nrequires = [\"whey\"]\n"
                              "build-backend = \"whey\"\n");
  EXPECT_EQ(build(), "error 6:17: build backend 'whey' is not one "
                     "lambda-opt builds natively (hatchling, setuptools, "
                     "flit_core, poetry-core, pdm-backend, uv_build)");
  EXPECT_EQ(build("nothing"),
            "error: local package at '" + path("nothing") +
                "' has no readable pyproject.toml (No such file or "
                "directory)");
}

TEST_F(LocalBuildTest, FindLocalWheelByNameAndVersion) {
  write("dist/fast-1.0-cp311-cp311-manylinux_2_17_x86_64.whl", "");
  write("dist/fast-1.0-py3-none-any.whl", "");
  write("dist/fast-2.0-py3-none-any.whl", "");
  write("dist/other-1.0-py3-none-any.whl", "");
  TagTarget Tags;
  Tags.PythonMinor = 11;
  Tags.GlibcMinor = 26;
  std::optional<std::string> W =
      findLocalWheel({path("dist")}, "Fast", "1.0", Tags);
  ASSERT_TRUE(W.has_value());
  EXPECT_EQ(sys::path::filename(*W),
            "fast-1.0-cp311-cp311-manylinux_2_17_x86_64.whl");
  EXPECT_FALSE(findLocalWheel({path("dist")}, "fast", "3.0", Tags));
}

} // namespace
