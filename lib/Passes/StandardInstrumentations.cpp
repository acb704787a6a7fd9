//===- StandardInstrumentations.cpp - Debugging aids around passes --------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Passes/StandardInstrumentations.h"
#include "lambda-opt/IR/Printer.h"
#include "lambda-opt/Passes/StandardPasses.h"

#include "llvm/ADT/STLExtras.h"

using namespace llvm;
using namespace lambdaopt;

StandardInstrumentations::StandardInstrumentations(InstrumentationOptions Opts,
                                                   raw_ostream &OS)
    : Opts(std::move(Opts)), OS(OS) {}

StandardInstrumentations::~StandardInstrumentations() {
  // Timers must go before their group; printTimeReport already printed.
  PassTimers.clear();
}

static std::string dumpUnit(const IRUnitRef &IR) {
  std::string Text;
  raw_string_ostream Out(Text);
  IR.print(Out);
  return Out.str();
}

void StandardInstrumentations::registerCallbacks(
    PassInstrumentationCallbacks &NewPIC) {
  PIC = &NewPIC;
  auto PassName = [this](StringRef ClassName) {
    return PIC->getPassNameForClassName(ClassName);
  };

  if (Opts.DebugPassManager) {
    PIC->registerBeforePassCallback(
        [this](StringRef ClassName, const IRUnitRef &IR) {
          OS << "Running pass: " << ClassName << " on " << IR.getName() << '\n';
        });
    PIC->registerAfterPassFailedCallback(
        [this](StringRef ClassName, const IRUnitRef &IR) {
          OS << "Pass failed: " << ClassName << " on " << IR.getName() << '\n';
        });
    PIC->registerBeforeAnalysisCallback(
        [this](StringRef Name, const IRUnitRef &IR) {
          OS << "Running analysis: " << Name << " on " << IR.getName() << '\n';
        });
    PIC->registerAnalysisInvalidatedCallback([this](StringRef Name,
                                                    const IRUnitRef &IR) {
      OS << "Invalidating analysis: " << Name << " on " << IR.getName() << '\n';
    });
  }

  bool PrintBefore = Opts.PrintBeforeAll || !Opts.PrintBefore.empty();
  if (PrintBefore) {
    PIC->registerBeforePassCallback([this, PassName](StringRef ClassName,
                                                     const IRUnitRef &IR) {
      StringRef Name = PassName(ClassName);
      if (!Opts.PrintBeforeAll && !is_contained(Opts.PrintBefore, Name))
        return;
      OS << "*** IR Dump Before " << Name << " on " << IR.getName() << " ***\n";
      IR.print(OS);
    });
  }

  bool PrintAfter = Opts.PrintAfterAll || !Opts.PrintAfter.empty();
  if (PrintAfter) {
    PIC->registerAfterPassCallback([this, PassName](
                                       StringRef ClassName, const IRUnitRef &IR,
                                       const PreservedAnalyses &) -> Error {
      StringRef Name = PassName(ClassName);
      if (!Opts.PrintAfterAll && !is_contained(Opts.PrintAfter, Name))
        return Error::success();
      OS << "*** IR Dump After " << Name << " on " << IR.getName() << " ***\n";
      IR.print(OS);
      return Error::success();
    });
  }

  if (Opts.PrintChanged) {
    PIC->registerBeforePassCallback([this](StringRef, const IRUnitRef &IR) {
      if (!PrintedStart) {
        PrintedStart = true;
        OS << "*** IR Dump At Start ***\n";
        printProject(IR.getProject(), OS);
      }
      BeforeDumps.push_back(dumpUnit(IR));
    });
    PIC->registerAfterPassCallback(
        [this, PassName](StringRef ClassName, const IRUnitRef &IR,
                         const PreservedAnalyses &) -> Error {
          std::string Before = BeforeDumps.back();
          BeforeDumps.pop_back();
          std::string After = dumpUnit(IR);
          OS << "*** IR Dump After " << PassName(ClassName) << " on "
             << IR.getName();
          if (After == Before) {
            OS << " omitted because no change ***\n";
            return Error::success();
          }
          OS << " ***\n" << After;
          return Error::success();
        });
    PIC->registerAfterPassFailedCallback(
        [this](StringRef, const IRUnitRef &) { BeforeDumps.pop_back(); });
  }

  if (Opts.TimePasses) {
    Timers =
        std::make_unique<TimerGroup>("pass", "Pass execution timing report");
    PIC->registerBeforePassCallback(
        [this, PassName](StringRef ClassName, const IRUnitRef &) {
          StringRef Name = PassName(ClassName);
          std::unique_ptr<Timer> &T = PassTimers[Name];
          if (!T)
            T = std::make_unique<Timer>(Name, Name, *Timers);
          T->startTimer();
        });
    auto Stop = [this, PassName](StringRef ClassName) {
      auto It = PassTimers.find(PassName(ClassName));
      if (It != PassTimers.end() && It->second->isRunning())
        It->second->stopTimer();
    };
    PIC->registerAfterPassCallback([Stop](StringRef ClassName,
                                          const IRUnitRef &,
                                          const PreservedAnalyses &) -> Error {
      Stop(ClassName);
      return Error::success();
    });
    PIC->registerAfterPassFailedCallback(
        [Stop](StringRef ClassName, const IRUnitRef &) { Stop(ClassName); });
  }

  if (Opts.VerifyEach) {
    PIC->registerAfterPassCallback(
        [PassName](StringRef ClassName, const IRUnitRef &IR,
                   const PreservedAnalyses &PA) -> Error {
          if (PA.areAllPreserved())
            return Error::success();
          if (Error E = verifyProject(IR.getProject()))
            return createStringError(inconvertibleErrorCode(),
                                     "after pass '%s': %s",
                                     PassName(ClassName).str().c_str(),
                                     toString(std::move(E)).c_str());
          return Error::success();
        });
  }
}

void StandardInstrumentations::printTimeReport(raw_ostream &Out) {
  if (Timers)
    Timers->print(Out, /*ResetAfterPrint=*/true);
}
