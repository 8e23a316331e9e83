#!/usr/bin/env bash
# The cuda backend on a real GPU, in one script for a GPU machine (an H100: nvcc 13, compute-sanitizer,
# Python 3; no Node.js, no network), in at most 8 minutes. From the kernels bench/gpu/prepare.ts
# generated and committed (bench/gpu/kernels/), it builds the driver over the kernel C interface
# (bench/gpu/driver.cpp) with the cuda backend's exact-mode nvcc flags, then:
#   1. runs CUBA, COBA, the features network and CUBA 256k, and compares each run's spike hash
#      and final-state digest (bench/gpu/digest.py) with the CPU goldens made by the openmp kernels;
#   2. times CUBA 256k × 1 s (three runs);
#   3. runs copies of CUBA as one batch (B = 8, each copy its own seed and weight), resident and
#      per step (SPIKESWEEP_CUDA_SHARED_BYTES=0), and compares copies 0, 1 and 7 with their CPU
#      goldens (each copy run alone by the openmp kernels);
#   4. runs compute-sanitizer memcheck and racecheck on a short CUBA run;
#   5. measures batch throughput for CUBA 4k, resident, at B = 1, 8, 64, 512 (1 s simulated) and
#      2048 (0.25 s, reported per simulated second), and per step at B = 64, skipping a B the
#      device's free memory cannot hold (planned bytes per copy, network.json) or that would pass
#      the 8-minute budget.
# Writes bench/results/gpu.json and exits non-zero if anything differs or fails (a skipped or
# failed throughput run is recorded, not fatal).
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
BUDGET_S=470  # of the 480 this script may take; the rest writes the report
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

