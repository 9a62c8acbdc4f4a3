"""Kernel conformance: every backend against the fp64 recurrent reference (marker `kernels`).

    pytest -m kernels tests/test_conformance.py                    # every available backend
    pytest -m kernels tests/test_conformance.py --backend triton   # one backend (repeatable)
    pytest -m kernels tests/test_conformance.py --backend my_pkg.kernels:attend   # yours
    pytest -m kernels tests/test_conformance.py --backend triton \\
        --conformance-report results/bench/<gpu>/conformance.json   # per-case JSON report

A backend of your own (`suite.kernel_plugins`) runs the grid at the decay kinds it declares;
installed as an entry point, it is among the default backends.

Grid: backend x kind x T x D x dtype x decay regime x with/without initial state; each case
checks o, the final state and dq, dk, dv, d log-decay, d initial state with the one tolerance
table of `kernel_utils`, with NaN-poisoned allocations inside the backend. Two shape sets:
  * CPU (and `triton` in the interpreter): B=H=2, T in {63, 130}, D in {16, 32}; fp32 (and fp16
    for triton: the interpreter mishandles bf16 tl.dot); the three regimes, the initial state
    alternating over the cases (about 2-3 minutes on 2 cores);
  * CUDA: B=H=2, T in {63, 500, 1024, 4096}, D in {64, 128}, bf16/fp16/fp32, weak/medium/strong,
    h0 yes/no (full product).
`test_triton_config` re-runs a reduced grid once per launch config of the Triton kernels and kind
(`suite.kernels.triton.autotune_configs()`, each pinned with `pinned(cfg)`), because miscompiles
on Hopper depend on the config. Inputs are rounded to the bf16 grid so that the fp64 reference
of one case is shared by its dtypes and backends (tests are ordered so that it is computed once).
"""

from __future__ import annotations

import dataclasses
import functools
import os

os.environ.setdefault("TRITON_F32_DEFAULT", "ieee")  # fp32 means fp32 (no TF32) in tl.dot

import re

import pytest
import torch
from kernel_utils import (
    KINDS,
    REGIMES,
    TOLERANCE,
    as_dtype,
    close,
    make_case,
    nan_poisoned_allocations,
    reference,
    run_case,
)

from suite.bench.adapters import tuning_env
from suite.errors import SuiteError
from suite.kernel_plugins import backend_kinds, plugin_backends, plugins_provenance, resolve, runs_on
from suite.kernels import available_backends
from suite.provenance import provenance, write_json_atomic

pytestmark = pytest.mark.kernels
DEVICE = "cuda" if torch.cuda.is_available() else "cpu"
INTERPRETED = os.environ.get("TRITON_INTERPRET") == "1"
DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
FAMILY = {"scalar": ("none", "static", "scalar"), "vector": ("vector",)}
VECTOR_PARALLEL_BYTES = 4 * 2**30  # `parallel` builds a [B,H,T,T,K] fp64 tensor: skip above this
RESULTS: list[dict] = []


def _small_set(backend: str) -> bool:
    return DEVICE == "cpu" or (backend == "triton" and INTERPRETED)


def grid(backend: str) -> list[tuple]:
    """(kind, T, D, dtype name, regime, h0) of `backend`'s shape set (dtype varies fastest)."""
    if _small_set(backend):
        dtypes = ["float32", "float16"] if backend == "triton" else ["float32"]
        return [(kind, T, D, dt, regime, (i + j) % 2 == 0)
                for kind in KINDS for i, T in enumerate((63, 130)) for D in (16, 32)
                for j, regime in enumerate(REGIMES) for dt in dtypes]
    return [(kind, T, D, dt, regime, h0)
            for kind in KINDS for T in (63, 500, 1024, 4096) for D in (64, 128)
            for regime in REGIMES for h0 in (True, False) for dt in ("bfloat16", "float16", "float32")]


def _unavailable(name: str) -> str | None:
    """Why backend `name` cannot run here (None if it can)."""
    try:
        resolve(name)  # a plugin that cannot be loaded says why
    except SuiteError as exc:
        return str(exc)
    if not runs_on(name, DEVICE):
        return f"kernel backend '{name}' does not run on {DEVICE}"
    return None


def _backends(config) -> list[tuple[str, str | None]]:
    """(name, skip reason) for --backend, or every available built-in backend but `recurrent`
    and every installed plugin (entry points of `decay_suite.backends`)."""
    names = config.getoption("backend")
    if not names:
        names = [b for b in available_backends(DEVICE) if b != "recurrent"]
        if "triton" not in names:
            names.append("triton")  # reported as skipped, with the reason
        names += list(plugin_backends())
    return [(n, _unavailable(n)) for n in names]


