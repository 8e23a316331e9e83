"""CUBA / COBA of docs/reference-models.md in ANNarchy 5 (issue 5).
  python annarchy_net.py --model cuba|coba [--neurons N] [--threads T]
Phases: build = net.compile() minus the instantiation of populations and projections (code
generation, cmake/make, loading the module); construct = the Python-side create/connect calls plus
the instantiation (ANNarchy builds the fixed-probability connectivity there); simulate =
net.simulate(1000). Explicit Euler (ANNarchy's default). exc and inh are separate populations with
four projections; fixed_probability excludes self-connections (allow_self_connections=False)."""
import os, shutil, tempfile
from common import parse, report, now

a = parse()
t_start = now()
import ANNarchy as ann
from ANNarchy.generator import Compiler

instantiate = {'s': 0.0}
_orig = Compiler._instantiate
def _timed(*args, **kwargs):
    t = now()
    try:
        return _orig(*args, **kwargs)
    finally:
        instantiate['s'] += now() - t
Compiler._instantiate = _timed

d = a.dir or tempfile.mkdtemp(prefix='annarchy-peer-')
t0 = now()
net = ann.Network(dt=0.1, seed=a.seed)
net.config(num_threads=a.threads)
if a.model == 'cuba':
    neuron = ann.Neuron(
        parameters='El = -49.0\nVr = -60.0\nVt = -50.0\ntau_m = 20.0\ntau_e = 5.0\ntau_i = 10.0',
        equations='tau_m * dv/dt = (El - v) + g_exc + g_inh : init = -60.0\n'
                  'tau_e * dg_exc/dt = -g_exc\ntau_i * dg_inh/dt = -g_inh',
        spike='v > Vt', reset='v = Vr', refractory=5.0)
    w = {'exc': 1.62, 'inh': -9.0}
else:
    neuron = ann.Neuron(
        parameters='El = -60.0\nVr = -60.0\nErev_exc = 0.0\nErev_inh = -80.0\nVt = -50.0\n'
                   'tau = 20.0\ntau_exc = 5.0\ntau_inh = 10.0\nI = 20.0',
        equations='tau * dv/dt = (El - v) + g_exc * (Erev_exc - v) + g_inh * (Erev_inh - v) + I\n'
                  'tau_exc * dg_exc/dt = -g_exc\ntau_inh * dg_inh/dt = -g_inh',
        spike='v > Vt', reset='v = Vr', refractory=5.0)
    w = {'exc': 0.6, 'inh': 6.7}
pops = {'exc': net.create(a.n_exc, neuron, name='exc'), 'inh': net.create(a.n_inh, neuron, name='inh')}
for p in pops.values():
    if a.model == 'cuba':
        p.v = ann.Uniform(-60.0, -50.0)
    else:
        p.v = ann.Normal(-55.0, 5.0)
        p.g_exc = ann.Normal(4.0, 1.5)
        p.g_inh = ann.Normal(20.0, 12.0)
for pre in ('exc', 'inh'):
    for post in ('exc', 'inh'):
        proj = net.connect(pre=pops[pre], post=pops[post], target=pre)
        proj.fixed_probability(weights=w[pre], probability=a.p, allow_self_connections=False)
mons = [net.monitor(p, ['spike']) for p in pops.values()]
t_defined = now()
net.compile(directory=d, clean=not a.warm, silent=True)
t_compiled = now()
net.simulate(1000.0)
t_simulated = now()
spikes = 0
for m in mons:
    spikes += sum(len(t) for t in m.get('spike').values())
total = now() - t_start
build = (t_compiled - t_defined) - instantiate['s']
construct = (t_defined - t0) + instantiate['s']
from importlib.metadata import version
report('annarchy', version('annarchy'), a, build, construct, t_simulated - t_compiled, total, spikes)
if not a.dir:
    shutil.rmtree(d, ignore_errors=True)
