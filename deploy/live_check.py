#!/usr/bin/env python3
"""The Python half of ``deploy/check.sh --live``: Prometheus against the running demo.

check.sh starts and stops the processes; this file does the rest, in subcommands:

  free-port            prints a free TCP port on 127.0.0.1
  metrics-url          waits until the demo prints its metrics URL on standard error, prints it
  prometheus-config    writes a Prometheus configuration that scrapes the demo every 2 s with
                       the sae-streams job's metric_relabel_configs from prometheus/prometheus.yml
                       and loads prometheus/alerts.yml
  verify               waits until Prometheus has scraped the demo for a while, then evaluates
                       every dashboard query, checks the alert rules, metrics.txt and the
                       relabeling; exits 1 on any failure

Only the standard library and PyYAML (Debian: python3-yaml). Every wait is bounded.
"""

import argparse
import json
import math
import os
import re
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parent
JOB = "sae-streams"
UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

# Queries that legitimately return no finite value on a healthy demo, with the reason. A query
# listed here that does return data is reported, not failed.
EXPECTED_EMPTY = {
    "KL to target firing distribution [A]":
        "the demo trains a TopK model without a KL penalty: the gauge is NaN, the query drops NaN"
        " and the panel shows n/a",
    "Anomaly share vs false-alarm target [E]":
        "the share of the day before, offset by 30 minutes: needs 30 minutes of history",
    "Replica divergence from the round's average [A]":
        "data-parallel training only; the demo runs a single trainer",
    "Synchronisation round duration and wait for the average [A]":
        "data-parallel training only: no round ends with a single trainer, the mean is 0/0",
    "Synchronisation round duration and wait for the average [C]":
        "data-parallel training only: no average is waited for with a single trainer, the mean is 0/0",
    "Contribution lag behind the round's first [A]":
        "data-parallel training only; the demo runs a single trainer",
    "Contributions per round [A]":
        "data-parallel training only: NaN until the first round is averaged",
    "Contributions per round [B]":
        "data-parallel training only: NaN until the first round is averaged",
    "annotation sae-streams alerts":
        "shows firing alerts; none fire on a healthy demo",
}

# Alert rules allowed to be pending or firing on the healthy demo, with the reason. None.
ALLOWED_ALERTS = {}

# Values for Grafana's built-in variables. $__rate_interval is 1m, as Grafana would choose for
# a 15 s scrape interval; the live check scrapes every 2 s, so 1m holds about 30 samples.
BUILTINS = {"__rate_interval": "1m", "__interval": "30s", "__range": "5m", "__range_s": "300"}


def log(msg):
    print(msg, flush=True)


# ---------------------------------------------------------------- small subcommands

def cmd_free_port(_args):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])


def cmd_metrics_url(args):
    """Waits for the demo's "Metrics  http://..." line (printed once the streams app runs)."""
    deadline = time.monotonic() + args.timeout
    pattern = re.compile(r"^Metrics\s+(http://\S+)\s*$", re.M)
    while time.monotonic() < deadline:
        text = Path(args.log).read_text(errors="replace") if Path(args.log).exists() else ""
        m = pattern.search(text)
        if m:
            print(m.group(1))
            return 0
        if args.pid and not _alive(args.pid):
            print(f"the demo (pid {args.pid}) exited before printing its metrics URL", file=sys.stderr)
            return 1
        time.sleep(1)
    print(f"no metrics URL from the demo within {args.timeout} s", file=sys.stderr)
    return 1


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie (exited, not yet reaped by check.sh) counts as gone
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def cmd_prometheus_config(args):
    deployed = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    job = next(j for j in deployed["scrape_configs"] if j["job_name"] == JOB)
    config = {
        "global": {"scrape_interval": "2s", "scrape_timeout": "2s", "evaluation_interval": "2s"},
        "rule_files": [str(DEPLOY / "prometheus" / "alerts.yml")],
        "scrape_configs": [{
            "job_name": JOB,
            "metrics_path": "/metrics",
            "static_configs": [{"targets": [args.target]}],
            "metric_relabel_configs": job.get("metric_relabel_configs", []),
        }],
    }
    Path(args.out).write_text(yaml.safe_dump(config, sort_keys=False))


