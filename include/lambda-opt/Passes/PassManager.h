//===- lambda-opt/Passes/PassManager.h - Passes and managers ----*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// A scaled-down LLVM new pass manager over two IR units: Project (like a
// Module) and Package (like a Function).
//
// A pass is a plain class with a CRTP mixin and a run method:
//
//   struct LockHygienePass : PassInfoMixin<LockHygienePass> {
//     PreservedAnalyses run(Package &Pkg, AnalysisManager &AM);
//   };
//
// run returns PreservedAnalyses, or Expected<PreservedAnalyses> when it can
// fail; a failure stops the pipeline. Lints only read the IR and report
// through AM.getDiagnostics(), returning PreservedAnalyses::all().
// Transforms change the IR and return what they kept.
//
// An analysis has a static AnalysisKey and a Result type:
//
//   struct DependencyGraphAnalysis
//       : AnalysisInfoMixin<DependencyGraphAnalysis> {
//     static AnalysisKey Key;
//     using Result = DependencyGraph;
//     Result run(Project &P, AnalysisManager &AM);
//   };
//
// Results are computed on first use by AM.getResult<A>(IR) and cached in the
// one AnalysisManager, keyed by (analysis, IR unit), until a pass returns a
// PreservedAnalyses that does not preserve them.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_PASSES_PASSMANAGER_H
#define LAMBDA_OPT_PASSES_PASSMANAGER_H

#include "lambda-opt/IR/Project.h"

#include "llvm/ADT/FunctionExtras.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/Optional.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/TypeName.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace lambdaopt {

class DiagnosticEngine;
class AnalysisManager;

/// The identity of an analysis: the address of its static Key member.
struct alignas(8) AnalysisKey {};

/// What a pass left valid. Lints return all(); transforms return none() or
/// the analyses they kept up to date.
class PreservedAnalyses {
public:
  static PreservedAnalyses all() {
    PreservedAnalyses PA;
    PA.All = true;
    return PA;
  }
  static PreservedAnalyses none() { return PreservedAnalyses(); }

  template <typename AnalysisT> PreservedAnalyses &preserve() {
    return preserve(AnalysisT::ID());
  }
  PreservedAnalyses &preserve(const AnalysisKey *ID) {
    Abandoned.erase(ID);
    if (!All)
      Preserved.insert(ID);
    return *this;
  }

  /// Marks one analysis as not preserved, even under all().
  template <typename AnalysisT> PreservedAnalyses &abandon() {
    return abandon(AnalysisT::ID());
  }
  PreservedAnalyses &abandon(const AnalysisKey *ID) {
    Preserved.erase(ID);
    Abandoned.insert(ID);
    return *this;
  }

  template <typename AnalysisT> bool isPreserved() const {
    return isPreserved(AnalysisT::ID());
  }
  bool isPreserved(const AnalysisKey *ID) const {
    return !Abandoned.count(ID) && (All || Preserved.count(ID));
  }
  bool areAllPreserved() const { return All && Abandoned.empty(); }

  /// Keeps only what both preserve.
  void intersect(const PreservedAnalyses &Other) {
    for (const AnalysisKey *ID : Other.Abandoned)
      abandon(ID);
    if (Other.All)
      return;
    if (All) {
      All = false;
      Preserved = Other.Preserved;
      for (const AnalysisKey *ID : Abandoned)
        Preserved.erase(ID);
      return;
    }
    KeySet Kept;
    for (const AnalysisKey *ID : Preserved)
      if (Other.Preserved.count(ID))
        Kept.insert(ID);
    Preserved = std::move(Kept);
  }

private:
  using KeySet = llvm::SmallPtrSet<const AnalysisKey *, 4>;
  bool All = false;
  KeySet Preserved;
  KeySet Abandoned;
};

/// Gives a pass its name (the class name without the lambdaopt or
/// anonymous namespace) and its default textual form. Passes with
/// parameters override printPipeline.
template <typename DerivedT> struct PassInfoMixin {
  static llvm::StringRef name() {
    llvm::StringRef Name = llvm::getTypeName<DerivedT>();
    Name.consume_front("lambdaopt::");
    if (!Name.consume_front("{anonymous}::"))
      Name.consume_front("(anonymous namespace)::");
    return Name;
  }
  void printPipeline(llvm::raw_ostream &OS,
                     llvm::function_ref<llvm::StringRef(llvm::StringRef)>
                         MapClassName2PassName) const {
    OS << MapClassName2PassName(DerivedT::name());
  }
  /// Pass managers and adaptors say true; instrumentation skips them.
  static constexpr bool isContainer() { return false; }
};

