"""The kernel benchmark pipeline on CPU (tiny shapes, wall clock): protocol, gate, results files.

    pytest tests/test_bench_kernels.py        # ~10 s
"""

from __future__ import annotations

import json

import pytest
import torch

from suite.bench import adapters
from suite.bench.kernels import CEILINGS, plan, work
from suite.bench.protocol import BenchProtocol, parse_shape
from suite.cli import main
from suite.config import from_mapping
from suite.errors import SuiteError


def test_parse_shape_and_errors():
    assert parse_shape("B8_T4096_H16_D128") == {"B": 8, "T": 4096, "H": 16, "K": 128, "V": 128}
    assert parse_shape("B1_T64_H2_D64_K128")["K"] == 128
    with pytest.raises(SuiteError, match="B<int>_T<int>"):
        parse_shape("8x4096")
    with pytest.raises(SuiteError, match="unknown key 'shape'"):
        from_mapping(BenchProtocol, {"shape": []}, "tiny.yaml:bench")


def test_work_matches_kernels_notes():
    """51.5 GFLOP and 539 MB for the scalar forward at the target shape (kernels-notes §8)."""
    shape = parse_shape("B8_T4096_H16_D128")
    flops, nbytes = work(shape, "scalar", "fwd", 2, "triton")
    assert flops == pytest.approx(51.5e9, rel=1e-3) and nbytes == pytest.approx(539e6, rel=1e-2)
    flops3, _ = work(shape, "scalar", "fwdbwd", 2, "triton")
    assert flops3 == pytest.approx(154.6e9, rel=1e-3)


def test_gate_rejects_a_wrong_backend(monkeypatch):
    """A backend that computes the wrong function fails its check and gets no time."""
    real = adapters.backend_fn

    def wrong(backend, kind, scale):
        fn = real("chunked", kind, scale)
        return lambda q, k, v, g: fn(q, k, v, g) * 1.01

    monkeypatch.setattr(adapters, "backend_fn", wrong)
    res = adapters.check("chunked", parse_shape("B1_T40_H2_D16"), "scalar", torch.float32, "cpu", "fwd", 64)
    assert not res["passed"] and res["errors"]["o"] == pytest.approx(0.01, rel=1e-3)


@pytest.mark.parametrize("kind", ["static", "scalar"])
def test_check_feeds_the_reference_the_same_output_gradient(kind):
    """The fp64 reference gets the bf16 output gradient the backend got: with the unrounded one
    the static kind's [H] dg, a sum with cancellation, showed 1.9e-2 for a correct kernel (H200
    bench, B32_T2048_H12_D64; the same on CPU with `chunked`)."""
    res = adapters.check("chunked", parse_shape("B2_T256_H2_D32"), kind, torch.bfloat16,
                         torch.device("cpu"), "fwdbwd", 256)
    assert res["passed"] and res["errors"]["dg"] < 1e-4, res["errors"]


def test_cli_writes_results(tmp_path):
    rc = main(["bench", "--backends", "chunked", "--kinds", "scalar", "vector", "--out", str(tmp_path)])
    assert rc == 0
    data = json.loads((tmp_path / "cpu" / "kernels.json").read_text())
    rows = data["rows"]
    assert len(rows) == 4 and all(r["check"]["passed"] and r["ms"] > 0 for r in rows)
    assert data["provenance"]["device"]["type"] == "cpu"
    md = (tmp_path / "cpu" / "kernels.md").read_text()
    assert "| B1_T64_H2_D16 | scalar | chunked | fwd |" in md
    assert f"Inputs: {adapters.INPUTS}." in md  # a vector time of ours depends on the gate drawn
    assert {r["timer"] for r in rows} == {"wall"}


def test_graph_timer_needs_a_gpu_and_a_known_name(tmp_path, capsys):
    """--timer graph on a CPU is one clear sentence, nothing written; a tier's bench section
    with an unknown timer names the allowed values."""
    assert main(["bench", "--device", "cpu", "--timer", "graph", "--out", str(tmp_path)]) != 0
    assert "--timer graph: CUDA graphs need a GPU" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
    with pytest.raises(SuiteError, match="timer.*'events'.*'graph'"):
        from_mapping(BenchProtocol, {"timer": "wallclock"}, "tiny.yaml:bench")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("backend", ["triton", "sdpa"])
