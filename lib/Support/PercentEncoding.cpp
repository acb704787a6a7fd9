//===- PercentEncoding.cpp - URL escapes ----------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Support/PercentEncoding.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace llvm;

std::optional<std::string> lambdaopt::percentDecode(StringRef Text,
                                                    size_t *BadOffset) {
  std::string Decoded;
  Decoded.reserve(Text.size());
  // Runs without an escape are copied whole: most names have none.
  for (size_t I = 0;;) {
    size_t Escape = Text.find('%', I);
    Decoded.append(Text.data() + I, std::min(Escape, Text.size()) - I);
    if (Escape == StringRef::npos)
      return Decoded;
    unsigned Hi, Lo;
    if (Escape + 2 >= Text.size() ||
        (Hi = hexDigitValue(Text[Escape + 1])) == -1U ||
        (Lo = hexDigitValue(Text[Escape + 2])) == -1U) {
      if (BadOffset)
        *BadOffset = Escape;
      return std::nullopt;
    }
    Decoded.push_back(static_cast<char>(Hi * 16 + Lo));
    I = Escape + 3;
  }
}

std::string lambdaopt::percentEncodePath(StringRef Path) {
  std::string Out;
  Out.reserve(Path.size());
  for (unsigned char C : Path) {
    if (isAlnum(C) || C == '-' || C == '.' || C == '_' || C == '~' ||
        C == '/') {
      Out.push_back(C);
      continue;
    }
    Out.push_back('%');
    Out.push_back(hexdigit(C >> 4));
    Out.push_back(hexdigit(C & 15));
  }
  return Out;
}
