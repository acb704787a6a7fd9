//===- PassBuilder.cpp - Registry, pipeline parser, default pipeline ------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Pipeline/PassBuilder.h"
#include "lambda-opt/Emit/EmitPasses.h"
#include "lambda-opt/Emit/ImageEmitter.h"
#include "lambda-opt/Lints/Lints.h"
#include "lambda-opt/Passes/InstallSetAnalysis.h"
#include "lambda-opt/Passes/StandardPasses.h"
#include "lambda-opt/Support/Error.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;
using namespace lambdaopt;

/// The markdown of docs/rules/<Code>.md, embedded at build time.
static StringRef getBuiltinRuleDoc(StringRef Code) {
#define RULE_DOC(CODE, TEXT)                                                   \
  if (Code == CODE)                                                            \
    return TEXT;
#include "RuleDocs.inc"
#undef RULE_DOC
  return "";
}

//===----------------------------------------------------------------------===//
// Pipeline text
//===----------------------------------------------------------------------===//

namespace {
/// A recursive-descent reader of `a,b<p>(c,d)` lists.
class PipelineTextParser {
public:
  explicit PipelineTextParser(StringRef Text) : Text(Text) {}

  Expected<std::vector<PipelineElement>> parse() {
    std::vector<PipelineElement> Out;
    if (Error E = parseList(Out, /*Depth=*/0))
      return E;
    return Out;
  }

private:
  Error fail(const Twine &Why) const {
    return makeError("invalid pipeline '" + Text + "': " + Why + " at column " +
                     Twine(Pos + 1));
  }

  Error parseList(std::vector<PipelineElement> &Out, unsigned Depth) {
    while (true) {
      PipelineElement E;
      size_t Start = Pos;
      while (Pos < Text.size() && !StringRef("<>(),").contains(Text[Pos]))
        ++Pos;
      E.Name = Text.slice(Start, Pos).trim();
      if (E.Name.empty())
        return fail("expected a pass name");
      if (Pos < Text.size() && Text[Pos] == '<') {
        size_t ParamStart = ++Pos;
        unsigned Nesting = 1;
        for (; Pos < Text.size(); ++Pos) {
          if (Text[Pos] == '<')
            ++Nesting;
          if (Text[Pos] == '>' && --Nesting == 0)
            break;
        }
        if (Pos == Text.size())
          return fail("missing '>'");
        E.Params = Text.slice(ParamStart, Pos++);
        E.HasParams = true;
      }
      if (Pos < Text.size() && Text[Pos] == '(') {
        ++Pos;
        E.HasInner = true;
        if (Error Err = parseList(E.Inner, Depth + 1))
          return Err;
        if (Pos == Text.size() || Text[Pos] != ')')
          return fail("missing ')'");
        ++Pos;
      }
      Out.push_back(std::move(E));
      if (Pos == Text.size())
        return Depth == 0 ? Error::success() : fail("missing ')'");
      if (Text[Pos] == ',') {
        ++Pos;
        continue;
      }
      if (Text[Pos] == ')' && Depth > 0)
        return Error::success();
      return fail(Twine("unexpected '") + Text.substr(Pos, 1) + "'");
    }
  }

  StringRef Text;
  size_t Pos = 0;
};
} // namespace

Expected<std::vector<PipelineElement>>
lambdaopt::parsePipelineText(StringRef Text) {
  return PipelineTextParser(Text).parse();
}

//===----------------------------------------------------------------------===//
// Registry
//===----------------------------------------------------------------------===//

namespace {
template <typename AnalysisT, typename IRUnitT> struct AnalysisFactories {
  static Error require(StringRef, PassManager<IRUnitT> &PM) {
    PM.addPass(RequireAnalysisPass<AnalysisT, IRUnitT>());
    return Error::success();
  }
  static Error invalidate(StringRef, PassManager<IRUnitT> &PM) {
    PM.addPass(InvalidateAnalysisPass<AnalysisT, IRUnitT>());
    return Error::success();
  }
};
} // namespace

