#!/usr/bin/env bash
# Checks of everything in deploy/.
#   bash deploy/check.sh          offline checks (the default): promtool on the Prometheus
#                                 configurations and alert rules, the rules' unit tests, the
#                                 dashboard's and the rules' series names against metrics.txt,
#                                 YAML and JSON syntax
#   bash deploy/check.sh --live   runs the demo (java -jar target/sae-streams.jar demo) and a real
#                                 Prometheus scraping it, then checks that every dashboard query
#                                 returns data, that no alert rule is pending or firing on the
#                                 healthy demo, that every name in metrics.txt is exported and
#                                 that the relabeling leaves no process UUID; about 2-4 minutes
# Needs promtool and prometheus (Debian package "prometheus") and PyYAML ("python3-yaml");
# --live also needs java 17+ and target/sae-streams.jar (mvn -B -q package -DskipTests). Without
# a prometheus binary --live says so and exits 0.
set -euo pipefail
cd "$(dirname "$0")"

# The python3 first on PATH may be one of its own (pyenv, a venv) without Debian's PyYAML: then
# use the system one, which python3-yaml installs for.
PY=$(command -v python3 || true)
if ! "${PY:-false}" -c 'import yaml' 2>/dev/null && [[ -x /usr/bin/python3 ]]; then PY=/usr/bin/python3; fi
python3() { "$PY" "$@"; }

usage() { sed -n '2,14p' "$(basename "$0")" | sed 's/^# \{0,1\}//'; }

mode=offline
case "${1:-}" in
  "") ;;
  --live) mode=live ;;
  -h | --help) usage; exit 0 ;;
  *) echo "check.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
esac

offline() {
  echo "== promtool check config"
  promtool check config prometheus/prometheus.yml
  # Debian's promtool is built without Kubernetes service discovery; then check a copy of the
  # Kubernetes example with the discovery block replaced by an empty static target list.
  local k8s_out
  if k8s_out=$(promtool check config prometheus/prometheus-k8s.yml 2>&1); then
    echo "$k8s_out"
  elif grep -q 'kubernetes_sd_configs not found' <<<"$k8s_out"; then
    echo "(this promtool has no Kubernetes discovery: checking prometheus-k8s.yml with it replaced)"
    local tmp
    tmp=$(mktemp -d)
    python3 - prometheus/prometheus-k8s.yml "$tmp/prometheus-k8s.yml" <<'PY'
import sys, yaml
src, dst = sys.argv[1], sys.argv[2]
cfg = yaml.safe_load(open(src))
for job in cfg["scrape_configs"]:
    if job.pop("kubernetes_sd_configs", None) is not None:
        job["static_configs"] = [{"targets": []}]
cfg["rule_files"] = []
yaml.safe_dump(cfg, open(dst, "w"), sort_keys=False)
PY
    promtool check config "$tmp/prometheus-k8s.yml"
    rm -rf "$tmp"
  else
    echo "$k8s_out" >&2
    return 1
  fi
  echo "== metric relabeling identical in prometheus.yml and prometheus-k8s.yml"
  python3 - <<'PY'
import sys, yaml
def relabel(path):
    cfg = yaml.safe_load(open(path))
    return next(j for j in cfg["scrape_configs"] if j["job_name"] == "sae-streams").get("metric_relabel_configs")
a, b = relabel("prometheus/prometheus.yml"), relabel("prometheus/prometheus-k8s.yml")
if not a or a != b:
    sys.exit("metric_relabel_configs of job sae-streams differ (or are missing)")
print(f"{len(a)} metric_relabel_configs, identical")
PY
  echo "== promtool check rules"
  promtool check rules prometheus/alerts.yml
  echo "== promtool test rules"
  promtool test rules prometheus/alerts_test.yml
  echo "== every alert rule has a unit test"
  python3 - <<'PY'
import sys, yaml
rules = {r["alert"] for g in yaml.safe_load(open("prometheus/alerts.yml"))["groups"] for r in g["rules"] if "alert" in r}
tests = yaml.safe_load(open("prometheus/alerts_test.yml"))["tests"]
fires, quiet = set(), set()
for t in tests:
    for a in t.get("alert_rule_test", []):
        (fires if a.get("exp_alerts") else quiet).add(a["alertname"])
bad = sorted(r for r in rules if r not in fires or r not in quiet)
if bad:
    sys.exit("rules without a test in which they fire and one in which they stay quiet: " + ", ".join(bad))
print(f"{len(rules)} rules, each with a firing and a quiet case")
PY
  echo "== dashboard JSON"
  python3 -m json.tool grafana/dashboards/sae-streams.json >/dev/null && echo "grafana/dashboards/sae-streams.json parses"
  echo "== YAML files parse"
  python3 - <<'PY'
import glob, yaml
files = ["docker-compose.yml", *glob.glob("prometheus/*.yml"), *glob.glob("grafana/provisioning/*/*.yml"), *glob.glob("k8s/*.yaml")]
for f in sorted(files):
    docs = [d for d in yaml.safe_load_all(open(f)) if d is not None]
    print(f"{f}: {len(docs)} document(s)")
PY
  echo "== metric names in dashboard and alerts"
  python3 grafana/check_dashboard.py --promtool
}

