//===- lambda-opt/Standards/Marker.h - PEP 508 markers ---------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// PEP 508 environment markers (`python_full_version >= '3.12' and
/// sys_platform == 'linux'`), the environment they are evaluated in, PEP 503
/// name normalization, and the decoding of uv's conflict pseudo-extras.
///
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_STANDARDS_MARKER_H
#define LAMBDA_OPT_STANDARDS_MARKER_H

#include "lambda-opt/Standards/PackageName.h"
#include "lambda-opt/Standards/Version.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lambdaopt {

/// The variables a marker may mention.
enum class MarkerVariableKind : uint8_t {
  ImplementationName,
  ImplementationVersion,
  OsName,
  PlatformMachine,
  PlatformPythonImplementation,
  PlatformRelease,
  PlatformSystem,
  PlatformVersion,
  PythonFullVersion,
  PythonVersion,
  SysPlatform,
  Extra,
};

/// The canonical spelling of \p Kind, e.g. "python_full_version".
llvm::StringRef getMarkerVariableName(MarkerVariableKind Kind);

/// True for the variables compared with PEP 440 semantics (python_version,
/// python_full_version, implementation_version, platform_release).
bool isVersionMarkerVariable(MarkerVariableKind Kind);

/// Values of every standard marker variable except `extra`, which is
/// supplied per evaluation.
struct MarkerEnvironment {
  std::string ImplementationName;           ///< "cpython"
  std::string ImplementationVersion;        ///< "3.12.11"
  std::string OsName;                       ///< "posix"
  std::string PlatformMachine;              ///< "x86_64" / "aarch64"
  std::string PlatformPythonImplementation; ///< "CPython"
  std::string PlatformRelease;              ///< kernel release
  std::string PlatformSystem;               ///< "Linux"
  std::string PlatformVersion;              ///< kernel build string
  std::string PythonFullVersion;            ///< "3.12.11"
  std::string PythonVersion;                ///< "3.12"
  std::string SysPlatform;                  ///< "linux"

  /// The value of \p Kind; the empty string for Extra.
  llvm::StringRef get(MarkerVariableKind Kind) const;
};

/// The operators of a marker comparison.
enum class MarkerOperatorKind : uint8_t {
  Less,
  LessEqual,
  NotEqual,
  Equal,
  GreaterEqual,
  Greater,
  Compatible,
  ArbitraryEqual,
  In,
  NotIn,
};

/// An immutable parsed marker expression. Cheap to evaluate; parse once and
/// reuse (see MarkerCache).
class Marker {
public:
  /// Parses \p Text. The empty (or all-blank) string is the marker that is
  /// always true. Errors name the column (1-based) of the problem.
  static llvm::Expected<Marker> parse(llvm::StringRef Text);

  /// Evaluates the marker in \p Env. Comparisons against `extra` call
  /// \p IsExtraActive with the PEP 503-normalized extra name; `==` is true
  /// when it returns true and `!=` when it returns false (other operators on
  /// `extra` are false). The callback also receives uv's conflict
  /// pseudo-extras (`extra-7-nemo-rl-vllm`, `group-11-pydantic-ai-dev`,
  /// `project-5-hello`) verbatim: it is up to the caller to decide which of
  /// those are active (see decodeConflictExtra).
  ///
  /// Version variables compare with PEP 440 semantics when the operand forms
  /// a valid specifier and the value a valid version, and fall back to
  /// string comparison otherwise, as `packaging` does.
  bool
  evaluate(const MarkerEnvironment &Env,
           llvm::function_ref<bool(llvm::StringRef Extra)> IsExtraActive) const;
  /// Evaluates with no extra active.
  bool evaluate(const MarkerEnvironment &Env) const;

  /// True for the empty marker.
  bool isAlwaysTrue() const { return Nodes.empty(); }

  /// Appends every (normalized) name compared against `extra`, in order of
  /// appearance, duplicates included.
  void collectExtras(llvm::SmallVectorImpl<std::string> &Out) const;

  /// A normalized spelling: single quotes, canonical variable names, single
  /// spaces, parentheses only where needed. Empty for the always-true marker.
  std::string str() const;

private:
  enum class NodeKind : uint8_t { And, Or, Compare };
  struct Operand {
    bool IsVariable = false;
    MarkerVariableKind Variable = MarkerVariableKind::Extra;
    std::string Text; ///< The literal (normalized when compared to extra).
  };
  struct Node {
    NodeKind Kind = NodeKind::Compare;
    MarkerOperatorKind Op = MarkerOperatorKind::Equal;
    Operand Lhs, Rhs;
    /// For `<version var> op 'literal'`: the literal as a specifier, when it
    /// is one.
    std::optional<Specifier> Spec;
    llvm::SmallVector<unsigned, 2> Children;
  };
  friend class MarkerParser;

  bool
  evaluateNode(unsigned Index, const MarkerEnvironment &Env,
               llvm::function_ref<bool(llvm::StringRef)> IsExtraActive) const;
  void printNode(unsigned Index, std::string &Out) const;

  std::vector<Node> Nodes; ///< The root is Nodes[Root].
  unsigned Root = 0;
};

/// Owns parsed markers keyed by their text, so that the thousands of
/// identical markers in a lock file are parsed once. Not thread-safe.
class MarkerCache {
public:
  /// The parsed marker for \p Text; parse errors are returned, not cached.
  llvm::Expected<const Marker *> get(llvm::StringRef Text);
  size_t size() const { return Cache.size(); }

private:
  llvm::StringMap<std::unique_ptr<Marker>> Cache;
};

/// The item a uv conflict pseudo-extra refers to.
struct ConflictItem {
  enum class Kind : uint8_t { Extra, Group, Project };
  Kind ItemKind = Kind::Extra;
  std::string Package; ///< e.g. "nemo-rl"
  std::string Name;    ///< The extra or group; empty for Project.
};

/// Decodes uv's encoding of conflicting extras/groups as marker extras:
/// `extra-{len(package)}-{package}-{extra}`, `group-{len}-{package}-{group}`
/// and `project-{len}-{package}`. Returns std::nullopt for ordinary extras.
std::optional<ConflictItem> decodeConflictExtra(llvm::StringRef Extra);

} // namespace lambdaopt

#endif // LAMBDA_OPT_STANDARDS_MARKER_H