PassBuilder::PassBuilder(PassInstrumentationCallbacks &PIC, raw_ostream &Output)
    : PIC(PIC), Output(Output) {
  registerBuiltins();
}

void PassBuilder::registerBuiltins() {
#define PROJECT_ANALYSIS(NAME, CREATE_PASS, DESCRIPTION)                       \
  {                                                                            \
    using AnalysisT = decltype(CREATE_PASS);                                   \
    PIC.addClassToPassName(AnalysisT::name(), NAME);                           \
    PIC.addClassToPassName(RequireAnalysisPass<AnalysisT, Project>::name(),    \
                           "require<" NAME ">");                               \
    PIC.addClassToPassName(InvalidateAnalysisPass<AnalysisT, Project>::name(), \
                           "invalidate<" NAME ">");                            \
    AnalysisEntry E;                                                           \
    E.Name = NAME;                                                             \
    E.Description = DESCRIPTION;                                               \
    E.RequireProject = AnalysisFactories<AnalysisT, Project>::require;         \
    E.InvalidateProject = AnalysisFactories<AnalysisT, Project>::invalidate;   \
    ProjectAnalyses.push_back(std::move(E));                                   \
  }
#define PACKAGE_ANALYSIS(NAME, CREATE_PASS, DESCRIPTION)                       \
  {                                                                            \
    using AnalysisT = decltype(CREATE_PASS);                                   \
    PIC.addClassToPassName(AnalysisT::name(), NAME);                           \
    PIC.addClassToPassName(RequireAnalysisPass<AnalysisT, Package>::name(),    \
                           "require<" NAME ">");                               \
    PIC.addClassToPassName(InvalidateAnalysisPass<AnalysisT, Package>::name(), \
                           "invalidate<" NAME ">");                            \
    AnalysisEntry E;                                                           \
    E.Name = NAME;                                                             \
    E.Description = DESCRIPTION;                                               \
    E.RequirePackage = AnalysisFactories<AnalysisT, Package>::require;         \
    E.InvalidatePackage = AnalysisFactories<AnalysisT, Package>::invalidate;   \
    PackageAnalyses.push_back(std::move(E));                                   \
  }
#define PROJECT_PASS(NAME, CREATE_PASS, DESCRIPTION)                           \
  PIC.addClassToPassName(decltype(CREATE_PASS)::name(), NAME);                 \
  registerProjectPass(NAME, DESCRIPTION,                                       \
                      [this](StringRef, ProjectPassManager &PM) {              \
                        PM.addPass(CREATE_PASS);                               \
                        return Error::success();                               \
                      });
#define PACKAGE_PASS(NAME, CREATE_PASS, DESCRIPTION)                           \
  PIC.addClassToPassName(decltype(CREATE_PASS)::name(), NAME);                 \
  registerPackagePass(NAME, DESCRIPTION,                                       \
                      [this](StringRef, PackagePassManager &PM) {              \
                        PM.addPass(CREATE_PASS);                               \
                        return Error::success();                               \
                      });
#define PROJECT_PASS_WITH_PARAMS(NAME, CLASS, CREATE_PASS, PARSER, PARAMS,     \
                                 DESCRIPTION)                                  \
  PIC.addClassToPassName(CLASS::name(), NAME);                                 \
  registerProjectPass(                                                         \
      NAME, DESCRIPTION,                                                       \
      [this](StringRef Params, ProjectPassManager &PM) -> Error {              \
        (void)this;                                                            \
        auto Parsed = PARSER(Params);                                          \
        if (!Parsed)                                                           \
          return Parsed.takeError();                                           \
        PM.addPass((CREATE_PASS)(std::move(*Parsed)));                         \
        return Error::success();                                               \
      },                                                                       \
      PARAMS);
