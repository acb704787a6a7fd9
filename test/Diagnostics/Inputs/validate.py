#!/usr/bin/env python3
"""Validates lambda-opt's machine-readable output.

  validate.py json FILE    the --output-format=json document
  validate.py sarif FILE   SARIF 2.1.0 as GitHub code scanning reads it

Checks the structure and types every consumer relies on, including the
cross-references (a result's ruleIndex names the rule with its ruleId), and
prints "valid <kind>: N findings" or exits 1 with the first problem.
"""
import json
import sys


def fail(msg):
    print("invalid: " + msg)
    sys.exit(1)


def need(obj, key, kind, where):
    if key not in obj:
        fail("%s has no '%s'" % (where, key))
    if not isinstance(obj[key], kind):
        fail("%s.%s is %s, expected %s" % (where, key,
                                           type(obj[key]).__name__,
                                           kind.__name__))
    return obj[key]


def check_json(doc):
    diags = need(doc, "diagnostics", list, "document")
    summary = need(doc, "summary", dict, "document")
    for i, d in enumerate(diags):
        where = "diagnostics[%d]" % i
        for key in ("code", "name", "severity", "file", "message"):
            need(d, key, str, where)
        for key in ("line", "column", "end_line", "end_column"):
            if need(d, key, int, where) < 1:
                fail("%s.%s must be >= 1" % (where, key))
        if d["severity"] not in ("error", "warning", "note"):
            fail("%s.severity is '%s'" % (where, d["severity"]))
        if d["package"] is not None and not isinstance(d["package"], str):
            fail("%s.package must be a string or null" % where)
        if (d["end_line"], d["end_column"]) < (d["line"], d["column"]):
            fail("%s ends before it starts" % where)
        for note in need(d, "notes", list, where):
            if not isinstance(note, str):
                fail("%s.notes must hold strings" % where)
    counts = {"error": 0, "warning": 0, "note": 0}
    for d in diags:
        counts[d["severity"]] += 1
    for severity, key in (("error", "errors"), ("warning", "warnings"),
                          ("note", "notes")):
        if need(summary, key, int, "summary") != counts[severity]:
            fail("summary.%s is %d, the diagnostics hold %d" %
                 (key, summary[key], counts[severity]))
    return len(diags)


def check_sarif(doc):
    if need(doc, "version", str, "log") != "2.1.0":
        fail("version is not 2.1.0")
    need(doc, "$schema", str, "log")
    runs = need(doc, "runs", list, "log")
    if len(runs) != 1:
        fail("expected one run, found %d" % len(runs))
    run = runs[0]
    driver = need(need(run, "tool", dict, "run"), "driver", dict, "tool")
    need(driver, "name", str, "driver")
    rules = need(driver, "rules", list, "driver")
    ids = []
    for i, r in enumerate(rules):
        where = "rules[%d]" % i
        ids.append(need(r, "id", str, where))
        need(need(r, "shortDescription", dict, where), "text", str, where)
        level = need(need(r, "defaultConfiguration", dict, where), "level",
                     str, where)
        if level not in ("error", "warning", "note", "none"):
            fail("%s level '%s'" % (where, level))
    if len(set(ids)) != len(ids):
        fail("rule ids repeat")
    results = need(run, "results", list, "run")
    for i, res in enumerate(results):
        where = "results[%d]" % i
        rule_id = need(res, "ruleId", str, where)
        index = need(res, "ruleIndex", int, where)
        if index >= len(ids) or ids[index] != rule_id:
            fail("%s.ruleIndex %d does not name %s" % (where, index, rule_id))
        if need(res, "level", str, where) not in ("error", "warning", "note"):
            fail("%s.level" % where)
        need(need(res, "message", dict, where), "text", str, where)
        locations = need(res, "locations", list, where)
        if not locations:
            fail("%s has no location" % where)
        phys = need(locations[0], "physicalLocation", dict, where)
        uri = need(need(phys, "artifactLocation", dict, where), "uri", str,
                   where)
        if uri.startswith("/"):
            fail("%s uri '%s' must be relative to the repository" %
                 (where, uri))
        region = need(phys, "region", dict, where)
        for key in ("startLine", "startColumn"):
            if need(region, key, int, where) < 1:
                fail("%s.region.%s must be >= 1" % (where, key))
    return len(results)


def main():
    kind, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    n = check_json(doc) if kind == "json" else check_sarif(doc)
    print("valid %s: %d findings" % (kind, n))


if __name__ == "__main__":
    main()
