//===- Project.cpp - The lambda-opt IR ------------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/IR/Project.h"
#include "lambda-opt/TOML/TOML.h"

#include <algorithm>

using namespace llvm;
using namespace lambdaopt;

StringRef lambdaopt::getSourceKindName(SourceKind K) {
  switch (K) {
  case SourceKind::Registry:
    return "registry";
  case SourceKind::Git:
    return "git";
  case SourceKind::URL:
    return "url";
  case SourceKind::Path:
    return "path";
  case SourceKind::Directory:
    return "directory";
  case SourceKind::Editable:
    return "editable";
  case SourceKind::Virtual:
    return "virtual";
  }
  llvm_unreachable("unknown source kind");
}

StringRef Distribution::getFileName() const {
  if (!Filename.empty())
    return Filename;
  if (!CachedFileName.empty())
    return CachedFileName;
  StringRef From = !URL.empty() ? URL : Path;
  // Drop a query or fragment before taking the last path segment. (Single
  // character searches: this runs for every wheel of a lock, several times.)
  From = From.take_front(std::min(From.find('?'), From.find('#')));
  size_t Slash = From.rfind('/');
  StringRef Tail = Slash == StringRef::npos ? From : From.drop_front(Slash + 1);
  // A Windows path separator counts only after the last '/' (looked for
  // forwards first: there is seldom one).
  if (Tail.find('\\') == StringRef::npos)
    return Tail;
  return Tail.drop_front(Tail.rfind('\\') + 1);
}

StringRef Distribution::getSHA256() const {
  StringRef H = Hash;
  if (!H.consume_front("sha256:"))
    return {};
  return H;
}

std::string Package::getDisplayName() const {
  if (HasVersion)
    return (Name + " " + Version).str();
  return (Name + " (" + getSourceKindName(Src.Kind) + " " + Src.Value + ")")
      .str();
}

Project::Project() : Strings(Alloc) {}
Project::~Project() = default;

ArrayRef<Package *> Project::lookup(StringRef Name) const {
  auto It = ByName.find(Name);
  if (It == ByName.end())
    return {};
  return It->second;
}

Package *Project::getRootPackage() const {
  for (const auto &P : Packages)
    if ((P->Src.Kind == SourceKind::Editable ||
         P->Src.Kind == SourceKind::Virtual) &&
        P->Src.Value == ".")
      return P.get();
  return nullptr;
}

void Project::reindex() {
  ByName.clear();
  for (const auto &P : Packages)
    ByName[P->Name].push_back(P.get());
}

void Project::adoptDocument(std::unique_ptr<toml::Document> Doc) {
  Documents.push_back(std::move(Doc));
}

void Project::adoptAllocator(std::unique_ptr<BumpPtrAllocator> A) {
  Allocators.push_back(std::move(A));
}