#define PACKAGE_PASS_WITH_PARAMS(NAME, CLASS, CREATE_PASS, PARSER, PARAMS,     \
                                 DESCRIPTION)                                  \
  PIC.addClassToPassName(CLASS::name(), NAME);                                 \
  registerPackagePass(                                                         \
      NAME, DESCRIPTION,                                                       \
      [this](StringRef Params, PackagePassManager &PM) -> Error {              \
        (void)this;                                                            \
        auto Parsed = PARSER(Params);                                          \
        if (!Parsed)                                                           \
          return Parsed.takeError();                                           \
        PM.addPass((CREATE_PASS)(std::move(*Parsed)));                         \
        return Error::success();                                               \
      },                                                                       \
      PARAMS);
#define LINT_RULE(CODE, NAME, SEVERITY, GROUP, PASS, SUMMARY)                  \
  cantFail(registerRule({CODE, NAME, Severity::SEVERITY, GROUP, PASS, SUMMARY, \
                         getBuiltinRuleDoc(CODE)}));
#include "PassRegistry.def"
}

void PassBuilder::registerProjectPass(StringRef Name, StringRef Description,
                                      ProjectPassFactory Factory,
                                      StringRef ParamsHelp) {
  PassEntry E;
  E.Name = Name.str();
  E.Description = Description.str();
  E.ParamsHelp = ParamsHelp.str();
  E.ProjectFactory = std::move(Factory);
  ProjectPasses.push_back(std::move(E));
}

void PassBuilder::registerPackagePass(StringRef Name, StringRef Description,
                                      PackagePassFactory Factory,
                                      StringRef ParamsHelp) {
  PassEntry E;
  E.Name = Name.str();
  E.Description = Description.str();
  E.ParamsHelp = ParamsHelp.str();
  E.PackageFactory = std::move(Factory);
  PackagePasses.push_back(std::move(E));
}

Error PassBuilder::registerRule(const RuleInfo &Rule) {
  if (Error E = Rules.addRule(Rule))
    return E;
  // Emitters report findings too, but run only when asked for.
  if (!Rule.Pass.empty() && !Rule.Pass.startswith("emit-") &&
      !is_contained(LintPasses, Rule.Pass.str()))
    LintPasses.push_back(Rule.Pass.str());
  return Error::success();
}

void PassBuilder::registerConfigKey(StringRef Key) {
  if (!is_contained(ConfigKeys, Key.str()))
    ConfigKeys.push_back(Key.str());
}

Expected<std::string> PassBuilder::explainRule(StringRef CodeOrName) const {
  const RuleInfo *R = Rules.lookup(CodeOrName);
  if (!R)
    return makeError("unknown rule '" + CodeOrName +
                     "' (--print-passes lists every rule)");
  if (!R->Documentation.empty())
    return R->Documentation.str();
  return (R->Code + " (" + R->Name + "): " + R->Summary + "\n").str();
}

std::vector<std::string> PassBuilder::getLintPassNames() const {
  return LintPasses;
}

void PassBuilder::printPassNames(raw_ostream &OS) const {
  auto PrintGroup = [&](StringRef Title, ArrayRef<PassEntry> Entries,
                        bool WithParams) {
    bool First = true;
    for (const PassEntry &E : Entries) {
      if (E.ParamsHelp.empty() == WithParams)
        continue;
      if (First)
        OS << Title << ":\n";
      First = false;
      std::string Name = E.Name;
      if (WithParams)
        Name += "<" + E.ParamsHelp + ">";
      OS << formatv("  {0,-32} {1}\n", Name, E.Description);
    }
  };
  auto PrintAnalyses = [&](StringRef Title, ArrayRef<AnalysisEntry> Entries) {
    if (Entries.empty())
      return;
    OS << Title << ":\n";
    for (const AnalysisEntry &E : Entries)
      OS << formatv("  {0,-32} {1}\n", E.Name, E.Description);
  };
  PrintGroup("Project passes", ProjectPasses, false);
  PrintGroup("Project passes with params", ProjectPasses, true);
  PrintAnalyses("Project analyses", ProjectAnalyses);
  PrintGroup("Package passes", PackagePasses, false);
  PrintGroup("Package passes with params", PackagePasses, true);
  PrintAnalyses("Package analyses", PackageAnalyses);
  OS << "Lint rules:\n";
  for (const RuleInfo &R : Rules.getRules())
    OS << formatv("  {0,-32} {1} ({2})\n", (R.Code + " " + R.Name).str(),
                  R.Summary, getSeverityName(R.DefaultSeverity));
}