run_batch() {  # copies, steps (0: the setup's), output name, time limit (s), copies to digest ...
  local copies=$1 steps=$2 name=$3 limit=$4
  shift 4
  mkdir -p "$WORK/$name"
  local status=0
  timeout "$limit" "$WORK/cuba" --batch "$KERNELS/cuba/setup.bin" "$copies" "$steps" "$WORK/$name" "$@" \
    > "$WORK/$name.timing.json" 2> "$WORK/$name.stderr" || status=$?
  echo "$status $limit" > "$WORK/$name.status"
  for b in "$@"; do
    [ "$status" = 0 ] && python3 bench/gpu/digest.py "$KERNELS/cuba/network.json" "$WORK/$name/copy-$b.spikes" "$WORK/$name/copy-$b.state" > "$WORK/$name/copy-$b.digest.json"
  done
  rm -f "$WORK/$name"/*.spikes "$WORK/$name"/*.state
  return "$status"
}
BATCH_KEPT=$(python3 -c "import json;print(' '.join(map(str,json.load(open('$KERNELS/cuba/network.json'))['batch']['kept'])))")
BATCH_COPIES=$(python3 -c "import json;print(json.load(open('$KERNELS/cuba/network.json'))['batch']['copies'])")
log "running a batch of $BATCH_COPIES CUBA copies, comparing copies $BATCH_KEPT"
# shellcheck disable=SC2086  # the copies are separate arguments
run_batch "$BATCH_COPIES" 0 batch-equality 120 $BATCH_KEPT || log "the batch failed: $(tail -1 "$WORK/batch-equality.stderr")"
# shellcheck disable=SC2086
SPIKESWEEP_CUDA_SHARED_BYTES=0 run_batch "$BATCH_COPIES" 0 batch-equality-per-step 120 $BATCH_KEPT || log "the per-step batch failed: $(tail -1 "$WORK/batch-equality-per-step.stderr")"

sanitize() {  # tool
  log "compute-sanitizer --tool $1 on CUBA, $(python3 -c "import struct;print(struct.unpack_from('<q',open('$KERNELS/cuba/sanitize.bin','rb').read(),8)[0])") steps"
  local status=0
  timeout 240 "$SANITIZER" --tool "$1" --error-exitcode 3 "$WORK/cuba" "$KERNELS/cuba/sanitize.bin" "$WORK/san.spikes" "$WORK/san.state" \
    > "$WORK/sanitizer-$1.log" 2>&1 || status=$?
  echo "$status" > "$WORK/sanitizer-$1.status"
}
sanitize memcheck
sanitize racecheck

# Throughput over B: the copies are built on the host first (~40 ms each on a 2-core EPYC here,
# ~80 s for 2,048), then one ss_run times the batch. B = 2048 runs a quarter of a second so that
# building and running it stays within the budget; per step, B = 64 for comparison.
FREE_MIB=$(nvidia-smi --query-gpu=memory.free --format=csv,noheader,nounits 2>/dev/null | head -1 || true)
echo "${FREE_MIB:-}" > "$WORK/free-mib"
PLANNED=$(python3 -c "import json;print(json.load(open('$KERNELS/cuba/network.json'))['batch']['plannedBytesPerCopy'])")
THROUGHPUT=(1:10000:60:resident 8:10000:60:resident 64:10000:90:resident 512:10000:150:resident 2048:2500:240:resident 64:10000:90:per-step)
for spec in "${THROUGHPUT[@]}"; do
  IFS=: read -r copies steps limit schedule <<< "$spec"
  name="throughput-$copies-$schedule"
  shared=$([ "$schedule" = per-step ] && echo 0 || echo "")  # empty: the device's shared memory
  left=$((BUDGET_S - SECONDS))
  if [ -n "$FREE_MIB" ] && [ $((copies * PLANNED)) -gt $((FREE_MIB * 1048576 * 9 / 10)) ]; then
    echo "$copies copies × $PLANNED planned bytes exceed 90 % of the ${FREE_MIB} MiB free" > "$WORK/$name.skipped"
  elif [ "$left" -lt 30 ]; then
    echo "${left} s of the script's ${BUDGET_S} s budget left" > "$WORK/$name.skipped"
  else
    log "throughput: $copies copies × $steps steps, $schedule (limit $((limit < left ? limit : left)) s)"
    SPIKESWEEP_CUDA_SHARED_BYTES=$shared run_batch "$copies" "$steps" "$name" $((limit < left ? limit : left)) || log "B = $copies ($schedule) failed: $(tail -1 "$WORK/$name.stderr")"
  fi
done

python3 - "$WORK" "$KERNELS" "$ARCH" "$("$NVCC" --version | tail -1)" "${THROUGHPUT[*]}" "${CASES[@]}" <<'PY'
import json, os, platform, statistics, subprocess, sys, time
work, kernels, arch, nvcc, throughput_specs, *cases = sys.argv[1:]
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
def batch_run(name):
    status, limit = map(int, open(f"{work}/{name}.status").read().split())
    if status == 124:
        return {"status": "timed out", "limitS": limit}
    if status != 0:
        with open(f"{work}/{name}.stderr") as f:
            return {"status": "failed", "exitCode": status, "stderr": f.read().splitlines()[-5:]}
    return {"status": "ran", **load(f"{work}/{name}.timing.json")}
network = load(f"{kernels}/cuba/network.json")
batch_goldens = load(f"{kernels}/cuba/batch-golden.json")["goldens"]
def batch_equal(name):
    batch = batch_run(name)
    result = {"copies": network["batch"]["copies"], "varied": network["batch"]["varied"], **{k: v for k, v in batch.items() if k in ("status", "exitCode", "stderr", "schedule", "simulateMs", "buildMs")}, "copy": {}}
    for b in network["batch"]["kept"]:
        want = batch_goldens[str(b)]
        if batch["status"] != "ran":
            result["copy"][b] = {"spikesEqual": False, "stateEqual": False}
            continue
        got = load(f"{work}/{name}/copy-{b}.digest.json")
        result["copy"][b] = {"seed": network["seed"] + b, "spikes": got["spikes"], "spikesSha256": got["spikesSha256"], "stateSha256": got["stateSha256"],
                             "spikesEqual": got["spikesSha256"] == want["spikesSha256"], "stateEqual": got["stateSha256"] == want["stateSha256"]}
    return result
batch_equality = {"resident": batch_equal("batch-equality"), "perStep": batch_equal("batch-equality-per-step")}
free_mib = open(f"{work}/free-mib").read().strip()
throughput = []
for spec in throughput_specs.split():
    copies, _, _, schedule = spec.split(":")
    copies = int(copies)
    name = f"throughput-{copies}-{schedule}"
    skipped = f"{work}/{name}.skipped"
    if os.path.exists(skipped):
        throughput.append({"copies": copies, "asked": schedule, "status": "skipped", "reason": open(skipped).read().strip()})
        continue
    r = batch_run(name)
    if r["status"] == "ran":
        seconds = r["steps"] * network["dt"] / 1000
        r = {"copies": copies, "asked": schedule, "schedule": r["schedule"], "status": "ran", "steps": r["steps"], "simulatedS": seconds, "simulateMs": r["simulateMs"], "buildMs": r["buildMs"],
             "wallPerSimulatedSecondMs": r["simulateMs"] / seconds, "wallPerCopyMs": r["simulateMs"] / seconds / copies,
             "neuronStepsPerS": copies * network["batch"]["neurons"] * r["steps"] / (r["simulateMs"] / 1000)}
    else:
        r = {"copies": copies, "asked": schedule, **r}
    throughput.append(r)
times = [equality["cuba-256k"]["simulateMs"]] + [load(f"{work}/cuba-256k.time{r}.json")["simulateMs"] for r in (2, 3)]
cuba = equality["cuba"]
report = {
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "gpu": gpu_name(), "host": platform.node(), "nvcc": nvcc, "arch": arch,
    "note": "simulateMs = wall time of ss_run (all steps, launches synchronous, managed memory); the CPU goldens come from the openmp kernels (bench/gpu/prepare.ts)",
    "equality": equality,
    "sanitizer": sanitizer,
    "batchEquality": batch_equality,
    "batchThroughput": {
        "network": "CUBA 4k (examples/cuba.yaml, seed 1 + copy, exc_exc.w x (1 + 0.02 copy)), spikes of every copy recorded",
        "note": "simulateMs = wall time of the batch's one ss_run; wallPerSimulatedSecondMs scales it to 1 s simulated, wallPerCopyMs divides that by the copies; buildMs = ss_create of every copy and ss_join, on the host",
        "gpuFreeMiB": int(free_mib) if free_mib.isdigit() else None, "plannedBytesPerCopy": network["batch"]["plannedBytesPerCopy"],
        "target": {"copies": 512, "wallPerSimulatedSecondMs": 200, "neuronStepsPerS": 1e11},
        "runs": throughput,
    },
    "cuba256k": {"simulateMs": times, "medianMs": statistics.median(times), "targetMs": 250},
    "cuba4kPerStepUs": 1000 * cuba["simulateMs"] / cuba["steps"],
}
os.makedirs("bench/results", exist_ok=True)
with open("bench/results/gpu.json", "w") as f:
    json.dump(report, f, indent=2)
    f.write("\n")
batch_ok = all(e["spikesEqual"] and e["stateEqual"] for run in batch_equality.values() for e in run["copy"].values())
ok = all(e["spikesEqual"] and e["stateEqual"] for e in equality.values()) and all(s["exitCode"] == 0 for s in sanitizer.values()) and batch_ok
for c, e in equality.items():
    print(f"{c}: spikes {'equal' if e['spikesEqual'] else 'DIFFER'}, state {'equal' if e['stateEqual'] else 'DIFFERS'}, {e['spikes']} spikes, {e['simulateMs']:.1f} ms")
for t, s in sanitizer.items():
    print(f"{t}: exit {s['exitCode']} {' '.join(s['summary'])}")
for what, run in batch_equality.items():
    for b, e in run["copy"].items():
        print(f"batch of {run['copies']} ({what}, ran {run.get('schedule', run['status'])}), copy {b}: spikes {'equal' if e['spikesEqual'] else 'DIFFER'}, state {'equal' if e['stateEqual'] else 'DIFFERS'}")
for r in throughput:
    if r["status"] == "ran":
        print(f"B = {r['copies']} ({r['schedule']}): {r['wallPerSimulatedSecondMs']:.1f} ms per simulated s, {r['wallPerCopyMs']:.2f} ms per copy-second, {r['neuronStepsPerS']:.3g} neuron-steps/s")
    else:
        print(f"B = {r['copies']} ({r['asked']}): {r['status']} {r.get('reason', r.get('stderr', r.get('limitS', '')))}")
print(f"CUBA 256k x 1 s: median {report['cuba256k']['medianMs']:.1f} ms of {times}; CUBA 4k: {report['cuba4kPerStepUs']:.1f} us per step")
print("bench/results/gpu.json written; " + ("all equal, sanitizers clean" if ok else "FAILED"))
sys.exit(0 if ok else 1)
PY