/// PassInfoMixin plus the analysis identity, from the derived class's
/// `static AnalysisKey Key;`.
template <typename DerivedT>
struct AnalysisInfoMixin : PassInfoMixin<DerivedT> {
  static const AnalysisKey *ID() { return &DerivedT::Key; }
};

/// The IR unit a pass or analysis runs on, as instrumentation sees it.
class IRUnitRef {
public:
  explicit IRUnitRef(const Project &P) : P(&P) {}
  IRUnitRef(const Project &P, const Package &Pkg) : P(&P), Pkg(&Pkg) {}

  const Project &getProject() const { return *P; }
  /// Null for the project unit.
  const Package *getPackage() const { return Pkg; }
  /// "[project]" or the package's display name.
  std::string getName() const;
  /// Prints the unit's IR (a package block or the whole project).
  void print(llvm::raw_ostream &OS) const;

private:
  const Project *P;
  const Package *Pkg = nullptr;
};

/// Callbacks around every pass (not pass managers or adaptors) and every
/// analysis computation. --print-after-all, --time-passes and friends are
/// registered here; passes never know about them.
class PassInstrumentationCallbacks {
public:
  using BeforePassFunc =
      std::function<void(llvm::StringRef PassName, const IRUnitRef &)>;
  using AfterPassFunc = std::function<llvm::Error(
      llvm::StringRef PassName, const IRUnitRef &, const PreservedAnalyses &)>;
  using AfterPassFailedFunc =
      std::function<void(llvm::StringRef PassName, const IRUnitRef &)>;
  using AnalysisFunc =
      std::function<void(llvm::StringRef AnalysisName, const IRUnitRef &)>;

  void registerBeforePassCallback(BeforePassFunc F) {
    BeforePass.push_back(std::move(F));
  }
  void registerAfterPassCallback(AfterPassFunc F) {
    AfterPass.push_back(std::move(F));
  }
  void registerAfterPassFailedCallback(AfterPassFailedFunc F) {
    AfterPassFailed.push_back(std::move(F));
  }
  void registerBeforeAnalysisCallback(AnalysisFunc F) {
    BeforeAnalysis.push_back(std::move(F));
  }
  void registerAfterAnalysisCallback(AnalysisFunc F) {
    AfterAnalysis.push_back(std::move(F));
  }
  void registerAnalysisInvalidatedCallback(AnalysisFunc F) {
    AnalysisInvalidated.push_back(std::move(F));
  }

  void runBeforePass(llvm::StringRef PassName, const IRUnitRef &IR) const;
  /// Stops at, and returns, the first callback error (e.g. --verify-each).
  llvm::Error runAfterPass(llvm::StringRef PassName, const IRUnitRef &IR,
                           const PreservedAnalyses &PA) const;
  void runAfterPassFailed(llvm::StringRef PassName, const IRUnitRef &IR) const;
  void runBeforeAnalysis(llvm::StringRef Name, const IRUnitRef &IR) const;
  void runAfterAnalysis(llvm::StringRef Name, const IRUnitRef &IR) const;
  void runAnalysisInvalidated(llvm::StringRef Name, const IRUnitRef &IR) const;

  /// Maps a pass class name ("LockHygienePass") to its pipeline name
  /// ("lock-hygiene"); filled by the PassBuilder from the registry.
  void addClassToPassName(llvm::StringRef ClassName, llvm::StringRef PassName);
  /// The pipeline name, or \p ClassName when it has none.
  llvm::StringRef getPassNameForClassName(llvm::StringRef ClassName) const;

private:
  std::vector<BeforePassFunc> BeforePass;
  std::vector<AfterPassFunc> AfterPass;
  std::vector<AfterPassFailedFunc> AfterPassFailed;
  std::vector<AnalysisFunc> BeforeAnalysis;
  std::vector<AnalysisFunc> AfterAnalysis;
  std::vector<AnalysisFunc> AnalysisInvalidated;
  llvm::StringMap<std::string> ClassToPassName;
};

/// An artifact an emitter wrote, for the run's summary line.
struct ArtifactSummary {
  std::string Path;
  uint64_t Files = 0;
  uint64_t UnzippedSize = 0;
  /// The archive's size; none for a directory (an OCI layout, a context).
  llvm::Optional<uint64_t> ZippedSize;
};