//===----------------------------------------------------------------------===//
// Pipeline parsing
//===----------------------------------------------------------------------===//

/// Finds an entry named \p Name, preferring one whose taking of parameters
/// matches \p HasParams.
template <typename EntryT>
static const EntryT *findPass(const std::vector<EntryT> &Entries,
                              StringRef Name, bool HasParams) {
  const EntryT *Fallback = nullptr;
  for (const EntryT &E : Entries) {
    if (E.Name != Name)
      continue;
    if (E.ParamsHelp.empty() != HasParams)
      return &E;
    if (!Fallback)
      Fallback = &E;
  }
  return Fallback;
}

Error PassBuilder::unknownPass(StringRef Name) const {
  std::vector<StringRef> Names = {"package", "project", "require",
                                  "invalidate"};
  for (const PassEntry &E : ProjectPasses)
    Names.push_back(E.Name);
  for (const PassEntry &E : PackagePasses)
    Names.push_back(E.Name);
  StringRef Best;
  unsigned BestDistance = std::max<unsigned>(2, Name.size() / 3) + 1;
  for (StringRef Candidate : Names) {
    unsigned D =
        Name.edit_distance(Candidate, /*AllowReplacements=*/true, BestDistance);
    if (D < BestDistance) {
      BestDistance = D;
      Best = Candidate;
    }
  }
  std::string Message = "unknown pass name '" + Name.str() + "'";
  if (!Best.empty())
    Message += "; did you mean '" + Best.str() + "'?";
  return makeError(Message);
}

static Error checkEntryParams(StringRef Name, StringRef ParamsHelp,
                              const PipelineElement &E) {
  if (E.HasInner)
    return makeError("pass '" + Name + "' takes no nested pipeline");
  if (E.HasParams && ParamsHelp.empty())
    return makeError("pass '" + Name + "' takes no parameters, got '<" +
                     E.Params + ">'");
  return Error::success();
}

Error PassBuilder::addPackageElement(PackagePassManager &PM,
                                     const PipelineElement &E) {
  if (E.Name == "require" || E.Name == "invalidate") {
    for (const AnalysisEntry &A : PackageAnalyses)
      if (A.Name == E.Params)
        return (E.Name == "require" ? A.RequirePackage
                                    : A.InvalidatePackage)("", PM);
    return makeError("unknown package analysis '" + E.Params + "' in '" +
                     E.Name + "<...>'");
  }
  if (const PassEntry *P = findPass(PackagePasses, E.Name, E.HasParams)) {
    if (Error Err = checkEntryParams(E.Name, P->ParamsHelp, E))
      return Err;
    return P->PackageFactory(E.Params, PM);
  }
  if (E.Name == "package" || E.Name == "project" ||
      findPass(ProjectPasses, E.Name, E.HasParams))
    return makeError("'" + E.Name +
                     "' is a project pass; it cannot run inside package(...)");
  return unknownPass(E.Name);
}

/// True for an element that belongs in package(...) when written bare.
static bool isPackageLevel(const PipelineElement &E,
                           ArrayRef<std::string> PackageNames,
                           ArrayRef<std::string> ProjectNames,
                           ArrayRef<std::string> PackageAnalysisNames) {
  if (E.Name == "require" || E.Name == "invalidate")
    return is_contained(PackageAnalysisNames, E.Params.str());
  return !is_contained(ProjectNames, E.Name.str()) &&
         is_contained(PackageNames, E.Name.str());
}