def test_a_graph_replay_computes_the_eager_step(backend):
    """What `--timer graph` times is the step itself: replaying the captured forward+backward
    leaves the same gradients as an eager call, and new inputs give new gradients."""
    from suite.bench.kernels import capture

    shape = parse_shape("B2_T256_H2_D64")
    q, k, v, g = adapters.make_inputs(shape, "scalar", torch.bfloat16, torch.device("cuda"), True)
    fn = adapters.backend_fn(backend, "scalar", 64 ** -0.5)
    do = torch.randn_like(v)
    leaves = [q, k, v] + ([g] if backend == "triton" else [])

    def step():
        fn(q, k, v, g).backward(do)

    graph = capture(step, leaves)
    captured = [t.grad for t in leaves]  # the buffers every replay writes its gradients into
    for c in captured:
        c.zero_()
    graph.replay()
    torch.cuda.synchronize()
    replayed = [c.clone() for c in captured]
    for t in leaves:
        t.grad = None
    step()  # eager, into new gradient tensors
    for t, r in zip(leaves, replayed):
        assert torch.equal(t.grad, r), "a replay of the captured step differs from the eager step"
    with torch.no_grad():
        q.mul_(2)
    graph.replay()  # the graph reads the inputs' memory, so new values give new gradients
    torch.cuda.synchronize()
    assert not torch.equal(captured[1], replayed[1])


def test_inputs_are_what_the_tables_state():
    """adapters.INPUTS (printed in every kernels.md) names the draws of make_inputs: redrawn here
    from its text (q, k, v, then the gate; seed 0), the tensors are equal."""
    dims = {"B": 2, "T": 8, "H": 3, "K": 4, "V": 4}
    qkv = (2, 8, 3, 4)
    expect = {"static": ("static `-rand` [H]", lambda gen: -torch.rand(3, generator=gen)),
              "scalar": ("scalar `logsigmoid(randn)` [B,T,H]",
                         lambda gen: torch.nn.functional.logsigmoid(torch.randn(2, 8, 3, generator=gen))),
              "vector": ("vector `logsigmoid(randn).clamp_min(-5)` [B,T,H,K]",
                         lambda gen: torch.nn.functional.logsigmoid(torch.randn(*qkv, generator=gen)).clamp_min(-5))}
    for kind, (text, draw) in expect.items():
        assert text in adapters.INPUTS
        got = adapters.make_inputs(dims, kind, torch.float32, torch.device("cpu"), grad=False)
        gen = torch.Generator().manual_seed(0)
        for x in got[:3]:
            assert torch.equal(x, torch.randn(*qkv, generator=gen))
        assert torch.equal(got[3], draw(gen)), kind


def test_plan_skips_unavailable_backends():
    p = BenchProtocol()
    cases = plan(p, torch.device("cpu"), ["B1_T64_H2_D16"], ["chunked", "sdpa", "fla"])
    # fla is not installed here; sdpa runs once per shape (no decay kinds), chunked per kind
    assert {c[0] for c in cases} == {"chunked", "sdpa"}
    assert sum(c[0] == "chunked" for c in cases) == 4 and sum(c[0] == "sdpa" for c in cases) == 2


def test_bench_stage_command_covers_backends_kinds_sdpa_and_training(tmp_path):
    """`suite bench --what all` (the dvc `bench` stage): every requested backend is timed or named
    with the reason it is not, per decay kind, beside SDPA, with median and p20-p80; then the
    training step of each variant."""
    rc = main(["bench", "--what", "all", "--tier", "micro", "--device", "cpu", "--variants", "gla",
               "--backends", "chunked", "triton", "sdpa", "--kinds", "none", "scalar", "--out", str(tmp_path)])
    assert rc == 0
    data = json.loads((tmp_path / "cpu" / "kernels.json").read_text())
    assert data["backends"]["chunked"] == "timed" and data["backends"]["sdpa"] == "timed"
    assert data["backends"]["triton"].startswith("not timed")
    timed = {(r["backend"], r["kind"], r["mode"]) for r in data["rows"] if "ms" in r}
    assert timed == {(b, k, m) for b, k in (("chunked", "none"), ("chunked", "scalar"), ("sdpa", "softmax"))
                     for m in ("fwd", "fwdbwd")}
    assert all(r["ms_p20"] <= r["ms"] <= r["ms_p80"] and r["reps"] == 3 for r in data["rows"])
    md = (tmp_path / "cpu" / "kernels.md").read_text()
    assert "x SDPA" in md and "`triton` not timed" in md
    assert [r["variant"] for r in json.loads((tmp_path / "cpu" / "train.json").read_text())["rows"]] == ["gla"]


