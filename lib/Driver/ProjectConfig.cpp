//===- ProjectConfig.cpp - [tool.lambda-opt] run settings -----------------===//
//
// Part of lambda-opt, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "lambda-opt/Driver/ProjectConfig.h"
#include "lambda-opt/Support/SourceError.h"
#include "lambda-opt/TOML/TOML.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"

using namespace llvm;
using namespace lambdaopt;

static constexpr StringLiteral Keys[] = {
    "all-extras",
    "allow-insecure-hosts",
    "allowed-index-hosts",
    "arch",
    "base-image",
    "cache-dir",
    "compile-bytecode",
    "extras",
    "find-links",
    "groups",
    "handler",
    "image-tag",
    "include",
    "include-hidden",
    "jobs",
    "layer-sizes",
    "no-emit-package",
    "no-emit-project",
    "no-emit-workspace",
    "offline",
    "package",
    "runtime",
    "size-budget",
    "strip",
};

ArrayRef<StringLiteral> lambdaopt::getProjectOptionKeys() { return Keys; }

Expected<uint64_t> lambdaopt::parseByteSize(StringRef Text) {
  StringRef T = Text.trim();
  size_t DigitsEnd = T.find_first_not_of("0123456789");
  StringRef Digits = T.substr(0, DigitsEnd);
  StringRef Unit =
      DigitsEnd == StringRef::npos ? "" : T.substr(DigitsEnd).trim();
  uint64_t N;
  if (Digits.empty() || Digits.getAsInteger(10, N))
    return createStringError(inconvertibleErrorCode(),
                             "'%s' is not a size; expected bytes or a number "
                             "with a unit such as \"200 MB\" or \"50 MiB\"",
                             Text.str().c_str());
  static constexpr std::pair<const char *, uint64_t> Units[] = {
      {"", 1},
      {"b", 1},
      {"kb", 1000},
      {"kib", 1 << 10},
      {"mb", 1000000},
      {"mib", 1 << 20},
      {"gb", 1000000000},
      {"gib", 1ull << 30},
  };
  std::string Lower = Unit.lower();
  for (const auto &U : Units) {
    if (Lower != U.first)
      continue;
    uint64_t Bytes;
    if (__builtin_mul_overflow(N, U.second, &Bytes))
      break;
    return Bytes;
  }
  return createStringError(inconvertibleErrorCode(),
                           "'%s' is not a size; expected bytes or a number "
                           "with a unit such as \"200 MB\" or \"50 MiB\"",
                           Text.str().c_str());
}

namespace {

/// Typed reads of one table, stopping at the first error.
class OptionReader {
public:
  OptionReader(const toml::Value &Table, StringRef BaseDir)
      : Table(Table), BaseDir(BaseDir) {}

  Error string(StringRef Key, std::string &Out, SMRange *Range = nullptr) {
    const toml::Value *V = Table.get(Key);
    if (!V)
      return Error::success();
    if (!V->isString())
      return wrongType(Key, *V, "a string");
    Out = V->getString().str();
    if (Range)
      *Range = V->getRange();
    return Error::success();
  }

  Error boolean(StringRef Key, bool &Out) {
    const toml::Value *V = Table.get(Key);
    if (!V)
      return Error::success();
    if (!V->isBoolean())
      return wrongType(Key, *V, "a boolean");
    Out = V->getBoolean();
    return Error::success();
  }

  Error strings(StringRef Key, std::vector<std::string> &Out,
                bool Paths = false, SMRange *Range = nullptr) {
    const toml::Value *V = Table.get(Key);
    if (!V)
      return Error::success();
    if (!V->isArray())
      return wrongType(Key, *V, "an array of strings");
    if (Range)
      *Range = V->getRange();
    Out.clear();
    for (const toml::Value *E : V->getElements()) {
      if (!E->isString())
        return makeSourceError(E->getRange(),
                               "each element of '" + Key +
                                   "' must be a string, not " +
                                   toml::getKindName(E->getKind()));
      Out.push_back(Paths ? resolve(E->getString()) : E->getString().str());
    }
    return Error::success();
  }

  Error size(StringRef Key, std::optional<uint64_t> &Out, SMRange *Range) {
    const toml::Value *V = Table.get(Key);
    if (!V)
      return Error::success();
    *Range = V->getRange();
    Expected<uint64_t> Bytes = toBytes(Key, *V);
    if (!Bytes)
      return Bytes.takeError();
    Out = *Bytes;
    return Error::success();
  }

