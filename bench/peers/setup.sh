#!/usr/bin/env bash
# Installs the peer simulators (issue 5) into a project-local virtual environment, .cache/peers-venv
# (ignored). Versions are pinned to the ones measured in bench/results/latest.json. Each peer is
# installed on its own, so one failing does not stop the others; the outcome of each is written to
# .cache/peers-venv/install-status.json (read by bench/peers/run.ts, which records failures in the
# results with their exact reason).
set -u
cd "$(dirname "$0")/../.."
VENV=.cache/peers-venv
PY=${PYTHON:-python3}
BRIAN2=brian2==2.9.0   # newest with a cp311 wheel (2.10+ need a newer Python than the 3.11 here)
ANNARCHY=annarchy==5.0.4.1
NEST=nest-simulator==3.10.0
# brian2 2.9.0 calls numpy.ndarray.ptp, which numpy 2.4 removed ("AttributeError: type object
# 'numpy.ndarray' has no attribute 'ptp"): keep numpy below 2.4 for every peer.
CONSTRAINTS=$VENV/constraints.txt
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV" || { echo "cannot create venv with $PY" >&2; exit 1; }
"$VENV/bin/python" -m pip install -q --upgrade pip setuptools wheel >/dev/null 2>&1 || true
echo "numpy<2.4" >"$CONSTRAINTS"
status="{"
sep=""
for spec in "$BRIAN2" "$ANNARCHY" "$NEST"; do
  name=${spec%%==*}
  log="$VENV/install-$name.log"
  if "$VENV/bin/python" -m pip install -c "$CONSTRAINTS" "$spec" >"$log" 2>&1; then
    echo "installed $spec"
    status+="$sep\"$name\":{\"spec\":\"$spec\",\"installed\":true}"
  else
    reason=$(grep -E 'ERROR|error:' "$log" | tail -3 | tr '\n"\\' '   ' | cut -c1-600)
    echo "FAILED $spec: $reason" >&2
    status+="$sep\"$name\":{\"spec\":\"$spec\",\"installed\":false,\"reason\":\"pip install $spec: $reason\"}"
  fi
  sep=","
done
status+="}"
echo "$status" >"$VENV/install-status.json"
"$VENV/bin/python" -m pip freeze >"$VENV/freeze.txt"
