//===- MarkerEvaluator.h - Edge markers on a target -------------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Evaluates dependency-edge markers on a TargetConfig. Kept apart from the IR
// so that the install-set traversal does not see the marker library's types.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_LIB_ANALYSIS_MARKEREVALUATOR_H
#define LAMBDA_OPT_LIB_ANALYSIS_MARKEREVALUATOR_H

#include "lambda-opt/Analysis/InstallSet.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace lambdaopt {
namespace analysis {

/// What a conflict pseudo-extra names.
enum class ConflictTargetKind { Extra, Group, Project };

/// Answers whether an ordinary (normalized) extra is active.
using ExtraQuery = llvm::function_ref<bool(llvm::StringRef Extra)>;
/// Answers whether a decoded conflict item is active.
using ConflictQuery = llvm::function_ref<bool(
    ConflictTargetKind Kind, llvm::StringRef Package, llvm::StringRef Name)>;

/// Parses each marker text once and evaluates it on one target.
class MarkerEvaluator {
public:
  explicit MarkerEvaluator(const TargetConfig &Target);
  ~MarkerEvaluator();

  /// Evaluates \p Text (empty: true).
  llvm::Expected<bool> evaluate(llvm::StringRef Text, ExtraQuery IsExtraActive,
                                ConflictQuery IsConflictActive);

  /// Whether the package's resolution markers allow the target (any of them
  /// true; an empty list is true).
  llvm::Expected<bool> anyTrue(llvm::ArrayRef<llvm::StringRef> Markers);

private:
  struct Impl;
  std::unique_ptr<Impl> I;
};

/// PEP 503 normalization of a name.
std::string normalize(llvm::StringRef Name);

} // namespace analysis
} // namespace lambdaopt

#endif // LAMBDA_OPT_LIB_ANALYSIS_MARKEREVALUATOR_H
