//===- lambda-opt/Passes/StandardInstrumentations.h - Debug aids *- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The driver's debugging flags as instrumentation callbacks around passes:
// --print-before-all, --print-after-all, --print-after=P, --print-changed,
// --time-passes, --debug-pass-manager and --verify-each.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_PASSES_STANDARDINSTRUMENTATIONS_H
#define LAMBDA_OPT_PASSES_STANDARDINSTRUMENTATIONS_H

#include "lambda-opt/Passes/PassManager.h"

#include "llvm/Support/Timer.h"

namespace lambdaopt {

struct InstrumentationOptions {
  bool PrintBeforeAll = false;
  bool PrintAfterAll = false;
  std::vector<std::string> PrintBefore; ///< Pipeline names.
  std::vector<std::string> PrintAfter;  ///< Pipeline names.
  bool PrintChanged = false;
  bool TimePasses = false;
  bool DebugPassManager = false;
  bool VerifyEach = false;
};

class StandardInstrumentations {
public:
  /// Dumps and logs go to \p OS.
  StandardInstrumentations(InstrumentationOptions Opts, llvm::raw_ostream &OS);
  ~StandardInstrumentations();

  void registerCallbacks(PassInstrumentationCallbacks &PIC);

  /// Prints the --time-passes report (if enabled) to \p OS.
  void printTimeReport(llvm::raw_ostream &OS);

private:
  InstrumentationOptions Opts;
  llvm::raw_ostream &OS;
  PassInstrumentationCallbacks *PIC = nullptr;
  /// --print-changed: the dump before the running pass, per unit name.
  std::vector<std::string> BeforeDumps;
  bool PrintedStart = false;
  std::unique_ptr<llvm::TimerGroup> Timers;
  llvm::StringMap<std::unique_ptr<llvm::Timer>> PassTimers;
};

} // namespace lambdaopt

#endif // LAMBDA_OPT_PASSES_STANDARDINSTRUMENTATIONS_H
