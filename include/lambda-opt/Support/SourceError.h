//===- lambda-opt/Support/SourceError.h - Located input errors -*- C++ -*-===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// An llvm::Error that points into a loaded input buffer. The driver prints
// it clang-style (`uv.lock:12:5: error: ...`, source line, caret) through the
// llvm::SourceMgr that owns the buffer.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_SUPPORT_SOURCEERROR_H
#define LAMBDA_OPT_SUPPORT_SOURCEERROR_H

#include "llvm/Support/Error.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"

#include <string>

namespace lambdaopt {

/// An input error at a location in a SourceMgr buffer, with optional notes
/// (each a location and a message).
class SourceError : public llvm::ErrorInfo<SourceError> {
public:
  static char ID;

  struct Note {
    llvm::SMLoc Loc;
    std::string Message;
  };

  SourceError(llvm::SMRange Range, std::string Message)
      : Range(Range), Message(std::move(Message)) {}
  SourceError(llvm::SMRange Range, std::string Message, llvm::SMLoc NoteLoc,
              std::string NoteMessage)
      : Range(Range), Message(std::move(Message)) {
    addNote(NoteLoc, std::move(NoteMessage));
  }

  SourceError &addNote(llvm::SMLoc Loc, std::string Message) {
    Notes.push_back({Loc, std::move(Message)});
    return *this;
  }

  llvm::SMRange getRange() const { return Range; }
  llvm::SMLoc getLoc() const { return Range.Start; }
  const std::string &getMessage() const { return Message; }
  llvm::ArrayRef<Note> getNotes() const { return Notes; }

  /// Prints the error and its notes through \p SM, caret and all.
  void print(const llvm::SourceMgr &SM, llvm::raw_ostream &OS) const;

  void log(llvm::raw_ostream &OS) const override { OS << Message; }
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }

private:
  llvm::SMRange Range;
  std::string Message;
  llvm::SmallVector<Note, 1> Notes;
};

/// Creates a SourceError at \p Range.
llvm::Error makeSourceError(llvm::SMRange Range, const llvm::Twine &Message);

/// Creates a SourceError at the single character \p Loc.
llvm::Error makeSourceError(llvm::SMLoc Loc, const llvm::Twine &Message);

/// Prints \p E (consuming it): SourceErrors clang-style through \p SM, any
/// other error as `<Tool>: error: message`.
void printError(llvm::Error E, const llvm::SourceMgr &SM,
                llvm::StringRef ToolName, llvm::raw_ostream &OS);

} // namespace lambdaopt

#endif // LAMBDA_OPT_SUPPORT_SOURCEERROR_H