def _kinds_skipped(name: str) -> list:
    """One skipped test per decay kind that backend `name` declares it does not compute."""
    kinds = backend_kinds(name)
    why = f"kernel backend '{name}' computes the decay kinds {', '.join(kinds)} only"
    return [pytest.param((name, None), id=f"{name}-{kind}-not-computed", marks=pytest.mark.skip(reason=why))
            for kind in KINDS if kind not in kinds]


def pytest_generate_tests(metafunc):
    if "conformance_case" in metafunc.fixturenames:
        backends = _backends(metafunc.config)
        params = [pytest.param((n, None), id=f"{n}-unavailable", marks=pytest.mark.skip(reason=why))
                  for n, why in backends if why]
        grids = {n: [c for c in grid(n) if c[0] in backend_kinds(n)] for n, why in backends if not why}
        params += [p for n in grids for p in _kinds_skipped(n)]
        # backends vary fastest, so consecutive tests share one cached fp64 reference
        for c in dict.fromkeys(c for g in grids.values() for c in g):
            params += [pytest.param((n, c), id="-".join(map(str, (n, *c[:5], "h0" if c[5] else "noh0"))))
                       for n, g in grids.items() if c in g]
        metafunc.parametrize("conformance_case", params)
    if "edge_backend" in metafunc.fixturenames:
        metafunc.parametrize("edge_backend", [
            pytest.param(n, marks=[pytest.mark.skip(reason=why)] if why else []) for n, why in
            _backends(metafunc.config)])
    if "triton_config" in metafunc.fixturenames:
        metafunc.parametrize("triton_config", _triton_configs(metafunc.config))


def _triton_configs(config) -> list:
    names = config.getoption("backend")
    why = _unavailable("triton")
    if why or (names and "triton" not in names):
        return [pytest.param(None, id="triton-unavailable",
                             marks=pytest.mark.skip(reason=why or "triton not among --backend"))]
    from suite.kernels.triton import autotune_configs

    i, n = _shard(config.getoption("config_shard"))
    pairs = [(c, kind) for c in autotune_configs() for kind in FAMILY[c["family"]]]
    return [pytest.param(p, id=f"{p[0]['name']}-{p[1]}") for p in pairs[i::n]]


def _shard(text: str | None) -> tuple[int, int]:
    """'I/N' -> (I, N) with 0 <= I < N; None -> (0, 1)."""
    if text is None:
        return 0, 1
    m = re.fullmatch(r"(\d+)/(\d+)", text)
    if not m or not 0 <= int(m[1]) < int(m[2]):
        raise pytest.UsageError(f"--config-shard {text!r}: expected I/N with 0 <= I < N, e.g. 0/4")
    return int(m[1]), int(m[2])


CASE_BH = {"B": 2, "H": 2}  # batch and heads of every case


@functools.lru_cache(maxsize=8)
def _case(kind, T, D, regime, h0):
    """The bf16-grid case (fp32 copy) and its fp64 reference, once per process."""
    case = make_case(kind, regime, T=T, K=D, V=D, **CASE_BH, dtype=torch.float32, h0=h0,
                     device=DEVICE, seed=T * 7 + D, grid=torch.bfloat16)
    return case, reference(case)


REPORT: dict = {}  # {"path": ...} while a --conformance-report is requested


@pytest.fixture(scope="session", autouse=True)
def _report(request):
    REPORT["path"] = request.config.getoption("conformance_report")
    yield
    _write_report()


def _write_report() -> None:
    """(Re)write the report; called after every case, so a run killed by a timeout keeps its cases."""
    path = REPORT.get("path")
    if path and RESULTS:
        tol = {str(k).replace("torch.", ""): {"ratio": v[0], "atol": v[1]} for k, v in TOLERANCE.items()}
        write_json_atomic(path, {"cases": RESULTS, "tolerance": tol, "metric": "relative RMS",
                                 "passed": all(r["passed"] is not False for r in RESULTS),
                                 "not_launchable": sum(r["passed"] is None for r in RESULTS),
                                 "provenance": provenance(device=DEVICE, tuning_env=tuning_env(),
                                                          **_plugin_provenance())})


