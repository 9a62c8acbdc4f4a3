"""pytest-benchmark suite for the kernels (speed is measured here and in `suite bench`, not in tests).

On CUDA each case times forwards (or forward+backward steps) at a named shape after a warm-up
(autotune): every round runs CALLS of them back to back and synchronises once at its end, and
the reported time is per call. The host's launch work then overlaps the GPU's work, as in a
training loop; one synchronised call per round timed host launch latency and its jitter as well
(the 160M scalar rows moved by up to 14 % and 18 % between runs of unchanged kernels: NOTES.md
v10). A forward+backward call sets the inputs' gradients to None first, as a training step after
`zero_grad(set_to_none=True)` does: the stored runs up to `0007_kernels_v29` let them accumulate,
so their forward+backward rows also timed autograd's addition of each new gradient into the old
one (NOTES.md v30). On CPU it runs a tiny shape once per case as a functional check (use --benchmark-disable,
or it is timed with a wall clock like any other).

    # save a per-GPU baseline (on the GPU machine)
    pytest tests/bench/test_kernel_speed.py --benchmark-only \
        --benchmark-storage=baselines/bench/h200 --benchmark-save=kernels
    # compare against it; fail when a median regresses by more than 10%
    pytest tests/bench/test_kernel_speed.py --benchmark-only \
        --benchmark-storage=baselines/bench/h200 --benchmark-compare \
        --benchmark-compare-fail=median:10%
    # CPU / CI: functional only
    pytest tests/bench/test_kernel_speed.py --benchmark-disable

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


@pytest.mark.parametrize("mode", ["fwd", "fwdbwd"])
@pytest.mark.parametrize("kind", ["scalar", "vector"])
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("shape", SHAPES)
def test_kernel_speed(benchmark, suite_provenance, shape, backend, kind, mode):
    device = torch.device("cuda" if CUDA else "cpu")
    benchmark.extra_info.update(suite_provenance)
    if not adapters.available(backend, device):
        pytest.skip(f"backend {backend} not available on {device.type}")
    dims = parse_shape(shape)
    q, k, v, g = adapters.make_inputs(dims, kind, DTYPE, device, grad=mode == "fwdbwd")
    fn = adapters.backend_fn(backend, kind, dims["K"] ** -0.5)
    do = torch.randn_like(v)

    count, last = [0], [None]  # calls since the measurement began; the newest output
    leaves = [t for t in (q, k, v, g) if t is not None and t.requires_grad]

    def run():
        if mode == "fwd":
            with torch.no_grad():
                o = fn(q, k, v, g)
        else:
            for t in leaves:  # each step writes fresh gradients, as after zero_grad(set_to_none=True)
                t.grad = None
            o = fn(q, k, v, g)
            o.backward(do)
        last[0] = o
        count[0] += 1
        if count[0] % CALLS == 0:  # a round's last call (each round is CALLS calls)
            _sync()
        return o

    for _ in range(3 if CUDA else 0):  # autotune and compile outside the measurement
        run()
    _sync()
    count[0] = 0
    benchmark.pedantic(run, rounds=30 if CUDA else 1, iterations=CALLS, warmup_rounds=2 if CUDA else 0)
    _sync()
    o = last[0]
    assert o is not None and o.shape == v.shape and torch.isfinite(o.float()).all()
    if mode == "fwdbwd":  # the timed step is one step's backward, not an accumulation over calls
        grads = [t.grad.clone() for t in leaves]
        run()
        _sync()
        for t, before in zip(leaves, grads):
            torch.testing.assert_close(t.grad, before, rtol=1e-2, atol=1e-2 * before.abs().max().item())
