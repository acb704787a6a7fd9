//===- PercentEncoding.cpp - URL escapes ----------------------------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Support/PercentEncoding.h"

#include "llvm/ADT/StringExtras.h"

using namespace llvm;

std::optional<std::string> lambdaopt::percentDecode(StringRef Text,
                                                    size_t *BadOffset) {
  std::string Decoded;
  Decoded.reserve(Text.size());
  for (size_t I = 0; I < Text.size(); ++I) {
    if (Text[I] != '%') {
      Decoded.push_back(Text[I]);
      continue;
    }
    unsigned Hi, Lo;
    if (I + 2 >= Text.size() || (Hi = hexDigitValue(Text[I + 1])) == -1U ||
        (Lo = hexDigitValue(Text[I + 2])) == -1U) {
      if (BadOffset)
        *BadOffset = I;
      return std::nullopt;
    }
    Decoded.push_back(static_cast<char>(Hi * 16 + Lo));
    I += 2;
  }
  return Decoded;
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