# ---------------------------------------------------------------- Prometheus HTTP API

class Prometheus:
    def __init__(self, url):
        self.url = url.rstrip("/")

    def get(self, path, **params):
        q = urllib.parse.urlencode(params)
        with urllib.request.urlopen(f"{self.url}{path}{'?' + q if q else ''}", timeout=10) as r:
            body = json.load(r)
        if body.get("status") != "success":
            raise RuntimeError(f"{path}: {body}")
        return body["data"]

    def query(self, expr):
        data = self.get("/api/v1/query", query=expr)
        if data["resultType"] == "vector":
            return [(s["metric"], float(s["value"][1])) for s in data["result"]]
        if data["resultType"] == "scalar":
            return [({}, float(data["result"][1]))]
        raise RuntimeError(f"unexpected result type {data['resultType']} for {expr}")

    def try_query(self, expr):
        """query(), or [] while Prometheus does not answer."""
        try:
            return self.query(expr)
        except (RuntimeError, urllib.error.URLError, OSError):
            return []

    def ready(self):
        try:
            with urllib.request.urlopen(f"{self.url}/-/ready", timeout=5) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False


# ---------------------------------------------------------------- what the dashboard asks

def grafana_vars(expr, values):
    def sub(m):
        name = m.group(1) or m.group(2)
        if name in values:
            return values[name]
        raise KeyError(f"no value for Grafana variable ${name} in: {expr}")

    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)", sub, expr)


_LABEL_VALUES = re.compile(r"^\s*label_values\((?:(?P<expr>.*),)?\s*(?P<label>\w+)\s*\)\s*$", re.S)


def dashboard_queries(dash):
    """(name, PromQL) for every panel target, template variable and annotation."""
    out = []

    def panels(ps):
        for p in ps:
            yield p
            yield from panels(p.get("panels", []))

    for p in panels(dash.get("panels", [])):
        for t in p.get("targets", []):
            if t.get("expr", "").strip():
                out.append((f"{p.get('title')} [{t.get('refId', '-')}]", t["expr"]))
    for var in dash.get("templating", {}).get("list", []):
        if var.get("type") != "query":
            continue
        q = var.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        m = _LABEL_VALUES.match(q or "")
        if m:
            # label_values(expr, label) has values when this has series
            selector = m.group("expr") or '{__name__!=""}'
            out.append((f"variable ${var['name']}", f"count by ({m.group('label')}) ({selector})"))
        elif q:
            out.append((f"variable ${var['name']}", q))
    for a in dash.get("annotations", {}).get("list", []):
        if a.get("expr"):
            out.append((f"annotation {a.get('name')}", a["expr"]))
    return out


def finite(samples):
    return [v for _, v in samples if not math.isnan(v) and not math.isinf(v)]


def evaluate(prom, queries):
    """{name: (n_series, n_finite, error)} for every query."""
    results = {}
    for name, expr in queries:
        try:
            samples = prom.query(expr)
            results[name] = (len(samples), len(finite(samples)), None)
        except (RuntimeError, urllib.error.URLError, OSError) as e:
            results[name] = (0, 0, str(e))
    return results


def missing(results):
    return [n for n, (_, nf, err) in results.items() if (err or nf == 0) and n not in EXPECTED_EMPTY]


# ---------------------------------------------------------------- verify

