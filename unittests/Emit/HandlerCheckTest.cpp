//===- HandlerCheckTest.cpp - LO505's Python scan and module lookup -------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Emit/HandlerCheck.h"

#include "llvm/ADT/STLExtras.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace lambdaopt;

namespace {

bool binds(StringRef Source, StringRef Name) {
  bool Opaque = false;
  std::vector<std::string> Names = scanTopLevelNames(Source, Opaque);
  return is_contained(Names, Name.str());
}

TEST(HandlerCheckTest, TopLevelDefinitions) {
  EXPECT_TRUE(binds("def handler(event, context):\n    return 1\n", "handler"));
  EXPECT_TRUE(binds("async def handler(e, c):\n    pass\n", "handler"));
  EXPECT_TRUE(binds("@wrap\ndef handler(e, c): pass\n", "handler"));
  EXPECT_TRUE(binds("class Handler:\n    pass\n", "Handler"));
  EXPECT_TRUE(binds("handler = make()\n", "handler"));
  EXPECT_TRUE(binds("handler: Callable = make()\n", "handler"));
  EXPECT_TRUE(binds("a, handler = 1, 2\n", "handler"));
  EXPECT_TRUE(binds("x = handler = make()\n", "handler"));
  EXPECT_TRUE(binds("from .impl import run as handler\n", "handler"));
  EXPECT_TRUE(
      binds("from .impl import (\n    a,\n    handler,\n)\n", "handler"));
  EXPECT_TRUE(binds("import handler\n", "handler"));
  EXPECT_TRUE(binds("try:\n    from fast import handler\nexcept ImportError:\n"
                    "    def handler(e, c): pass\n",
                    "handler"));
}

TEST(HandlerCheckTest, NotTopLevel) {
  EXPECT_FALSE(binds("def main():\n    handler = 1\n", "handler"));
  EXPECT_FALSE(binds("class A:\n    def handler(self): pass\n", "handler"));
  EXPECT_FALSE(binds("print(handler=1)\n", "handler"));
  EXPECT_FALSE(binds("if handler == 1:\n    pass\n", "handler"));
  EXPECT_FALSE(binds("handler += 1\n", "handler"));
  EXPECT_FALSE(binds("# def handler(e, c):\n", "handler"));
  EXPECT_FALSE(binds("def handler_v2(e, c): pass\n", "handler"));
}

TEST(HandlerCheckTest, Opaque) {
  bool Opaque = false;
  scanTopLevelNames("from impl import *\n", Opaque);
  EXPECT_TRUE(Opaque);
  scanTopLevelNames("def __getattr__(name):\n    pass\n", Opaque);
  EXPECT_TRUE(Opaque);
  scanTopLevelNames("def handler(e, c): pass\n", Opaque);
  EXPECT_FALSE(Opaque);
}

PlannedFile memoryFile(StringRef Path, StringRef Data) {
  PlannedFile F;
  F.Path = Path.str();
  F.Source = PlannedSourceKind::Memory;
  F.Data = Data.str();
  F.Size = Data.size();
  return F;
}

TEST(HandlerCheckTest, ResolvesInPlan) {
  InstallPlan Plan;
  Plan.Files.push_back(memoryFile("app/__init__.py", ""));
  Plan.Files.push_back(memoryFile("app/main.py",
                                  "def handler(e, c):\n    return 1\n"
                                  "def helper():\n    pass\n"));
  Plan.Files.push_back(memoryFile("pkg/__init__.py", "run = object()\n"));
  Plan.Files.push_back(memoryFile("fast.cpython-312-x86_64-linux-gnu.so", ""));

  auto Check = [&](StringRef Handler) {
    Expected<std::optional<HandlerProblem>> P = checkHandler(Plan, Handler);
    EXPECT_TRUE(bool(P)) << toString(P.takeError());
    return P ? std::move(*P) : std::nullopt;
  };
  EXPECT_FALSE(Check("app.main.handler"));
  EXPECT_FALSE(Check("pkg.run"));
  EXPECT_FALSE(Check("fast.handler"));

  std::optional<HandlerProblem> P = Check("app.mian.handler");
  ASSERT_TRUE(P);
  EXPECT_EQ(P->Message, "handler 'app.mian.handler': no module 'app.mian' in "
                        "the function's code or the installed packages "
                        "(looked for app/mian.py and app/mian/__init__.py)");
  P = Check("app.main.handle");
  ASSERT_TRUE(P);
  EXPECT_EQ(P->Message, "handler 'app.main.handle': app/main.py has no "
                        "top-level 'handle' (def, async def or assignment)");
  EXPECT_NE(P->FixHint.find("top-level names there: handler, helper"),
            std::string::npos);
  P = Check("handler");
  ASSERT_TRUE(P);
  EXPECT_NE(P->Message.find("not of the form MODULE.FUNCTION"),
            std::string::npos);
}

} // namespace
