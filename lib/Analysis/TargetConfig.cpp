//===- TargetConfig.cpp - Targets and edge marker evaluation --------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Everything of the install-set analysis that needs the marker library. This
// file does not include the IR.
//
//===----------------------------------------------------------------------===//

#include "MarkerEvaluator.h"

#include "lambda-opt/Standards/Marker.h"
#include "lambda-opt/Target/Runtime.h"

using namespace llvm;
using namespace lambdaopt;
using namespace lambdaopt::analysis;

MarkerEnvironment TargetConfig::getMarkerEnvironment() const {
  return makeMarkerEnvironment(*Runtime, Arch);
}

TagTarget TargetConfig::getTagTarget() const {
  return makeTagTarget(*Runtime, Arch);
}

std::string TargetConfig::str() const {
  return (Runtime->Identifier + "/" + getLambdaArchName(Arch)).str();
}

Expected<TargetConfig> lambdaopt::makeTargetConfig(StringRef RuntimeName,
                                                   StringRef ArchName) {
  Expected<const RuntimeInfo *> R = findRuntime(RuntimeName);
  if (!R)
    return R.takeError();
  Expected<ArchKind> A = parseArch(ArchName);
  if (!A)
    return A.takeError();
  if (!(*R)->supportsArch(*A))
    return createStringError(
        inconvertibleErrorCode(), "runtime %s does not support %s",
        (*R)->Identifier.str().c_str(), getLambdaArchName(*A).str().c_str());
  TargetConfig T;
  T.Runtime = *R;
  T.Arch = *A;
  return T;
}

std::string analysis::normalize(StringRef Name) {
  return normalizePackageName(Name);
}

struct MarkerEvaluator::Impl {
  MarkerEnvironment Env;
  MarkerCache Cache;
};

MarkerEvaluator::MarkerEvaluator(const TargetConfig &Target)
    : I(std::make_unique<Impl>()) {
  I->Env = Target.getMarkerEnvironment();
}

MarkerEvaluator::~MarkerEvaluator() = default;

Expected<bool> MarkerEvaluator::evaluate(StringRef Text,
                                         ExtraQuery IsExtraActive,
                                         ConflictQuery IsConflictActive) {
  if (Text.trim().empty())
    return true;
  Expected<const Marker *> M = I->Cache.get(Text);
  if (!M)
    return createStringError(inconvertibleErrorCode(),
                             "invalid marker '%s': %s", Text.str().c_str(),
                             toString(M.takeError()).c_str());
  return (*M)->evaluate(I->Env, [&](StringRef Extra) {
    std::optional<ConflictItem> Item = decodeConflictExtra(Extra);
    if (!Item)
      return IsExtraActive(Extra);
    ConflictTargetKind Kind = ConflictTargetKind::Extra;
    if (Item->ItemKind == ConflictItem::Kind::Group)
      Kind = ConflictTargetKind::Group;
    else if (Item->ItemKind == ConflictItem::Kind::Project)
      Kind = ConflictTargetKind::Project;
    return IsConflictActive(Kind, Item->Package, Item->Name);
  });
}

Expected<bool> MarkerEvaluator::anyTrue(ArrayRef<StringRef> Markers) {
  if (Markers.empty())
    return true;
  for (StringRef Text : Markers) {
    Expected<const Marker *> M = I->Cache.get(Text);
    if (!M)
      return M.takeError();
    if ((*M)->evaluate(I->Env, [](StringRef) { return false; }))
      return true;
  }
  return false;
}