def cmd_verify(args):
    prom = Prometheus(args.prometheus)
    dash = json.loads(Path(args.dashboard).read_text())
    values = dict(BUILTINS, job=JOB, instance=args.instance)
    queries = [(n, grafana_vars(e, values)) for n, e in dashboard_queries(dash)]
    failures = []
    start = time.monotonic()

    def elapsed():
        return f"{time.monotonic() - start:5.0f}s"

    def demo_alive():
        return not args.demo_pid or _alive(args.demo_pid)

    # 1. Prometheus up
    deadline = time.monotonic() + 60
    while not prom.ready():
        if time.monotonic() > deadline:
            log("FAIL  Prometheus did not become ready within 60 s")
            return 1
        time.sleep(1)
    log(f"{elapsed()}  Prometheus ready at {args.prometheus}")

    # 2. first successful scrape
    deadline = time.monotonic() + 60
    while not prom.try_query(f'up{{job="{JOB}"}} == 1'):
        if time.monotonic() > deadline or not demo_alive():
            log(f"FAIL  no successful scrape of {args.instance} within 60 s")
            return 1
        time.sleep(1)
    first_scrape = time.time()
    log(f"{elapsed()}  first scrape of {args.instance}")

    # 3. scrape for at least --min-seconds, then until every query has data or --max-seconds
    scrape_start = time.monotonic()
    results = {}
    while True:
        waited = time.monotonic() - scrape_start
        if not demo_alive():
            log("FAIL  the demo exited while Prometheus scraped it")
            return 1
        if waited >= args.min_seconds:
            results = evaluate(prom, queries)
            todo = missing(results)
            if not todo or waited >= args.max_seconds:
                break
            log(f"{elapsed()}  {len(todo)} queries without data yet: {', '.join(todo[:4])}{' ...' if len(todo) > 4 else ''}")
            time.sleep(10)
        else:
            time.sleep(min(10, args.min_seconds - waited))
    log(f"{elapsed()}  scraped for {time.monotonic() - scrape_start:.0f} s; evaluating")

    # 4. dashboard queries
    with_data = 0
    for name, expr in queries:
        n, nf, err = results[name]
        if name in EXPECTED_EMPTY:
            if nf:
                log(f"note  {name}: expected no data ({EXPECTED_EMPTY[name]}) but got {nf} series")
            else:
                log(f"ok    {name}: no data, as expected: {EXPECTED_EMPTY[name]}")
            continue
        if err:
            failures.append(f"query {name}: {err}\n        {expr}")
        elif nf == 0:
            failures.append(f"query {name}: no data ({n} series, none finite)\n        {expr}")
        else:
            with_data += 1
            if args.verbose:
                log(f"ok    {name}: {nf} series")
    expected_empty = sum(1 for name, _ in queries if name in EXPECTED_EMPTY)

    # 5. alert rules: all evaluated without error, none pending or firing, none active since
    #    the first scrape (before it, SaeStreamsAbsent may rightly be pending for a moment)
    rules = [r for g in prom.get("/api/v1/rules")["groups"] for r in g["rules"] if r.get("type") == "alerting"]
    states = {}
    for r in rules:
        states[r["state"]] = states.get(r["state"], 0) + 1
        if r.get("health") != "ok":
            failures.append(f"rule {r['name']}: health {r.get('health')}: {r.get('lastError')}")
        if r["state"] != "inactive" and r["name"] not in ALLOWED_ALERTS:
            labels = [a.get("labels", {}) for a in r.get("alerts", [])]
            failures.append(f"rule {r['name']} is {r['state']} on the healthy demo: {labels}")
    expected_rules = {r["alert"] for g in yaml.safe_load(Path(args.rules).read_text())["groups"]
                      for r in g["rules"] if "alert" in r}
    loaded = {r["name"] for r in rules}
    if expected_rules - loaded:
        failures.append(f"rules not loaded by Prometheus: {sorted(expected_rules - loaded)}")
    window = max(2, int(time.time() - first_scrape - 6))
    history = prom.query(f"max_over_time(ALERTS[{window}s])")
    for labels, _ in history:
        if labels.get("alertname") not in ALLOWED_ALERTS:
            failures.append(f"alert {labels.get('alertname')} was {labels.get('alertstate')} during the run: {labels}")

    # 6. every name in metrics.txt is scraped
    # names under a comment block saying "Data-parallel only" are not exported by this demo
    listed, block = [], []
    for line in Path(args.metrics).read_text().splitlines():
        s = line.strip()
        if s.startswith("#"):
            block.append(s)
        elif not s:
            block = []
        elif not any("Data-parallel only" in c for c in block):
            listed.append(s)
    scraped = set(prom.get("/api/v1/label/__name__/values"))
    absent = [n for n in listed if n not in scraped]
    if absent:
        failures.append(f"metrics.txt lists names the demo does not export: {absent}")

    # 7. relabeling: no per-process UUID left in any label
    uuid_series = prom.query(
        f'count({{job="{JOB}", client_id=~".*{UUID}.*"}} or {{job="{JOB}", thread_id=~".*{UUID}.*"}}'
        f' or {{job="{JOB}", process_id!=""}})')
    if uuid_series:
        failures.append(f"{int(uuid_series[0][1])} series still carry a process UUID label after relabeling")
    kafka = prom.query(f'count({{job="{JOB}", __name__=~"kafka_.*"}})')
    n_kafka = int(kafka[0][1]) if kafka else 0

    # 8. the run tested a working stream, not an empty one: records still flowing, a mature
    #    anomaly detector judging them, a trainer publishing versions
    sanity = {
        "records flowing in the last minute": f'sum(rate(sae_records_in_total{{job="{JOB}"}}[1m])) > 0',
        "records judged by a mature detector": f'sum(sae_records_judged_total{{job="{JOB}"}}) > 0',
        "model versions published": f'max(sae_model_version{{job="{JOB}", role="trainer"}}) > 0',
    }
    for what, expr in sanity.items():
        if not prom.try_query(expr):
            failures.append(f"demo not in the expected state: no {what} ({expr})")
    if not demo_alive():
        failures.append("the demo exited during the check")

    for f in failures:
        log(f"FAIL  {f}")
    log("")
    log(f"dashboard: {with_data} of {len(queries)} queries returned data"
        f" ({expected_empty} empty as expected)")
    log(f"alerts:    {len(rules)} rules, all evaluated: "
        + ", ".join(f"{n} {s}" for s, n in sorted(states.items())))
    log(f"metrics:   {len(listed) - len(absent)} of {len(listed)} names in metrics.txt scraped;"
        f" {n_kafka} Kafka client series, {'none' if not uuid_series else 'some'} with a process UUID")
    log("live check " + ("FAILED" if failures else "passed"))
    return 1 if failures else 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("free-port").set_defaults(fn=cmd_free_port)
    p = sub.add_parser("metrics-url")
    p.add_argument("--log", required=True, help="the demo's standard error")
    p.add_argument("--pid", type=int, help="the demo's process id")
    p.add_argument("--timeout", type=float, default=180)
    p.set_defaults(fn=cmd_metrics_url)
    p = sub.add_parser("prometheus-config")
    p.add_argument("--target", required=True, help="host:port of the demo's /metrics")
    p.add_argument("--out", required=True)
    p.set_defaults(fn=cmd_prometheus_config)
    p = sub.add_parser("verify")
    p.add_argument("--prometheus", required=True, help="base URL of Prometheus")
    p.add_argument("--instance", required=True, help="host:port of the demo's /metrics")
    p.add_argument("--demo-pid", type=int)
    p.add_argument("--dashboard", default=str(DEPLOY / "grafana" / "dashboards" / "sae-streams.json"))
    p.add_argument("--rules", default=str(DEPLOY / "prometheus" / "alerts.yml"))
    p.add_argument("--metrics", default=str(DEPLOY / "metrics.txt"))
    p.add_argument("--min-seconds", type=float, default=120, help="scrape at least this long")
    p.add_argument("--max-seconds", type=float, default=180, help="wait for data at most this long")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(fn=cmd_verify)
    args = ap.parse_args(argv)
    return args.fn(args) or 0


if __name__ == "__main__":
    sys.exit(main())
