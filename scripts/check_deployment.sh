#!/usr/bin/env bash
# End-to-end check of the README's scale-out recipe on one machine: a real Prefect server, a process work pool
# and its worker, a dask.distributed cluster (scheduler + 2 workers on 127.0.0.1), the `extract-dask` deployment
# run against it on the bundled corpus. Everything is local and removed at the end.
#
#   scripts/check_deployment.sh            # prints the flow run's final state and the evidence row count
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$PWD/.venv/bin"
WORK="$(mktemp -d /tmp/evidence-deploy-XXXXXX)"
PORT="${PORT:-4317}"
export PREFECT_HOME="$WORK/prefect" PREFECT_API_URL="http://127.0.0.1:$PORT/api"
export DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false PREFECT_LOGGING_LEVEL=WARNING
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

"$BIN/prefect" server start --host 127.0.0.1 --port "$PORT" >"$WORK/server.log" 2>&1 &
pids+=($!)
"$BIN/dask" scheduler --host 127.0.0.1 --port 0 --scheduler-file "$WORK/scheduler.json" \
  --dashboard-address :0 >"$WORK/scheduler.log" 2>&1 &
pids+=($!)
for _ in $(seq 120); do
  curl -sf "$PREFECT_API_URL/health" >/dev/null 2>&1 && [ -s "$WORK/scheduler.json" ] && break
  sleep 1
done
"$BIN/dask" worker --scheduler-file "$WORK/scheduler.json" --nworkers 2 --nthreads 1 \
  >"$WORK/workers.log" 2>&1 &
pids+=($!)
ADDRESS="$("$BIN/python" -c "import json,sys; print(json.load(open(sys.argv[1]))['address'])" "$WORK/scheduler.json")"
echo "Prefect API $PREFECT_API_URL, Dask scheduler $ADDRESS"

"$BIN/prefect" work-pool create evidence --type process >/dev/null
"$BIN/python" -c "from pipeline.flows import extract_dask_flow as f; \
f.from_source('.', 'pipeline/flows.py:extract_dask_flow').deploy(name='pubmed', work_pool_name='evidence')" >/dev/null
"$BIN/prefect" worker start --pool evidence >"$WORK/worker.log" 2>&1 &
pids+=($!)
"$BIN/prefect" deployment run 'extract-dask/pubmed' -p dask_address="$ADDRESS" -p inputs='["corpus"]' \
  -p out_dir="$WORK/out" -p use_models=false --watch --watch-timeout 600
"$BIN/python" - "$WORK/out" <<'PY'
import json, sys
from pathlib import Path

out = Path(sys.argv[1])
report = json.loads((out / "run_report.json").read_text())
print("dask workers:", report["settings"]["dask_workers"], "documents:", report["counts"]["documents"],
      "claims:", report["counts"]["claims_in_table"], "ok:", report["ok"])
assert report["ok"] and report["settings"]["dask_workers"] == 2
PY
