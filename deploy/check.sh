#!/usr/bin/env bash
# Offline checks of everything in deploy/. Needs promtool (Debian package
# "prometheus") and PyYAML (Debian package "python3-yaml").
#   bash deploy/check.sh
set -euo pipefail
cd "$(dirname "$0")"

echo "== promtool check config"
promtool check config prometheus/prometheus.yml
echo "== promtool check rules"
promtool check rules prometheus/alerts.yml
echo "== promtool test rules"
promtool test rules prometheus/alerts_test.yml
echo "== dashboard JSON"
python3 -m json.tool grafana/dashboards/sae-streams.json > /dev/null && echo "grafana/dashboards/sae-streams.json parses"
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