def _plugin_provenance() -> dict:
    """{"plugins": {backend: spec and source sha256}} for the plugin backends in the report;
    empty (no key) when it checked ours alone."""
    plugins = plugins_provenance(r["backend"] for r in RESULTS)
    return {"plugins": plugins} if plugins else {}


class Unlaunchable(Exception):
    """A pinned launch config that does not fit this shape (Triton's OutOfResources): the
    autotuner skips such a config (suite.kernels.triton.tuning.choose), so it cannot give a
    wrong result; the report records it with passed = null."""


def check(backend: str, spec: tuple, config: str | None = None) -> None:
    """Run one case, record it in the report, assert every tensor is within tolerance."""
    kind, T, D, dt, regime, h0 = spec
    if backend == "parallel" and kind == "vector" and 2 * 2 * T * T * D * 8 > VECTOR_PARALLEL_BYTES:
        pytest.skip("parallel vector decay needs a [B,H,T,T,K] tensor; too large at this shape")
    if backend == "triton" and config is None:  # a whole process pinned by the environment
        config = os.environ.get("SUITE_TRITON_CONFIG")
    row = {"backend": backend, "config": config, "kind": kind, "shape": {**CASE_BH, "T": T, "K": D, "V": D},
           "dtype": dt, "regime": regime, "initial_state": h0, "errors": {}, "max_abs": {},
           "failed": [], "error": None}
    try:  # the reference too: a case it cannot compute (out of memory, say) is reported, not lost
        base, ref = _case(kind, T, D, regime, h0)
    except Exception as exc:
        row.update(passed=False, error=f"reference: {type(exc).__name__}: {exc}"[:300])
        RESULTS.append(row)
        _write_report()
        raise
    case, dtype = as_dtype(base, DTYPES[dt]), DTYPES[dt]
    try:
        with nan_poisoned_allocations():
            out = run_case(case, backend)
    except Exception as exc:
        unlaunchable = config is not None and type(exc).__name__ == "OutOfResources"
        row.update(passed=None if unlaunchable else False, error=f"{type(exc).__name__}: {exc}")
        RESULTS.append(row)
        _write_report()
        if unlaunchable:
            raise Unlaunchable(str(exc)) from exc
        raise
    verdicts = {n: close(ref[n], out[n], dtype) if out.get(n) is not None else (False, None, None)
                for n in ref}
    row["errors"] = {n: v[1] for n, v in verdicts.items()}
    row["max_abs"] = {n: v[2] for n, v in verdicts.items()}
    row["failed"] = sorted(n for n, v in verdicts.items() if not v[0])
    row["passed"] = not row["failed"]
    RESULTS.append(row)
    _write_report()
    bad = {n: v[1] for n, v in verdicts.items() if not v[0]}
    assert not bad, f"{backend} {spec}: rel-RMS above {TOLERANCE[dtype][0]:g} (or missing/NaN): {bad}"


def test_conformance(conformance_case):
    backend, spec = conformance_case
    check(backend, spec)


# The config grid's sequence lengths and head dims, on the CPU's small set (True) and on the GPU
CONFIG_T = {True: (128, 130), False: (63, 1024)}
CONFIG_D = {True: (16,), False: (64, 128)}


def _config_grid(kind: str, cfg: dict, lengths=None, dims=None) -> list[tuple]:
    """The reduced grid of one config; an `anchor` config also on a medium gate (on the CPU's
    small shapes the strong one takes the hierarchy in every chunk, the medium one the anchor);
    on the GPU, the head dims and dtypes the config is admitted at (tuning.fits). An `even` config
    also at T = 128 on the CPU, where its tiles all lie inside and it runs without bounds checks
    (at 130 it checks them). `lengths`, `dims` (--config-T, --config-D): only those T and D."""
    small = _small_set("triton")
    if small:
        regimes = ("strong", "medium") if cfg.get("anchor") else ("strong",)
        lengths_here = CONFIG_T[small] if cfg.get("even") else CONFIG_T[small][1:]
        grid = [(kind, T, D, "float32", regime, True) for T in lengths_here for D in CONFIG_D[small]
                for regime in regimes]
    else:
        from suite.kernels.triton.tuning import fits

        grid = [(kind, T, D, dt, regime, True) for T in CONFIG_T[small] for D in CONFIG_D[small]
                for dt in ("bfloat16", "float32") for regime in ("weak", "strong")
                if fits(cfg, D, dt == "float32")]
    return [c for c in grid if (not lengths or c[1] in lengths) and (not dims or c[2] in dims)]


