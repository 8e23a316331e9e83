#!/usr/bin/env python3
"""The spike hash and final-state digest of one driver run (bench/gpu/driver.cpp), as one JSON line.

    digest.py <network.json> <spikes.bin> <state.bin>

spikesSha256 is the engine's canonical spike hash (engine/README.md, "Canonical spike hash"): SHA-256
over every recorded spike row ordered by step, then population name by its UTF-8 bytes, then neuron;
a row is the name in UTF-8, a 0 byte, the neuron as int32 LE and t_ms = step × dt as float64 LE. Only
the neurons a monitor names are kept (network.json's spikeMonitors[].indices; null keeps all), as the
engine does. stateSha256 is SHA-256 of state.bin: every state array's name, dtype, length and bytes.
Standard library only: the GPU machine has Python 3 and nothing to install.
"""
import hashlib
import json
import struct
import sys


def read_spikes(path):
    """{population index: (steps, neurons)} from the driver's spikes.bin."""
    out = {}
    with open(path, "rb") as f:
        data = f.read()
    at = 0
    while at < len(data):
        population, rows = struct.unpack_from("<iq", data, at)
        at += 12
        steps = struct.unpack_from(f"<{rows}q", data, at)
        at += 8 * rows
        neurons = struct.unpack_from(f"<{rows}i", data, at)
        at += 4 * rows
        out[population] = (steps, neurons)
    return out


def spike_hash(network, spikes):
    rows = []
    for monitor in network["spikeMonitors"]:
        name = monitor["population"].encode("utf-8")
        keep = set(monitor["indices"]) if monitor["indices"] is not None else None
        steps, neurons = spikes[monitor["index"]]
        rows.extend((s, name, n) for s, n in zip(steps, neurons) if keep is None or n in keep)
    rows.sort()
    h = hashlib.sha256()
    dt = network["dt"]
    for step, name, neuron in rows:
        h.update(name + b"\0" + struct.pack("<id", neuron, step * dt))
    return h.hexdigest(), len(rows)


def main(network_path, spikes_path, state_path):
    with open(network_path) as f:
        network = json.load(f)
    digest, count = spike_hash(network, read_spikes(spikes_path))
    with open(state_path, "rb") as f:
        state = hashlib.sha256(f.read()).hexdigest()
    print(json.dumps({"spikesSha256": digest, "spikes": count, "stateSha256": state}))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: digest.py <network.json> <spikes.bin> <state.bin>")
    main(*sys.argv[1:])
