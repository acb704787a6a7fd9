//===- Printer.cpp - A complete text form of TOML documents ---------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Prints everything a Value holds, ranges included, so that tests can
// compare two parses of the same text byte for byte.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/TOML/TOML.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"

using namespace llvm;
using namespace lambdaopt;
using namespace lambdaopt::toml;

static StringRef getOriginName(TableOrigin O) {
  switch (O) {
  case TableOrigin::Implicit:
    return "implicit";
  case TableOrigin::Header:
    return "header";
  case TableOrigin::Dotted:
    return "dotted";
  case TableOrigin::Inline:
    return "inline";
  case TableOrigin::Root:
    return "root";
  }
  llvm_unreachable("unknown table origin");
}

static void printRange(SMRange R, const char *Base, raw_ostream &OS) {
  if (!R.isValid()) {
    OS << "@?";
    return;
  }
  OS << '@' << (R.Start.getPointer() - Base) << ':'
     << (R.End.getPointer() - Base);
}

void toml::printValue(const Value &V, const char *Base, raw_ostream &OS,
                      unsigned Indent) {
  OS << getKindName(V.getKind()) << ' ';
  printRange(V.getRange(), Base, OS);
  switch (V.getKind()) {
  case ValueKind::Integer:
    OS << ' ' << V.getInteger() << " \"";
    printEscapedString(V.getString(), OS);
    OS << "\"\n";
    return;
  case ValueKind::Boolean:
    OS << (V.getBoolean() ? " true\n" : " false\n");
    return;
  case ValueKind::Float:
    OS << ' ' << format("%a", V.getFloat()) << " \"";
    printEscapedString(V.getString(), OS);
    OS << "\"\n";
    return;
  case ValueKind::Array:
    OS << (V.isArrayOfTables() ? " of tables\n" : "\n");
    for (const Value *Elt : V.getElements()) {
      OS.indent(Indent + 2) << "- ";
      printValue(*Elt, Base, OS, Indent + 2);
    }
    return;
  case ValueKind::Table:
    OS << ' ' << getOriginName(V.getOrigin()) << '\n';
    for (const Entry &E : V.getEntries()) {
      OS.indent(Indent + 2) << '"';
      printEscapedString(E.Key, OS);
      OS << "\" ";
      printRange(E.KeyRange, Base, OS);
      OS << " = ";
      printValue(*E.Val, Base, OS, Indent + 2);
    }
    return;
  default:
    // Strings and dates: their text.
    OS << " \"";
    printEscapedString(V.getString(), OS);
    OS << "\"\n";
    return;
  }
}
