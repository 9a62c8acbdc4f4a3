"""pytest-benchmark suite for the kernels (speed is measured here and in `suite bench`, not in tests).

On CUDA each case times forwards (or forward+backward steps) at a named shape after a warm-up
(autotune): every round runs CALLS of them back to back and synchronises once at its end, and
the reported time is per call. The host's launch work then overlaps the GPU's work, as in a
training loop; one synchronised call per round timed host launch latency and its jitter as well
(the 160M scalar rows moved by up to 14 % and 18 % between runs of unchanged kernels: NOTES.md
v10). A forward+backward call sets the inputs' gradients to None first, as a training step after
`zero_grad(set_to_none=True)` does: the stored runs up to `0007_kernels_v29` let them accumulate,
so their forward+backward rows also timed autograd's addition of each new gradient into the old
one (NOTES.md v30). `test_kernel_speed_graph` (GPU only) times the same cases as CUDA-graph
replays: the GPU's time without the host's, stable enough to gate fla's rows as well. On CPU the
eager test runs a tiny shape once per case as a functional check (use --benchmark-disable, or it
is timed with a wall clock like any other).

    # save a per-GPU baseline (on the GPU machine)
    pytest tests/bench/test_kernel_speed.py --benchmark-only \
        --benchmark-storage=baselines/bench/h200 --benchmark-save=kernels
    # compare against it; fail when a median regresses by more than 10%
    pytest tests/bench/test_kernel_speed.py --benchmark-only \
        --benchmark-storage=baselines/bench/h200 --benchmark-compare \
        --benchmark-compare-fail=median:10%
    # CPU / CI: functional only
    pytest tests/bench/test_kernel_speed.py --benchmark-disable
    # a backend of your own (suite.kernel_plugins), saved and gated the same way
    pytest tests/bench/test_kernel_speed.py --benchmark-only --backend my_pkg.kernels:attend ...

Every saved case carries the suite's provenance in `extra_info` (`suite.provenance`: git
commit and dirty flag, the sha256 of the suite package's source, package versions, device; no
host name), so a stored run names the code it timed even where the machine's git history is not
the tree's (pytest-benchmark's own `commit_info` is that history's).
"""

from __future__ import annotations

import pytest
import torch

from suite.bench import adapters
from suite.bench.protocol import parse_shape
from suite.provenance import provenance, stable

CUDA = torch.cuda.is_available()
SHAPES = ["B8_T4096_H16_D128", "B32_T2048_H12_D64"] if CUDA else ["B1_T64_H2_D16"]
BACKENDS = ["triton", "fla"] if CUDA else ["triton"]
DTYPE = torch.bfloat16 if CUDA else torch.float32
CALLS = 10 if CUDA else 1  # calls per timed round, one synchronisation after the last


@pytest.fixture(scope="module")
def suite_provenance() -> dict:
    """The suite's provenance once per run (the source digest reads every file of the package)."""
    return stable(provenance(device="cuda" if CUDA else "cpu", calls_per_round=CALLS, dtype=str(DTYPE)))


def _sync():
    if CUDA:
        torch.cuda.synchronize()


def _case(shape, backend, kind, mode):
    """(step, leaves, v): one forward (no grad) or forward+backward call at `shape`, the inputs
    whose gradients it writes, and v (the output's shape). A forward+backward call sets the
    gradients to None first, as a training step after `zero_grad(set_to_none=True)` does, and
    returns its output without its autograd graph: an output kept with its graph keeps the
    leaves' gradient-accumulation nodes alive, with the stream of the call that made them, and a
    CUDA-graph capture that reuses them from an eager warm-up on the default stream fails
    (`cudaErrorStreamCaptureImplicit`, NOTES.md v31)."""
    device = torch.device("cuda" if CUDA else "cpu")
    if not adapters.available(backend, device):
        pytest.skip(f"backend {backend} not available on {device.type}")
    if not adapters.computes(backend, kind):
        pytest.skip(f"backend {backend} does not compute the {kind} kind")
    dims = parse_shape(shape)
    q, k, v, g = adapters.make_inputs(dims, kind, DTYPE, device, grad=mode == "fwdbwd")
    fn = adapters.backend_fn(backend, kind, dims["K"] ** -0.5)
    do = torch.randn_like(v)
    leaves = [t for t in (q, k, v, g) if t is not None and t.requires_grad]

    def step():
        if mode == "fwd":
            with torch.no_grad():
                return fn(q, k, v, g)
        for t in leaves:
            t.grad = None
        o = fn(q, k, v, g)
        o.backward(do)
        return o.detach()

    return step, leaves, v


def _rounds(benchmark, call):
    """pytest-benchmark rounds of CALLS calls of `call`, one synchronisation per round."""
    count = [0]

    def run():
        out = call()
        count[0] += 1
        if count[0] % CALLS == 0:  # a round's last call
            _sync()
        return out

    benchmark.pedantic(run, rounds=30 if CUDA else 1, iterations=CALLS, warmup_rounds=2 if CUDA else 0)
    _sync()


def _assert_one_step(step, leaves, o, v):
    """The timed call left a finite output, without its autograd graph (`_case`), and one step's
    gradients (not a sum over calls)."""
    assert o is not None and o.shape == v.shape and torch.isfinite(o.float()).all()
    assert o.grad_fn is None, "the step kept its output's autograd graph alive"
    grads = [t.grad.clone() for t in leaves]
    step()
    _sync()
    for t, before in zip(leaves, grads):
        torch.testing.assert_close(t.grad, before, rtol=1e-2, atol=1e-2 * before.abs().max().item())


def pytest_generate_tests(metafunc):
    """Every (shape, backend, kind, mode), parametrized in that order so that the test ids are
    `[shape-backend-kind-mode]`, the ids of the stored runs. `--backend` (repeatable) names the
    backends, a plugin's too (`suite.kernel_plugins`); default: ours, and fla on CUDA."""
    if "mode" not in metafunc.fixturenames:
        return
    backends = metafunc.config.getoption("backend") or BACKENDS
    for name, values in (("shape", SHAPES), ("backend", backends), ("kind", ["scalar", "vector"]),
                         ("mode", ["fwd", "fwdbwd"])):
        metafunc.parametrize(name, values)


def test_kernel_speed(benchmark, suite_provenance, shape, backend, kind, mode):
    benchmark.extra_info.update(suite_provenance)
    step, leaves, v = _case(shape, backend, kind, mode)
    last = [None]

    def call():
        last[0] = step()
        return last[0]

    for _ in range(3 if CUDA else 0):  # autotune and compile outside the measurement
        step()
    _sync()
    _rounds(benchmark, call)
    _assert_one_step(step, leaves, last[0], v)


@pytest.mark.skipif(not CUDA, reason="CUDA graphs need a GPU")
def test_kernel_speed_graph(benchmark, suite_provenance, shape, backend, kind, mode):
    """The same call captured once as a CUDA graph (`suite.bench.kernels.capture`) and replayed:
    the GPU's time alone, which a busy host does not move (fla's eager rows did, by up to 143 %:
    NOTES.md v30), so fla's rows can be gated too. No L2 flush between calls, as in the eager
    rounds."""
    from suite.bench.kernels import capture

    benchmark.extra_info.update(suite_provenance, timer="graph")
    step, leaves, v = _case(shape, backend, kind, mode)
    out = [None]

    def captured():
        out[0] = step()  # inside the capture: the graph's own output tensor

    graph = capture(captured, leaves)
    _rounds(benchmark, graph.replay)
    _assert_one_step(step, leaves, out[0], v)