  Error sizes(StringRef Key, std::vector<uint64_t> &Out) {
    const toml::Value *V = Table.get(Key);
    if (!V)
      return Error::success();
    if (!V->isArray())
      return wrongType(Key, *V, "an array of sizes");
    Out.clear();
    for (const toml::Value *E : V->getElements()) {
      Expected<uint64_t> Bytes = toBytes(Key, *E);
      if (!Bytes)
        return Bytes.takeError();
      Out.push_back(*Bytes);
    }
    return Error::success();
  }

  Error count(StringRef Key, unsigned &Out) {
    const toml::Value *V = Table.get(Key);
    if (!V)
      return Error::success();
    if (!V->isInteger() || V->getInteger() < 1 || V->getInteger() > 256)
      return makeSourceError(V->getRange(),
                             "'" + Key + "' must be an integer from 1 to 256");
    Out = static_cast<unsigned>(V->getInteger());
    return Error::success();
  }

  std::string resolve(StringRef Path) const {
    if (sys::path::is_absolute(Path) || BaseDir.empty())
      return Path.str();
    SmallString<256> Full(BaseDir);
    sys::path::append(Full, Path);
    return std::string(Full);
  }

private:
  const toml::Value &Table;
  StringRef BaseDir;

  static Error wrongType(StringRef Key, const toml::Value &V,
                         StringRef Expected) {
    return makeSourceError(V.getRange(), "'" + Key + "' must be " + Expected +
                                             ", not " +
                                             toml::getKindName(V.getKind()));
  }

  static Expected<uint64_t> toBytes(StringRef Key, const toml::Value &V) {
    if (V.isInteger()) {
      if (V.getInteger() < 0)
        return makeSourceError(V.getRange(),
                               "'" + Key + "' must not be negative");
      return static_cast<uint64_t>(V.getInteger());
    }
    if (!V.isString())
      return wrongType(Key, V, "a size (bytes, or a string like \"200 MB\")");
    Expected<uint64_t> Bytes = parseByteSize(V.getString());
    if (!Bytes)
      return makeSourceError(V.getRange(), toString(Bytes.takeError()));
    return *Bytes;
  }
};

} // namespace

Error lambdaopt::readProjectOptions(const toml::Value &Table, StringRef BaseDir,
                                    ProjectOptions &Opts) {
  OptionReader R(Table, BaseDir);
  std::string CacheDir;
  Error Errors[] = {
      R.string("runtime", Opts.Runtime, &Opts.RuntimeRange),
      R.string("arch", Opts.Arch, &Opts.ArchRange),
      R.string("package", Opts.Package),
      R.strings("extras", Opts.Extras),
      R.boolean("all-extras", Opts.AllExtras),
      R.strings("groups", Opts.Groups),
      R.boolean("no-emit-project", Opts.NoEmitProject),
      R.boolean("no-emit-workspace", Opts.NoEmitWorkspace),
      R.strings("no-emit-package", Opts.NoEmitPackages),
      R.sizes("layer-sizes", Opts.LayerSizes),
      R.size("size-budget", Opts.SizeBudget, &Opts.SizeBudgetRange),
      R.strings("allowed-index-hosts", Opts.AllowedIndexHosts, false,
                &Opts.AllowedIndexHostsRange),
      R.strings("find-links", Opts.FindLinks, /*Paths=*/true),
      R.string("cache-dir", CacheDir),
      R.boolean("offline", Opts.Offline),
      R.strings("allow-insecure-hosts", Opts.AllowInsecureHosts),
      R.count("jobs", Opts.Jobs),
      R.strings("include", Opts.Includes, /*Paths=*/true),
      R.boolean("include-hidden", Opts.IncludeHidden),
      R.string("handler", Opts.Handler, &Opts.HandlerRange),
      R.string("base-image", Opts.BaseImage),
      R.string("image-tag", Opts.ImageTag),
      R.boolean("compile-bytecode", Opts.CompileBytecode),
      R.strings("strip", Opts.Strip),
  };
  Error First = Error::success();
  for (Error &E : Errors) {
    if (!E)
      continue;
    if (First)
      consumeError(std::move(E));
    else
      First = std::move(E);
  }
  if (First)
    return First;
  if (!CacheDir.empty())
    Opts.CacheDir = R.resolve(CacheDir);
  // `oci:PATH[:TAG]` names a layout relative to the configuration's folder.
  StringRef Base = Opts.BaseImage;
  if (Base.consume_front("oci:") && !Base.empty() &&
      !sys::path::is_absolute(Base))
    Opts.BaseImage = "oci:" + R.resolve(Base);
  return Error::success();
}
