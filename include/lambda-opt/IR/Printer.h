//===- lambda-opt/IR/Printer.h - Textual IR dump --------------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// `--emit=ir`: a stable, readable dump of the IR. One block per package in
// lock order (uv writes packages sorted), fields in a fixed order, strings
// quoted with escapes. Tests read it with FileCheck, and --print-after-all
// and --print-changed compare it, so it must be deterministic.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_IR_PRINTER_H
#define LAMBDA_OPT_IR_PRINTER_H

#include "llvm/Support/raw_ostream.h"

namespace lambdaopt {

class Project;
class Package;
struct InstallPlan;

/// Prints the lock header, the pyproject summary and every package.
void printProject(const Project &P, llvm::raw_ostream &OS);

/// Prints the install plan, the IR's second level (after plan-install, the
/// strip-* transforms or an emitter built it): one line per file of the
/// artifact with its size and origin.
void printInstallPlan(const InstallPlan &Plan, llvm::raw_ostream &OS);

/// Prints one package block.
void printPackage(const Project &P, const Package &Pkg, llvm::raw_ostream &OS);

} // namespace lambdaopt

#endif // LAMBDA_OPT_IR_PRINTER_H
