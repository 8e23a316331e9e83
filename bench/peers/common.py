"""Shared by the peer scripts (issue 5): arguments, the reference parameters (docs/reference-models.md), and the
JSON line each script prints."""
import argparse, json, resource, time

def parse():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', choices=['cuba', 'coba'], required=True)
    ap.add_argument('--neurons', type=int, default=4000)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--seed', type=int, default=1234)
    ap.add_argument('--dir', default=None, help='scratch directory for generated code')
    ap.add_argument('--warm', action='store_true', help='reuse what --dir holds from an earlier run (no cold compile)')
    a = ap.parse_args()
    a.n_exc = round(a.neurons * 0.8)
    a.n_inh = a.neurons - a.n_exc
    a.p = 0.02 if a.neurons == 4000 else 80.0 / a.neurons
    return a

now = time.perf_counter

def report(peer, version, a, build, construct, simulate, total, spikes, note=None):
    ms = lambda s: None if s is None else s * 1000.0
    out = {
        'peer': peer, 'version': version, 'model': a.model, 'neurons': a.neurons, 'threads': a.threads,
        'probability': a.p,
        'phases': {'build': ms(build), 'construct': ms(construct), 'simulate': ms(simulate), 'total': ms(total)},
        # ru_maxrss is KiB on Linux; children = the compiler and (Brian2) the simulation binary
        'peakRssMiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        'peakRssChildrenMiB': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0,
        'meanRateHz': spikes / a.neurons,
    }
    if note:
        out['note'] = note
    print(json.dumps(out), flush=True)
