"""CUBA / COBA of docs/reference-models.md in Brian2, cpp_standalone device (issue 5).
  python brian2_net.py --model cuba|coba [--neurons N] [--threads T]
Phases: build = code generation + compile of the standalone project (device.build with run=False);
construct = wall time of running the binary minus its simulation loop (process start, connectivity
generation, initial values, writing spikes to disk); simulate = the network loop as timed inside
the binary (device._last_run_time). Explicit Euler (method='euler'), as spikesweep and ANNarchy;
exc and inh are separate groups, four Synapses, 'i != j' within a population."""
import os, shutil, tempfile
from common import parse, report, now

a = parse()
t_start = now()
import brian2
from brian2 import (set_device, device, prefs, defaultclock, NeuronGroup, Synapses, SpikeMonitor,
                    Network, ms, mV, second, seed)

d = a.dir or tempfile.mkdtemp(prefix='brian2-peer-')
set_device('cpp_standalone', directory=d, build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = a.threads if a.threads > 1 else 0
defaultclock.dt = 0.1 * ms
seed(a.seed)

if a.model == 'cuba':
    eqs = '''dv/dt = (El - v + ge + gi) / taum : volt (unless refractory)
             dge/dt = -ge / taue : volt
             dgi/dt = -gi / taui : volt'''
    ns = dict(El=-49 * mV, taum=20 * ms, taue=5 * ms, taui=10 * ms)
    on_pre = {'exc': 'ge += 1.62*mV', 'inh': 'gi += -9*mV'}
else:
    eqs = '''dv/dt = (El - v + ge * (Ee - v) + gi * (Ei - v) + I) / taum : volt (unless refractory)
             dge/dt = -ge / taue : 1
             dgi/dt = -gi / taui : 1'''
    ns = dict(El=-60 * mV, Ee=0 * mV, Ei=-80 * mV, I=20 * mV, taum=20 * ms, taue=5 * ms, taui=10 * ms)
    on_pre = {'exc': 'ge += 0.6', 'inh': 'gi += 6.7'}

groups = {}
for name, size in (('exc', a.n_exc), ('inh', a.n_inh)):
    g = NeuronGroup(size, eqs, threshold='v > -50*mV', reset='v = -60*mV', refractory=5 * ms,
                    method='euler', namespace=ns, name=name)
    if a.model == 'cuba':
        g.v = '-60*mV + rand() * 10*mV'
    else:
        g.v = '-55*mV + randn() * 5*mV'
        g.ge = '4 + randn() * 1.5'
        g.gi = '20 + randn() * 12'
    groups[name] = g
objs = list(groups.values())
for pre in ('exc', 'inh'):
    for post in ('exc', 'inh'):
        s = Synapses(groups[pre], groups[post], on_pre=on_pre[pre], namespace=ns, name=f'{pre}_{post}')
        if pre == post:
            s.connect(condition='i != j', p=a.p)
        else:
            s.connect(p=a.p)
        objs.append(s)
mons = [SpikeMonitor(g) for g in groups.values()]
net = Network(objs + mons)
net.run(1 * second)
t_built = now()
device.build(directory=d, compile=True, run=False, clean=not a.warm)
t_compiled = now()
device.run(directory=d, with_output=False, run_args=[])
t_ran = now()
simulate = device._last_run_time
spikes = sum(m.num_spikes for m in mons)
total = now() - t_start
report('brian2', brian2.__version__, a, t_compiled - t_built, (t_ran - t_compiled) - simulate, simulate, total, spikes,
       note=f'python model definition {1000 * (t_built - t_start):.0f} ms (import + objects) not in build/construct')
if not a.dir:
    shutil.rmtree(d, ignore_errors=True)