/// What passes tell the user that is not a finding: the start of a long
/// step and what they wrote. Findings go to the DiagnosticEngine; status
/// lines go here, and the driver decides whether and where they are shown
/// (stderr, nothing with -q). Passes never write to stderr themselves.
class StatusReporter {
public:
  using LineFn = std::function<void(llvm::StringRef)>;
  /// A reporter that shows nothing (it still records artifacts).
  StatusReporter() = default;
  explicit StatusReporter(LineFn Show) : Show(std::move(Show)) {}

  /// A long step starts: "compiling 812 files to bytecode".
  void progress(const llvm::Twine &Step) { show(Step); }
  /// A step finished with something to say: "wrote fn.zip: ...".
  void report(const llvm::Twine &Line) { show(Line); }
  /// Records an artifact written (and reports \p Line).
  void wrote(const llvm::Twine &Line, ArtifactSummary A) {
    show(Line);
    Artifacts.push_back(std::move(A));
  }
  llvm::ArrayRef<ArtifactSummary> getArtifacts() const { return Artifacts; }
  /// False for a silent reporter (-q): lower layers that draw their own
  /// progress (the download bar) stay quiet too.
  bool isShown() const { return bool(Show); }

private:
  void show(const llvm::Twine &Line) {
    if (Show)
      Show(Line.str());
  }
  LineFn Show;
  std::vector<ArtifactSummary> Artifacts;
};

/// A stream whose lines become status reports, for the lower layers that
/// write their notes to a raw_ostream (the downloader, the registry client):
/// their notes reach the user the way every other status line does, and not
/// at all with -q. Safe to write from several threads.
class StatusStream : public llvm::raw_ostream {
public:
  explicit StatusStream(StatusReporter &Status) : Status(Status) {
    SetUnbuffered();
  }
  ~StatusStream() override {
    if (!Pending.empty())
      Status.report(Pending);
  }

private:
  void write_impl(const char *Ptr, size_t Size) override {
    std::lock_guard<std::mutex> Lock(M);
    Written += Size;
    Pending.append(Ptr, Size);
    for (size_t NL = Pending.find('\n'); NL != std::string::npos;
         NL = Pending.find('\n')) {
      Status.report(llvm::StringRef(Pending).take_front(NL));
      Pending.erase(0, NL + 1);
    }
  }
  uint64_t current_pos() const override { return Written; }

  StatusReporter &Status;
  std::mutex M;
  std::string Pending;
  uint64_t Written = 0;
};

/// The one analysis manager: caches analysis results per (analysis, IR
/// unit) and gives passes the project, the diagnostic engine and the status
/// reporter.
class AnalysisManager {
public:
  AnalysisManager(Project &P, DiagnosticEngine &Diags,
                  PassInstrumentationCallbacks *PIC = nullptr,
                  StatusReporter *Status = nullptr)
      : P(P), Diags(Diags), PIC(PIC), Status(Status ? Status : &Silent) {}
  AnalysisManager(const AnalysisManager &) = delete;
  AnalysisManager &operator=(const AnalysisManager &) = delete;

  Project &getProject() { return P; }
  DiagnosticEngine &getDiagnostics() { return Diags; }
  PassInstrumentationCallbacks *getInstrumentation() { return PIC; }
  StatusReporter &getStatus() { return *Status; }

  /// The result of \p AnalysisT on \p IR, computed now if not cached.
  template <typename AnalysisT, typename IRUnitT>
  typename AnalysisT::Result &getResult(IRUnitT &IR) {
    using ResultT = typename AnalysisT::Result;
    const void *Unit = &IR;
    if (ResultConcept *Cached = lookup(AnalysisT::ID(), Unit))
      return static_cast<ResultModel<ResultT> *>(Cached)->Result;
    IRUnitRef Ref = makeRef(IR);
    if (PIC)
      PIC->runBeforeAnalysis(AnalysisT::name(), Ref);
    AnalysisT Analysis;
    auto *Model = new ResultModel<ResultT>(Analysis.run(IR, *this));
    if (PIC)
      PIC->runAfterAnalysis(AnalysisT::name(), Ref);
    insert(AnalysisT::ID(), Unit, AnalysisT::name(),
           std::unique_ptr<ResultConcept>(Model));
    return Model->Result;
  }

