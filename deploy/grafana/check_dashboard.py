#!/usr/bin/env python3
"""Checks that the Grafana dashboards and Prometheus alert rules name only real meters.

Every PromQL expression in the dashboards (panel targets, annotations, template
variables) and in the alert rules is tokenised; every series name it selects must
be listed in deploy/metrics.txt, apart from the series Prometheus makes itself
(``up``, ``ALERTS``). The series of the promtool unit tests are checked too, and
so are a few dashboard invariants (schemaVersion >= 36, every query on the
datasource uid ``prometheus``, unique panel ids, no ``${DS_...}`` inputs).

With --promtool, every dashboard expression is also parsed by Prometheus's own
parser: the expressions, Grafana variables replaced by plain values, are written
as recording rules to a temporary file and checked with ``promtool check rules``.

Usage (from the repository root):
    python3 deploy/grafana/check_dashboard.py [--promtool]
Exits 0 when every check passed, 1 otherwise. Needs PyYAML (Debian: python3-yaml).
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parent.parent
# Series that Prometheus itself creates, not the application.
PROMETHEUS_SERIES = {"up", "ALERTS"}
DATASOURCE_UID = "prometheus"

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<str>"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`)
  | (?P<var>\$\{[^}]*\}|\$\w+)
  | (?P<num>0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:(?:ms|[smhdwy])(?:\d+(?:ms|[smhdwy]))*)?)
  | (?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
  | (?P<op>=~|!~|==|!=|>=|<=|[-+*/%^=<>(){}\[\],@:])
    """,
    re.VERBOSE,
)
# Keywords followed by a parenthesised list of label names.
_GROUPING = {"by", "without", "on", "ignoring", "group_left", "group_right"}
# Keywords and literals that are neither functions nor series.
_KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan", "atan2"}
# Aggregation operators, which may be followed by a grouping clause before their "(".
_AGGREGATIONS = {
    "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
    "bottomk", "topk", "quantile", "limitk", "limit_ratio",
}


class PromQLError(ValueError):
    pass


def tokens(expr):
    out, pos = [], 0
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m:
            raise PromQLError(f"unexpected character {expr[pos]!r} at {pos} in: {expr}")
        pos = m.end()
        if m.lastgroup not in ("ws", "comment"):
            out.append((m.lastgroup, m.group()))
    return out


def _skip_to(toks, i, close):
    """Index just past the token `close` matching the opener at toks[i]."""
    opener, depth = toks[i][1], 0
    for j in range(i, len(toks)):
        if toks[j] == ("op", opener):
            depth += 1
        elif toks[j] == ("op", close):
            depth -= 1
            if depth == 0:
                return j + 1
    raise PromQLError(f"unbalanced {opener!r}")


def metric_names(expr):
    """Series names that a PromQL expression selects."""
    toks, names, i = tokens(expr), set(), 0
    while i < len(toks):
        kind, text = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if kind == "op" and text == "{":
            # label matchers; {__name__="x"} names a series too
            end = _skip_to(toks, i, "}")
            inner = toks[i + 1 : end - 1]
            for k in range(len(inner) - 2):
                if inner[k] == ("ident", "__name__") and inner[k + 1][1] == "=":
                    names.add(inner[k + 2][1][1:-1])
            i = end
            continue
        if kind == "op" and text == "[":
            i = _skip_to(toks, i, "]")
            continue
        if kind == "ident":
            low = text.lower()
            if low in _GROUPING:
                i = _skip_to(toks, i + 1, ")") if nxt == ("op", "(") else i + 1
                continue
            if low in _KEYWORDS or nxt == ("op", "("):
                i += 1  # keyword, function or aggregation
                continue
            if low in _AGGREGATIONS and nxt is not None and nxt[0] == "ident" and nxt[1].lower() in ("by", "without"):
                i += 1  # aggregation written as "sum by (...) (...)"
                continue
            names.add(text)
        i += 1
    return names


_LABEL_VALUES = re.compile(r"^\s*label_values\((?:(?P<expr>.*),)?\s*(?P<label>\w+)\s*\)\s*$", re.S)
_OTHER_VARIABLE_FUNCS = re.compile(r"^\s*(?:query_result|metrics|label_names)\((?P<expr>.*)\)\s*$", re.S)


def variable_expr(query):
    """The PromQL part of a Grafana Prometheus template-variable query, or None."""
    m = _LABEL_VALUES.match(query) or _OTHER_VARIABLE_FUNCS.match(query)
    if m:
        return m.group("expr")
    return query


def grafana_to_promql(expr):
    """Replaces Grafana variables with values Prometheus accepts."""

    def sub(m):
        name = m.group(1) or m.group(2)
        return "5m" if name.startswith("__") else ".*"

    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)", sub, expr)


def dashboard_exprs(dash):
    """(where, expr) for every PromQL expression in a dashboard."""
    found = []

    def walk(node, where):
        if isinstance(node, dict):
            title = node.get("title") or node.get("name") or where
            if isinstance(node.get("expr"), str) and node["expr"].strip():
                found.append((f"{title} [{node.get('refId', '-')}]", node["expr"]))
            for k, v in node.items():
                if k != "templating":
                    walk(v, title)
        elif isinstance(node, list):
            for v in node:
                walk(v, where)

    walk(dash, dash.get("title", "dashboard"))
    for var in dash.get("templating", {}).get("list", []):
        if var.get("type") != "query":
            continue
        q = var.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        if q:
            e = variable_expr(q)
            if e:
                found.append((f"variable ${var['name']}", e))
    return found


