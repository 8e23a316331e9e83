"""CUBA / COBA of docs/reference-models.md in NEST (issue 5). NEST has no code generation: the models are its
built-in ones with parameters mapped from docs/reference-models.md.
  python nest_net.py --model cuba|coba [--neurons N] [--threads T]
CUBA → iaf_psc_exp: tau_m dv/dt = (El − v) + ge becomes C_m dV/dt = −(C_m/tau_m)(V − E_L) + I with
I = ge·C_m/tau_m, so with C_m = 250 pF a jump of 1.62 mV in ge is 20.25 pA, −9 mV is −112.5 pA.
COBA → iaf_cond_exp with g_L = 10 nS, C_m = tau·g_L = 200 pF, weights 6 nS / −67 nS (0.6 and 6.7
leak conductances; NEST takes inhibitory conductance weights negative), I_e = 20 mV·g_L = 200 pA,
g_ex0 = 10·N(4, 1.5) nS, g_in0 = 10·N(20, 12) nS.
Integration differs: iaf_psc_exp is integrated exactly (exponential propagators), iaf_cond_exp
with GSL's adaptive RKF45 — spikesweep, ANNarchy and Brian2 (here) use explicit Euler at 0.1 ms.
Delay: NEST's minimum delay is one step (0.1 ms), which is what the others do implicitly (a spike
emitted in step t reaches its targets in step t+1).
Phases: build = 0 (nothing to compile; the peer's build is shown as none); construct = Create + Connect + Prepare (connectivity,
initial values, buffers); simulate = Run(1000) only."""
from common import parse, report, now

a = parse()
t_start = now()
import nest
try:
    nest.verbosity = nest.VerbosityLevel.ERROR
except AttributeError:
    nest.set_verbosity('M_ERROR')
nest.ResetKernel()
nest.SetKernelStatus({'resolution': 0.1, 'local_num_threads': a.threads, 'rng_seed': a.seed})
t0 = now()
if a.model == 'cuba':
    params = dict(C_m=250.0, tau_m=20.0, E_L=-49.0, V_th=-50.0, V_reset=-60.0, t_ref=5.0,
                  tau_syn_ex=5.0, tau_syn_in=10.0, I_e=0.0)
    model = 'iaf_psc_exp'
    w = {'exc': 1.62 * 250.0 / 20.0, 'inh': -9.0 * 250.0 / 20.0}
else:
    params = dict(C_m=200.0, g_L=10.0, E_L=-60.0, E_ex=0.0, E_in=-80.0, V_th=-50.0, V_reset=-60.0,
                  t_ref=5.0, tau_syn_ex=5.0, tau_syn_in=10.0, I_e=200.0)
    model = 'iaf_cond_exp'
    w = {'exc': 0.6 * 10.0, 'inh': -6.7 * 10.0}
pops = {'exc': nest.Create(model, a.n_exc, params=params), 'inh': nest.Create(model, a.n_inh, params=params)}
for p in pops.values():
    if a.model == 'cuba':
        p.V_m = nest.random.uniform(-60.0, -50.0)
    else:
        p.V_m = nest.random.normal(-55.0, 5.0)
        p.g_ex = 10.0 * 4.0 + nest.random.normal(0.0, 15.0)
        p.g_in = 10.0 * 20.0 + nest.random.normal(0.0, 120.0)
for pre in ('exc', 'inh'):
    for post in ('exc', 'inh'):
        nest.Connect(pops[pre], pops[post],
                     {'rule': 'pairwise_bernoulli', 'p': a.p, 'allow_autapses': False},
                     {'synapse_model': 'static_synapse', 'weight': w[pre], 'delay': 0.1})
rec = nest.Create('spike_recorder')
for p in pops.values():
    nest.Connect(p, rec)
nest.Prepare()
t_built = now()
nest.Run(1000.0)
t_ran = now()
nest.Cleanup()
spikes = rec.n_events
report('nest', nest.__version__, a, 0.0, t_built - t0, t_ran - t_built, now() - t_start, spikes)