  /// The cached result, or null; never computes.
  template <typename AnalysisT, typename IRUnitT>
  typename AnalysisT::Result *getCachedResult(IRUnitT &IR) {
    using ResultT = typename AnalysisT::Result;
    if (ResultConcept *Cached = lookup(AnalysisT::ID(), &IR))
      return &static_cast<ResultModel<ResultT> *>(Cached)->Result;
    return nullptr;
  }

  /// Drops every result (of the project and of its packages) that \p PA
  /// does not preserve.
  void invalidate(Project &IR, const PreservedAnalyses &PA);
  /// Drops the results on \p Pkg that \p PA does not preserve.
  void invalidate(Package &Pkg, const PreservedAnalyses &PA);
  /// Drops every result on \p Pkg; call before deleting a package.
  void clear(const Package &Pkg);
  /// Drops everything.
  void clear();

  unsigned getNumCachedResults() const { return Results.size(); }

  IRUnitRef makeRef(const Project &IR) const { return IRUnitRef(IR); }
  IRUnitRef makeRef(const Package &IR) const { return IRUnitRef(P, IR); }

private:
  struct ResultConcept {
    virtual ~ResultConcept() = default;
  };
  template <typename ResultT> struct ResultModel : ResultConcept {
    explicit ResultModel(ResultT R) : Result(std::move(R)) {}
    ResultT Result;
  };
  struct Entry {
    llvm::StringRef Name;
    std::unique_ptr<ResultConcept> Result;
  };
  using KeyT = std::pair<const AnalysisKey *, const void *>;

  ResultConcept *lookup(const AnalysisKey *ID, const void *Unit);
  void insert(const AnalysisKey *ID, const void *Unit, llvm::StringRef Name,
              std::unique_ptr<ResultConcept> R);
  /// Drops entries for which \p Drop is true, in insertion order.
  void removeIf(llvm::function_ref<bool(const KeyT &)> Drop);

  Project &P;
  DiagnosticEngine &Diags;
  PassInstrumentationCallbacks *PIC;
  StatusReporter Silent;
  StatusReporter *Status;
  /// Insertion-ordered so that invalidation messages are deterministic.
  llvm::MapVector<KeyT, Entry> Results;
};

/// The type-erased interface of a pass on \p IRUnitT.
template <typename IRUnitT> struct PassConcept {
  virtual ~PassConcept() = default;
  virtual llvm::Expected<PreservedAnalyses> run(IRUnitT &IR,
                                                AnalysisManager &AM) = 0;
  virtual llvm::StringRef name() const = 0;
  virtual void printPipeline(
      llvm::raw_ostream &OS,
      llvm::function_ref<llvm::StringRef(llvm::StringRef)> Map) const = 0;
  virtual bool isContainer() const = 0;
};

namespace detail {
inline llvm::Expected<PreservedAnalyses> wrapResult(PreservedAnalyses PA) {
  return PA;
}
inline llvm::Expected<PreservedAnalyses>
wrapResult(llvm::Expected<PreservedAnalyses> PA) {
  return PA;
}
} // namespace detail

/// Wraps a concrete pass behind PassConcept.
template <typename IRUnitT, typename PassT>
struct PassModel final : PassConcept<IRUnitT> {
  explicit PassModel(PassT Pass) : Pass(std::move(Pass)) {}
  llvm::Expected<PreservedAnalyses> run(IRUnitT &IR,
                                        AnalysisManager &AM) override {
    return detail::wrapResult(Pass.run(IR, AM));
  }
  llvm::StringRef name() const override { return PassT::name(); }
  void printPipeline(
      llvm::raw_ostream &OS,
      llvm::function_ref<llvm::StringRef(llvm::StringRef)> Map) const override {
    Pass.printPipeline(OS, Map);
  }
  bool isContainer() const override { return PassT::isContainer(); }

  PassT Pass;
};

/// Runs a sequence of passes on one IR unit, with instrumentation and
/// invalidation after each. Stops at the first failing pass.
template <typename IRUnitT>
class PassManager : public PassInfoMixin<PassManager<IRUnitT>> {
public:
  PassManager() = default;
  PassManager(PassManager &&) = default;
  PassManager &operator=(PassManager &&) = default;

  template <typename PassT> void addPass(PassT Pass) {
    Passes.push_back(std::unique_ptr<PassConcept<IRUnitT>>(
        new PassModel<IRUnitT, PassT>(std::move(Pass))));
  }
  void addPass(std::unique_ptr<PassConcept<IRUnitT>> Pass) {
    Passes.push_back(std::move(Pass));
  }

