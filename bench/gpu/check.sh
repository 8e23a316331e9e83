#!/usr/bin/env bash
# The cuda backend on a real GPU, in one script for a GPU machine (an H100: nvcc 13, compute-sanitizer,
# Python 3; no Node.js, no network), in at most 8 minutes. From the kernels bench/gpu/prepare.ts
# generated and committed (bench/gpu/kernels/), it builds the driver over the kernel C interface
# (bench/gpu/driver.cpp) with the cuda backend's exact-mode nvcc flags, then:
#   1. runs CUBA, COBA, the features network and CUBA 256k, and compares each run's spike hash
#      and final-state digest (bench/gpu/digest.py) with the CPU goldens made by the openmp kernels;
#   2. runs compute-sanitizer memcheck and racecheck on a short CUBA run;
#   3. times CUBA 256k × 1 s (three runs).
# Writes bench/results/gpu.json and exits non-zero if anything differs or fails.
# Usage: bench/gpu/check.sh   (NVCC, COMPUTE_SANITIZER, SPIKESWEEP_GPU_ARCH=sm_90 override the defaults)
set -euo pipefail
cd "$(dirname "$0")/../.."
KERNELS=bench/gpu/kernels
NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
SANITIZER=${COMPUTE_SANITIZER:-$(command -v compute-sanitizer || echo "$(dirname "$NVCC")/compute-sanitizer")}
ARCH=${SPIKESWEEP_GPU_ARCH:-sm_90}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CASES=(cuba coba features cuba-256k)
log() { printf '[check %s] %s\n' "$(date +%T)" "$*" >&2; }

read -r -a FLAGS < "$KERNELS/nvcc.flags"
RUNTIME=(native/runtime/spikesweep/*.cpp)
log "nvcc: $("$NVCC" --version | tail -1); building ${#CASES[@]} drivers for $ARCH"
for c in "${CASES[@]}"; do
  # -x cu: the runtime's .cpp files include the kernel launches too. ../lib: where a pip-installed
  # nvcc keeps cudart (a system install finds its own).
  timeout 300 "$NVCC" "${FLAGS[@]}" "-arch=$ARCH" -Ibackends/cuda/runtime -Inative/runtime -Inative/include \
    -L"$(dirname "$NVCC")/../lib" -x cu "$KERNELS/$c/kernel.cu" "${RUNTIME[@]}" bench/gpu/driver.cpp -o "$WORK/$c" \
    > "$WORK/$c.build.log" 2>&1 &
done
failed=0
for job in $(jobs -p); do wait "$job" || failed=1; done
if [ "$failed" = 1 ]; then cat "$WORK"/*.build.log >&2; log "a build failed"; exit 1; fi

run_case() {  # case, setup file, output json
  timeout 120 "$WORK/$1" "$KERNELS/$1/$2" "$WORK/$1.spikes" "$WORK/$1.state" > "$WORK/$1.timing.json"
  python3 bench/gpu/digest.py "$KERNELS/$1/network.json" "$WORK/$1.spikes" "$WORK/$1.state" > "$WORK/$1.digest.json"
  python3 - "$WORK/$1.timing.json" "$WORK/$1.digest.json" > "$3" <<'PY'
import json, sys
print(json.dumps({**json.load(open(sys.argv[1])), **json.load(open(sys.argv[2]))}))
PY
}

for c in "${CASES[@]}"; do
  log "running $c"
  run_case "$c" setup.bin "$WORK/$c.result.json"
done
for r in 2 3; do
  log "timing cuba-256k, run $r"
  run_case cuba-256k setup.bin "$WORK/cuba-256k.time$r.json"
done

sanitize() {  # tool
  log "compute-sanitizer --tool $1 on CUBA, $(python3 -c "import struct;print(struct.unpack_from('<q',open('$KERNELS/cuba/sanitize.bin','rb').read(),8)[0])") steps"
  local status=0
  timeout 240 "$SANITIZER" --tool "$1" --error-exitcode 3 "$WORK/cuba" "$KERNELS/cuba/sanitize.bin" "$WORK/san.spikes" "$WORK/san.state" \
    > "$WORK/sanitizer-$1.log" 2>&1 || status=$?
  echo "$status" > "$WORK/sanitizer-$1.status"
}
sanitize memcheck
sanitize racecheck

python3 - "$WORK" "$KERNELS" "$ARCH" "$("$NVCC" --version | tail -1)" "${CASES[@]}" <<'PY'
import json, os, platform, statistics, subprocess, sys, time
work, kernels, arch, nvcc, *cases = sys.argv[1:]
def load(path):
    with open(path) as f:
        return json.load(f)
def gpu_name():
    try:
        return subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version", "--format=csv,noheader"], capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        return "unknown (no nvidia-smi)"
equality = {}
for c in cases:
    got, want = load(f"{work}/{c}.result.json"), load(f"{kernels}/{c}/golden.json")
    equality[c] = {
        "steps": got["steps"], "spikes": got["spikes"], "simulateMs": got["simulateMs"], "buildMs": got["buildMs"],
        "spikesSha256": got["spikesSha256"], "stateSha256": got["stateSha256"],
        "spikesEqual": got["spikesSha256"] == want["spikesSha256"], "stateEqual": got["stateSha256"] == want["stateSha256"],
    }
sanitizer = {}
for tool in ("memcheck", "racecheck"):
    with open(f"{work}/sanitizer-{tool}.log") as f:
        text = f.read()
    summary = [l for l in text.splitlines() if "ERROR SUMMARY" in l or "RACECHECK SUMMARY" in l]
    sanitizer[tool] = {"exitCode": int(open(f"{work}/sanitizer-{tool}.status").read()), "summary": summary, "tail": text.splitlines()[-20:]}
times = [equality["cuba-256k"]["simulateMs"]] + [load(f"{work}/cuba-256k.time{r}.json")["simulateMs"] for r in (2, 3)]
cuba = equality["cuba"]
report = {
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "gpu": gpu_name(), "host": platform.node(), "nvcc": nvcc, "arch": arch,
    "note": "simulateMs = wall time of ss_run (all steps, launches synchronous, managed memory); the CPU goldens come from the openmp kernels (bench/gpu/prepare.ts)",
    "equality": equality,
    "sanitizer": sanitizer,
    "cuba256k": {"simulateMs": times, "medianMs": statistics.median(times), "targetMs": 250},
    "cuba4kPerStepUs": 1000 * cuba["simulateMs"] / cuba["steps"],
}
os.makedirs("bench/results", exist_ok=True)
with open("bench/results/gpu.json", "w") as f:
    json.dump(report, f, indent=2)
    f.write("\n")
ok = all(e["spikesEqual"] and e["stateEqual"] for e in equality.values()) and all(s["exitCode"] == 0 for s in sanitizer.values())
for c, e in equality.items():
    print(f"{c}: spikes {'equal' if e['spikesEqual'] else 'DIFFER'}, state {'equal' if e['stateEqual'] else 'DIFFERS'}, {e['spikes']} spikes, {e['simulateMs']:.1f} ms")
for t, s in sanitizer.items():
    print(f"{t}: exit {s['exitCode']} {' '.join(s['summary'])}")
print(f"CUBA 256k x 1 s: median {report['cuba256k']['medianMs']:.1f} ms of {times}; CUBA 4k: {report['cuba4kPerStepUs']:.1f} us per step")
print("bench/results/gpu.json written; " + ("all equal, sanitizers clean" if ok else "FAILED"))
sys.exit(0 if ok else 1)
PY
