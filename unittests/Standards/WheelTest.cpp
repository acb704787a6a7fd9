//===- WheelTest.cpp - Wheel filename and tag tests -----------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Standards/Wheel.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace lambdaopt;

namespace {

WheelFilename wheel(StringRef Name) {
  Expected<WheelFilename> W = WheelFilename::parse(Name);
  if (!W) {
    ADD_FAILURE() << toString(W.takeError());
    return WheelFilename();
  }
  return std::move(*W);
}

std::string wheelError(StringRef Name) {
  Expected<WheelFilename> W = WheelFilename::parse(Name);
  return W ? std::string() : toString(W.takeError());
}

TagTarget target(unsigned Minor, ArchKind Arch, unsigned Glibc) {
  TagTarget T;
  T.PythonMinor = Minor;
  T.Arch = Arch;
  T.GlibcMinor = Glibc;
  return T;
}

constexpr TagTarget Py311X86 = {11, ArchKind::X86_64, 2, 26};
constexpr TagTarget Py312X86 = {12, ArchKind::X86_64, 2, 34};
constexpr TagTarget Py313Arm = {13, ArchKind::AArch64, 2, 34};

TEST(WheelFilenameTest, PercentEncodedLocalVersion) {
  WheelFilename W =
      wheel("torch-2.11.0%2Bcu130-cp313-cp313-manylinux_2_28_x86_64.whl");
  EXPECT_EQ(W.Name, "torch");
  EXPECT_EQ(W.VersionText, "2.11.0+cu130");
  EXPECT_EQ(W.Ver.str(), "2.11.0+cu130");
  EXPECT_FALSE(W.Build);
  EXPECT_EQ(W.getTagString(), "cp313-cp313-manylinux_2_28_x86_64");
}

TEST(WheelFilenameTest, BuildTagAndCompressedSets) {
  WheelFilename W = wheel("vllm-0.23.0-2-cp38-abi3-manylinux1_x86_64.whl");
  ASSERT_TRUE(W.Build);
  EXPECT_EQ(W.Build->Number, 2u);
  EXPECT_EQ(W.Build->Suffix, "");
  WheelFilename S = wheel("six-1.16.0-py2.py3-none-any.whl");
  ASSERT_EQ(S.PythonTags.size(), 2u);
  EXPECT_EQ(S.PythonTags[1], "py3");
  WheelFilename N = wheel("NumPy-2.1.0-10abc-cp312-cp312-"
                          "manylinux_2_17_x86_64.manylinux2014_x86_64.whl");
  EXPECT_EQ(N.Build->Number, 10u);
  EXPECT_EQ(N.Build->Suffix, "abc");
  EXPECT_EQ(N.getNormalizedName(), "numpy");
  ASSERT_EQ(N.PlatformTags.size(), 2u);
  EXPECT_EQ(N.PlatformTags[1], "manylinux2014_x86_64");
}

TEST(WheelFilenameTest, Errors) {
  EXPECT_EQ(wheelError("foo-1.0-abc-py3-none-any.whl"),
            "invalid wheel filename 'foo-1.0-abc-py3-none-any.whl': build "
            "tag 'abc' must start with a digit");
  EXPECT_EQ(wheelError("foo-bar-1.0-py3-none-any.whl"),
            "invalid wheel filename 'foo-bar-1.0-py3-none-any.whl': invalid "
            "version 'bar': expected a release number at column 1");
}

TEST(WheelFilenameTest, MoreErrors) {
  EXPECT_NE(wheelError("foo-1.0-py3-none-any.zip"), "");
  EXPECT_NE(wheelError("foo-1.0-py3-none.whl"), "");
  EXPECT_NE(wheelError("foo-1.0-1-2-py3-none-any.whl"), "");
  EXPECT_NE(wheelError("foo-1.0-py3..py2-none-any.whl"), "");
  EXPECT_NE(wheelError("foo-1.0-py3-none-any!.whl"), "");
  EXPECT_NE(wheelError("foo-1.0%2-py3-none-any.whl"), "");
  EXPECT_NE(wheelError("-1.0-py3-none-any.whl"), "");
}

TEST(PlatformTagTest, Classification) {
  PlatformTag M = classifyPlatformTag("manylinux2014_aarch64");
  EXPECT_EQ(M.Kind, PlatformTagKind::Manylinux);
  EXPECT_EQ(M.Glibc.Minor, 17u);
  EXPECT_TRUE(M.IsLegacyAlias);
  EXPECT_EQ(M.Arch, "aarch64");
  PlatformTag N = classifyPlatformTag("manylinux_2_34_x86_64");
  EXPECT_EQ(N.Glibc.Minor, 34u);
  EXPECT_EQ(N.Arch, "x86_64");
  EXPECT_EQ(classifyPlatformTag("macosx_11_0_arm64").Arch, "arm64");
  EXPECT_EQ(classifyPlatformTag("musllinux_1_2_x86_64").Kind,
            PlatformTagKind::Musllinux);
  EXPECT_EQ(classifyPlatformTag("win_amd64").Kind, PlatformTagKind::Windows);
  EXPECT_EQ(classifyPlatformTag("linux_x86_64").Kind, PlatformTagKind::Linux);
  EXPECT_EQ(classifyPlatformTag("any").Kind, PlatformTagKind::Any);
}

std::optional<unsigned> prio(StringRef Name, const TagTarget &T) {
  return tagPriority(wheel(Name), T);
}

TEST(TagPriorityTest, Compatibility) {
  EXPECT_TRUE(prio("a-1-cp311-cp311-manylinux_2_17_x86_64.whl", Py311X86));
  EXPECT_FALSE(prio("a-1-cp312-cp312-manylinux_2_17_x86_64.whl", Py311X86));
  // The glibc cap.
  EXPECT_TRUE(prio("a-1-cp311-cp311-manylinux_2_26_x86_64.whl", Py311X86));
  EXPECT_FALSE(prio("a-1-cp311-cp311-manylinux_2_28_x86_64.whl", Py311X86));
  // Legacy aliases.
  EXPECT_TRUE(prio("a-1-cp311-cp311-manylinux1_x86_64.whl", Py311X86));
  EXPECT_TRUE(prio("a-1-cp311-cp311-manylinux2010_x86_64.whl", Py311X86));
  // No manylinux1/2010 on aarch64; 2014 (2.17) is the floor.
  EXPECT_FALSE(prio("a-1-cp313-cp313-manylinux1_aarch64.whl", Py313Arm));
  EXPECT_FALSE(prio("a-1-cp313-cp313-manylinux_2_16_aarch64.whl", Py313Arm));
  EXPECT_TRUE(prio("a-1-cp313-cp313-manylinux2014_aarch64.whl", Py313Arm));
  EXPECT_FALSE(prio("a-1-cp313-cp313-manylinux2014_x86_64.whl", Py313Arm));
  // abi3 from an older CPython, not a newer one.
  EXPECT_TRUE(prio("vllm-0.23.0-2-cp38-abi3-manylinux1_x86_64.whl", Py311X86));
  EXPECT_FALSE(prio("a-1-cp312-abi3-manylinux1_x86_64.whl", Py311X86));
  // Generic python tags.
  EXPECT_TRUE(prio("six-1.16.0-py2.py3-none-any.whl", Py312X86));
  EXPECT_TRUE(prio("a-1-py312-none-any.whl", Py312X86));
  EXPECT_FALSE(prio("a-1-py313-none-any.whl", Py312X86));
  EXPECT_TRUE(prio("a-1-cp310-none-manylinux2014_x86_64.whl", Py311X86) ==
              std::nullopt);
  // Never on Lambda.
  EXPECT_FALSE(prio("a-1-cp313-cp313t-manylinux_2_17_aarch64.whl", Py313Arm));
  EXPECT_FALSE(prio("a-1-pp310-pypy310_pp73-manylinux_2_17_x86_64.whl",
                    target(10, ArchKind::X86_64, 26)));
  EXPECT_FALSE(prio("a-1-graalpy311-graalpy250_312_native-"
                    "manylinux_2_17_x86_64.whl",
                    Py311X86));
  EXPECT_FALSE(prio("a-1-cp311-cp311-linux_x86_64.whl", Py311X86));
  EXPECT_FALSE(prio("a-1-cp311-cp311-musllinux_1_2_x86_64.whl", Py311X86));
  EXPECT_FALSE(prio("a-1-cp311-cp311-macosx_11_0_arm64.whl", Py311X86));
}

TEST(TagPriorityTest, PreferenceOrder) {
  const char *Ordered[] = {
      "a-1-cp312-cp312-manylinux_2_34_x86_64.whl",
      "a-1-cp312-cp312-manylinux_2_17_x86_64.whl",
      "a-1-cp312-cp312-manylinux2014_x86_64.whl",
      "a-1-cp312-cp312-manylinux1_x86_64.whl",
      "a-1-cp312-abi3-manylinux_2_28_x86_64.whl",
      "a-1-cp312-none-manylinux_2_28_x86_64.whl",
      "a-1-cp311-abi3-manylinux_2_28_x86_64.whl",
      "a-1-cp38-abi3-manylinux1_x86_64.whl",
      "a-1-py312-none-manylinux_2_28_x86_64.whl",
      "a-1-py3-none-manylinux_2_28_x86_64.whl",
      "a-1-cp312-none-any.whl",
      "a-1-py312-none-any.whl",
      "a-1-py3-none-any.whl",
      "a-1-py311-none-any.whl",
  };
  for (size_t I = 0; I + 1 < std::size(Ordered); ++I) {
    std::optional<unsigned> A = prio(Ordered[I], Py312X86);
    std::optional<unsigned> B = prio(Ordered[I + 1], Py312X86);
    ASSERT_TRUE(A && B) << Ordered[I];
    EXPECT_LT(*A, *B) << Ordered[I] << " vs " << Ordered[I + 1];
  }
  EXPECT_EQ(prio(Ordered[0], Py312X86), std::optional<unsigned>(0));
}

TEST(TagPriorityTest, SelectBestWheel) {
  std::vector<WheelFilename> Wheels = {
      wheel("a-1-py3-none-any.whl"),
      wheel("a-1-cp312-cp312-macosx_11_0_arm64.whl"),
      wheel("a-1-1-cp312-cp312-manylinux_2_17_x86_64.whl"),
      wheel("a-1-3-cp312-cp312-manylinux_2_17_x86_64.whl"),
      wheel("a-1-cp312-cp312-manylinux_2_17_x86_64.whl"),
      wheel("a-1-cp312-cp312-manylinux_2_35_x86_64.whl"),
  };
  EXPECT_EQ(selectBestWheel(Wheels, Py312X86), std::optional<size_t>(3));
  EXPECT_EQ(selectBestWheel(Wheels, Py313Arm), std::optional<size_t>(0));
  EXPECT_EQ(
      selectBestWheel(ArrayRef<WheelFilename>(Wheels).slice(1, 1), Py312X86),
      std::nullopt);
}

TEST(TagPriorityTest, MinimumGlibc) {
  std::optional<GlibcVersion> G = getMinimumGlibc(
      wheel("a-1-cp312-cp312-manylinux_2_28_x86_64.manylinux2014_x86_64.whl"));
  ASSERT_TRUE(G);
  EXPECT_EQ(G->Minor, 17u);
  EXPECT_FALSE(getMinimumGlibc(wheel("a-1-py3-none-any.whl")));
}

std::string explain(StringRef Name, const TagTarget &T) {
  std::optional<Incompatibility> I = explainIncompatibility(wheel(Name), T);
  return I ? I->Message : "compatible";
}

TEST(IncompatibilityTest, Messages) {
  EXPECT_EQ(explain("a-1-cp311-cp311-manylinux_2_34_x86_64.whl", Py311X86),
            "needs glibc 2.34 (manylinux_2_34); python3.11 runs glibc 2.26");
  EXPECT_EQ(explain("a-1-cp311-cp311-manylinux_2_17_aarch64.whl", Py311X86),
            "built for aarch64");
  EXPECT_EQ(explain("a-1-cp312-cp312-manylinux_2_17_x86_64.whl", Py311X86),
            "built for CPython 3.12 only");
  EXPECT_EQ(explain("a-1-cp311-cp311-macosx_11_0_arm64.whl", Py311X86),
            "macOS only");
  EXPECT_EQ(explain("a-1-cp311-cp311-musllinux_1_2_x86_64.whl", Py311X86),
            "musllinux (Alpine) only");
  EXPECT_EQ(explain("a-1-cp311-cp311-win_amd64.whl", Py311X86), "Windows only");
  EXPECT_EQ(explain("a-1-cp311-cp311-linux_x86_64.whl", Py311X86),
            "built locally for linux_x86_64 (not a portable manylinux wheel)");
  EXPECT_EQ(explain("a-1-cp313-cp313t-manylinux_2_17_aarch64.whl", Py313Arm),
            "built for free-threaded CPython 3.13 only; Lambda runtimes are "
            "not free-threaded");
  EXPECT_EQ(
      explain("a-1-pp310-pypy310_pp73-manylinux_2_17_x86_64.whl", Py311X86),
      "built for PyPy only");
  EXPECT_EQ(explain("a-1-cp312-abi3-manylinux_2_17_x86_64.whl", Py311X86),
            "needs CPython 3.12 or newer (abi3); the target runs CPython 3.11");
  EXPECT_EQ(explain("a-1-py2-none-any.whl", Py311X86),
            "built for Python 2 only");
  EXPECT_EQ(explain("a-1-cp311-abi3-any.whl", Py311X86),
            "no tag in 'cp311-abi3-any' matches CPython 3.11");
  EXPECT_EQ(explain("a-1-cp311-cp311-manylinux_2_17_x86_64.whl", Py311X86),
            "compatible");
}

} // namespace