  bool isEmpty() const { return Passes.empty(); }
  size_t size() const { return Passes.size(); }

  llvm::Expected<PreservedAnalyses> run(IRUnitT &IR, AnalysisManager &AM) {
    PreservedAnalyses PA = PreservedAnalyses::all();
    PassInstrumentationCallbacks *PIC = AM.getInstrumentation();
    IRUnitRef Ref = AM.makeRef(IR);
    for (auto &P : Passes) {
      bool Instrumented = PIC && !P->isContainer();
      if (Instrumented)
        PIC->runBeforePass(P->name(), Ref);
      llvm::Expected<PreservedAnalyses> PassPA = P->run(IR, AM);
      if (!PassPA) {
        if (Instrumented)
          PIC->runAfterPassFailed(P->name(), Ref);
        return PassPA.takeError();
      }
      if (Instrumented)
        if (llvm::Error E = PIC->runAfterPass(P->name(), Ref, *PassPA))
          return E;
      AM.invalidate(IR, *PassPA);
      PA.intersect(*PassPA);
    }
    return PA;
  }

  /// Prints the passes comma-separated (no wrapper).
  void printPipeline(
      llvm::raw_ostream &OS,
      llvm::function_ref<llvm::StringRef(llvm::StringRef)> Map) const {
    for (size_t I = 0, E = Passes.size(); I != E; ++I) {
      if (I)
        OS << ',';
      Passes[I]->printPipeline(OS, Map);
    }
  }
  static constexpr bool isContainer() { return true; }

private:
  std::vector<std::unique_ptr<PassConcept<IRUnitT>>> Passes;
};

using ProjectPassManager = PassManager<Project>;
using PackagePassManager = PassManager<Package>;

/// Runs a package pass manager on every package of the project, in lock
/// order; printed as `package(...)`.
class ProjectToPackagePassAdaptor
    : public PassInfoMixin<ProjectToPackagePassAdaptor> {
public:
  explicit ProjectToPackagePassAdaptor(PackagePassManager PM)
      : PM(std::move(PM)) {}

  llvm::Expected<PreservedAnalyses> run(Project &P, AnalysisManager &AM);
  void printPipeline(
      llvm::raw_ostream &OS,
      llvm::function_ref<llvm::StringRef(llvm::StringRef)> Map) const {
    OS << "package(";
    PM.printPipeline(OS, Map);
    OS << ')';
  }
  static constexpr bool isContainer() { return true; }
  PackagePassManager &getInner() { return PM; }

private:
  PackagePassManager PM;
};

/// `project(package(...))`: wraps package passes for a project pipeline.
inline ProjectToPackagePassAdaptor
createProjectToPackagePassAdaptor(PackagePassManager PM) {
  return ProjectToPackagePassAdaptor(std::move(PM));
}

/// `require<analysis>`: computes the analysis now.
template <typename AnalysisT, typename IRUnitT>
struct RequireAnalysisPass
    : PassInfoMixin<RequireAnalysisPass<AnalysisT, IRUnitT>> {
  PreservedAnalyses run(IRUnitT &IR, AnalysisManager &AM) {
    (void)AM.getResult<AnalysisT>(IR);
    return PreservedAnalyses::all();
  }
  void printPipeline(
      llvm::raw_ostream &OS,
      llvm::function_ref<llvm::StringRef(llvm::StringRef)> Map) const {
    OS << "require<" << Map(AnalysisT::name()) << '>';
  }
};

/// `invalidate<analysis>`: drops its cached results.
template <typename AnalysisT, typename IRUnitT>
struct InvalidateAnalysisPass
    : PassInfoMixin<InvalidateAnalysisPass<AnalysisT, IRUnitT>> {
  PreservedAnalyses run(IRUnitT &, AnalysisManager &) {
    PreservedAnalyses PA = PreservedAnalyses::all();
    PA.abandon<AnalysisT>();
    return PA;
  }
  void printPipeline(
      llvm::raw_ostream &OS,
      llvm::function_ref<llvm::StringRef(llvm::StringRef)> Map) const {
    OS << "invalidate<" << Map(AnalysisT::name()) << '>';
  }
};

} // namespace lambdaopt

#endif // LAMBDA_OPT_PASSES_PASSMANAGER_H
