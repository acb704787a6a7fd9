//===- LocalBuildImpl.h - The native builder's internals --------*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_LIB_BUILD_LOCALBUILDIMPL_H
#define LAMBDA_OPT_LIB_BUILD_LOCALBUILDIMPL_H

#include "PathMatch.h"
#include "lambda-opt/Support/Error.h"

#include "lambda-opt/Build/LocalBuild.h"
#include "lambda-opt/Standards/Version.h"
#include "lambda-opt/TOML/TOML.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/Twine.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace lambdaopt {
namespace build {

/// `__version__ = "1.2"` or `VERSION = "1.2"` (hatchling's default pattern).
std::optional<std::string> readVersionAssignment(llvm::StringRef Text);
/// `__version__ = "1.2"` only (flit).
std::optional<std::string> readDunderVersion(llvm::StringRef Text);
/// The first line of a module's docstring.
std::optional<std::string> readDocstringSummary(llvm::StringRef Text);

/// `[project]`, as far as core metadata needs it.
struct ProjectMetadata {
  std::string Name, Version, Summary, RequiresPython;
  bool DynamicVersion = false, DynamicDescription = false;
  std::vector<std::string> Dependencies;
  std::vector<std::pair<std::string, std::vector<std::string>>> Optional;
  std::vector<std::string> Keywords, Classifiers;
  std::vector<std::pair<std::string, std::string>> URLs;
  std::vector<std::string> AuthorNames, AuthorEmails;
  std::string LicenseExpression, LicenseText, LicenseFile;
  std::string Readme, ReadmeType;
  /// group -> (name, object reference)
  std::vector<
      std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>
      EntryPoints;
};

class Builder {
public:
  Builder(llvm::StringRef Dir, llvm::SourceMgr &SM, bool CheckOnly)
      : Dir(Dir.str()), SM(SM), CheckOnly(CheckOnly) {}
  llvm::Expected<LocalBuildResult> run();

private:
  // pyproject.toml access; errors are located SourceErrors.
  llvm::Error refuse(const toml::Value *At, const llvm::Twine &Msg);
  llvm::Expected<std::optional<std::string>> getString(const toml::Value *T,
                                                       llvm::StringRef Key);
  llvm::Expected<std::vector<std::string>> getStrings(const toml::Value *T,
                                                      llvm::StringRef Key);
  const toml::Value *getTable(const toml::Value *From,
                              llvm::ArrayRef<llvm::StringRef> Keys) const;
  llvm::Error checkKeys(const toml::Value *Table,
                        llvm::ArrayRef<llvm::StringRef> Known,
                        llvm::StringRef Where);
  llvm::Error readProject();
  /// Adds the entry points of table \p T (name = "module:object"; null:
  /// none) to group \p Group.
  llvm::Error readEntryPointGroup(const toml::Value *T, llvm::StringRef Group);

  // The source tree.
  llvm::Expected<std::string> readText(llvm::StringRef Rel) const;
  bool isFile(llvm::StringRef Rel) const;
  bool isDir(llvm::StringRef Rel) const;
  /// Walks \p Rel ('' for the root) in sorted order: files first, then the
  /// folders \p Dir accepts (by name and parent).
  llvm::Error
  walk(llvm::StringRef Rel,
       llvm::function_ref<bool(llvm::StringRef Name, llvm::StringRef RelDir)>
           Dir,
       llvm::function_ref<llvm::Error(llvm::StringRef RelFile)> File) const;
  llvm::Error walkImpl(
      llvm::StringRef Rel,
      llvm::function_ref<bool(llvm::StringRef Name, llvm::StringRef RelDir)>
          Dir,
      llvm::function_ref<llvm::Error(llvm::StringRef RelFile)> File,
      std::set<std::string> &Visited) const;
  void addPackageFile(llvm::StringRef Rel, llvm::StringRef Dest);
  void addLicenseFile(llvm::StringRef Rel, llvm::StringRef DistInfoRel);
  std::vector<std::string>
  globRootFiles(llvm::ArrayRef<llvm::StringRef> Patterns) const;

  // Backends (Backends.cpp).
  llvm::Error buildHatchling();
  llvm::Error buildSetuptools();
  llvm::Error buildFlit();
  llvm::Error buildUv();
  llvm::Error buildPoetry();
  llvm::Error buildPdm();
  llvm::Error readPoetryMetadata();
  llvm::Error setVersionFromFile(llvm::StringRef Rel, const toml::Value *At,
                                 bool DunderOnly);

  // The dist-info.
  std::string makeMetadata() const;
  std::string makeEntryPoints() const;
  llvm::Error finish(LocalBuildResult &R);

  std::string Dir;
  llvm::SourceMgr &SM;
  bool CheckOnly = false;
  std::string PyProjectPath;
  toml::Document Doc;
  const toml::Value *Root = nullptr;
  const toml::Value *BuildSystem = nullptr;
  const toml::Value *Project = nullptr;
  std::string Backend;
  ProjectMetadata M;
  std::string DistInfoName;
  /// Installed path -> disk path, sorted.
  std::map<std::string, std::string> Selected;
  /// dist-info relative path -> bytes (licences, top_level.txt).
  std::map<std::string, std::string> DistInfoFiles;
  /// Licence files as METADATA's License-File names them.
  std::vector<std::string> LicenseFiles;
};

} // namespace build
} // namespace lambdaopt

#endif // LAMBDA_OPT_LIB_BUILD_LOCALBUILDIMPL_H