Error PassBuilder::addProjectElement(ProjectPassManager &PM,
                                     const PipelineElement &E) {
  if (E.Name == "project") {
    if (E.HasParams || !E.HasInner)
      return makeError("'project' must be written project(...)");
    return addProjectElements(PM, E.Inner);
  }
  if (E.Name == "package") {
    if (E.HasParams || !E.HasInner)
      return makeError("'package' must be written package(...)");
    PackagePassManager Inner;
    for (const PipelineElement &Child : E.Inner)
      if (Error Err = addPackageElement(Inner, Child))
        return Err;
    PM.addPass(createProjectToPackagePassAdaptor(std::move(Inner)));
    return Error::success();
  }
  if (E.Name == "require" || E.Name == "invalidate") {
    for (const AnalysisEntry &A : ProjectAnalyses)
      if (A.Name == E.Params)
        return (E.Name == "require" ? A.RequireProject
                                    : A.InvalidateProject)("", PM);
    return makeError("unknown analysis '" + E.Params + "' in '" + E.Name +
                     "<...>'");
  }
  if (const PassEntry *P = findPass(ProjectPasses, E.Name, E.HasParams)) {
    if (Error Err = checkEntryParams(E.Name, P->ParamsHelp, E))
      return Err;
    return P->ProjectFactory(E.Params, PM);
  }
  return unknownPass(E.Name);
}

Error PassBuilder::addProjectElements(ProjectPassManager &PM,
                                      ArrayRef<PipelineElement> Elements) {
  std::vector<std::string> PackageNames, ProjectNames, PackageAnalysisNames;
  for (const PassEntry &P : PackagePasses)
    PackageNames.push_back(P.Name);
  for (const PassEntry &P : ProjectPasses)
    ProjectNames.push_back(P.Name);
  for (const AnalysisEntry &A : PackageAnalyses)
    PackageAnalysisNames.push_back(A.Name);
  for (size_t I = 0, N = Elements.size(); I != N;) {
    if (!isPackageLevel(Elements[I], PackageNames, ProjectNames,
                        PackageAnalysisNames)) {
      if (Error Err = addProjectElement(PM, Elements[I]))
        return Err;
      ++I;
      continue;
    }
    // A run of bare package passes shares one package(...) adaptor.
    PackagePassManager Inner;
    for (; I != N && isPackageLevel(Elements[I], PackageNames, ProjectNames,
                                    PackageAnalysisNames);
         ++I)
      if (Error Err = addPackageElement(Inner, Elements[I]))
        return Err;
    PM.addPass(createProjectToPackagePassAdaptor(std::move(Inner)));
  }
  return Error::success();
}

Error PassBuilder::parsePassPipeline(ProjectPassManager &PM, StringRef Text) {
  if (Text.trim().empty())
    return makeError("empty pipeline");
  Expected<std::vector<PipelineElement>> Elements = parsePipelineText(Text);
  if (!Elements)
    return Elements.takeError();
  return addProjectElements(PM, *Elements);
}

Error PassBuilder::buildDefaultPipeline(ProjectPassManager &PM,
                                        StringRef EmitKind) {
  // 1. Check what the front end built before anything reads it.
  if (Error E = parsePassPipeline(PM, "verify"))
    return E;
  // 2. Every lint, in registry order (built-ins, then plugins). Lints only
  //    read the IR, so their order does not change their findings.
  std::string Lints = join(getLintPassNames(), ",");
  if (!Lints.empty())
    if (Error E = parsePassPipeline(PM, Lints))
      return E;
  // 3. Exactly one emitter ends the pipeline.
  if (EmitKind.empty())
    return Error::success();
  return parsePassPipeline(PM, ("emit-" + EmitKind).str());
}

std::string PassBuilder::printPipeline(const ProjectPassManager &PM) const {
  std::string Text;
  raw_string_ostream OS(Text);
  PM.printPipeline(OS, [this](StringRef ClassName) {
    return PIC.getPassNameForClassName(ClassName);
  });
  return OS.str();
}
