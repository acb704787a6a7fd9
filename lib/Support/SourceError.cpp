//===- SourceError.cpp - Located input errors -----------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Support/SourceError.h"

#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace lambdaopt;

char SourceError::ID = 0;

void SourceError::print(const SourceMgr &SM, raw_ostream &OS) const {
  ArrayRef<SMRange> Ranges;
  if (Range.End.getPointer() &&
      Range.End.getPointer() > Range.Start.getPointer() + 1)
    Ranges = makeArrayRef(Range);
  SM.PrintMessage(OS, Range.Start, SourceMgr::DK_Error, Message, Ranges);
  for (const Note &N : Notes)
    SM.PrintMessage(OS, N.Loc, SourceMgr::DK_Note, N.Message);
}

Error lambdaopt::makeSourceError(SMRange Range, const Twine &Message) {
  return make_error<SourceError>(Range, Message.str());
}

Error lambdaopt::makeSourceError(SMLoc Loc, const Twine &Message) {
  return make_error<SourceError>(SMRange(Loc, Loc), Message.str());
}

void lambdaopt::printError(Error E, const SourceMgr &SM, StringRef ToolName,
                           raw_ostream &OS) {
  handleAllErrors(
      std::move(E), [&](const SourceError &SE) { SE.print(SM, OS); },
      [&](const ErrorInfoBase &EI) {
        WithColor::error(OS, ToolName) << EI.message() << '\n';
      });
}
