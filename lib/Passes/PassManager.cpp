//===- PassManager.cpp - Passes, managers and analyses --------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Passes/PassManager.h"
#include "lambda-opt/IR/Printer.h"

using namespace llvm;
using namespace lambdaopt;

std::string IRUnitRef::getName() const {
  if (!Pkg)
    return "[project]";
  return Pkg->getDisplayName();
}

void IRUnitRef::print(raw_ostream &OS) const {
  if (Pkg) {
    printPackage(*P, *Pkg, OS);
    return;
  }
  printProject(*P, OS);
}

void PassInstrumentationCallbacks::runBeforePass(StringRef PassName,
                                                 const IRUnitRef &IR) const {
  for (const BeforePassFunc &F : BeforePass)
    F(PassName, IR);
}

Error PassInstrumentationCallbacks::runAfterPass(
    StringRef PassName, const IRUnitRef &IR,
    const PreservedAnalyses &PA) const {
  for (const AfterPassFunc &F : AfterPass)
    if (Error E = F(PassName, IR, PA))
      return E;
  return Error::success();
}

void PassInstrumentationCallbacks::runAfterPassFailed(
    StringRef PassName, const IRUnitRef &IR) const {
  for (const AfterPassFailedFunc &F : AfterPassFailed)
    F(PassName, IR);
}

void PassInstrumentationCallbacks::runBeforeAnalysis(
    StringRef Name, const IRUnitRef &IR) const {
  for (const AnalysisFunc &F : BeforeAnalysis)
    F(Name, IR);
}

void PassInstrumentationCallbacks::runAfterAnalysis(StringRef Name,
                                                    const IRUnitRef &IR) const {
  for (const AnalysisFunc &F : AfterAnalysis)
    F(Name, IR);
}

void PassInstrumentationCallbacks::runAnalysisInvalidated(
    StringRef Name, const IRUnitRef &IR) const {
  for (const AnalysisFunc &F : AnalysisInvalidated)
    F(Name, IR);
}

void PassInstrumentationCallbacks::addClassToPassName(StringRef ClassName,
                                                      StringRef PassName) {
  ClassToPassName[ClassName] = PassName.str();
}

StringRef PassInstrumentationCallbacks::getPassNameForClassName(
    StringRef ClassName) const {
  auto It = ClassToPassName.find(ClassName);
  if (It == ClassToPassName.end())
    return ClassName;
  return It->second;
}

AnalysisManager::ResultConcept *AnalysisManager::lookup(const AnalysisKey *ID,
                                                        const void *Unit) {
  auto It = Results.find({ID, Unit});
  if (It == Results.end())
    return nullptr;
  return It->second.Result.get();
}

void AnalysisManager::insert(const AnalysisKey *ID, const void *Unit,
                             StringRef Name, std::unique_ptr<ResultConcept> R) {
  Results[{ID, Unit}] = Entry{Name, std::move(R)};
}

void AnalysisManager::removeIf(function_ref<bool(const KeyT &)> Drop) {
  Results.remove_if([&](const std::pair<KeyT, Entry> &KV) {
    if (!Drop(KV.first))
      return false;
    if (PIC) {
      const void *Unit = KV.first.second;
      IRUnitRef Ref = Unit == &P
                          ? IRUnitRef(P)
                          : IRUnitRef(P, *static_cast<const Package *>(Unit));
      PIC->runAnalysisInvalidated(KV.second.Name, Ref);
    }
    return true;
  });
}

void AnalysisManager::invalidate(Project &IR, const PreservedAnalyses &PA) {
  if (PA.areAllPreserved())
    return;
  removeIf([&](const KeyT &K) { return !PA.isPreserved(K.first); });
}

void AnalysisManager::invalidate(Package &Pkg, const PreservedAnalyses &PA) {
  if (PA.areAllPreserved())
    return;
  const void *Unit = &Pkg;
  removeIf([&](const KeyT &K) {
    return K.second == Unit && !PA.isPreserved(K.first);
  });
}

void AnalysisManager::clear(const Package &Pkg) {
  const void *Unit = &Pkg;
  removeIf([&](const KeyT &K) { return K.second == Unit; });
}

void AnalysisManager::clear() {
  removeIf([](const KeyT &) { return true; });
}

Expected<PreservedAnalyses>
ProjectToPackagePassAdaptor::run(Project &P, AnalysisManager &AM) {
  PreservedAnalyses PA = PreservedAnalyses::all();
  // Package passes may not add or remove packages; iterate a snapshot so
  // that a violation cannot invalidate the loop.
  std::vector<Package *> Units;
  Units.reserve(P.Packages.size());
  for (const std::unique_ptr<Package> &Pkg : P.Packages)
    Units.push_back(Pkg.get());
  for (Package *Pkg : Units) {
    Expected<PreservedAnalyses> PassPA = PM.run(*Pkg, AM);
    if (!PassPA)
      return PassPA.takeError();
    PA.intersect(*PassPA);
  }
  return PA;
}