def _grid_filter(config, option: str, allowed: tuple[int, ...]) -> list[int] | None:
    """The values of --config-T or --config-D (None when not given); a value outside the grid's is
    a usage error, so that a typo cannot select nothing and pass."""
    values = config.getoption(option.lstrip("-").replace("-", "_"))
    bad = sorted(set(values or ()) - set(allowed))
    if bad:
        raise pytest.UsageError(f"{option} {bad}: the config grid here has {', '.join(map(str, allowed))}")
    return values


def test_triton_config(triton_config, request):
    """Every launch config of the Triton kernels, pinned, for each kind of its family, on a
    reduced grid: every case runs and is reported; the (config, kind) pair fails if any case is
    wrong or if it launches at no shape at all. (--config-shard splits these pairs; --config-T
    and --config-D take a part of each pair's grid.)"""
    from suite.kernels.triton import pinned

    triton_config, kind = triton_config
    small = _small_set("triton")
    lengths = _grid_filter(request.config, "--config-T", CONFIG_T[small])
    dims = _grid_filter(request.config, "--config-D", CONFIG_D[small])
    grid = _config_grid(kind, triton_config, lengths, dims)
    if not grid:
        pytest.skip(f"{triton_config['name']} is admitted at none of the T and D asked for")
    wrong, launched = [], 0
    for spec in grid:
        try:
            with pinned(triton_config):
                check("triton", spec, config=triton_config["name"])
            launched += 1
        except Unlaunchable:
            continue
        except AssertionError as exc:
            wrong.append(str(exc))
            launched += 1
    assert launched, f"{triton_config['name']} ({kind}) launches at no shape of its grid"
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("kind", ["static", "scalar"])
def test_strong_constant_decay_final_state_gradient(edge_backend, kind):
    """g = -10 on every row, gradient through the final state only: a chunk's last row reaches
    the next state with weight 1, every earlier row with e^-10 or less, so a prefix sum that
    subtracts the big term (cumsum(x) - x) keeps only its rounding; fp32 must stay at 1e-4."""
    if kind not in backend_kinds(edge_backend):
        pytest.skip(f"kernel backend '{edge_backend}' does not compute the {kind} kind")
    B, T, H, D = 1, 40, 2, 16
    case = make_case(kind, "weak", B=B, T=T, H=H, K=D, V=D, dtype=torch.float32, h0=False,
                     device=DEVICE, seed=3, grid=torch.bfloat16)
    g = torch.full((H,) if kind == "static" else (B, T, H), -10.0, device=DEVICE)
    case = dataclasses.replace(case, g=g, do=torch.zeros_like(case.do))
    ref, out = reference(case), run_case(case, edge_backend)
    ok, err, _ = close(ref["dg"], out["dg"], torch.float32)
    assert ok, f"{edge_backend} {kind}: d log-decay rel-RMS {err:.2e} above 1e-4"


def test_config_grid_takes_the_lengths_and_dims_asked_for():
    """--config-T / --config-D keep only those cases of a config's grid; a value outside the
    grid is a usage error naming the grid's values, not an empty selection that passes."""
    import types

    even = {"name": "x", "even": True, "max_d": 256}
    full = _config_grid("scalar", even)
    lengths = sorted({c[1] for c in full})
    assert len(lengths) == 2  # the CPU's 128 and 130 (an even config), the GPU's 63 and 1024
    part = _config_grid("scalar", even, lengths=lengths[1:])
    assert part == [c for c in full if c[1] == lengths[1]] and 0 < len(part) < len(full)
    assert _config_grid("scalar", even, dims=[32]) == []
    opts = types.SimpleNamespace(getoption=lambda name: {"config_T": [128, 7]}.get(name))
    with pytest.raises(pytest.UsageError, match=r"--config-T \[7\]: .* 128, 130"):
        _grid_filter(opts, "--config-T", CONFIG_T[True])
    assert _grid_filter(opts, "--config-D", CONFIG_D[True]) is None


def test_kernel_probe_reports_every_tensor(capsys):
    """tests/kernel_probe.py (shapes outside the grid) prints each tensor's error and its verdict."""
    import kernel_probe

    rc = kernel_probe.main(["--backend", "chunked", "--kinds", "scalar", "--regimes", "weak",
                            "--T", "20", "--D", "8", "--device", "cpu", "--zero-do"])
    out = capsys.readouterr().out
    assert rc == 0 and "scalar weak   float32  ok" in out
    assert all(f" {n} " in out for n in ("o", "ht", "dq", "dk", "dv", "dg", "dh0"))