# ------------------------------------------------------------------ live
pids=()
work=""

cleanup() {
  local pid i
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  # the demo closes its streams app, broker and registry on SIGTERM; give it 30 s
  for pid in "${pids[@]}"; do
    for ((i = 0; i < 60; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "check.sh: process $pid did not stop within 30 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  pids=()
  if [[ -n $work ]]; then
    rm -rf "$work"
  fi
}

show_logs() {
  local f
  for f in demo.err prometheus.log; do
    if [[ -s $work/$f ]]; then
      echo "---- last lines of $f" >&2
      tail -n 30 "$work/$f" >&2
    fi
  done
}

live() {
  local started=$SECONDS
  local jar
  jar="$(cd .. && pwd)/target/sae-streams.jar"
  if [[ ! -f $jar ]]; then
    echo "check.sh --live: $jar not found; build it first: mvn -B -q package -DskipTests" >&2
    exit 1
  fi
  if ! command -v java >/dev/null; then
    echo "check.sh --live: java not found on PATH (Java 17 or newer)" >&2
    exit 1
  fi
  local prometheus
  prometheus=$(command -v prometheus || true)
  if [[ -z $prometheus ]]; then
    echo "check.sh --live: SKIPPED: no prometheus binary on PATH (Debian: apt-get install -y prometheus)"
    exit 0
  fi
  python3 -c 'import yaml' || { echo "check.sh --live: PyYAML missing (Debian: python3-yaml)" >&2; exit 1; }

  trap cleanup EXIT
  trap 'echo "check.sh --live: interrupted" >&2; exit 130' INT TERM
  work=$(mktemp -d "${TMPDIR:-/tmp}/sae-live-check.XXXXXX")
  mkdir -p "$work/tmp" "$work/prometheus-data"

  local metrics_port prom_port
  metrics_port=$(python3 live_check.py free-port)
  prom_port=$(python3 live_check.py free-port)
  while [[ $prom_port == "$metrics_port" ]]; do prom_port=$(python3 live_check.py free-port); done

  # The demo, with its defaults, streams its synthetic data set (1 % anomalies) as fast as it
  # can; five million records keep traffic flowing for the whole check (a 2-core machine reads
  # 2,000-15,000 a second: with the OpenBLAS in the jar a million were through in under the
  # check's three minutes, and the rate queries then had nothing to show). Broker, state and pictures go to $work (java.io.tmpdir, --out);
  # metrics on 127.0.0.1 only. SAE_LIVE_RECORDS and SAE_LIVE_DEMO_ARGS (more demo options, e.g.
  # "--set anomaly.false.alarm.rate=0.0005") change the run.
  local records=${SAE_LIVE_RECORDS:-5000000}
  echo "== starting the demo ($records records, metrics on 127.0.0.1:$metrics_port)"
  (cd "$work" && exec java -Djava.io.tmpdir="$work/tmp" -jar "$jar" demo --json --keep-running \
    --records "$records" --metrics-port "$metrics_port" --set metrics.host=127.0.0.1 \
    ${SAE_LIVE_DEMO_ARGS:-} \
    --out "$work/demo-out" >"$work/demo.out" 2>"$work/demo.err") &
  local demo_pid=$!
  pids+=("$demo_pid")

  local url
  if ! url=$(python3 live_check.py metrics-url --log "$work/demo.err" --pid "$demo_pid" --timeout 180); then
    show_logs
    exit 1
  fi
  echo "demo metrics at $url (after $((SECONDS - started)) s)"
  if [[ $url != "http://127.0.0.1:$metrics_port/metrics" ]]; then
    echo "check.sh --live: expected the metrics at 127.0.0.1:$metrics_port, the demo says $url" >&2
    exit 1
  fi

  echo "== starting Prometheus on 127.0.0.1:$prom_port (scrape and rule evaluation every 2 s)"
  python3 live_check.py prometheus-config --target "127.0.0.1:$metrics_port" --out "$work/prometheus.yml"
  "$prometheus" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus-data" \
    --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$work/prometheus.log" 2>&1 &
  pids+=("$!")

  echo "== scraping, then checking"
  local rc=0
  python3 live_check.py verify --prometheus "http://127.0.0.1:$prom_port" \
    --instance "127.0.0.1:$metrics_port" --demo-pid "$demo_pid" || rc=$?
  if ((rc != 0)); then
    show_logs
  fi
  echo "== stopping the demo and Prometheus"
  cleanup
  echo "live check took $((SECONDS - started)) s"
  exit "$rc"
}

if [[ $mode == live ]]; then
  live
else
  offline
fi