def test_a_triton_row_names_the_configs_that_ran():
    """Each row of ours records the launch configs its timed calls used (forward and backward
    passes of its family), another backend's row none; the process's SUITE_TRITON_* settings go
    into the provenance."""
    from suite.bench.kernels import _row

    if not adapters.available("triton", torch.device("cpu")):
        pytest.skip("Triton's interpreter is not available here")
    p = BenchProtocol(cpu_reps=1)
    cpu = torch.device("cpu")
    ours = _row("triton", "B1_T40_H2_D16", "scalar", "fwdbwd", p, cpu, {}, CEILINGS)
    assert ours["check"]["passed"] and ours["ms"] > 0
    assert {n.split("-")[0] for n in ours["configs"]} == {"fwd", "bwd"}
    assert all(n.split("-")[1] == "scalar" for n in ours["configs"])
    assert "configs" not in _row("chunked", "B1_T40_H2_D16", "scalar", "fwd", p, cpu, {}, CEILINGS)


def test_bench_provenance_names_the_tuning_settings(tmp_path, monkeypatch):
    from suite.bench.report import write_results

    monkeypatch.setenv("SUITE_TRITON_PENDING", "1")
    json_path, _ = write_results([], BenchProtocol(), torch.device("cpu"), tmp_path)
    assert json.loads(json_path.read_text())["provenance"]["tuning_env"] == {"SUITE_TRITON_PENDING": "1"}


def test_floors_are_taken_against_the_given_ceilings(tmp_path):
    """A row's floor is max(bytes / bandwidth, FLOPs / matmul rate) of the ceilings passed (those
    of the GPU it ran on); the table and the provenance state them with their source, and a GPU
    without measured ceilings gets the H200's, saying so."""
    from suite.bench.ceilings import STORED, for_slug
    from suite.bench.kernels import _row
    from suite.bench.merge import merge
    from suite.bench.report import write_results

    p, cpu = BenchProtocol(cpu_reps=1), torch.device("cpu")
    shape = "B1_T64_H2_D16"
    flops, nbytes = work(parse_shape(shape), "scalar", "fwd", 4, "chunked")
    slow = {"hbm_TBps": 0.5, "bf16_TFLOPs": 10.0, "source": "a test GPU"}
    row = _row("chunked", shape, "scalar", "fwd", p, cpu, {}, slow)
    assert row["floor_ms"] == pytest.approx(max(nbytes / 0.5e9, flops / 10e9))
    assert _row("chunked", shape, "scalar", "fwd", p, cpu, {}, CEILINGS)["floor_ms"] == pytest.approx(
        max(nbytes / CEILINGS["hbm_TBps"] / 1e9, flops / CEILINGS["bf16_TFLOPs"] / 1e9))
    json_path, md_path = write_results([row], p, cpu, tmp_path, ceilings=slow)
    assert json.loads(json_path.read_text())["provenance"]["ceilings"] == slow
    assert "floor = max(bytes / 0.5 TB/s, FLOPs / 10 TFLOP/s; a test GPU)" in md_path.read_text()
    assert merge([json_path])["ceilings"] == slow
    other = for_slug("a100-sxm4-80gb")
    assert other["hbm_TBps"] == STORED["h200"]["hbm_TBps"] and "a100-sxm4-80gb" in other["source"]
    assert for_slug("h200") == STORED["h200"]
    h100 = for_slug("h100-80gb-hbm3")  # measured on its own (v14c), below the H200's bandwidth
    assert h100 == STORED["h100-80gb-hbm3"] and h100["hbm_TBps"] < STORED["h200"]["hbm_TBps"]


def test_sweep_bytes_counts_each_operand_per_block():
    """gpu_tune.sweep_bytes (the bytes a state sweep moves per blocking, NOTES v14): at D = 128 on
    64 x 64 blocks the key side and the fp32 gate are read twice (two V-blocks), the value side
    twice (two K-blocks); over all of V once; the states are written once per chunk in bf16."""
    from suite.bench.gpu_tune import sweep_bytes

    dims = parse_shape("B1_T64_H1_D128")
    rows, states = 64 * 128, 2 * 128 * 128 * 2  # elements of one operand; two chunks of 32 rows
    assert sweep_bytes(dims, "vector", 32, 64, 64) == rows * 2 * 2 + rows * 2 * 2 + rows * 4 * 2 + states
    assert sweep_bytes(dims, "vector", 32, 64, 128) == rows * 2 + rows * 2 * 2 + rows * 4 + states
    assert sweep_bytes(dims, "scalar", 64, 64, 64) == rows * 2 * 2 * 2 + 64 * 4 * 2 * 2 + states // 2