def dashboard_structure(dash):
    """Problems with the dashboard's structure."""
    problems = []
    if int(dash.get("schemaVersion", 0)) < 36:
        problems.append(f"schemaVersion {dash.get('schemaVersion')} < 36")
    if "${DS_" in json.dumps(dash):
        problems.append("uses a ${DS_...} datasource input; use the fixed uid")
    ids = []

    def panels(ps):
        for p in ps:
            yield p
            yield from panels(p.get("panels", []))

    for p in panels(dash.get("panels", [])):
        ids.append(p.get("id"))
        if "gridPos" not in p:
            problems.append(f"panel {p.get('title')!r} has no gridPos")
        if p.get("type") == "row":
            continue
        sources = [p.get("datasource")] + [t.get("datasource") for t in p.get("targets", [])]
        for ds in sources:
            if not isinstance(ds, dict) or ds.get("uid") != DATASOURCE_UID:
                problems.append(f"panel {p.get('title')!r}: datasource {ds!r} is not uid {DATASOURCE_UID!r}")
        if not p.get("targets"):
            problems.append(f"panel {p.get('title')!r} has no query")
    dup = sorted({i for i in ids if ids.count(i) > 1}, key=str)
    if dup:
        problems.append(f"duplicate panel ids {dup}")
    for var in dash.get("templating", {}).get("list", []):
        ds = var.get("datasource")
        if var.get("type") == "query" and (not isinstance(ds, dict) or ds.get("uid") != DATASOURCE_UID):
            problems.append(f"variable {var.get('name')}: datasource {ds!r} is not uid {DATASOURCE_UID!r}")
    return problems


def alert_exprs(path):
    doc = yaml.safe_load(path.read_text())
    return [
        (f"{path.name}: {r.get('alert') or r.get('record')}", r["expr"])
        for g in doc.get("groups", [])
        for r in g.get("rules", [])
    ]


def test_series(path):
    doc = yaml.safe_load(path.read_text())
    out = []
    for t in doc.get("tests", []):
        for s in t.get("input_series", []):
            out.append((f"{path.name}: {s['series']}", s["series"]))
    return out


def promtool_check(exprs):
    """Parses expressions with promtool by writing them as recording rules."""
    promtool = shutil.which("promtool")
    if not promtool:
        return ["promtool not found on PATH"]
    rules = [{"record": f"check:expr_{i}", "expr": grafana_to_promql(e)} for i, (_, e) in enumerate(exprs)]
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        yaml.safe_dump({"groups": [{"name": "dashboard-expressions", "rules": rules}]}, f, sort_keys=False)
        name = f.name
    try:
        r = subprocess.run([promtool, "check", "rules", name], capture_output=True, text=True)
    finally:
        Path(name).unlink()
    if r.returncode != 0:
        return [(r.stdout + r.stderr).strip()]
    return []


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--metrics", type=Path, default=DEPLOY / "metrics.txt")
    ap.add_argument("--dashboards", type=Path, nargs="*",
                    default=sorted((DEPLOY / "grafana" / "dashboards").glob("*.json")))
    ap.add_argument("--rules", type=Path, nargs="*", default=[DEPLOY / "prometheus" / "alerts.yml"])
    ap.add_argument("--rule-tests", type=Path, nargs="*", default=[DEPLOY / "prometheus" / "alerts_test.yml"])
    ap.add_argument("--promtool", action="store_true", help="also parse dashboard expressions with promtool")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every expression and its series")
    args = ap.parse_args(argv)

    known = {
        line.strip()
        for line in args.metrics.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }
    passed, failed = 0, 0

    def report(ok, what, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            if args.verbose:
                print(f"ok    {what}{detail}")
        else:
            failed += 1
            print(f"FAIL  {what}{detail}")

    used = set()
    all_dash_exprs = []
    for path in args.dashboards:
        try:
            dash = json.loads(path.read_text())
        except json.JSONDecodeError as e:
            report(False, f"{path.name}: JSON", f": {e}")
            continue
        problems = dashboard_structure(dash)
        report(not problems, f"{path.name}: structure", "".join(f"\n      {p}" for p in problems))
        exprs = dashboard_exprs(dash)
        all_dash_exprs += exprs
        checks = [(f"{path.name}: {w}", e) for w, e in exprs]
        for where, expr in checks:
            _check_expr(where, expr, known, used, report)

    for path in args.rules:
        for where, expr in alert_exprs(path):
            _check_expr(where, expr, known, used, report)

    for path in args.rule_tests:
        for where, series in test_series(path):
            _check_expr(where, series, known, used, report)

    if args.promtool:
        problems = promtool_check(all_dash_exprs)
        report(not problems, f"promtool parses all {len(all_dash_exprs)} dashboard expressions",
               "".join(f"\n      {p}" for p in problems))

    unused = sorted(known - used)
    print(f"series used: {len(used & known)} of {len(known)} listed (+ Prometheus's own: "
          f"{', '.join(sorted(used & PROMETHEUS_SERIES)) or 'none'})")
    if unused:
        print("listed but unused: " + ", ".join(unused))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def _check_expr(where, expr, known, used, report):
    try:
        names = metric_names(expr)
    except PromQLError as e:
        report(False, where, f": {e}")
        return
    unknown = sorted(n for n in names if n not in known and n not in PROMETHEUS_SERIES)
    used.update(names)
    if not names:
        report(False, where, ": names no series")
    elif unknown:
        report(False, where, f": unknown series {unknown} in: {expr}")
    else:
        report(True, where, f": {', '.join(sorted(names))}")


if __name__ == "__main__":
    sys.exit(main())
