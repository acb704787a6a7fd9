//===- lambda-opt/Support/Format.h - Sizes and counts for people -*- C++ -*-=//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#ifndef LAMBDA_OPT_SUPPORT_FORMAT_H
#define LAMBDA_OPT_SUPPORT_FORMAT_H

#include <cstdint>
#include <string>

namespace lambdaopt {

/// A size in decimal units, as Lambda's limits are written: "512 bytes",
/// "21.8 kB", "21.8 MB".
std::string formatSize(uint64_t Bytes);

/// A size in megabytes with one decimal ("21.8 MB"), for figures compared
/// with Lambda's limits side by side.
std::string formatMegabytes(uint64_t Bytes);

/// \p N with digit grouping: "262,144,000".
std::string formatThousands(uint64_t N);

} // namespace lambdaopt

#endif // LAMBDA_OPT_SUPPORT_FORMAT_H
