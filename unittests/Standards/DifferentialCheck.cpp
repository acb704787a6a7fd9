//===- DifferentialCheck.cpp - Compare with PyPA packaging results --------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Reads the case file utils/differential/gen_cases.py writes (results computed
// by PyPA `packaging`), recomputes every result with lib/Standards, and prints
// each disagreement. Exits non-zero if any case disagrees or none was read.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Standards/Marker.h"
#include "lambda-opt/Standards/Version.h"
#include "lambda-opt/Standards/Wheel.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <string>
#include <vector>

using namespace llvm;
using namespace lambdaopt;

namespace {

class Checker {
public:
  unsigned Mismatches = 0;
  std::map<std::string, unsigned> Counts;

  void run(StringRef Line, unsigned LineNo) {
    SmallVector<StringRef, 24> F;
    Line.split(F, '\t');
    StringRef Kind = F[0];
    if (Kind == "P") {
      outs() << "packaging version " << F[1] << "\n";
      return;
    }
    if (Kind == "E")
      return addEnvironment(F);
    if (Kind == "T")
      return addTarget(F);
    ++Counts[Kind.str()];
    std::string Got, Want;
    if (Kind == "V") {
      Want = F[2].str();
      Got = checkVersion(F[1]);
    } else if (Kind == "C") {
      Want = F[3].str();
      Got = checkCompare(F[1], F[2]);
    } else if (Kind == "S") {
      Want = F[4].str();
      Got = checkSpecifier(F[1], F[2], F[3] == "1");
    } else if (Kind == "M") {
      Want = F[4].str();
      Got = checkMarker(F[1], F[2], F[3]);
    } else if (Kind == "W") {
      Want = join(ArrayRef<StringRef>(F).drop_front(2), " ");
      Got = checkWheel(F[1]);
    } else {
      errs() << "line " << LineNo << ": unknown record kind '" << Kind << "'\n";
      ++Mismatches;
      return;
    }
    if (Got == Want)
      return;
    if (++Mismatches <= 2000)
      outs() << "MISMATCH line " << LineNo << ": " << Line
             << "\n  got:  " << Got << "\n  want: " << Want << "\n";
  }

  size_t getTargetCount() const { return Targets.size(); }

private:
  StringMap<MarkerEnvironment> Envs;
  std::vector<TagTarget> Targets;

  void addEnvironment(ArrayRef<StringRef> F) {
    MarkerEnvironment &E = Envs[F[1]];
    std::string *Fields[] = {&E.ImplementationName,
                             &E.ImplementationVersion,
                             &E.OsName,
                             &E.PlatformMachine,
                             &E.PlatformPythonImplementation,
                             &E.PlatformRelease,
                             &E.PlatformSystem,
                             &E.PlatformVersion,
                             &E.PythonFullVersion,
                             &E.PythonVersion,
                             &E.SysPlatform};
    for (unsigned I = 0; I != 11; ++I)
      *Fields[I] = F[2 + I].str();
  }

  void addTarget(ArrayRef<StringRef> F) {
    TagTarget T;
    F[2].getAsInteger(10, T.PythonMinor);
    T.Arch = F[3] == "x86_64" ? ArchKind::X86_64 : ArchKind::AArch64;
    F[4].getAsInteger(10, T.GlibcMinor);
    Targets.push_back(T);
  }

  static std::string checkVersion(StringRef Text) {
    Expected<Version> V = Version::parse(Text);
    if (!V) {
      consumeError(V.takeError());
      return "ERR";
    }
    return V->str();
  }

  static std::string checkCompare(StringRef A, StringRef B) {
    Expected<Version> VA = Version::parse(A), VB = Version::parse(B);
    if (!VA || !VB) {
      consumeError(VA.takeError());
      consumeError(VB.takeError());
      return "ERR";
    }
    return std::to_string(VA->compare(*VB));
  }

  static std::string checkSpecifier(StringRef Spec, StringRef Ver,
                                    bool AllowPre) {
    Expected<SpecifierSet> S = SpecifierSet::parse(Spec);
    if (!S) {
      consumeError(S.takeError());
      return "ERR";
    }
    Expected<Version> V = Version::parse(Ver);
    if (!V) {
      consumeError(V.takeError());
      return "BADVERSION";
    }
    return S->contains(*V, AllowPre) ? "1" : "0";
  }

  std::string checkMarker(StringRef Text, StringRef EnvName, StringRef Extra) {
    Expected<Marker> M = Marker::parse(Text);
    if (!M) {
      consumeError(M.takeError());
      return "ERR";
    }
    auto It = Envs.find(EnvName);
    if (It == Envs.end())
      return "NOENV";
    std::string Active = normalizePackageName(Extra);
    bool R = M->evaluate(It->second, [&](StringRef E) { return E == Active; });
    // The printed form must parse back to a marker with the same meaning.
    Expected<Marker> Again = Marker::parse(M->str());
    if (!Again) {
      consumeError(Again.takeError());
      return "REPARSE-ERR";
    }
    if (Again->evaluate(It->second, [&](StringRef E) { return E == Active; }) !=
        R)
      return "REPARSE-DIFFERS";
    return R ? "1" : "0";
  }

  std::string checkWheel(StringRef File) {
    Expected<WheelFilename> W = WheelFilename::parse(File);
    if (!W) {
      consumeError(W.takeError());
      return "ERR";
    }
    std::string Out = W->getNormalizedName() + " " + W->Ver.str() + " ";
    if (W->Build)
      Out += std::to_string(W->Build->Number) + W->Build->Suffix;
    else
      Out += "-";
    for (const TagTarget &T : Targets) {
      std::optional<unsigned> P = tagPriority(*W, T);
      Out += " " + (P ? std::to_string(*P) : std::string("-"));
      // An incompatible wheel must come with an explanation.
      if (!P != explainIncompatibility(*W, T).has_value())
        Out += "!explain";
    }
    return Out;
  }
};

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    errs() << "usage: standards-differential-check CASES\n";
    return 2;
  }
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buf = MemoryBuffer::getFile(argv[1]);
  if (!Buf) {
    errs() << "cannot read '" << argv[1] << "': " << Buf.getError().message()
           << "\n";
    return 2;
  }
  Checker C;
  SmallVector<StringRef, 0> Lines;
  (*Buf)->getBuffer().split(Lines, '\n', -1, false);
  for (unsigned I = 0, E = Lines.size(); I != E; ++I)
    C.run(Lines[I], I + 1);
  unsigned Total = 0;
  for (const auto &KV : C.Counts) {
    outs() << KV.first << ": " << KV.second << " cases\n";
    Total += KV.second;
  }
  outs() << "(each W case checks " << C.getTargetCount() << " tag targets)\n";
  outs() << "compared " << Total << " cases with packaging, " << C.Mismatches
         << " mismatches\n";
  return (C.Mismatches || Total == 0) ? 1 : 0;
}
