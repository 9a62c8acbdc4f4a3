"""Launch configurations of the Triton kernels: the search space, autotuning, and pinning.

Every configuration is a plain dict with a unique `name`, its `pass` ("fwd" or "bwd"), the
`family` it applies to ("scalar": kinds none/static/scalar; "vector"), the chunk size BT, the
forward's schedule (`split`: state pass + chunk-parallel output, else one sweep), the
backward's (`dv_split`: dv in a pass of its own, V-block BVD; BKC: the chunk pass's K-block), and
the launch knobs (BV: the V-block of the forward / of the backward's chunk pass, num_warps,
num_stages; maxnreg, dv_maxnreg: register caps, launch.launch). Miscompiles on Hopper depend on
the configuration (kernels-notes §4: #640, #984, #1262), so the conformance suite checks each:

    from suite.kernels import triton as tk
    for cfg in tk.autotune_configs():
        with tk.pinned(cfg):          # every launch of cfg's pass and family uses cfg
            ...run the checks...

The backward reuses the states the forward saved, so both passes of one training step share
BT: a pinned backward config fixes BT for the forward; a pinned forward config fixes BT for the
backward when a backward config of that BT fits the head dim (`max_d`), otherwise it applies to
gradient-free forwards only (the training step then uses the default BT). Unpinned on
CUDA, each (pass, family, kind, shape-class, dtype) is timed once over its candidate configs
(`triton.testing.do_bench`) and the fastest is cached; each kind compiles its own kernel, so
the kinds of a family never share a pick. In the CPU interpreter the first candidate is used
(also with `SUITE_TRITON_NO_AUTOTUNE=1`). `SUITE_TRITON_CONFIG=<name>` pins one config
for a whole process. Configs marked `pending` (not yet run on a GPU) are never candidates unless
pinned or `SUITE_TRITON_PENDING=1`.
"""

from __future__ import annotations

import contextlib
import os

import torch

from suite.errors import SuiteError


# The two state sweeps' launch keys: "st" the split forward's state pass (fwd.state_pass), "dh" the
# backward's state-gradient sweep (bwd.dh_sweep); a config without them runs SWEEP_DEFAULT.
SWEEP_KEYS = {"st": ("BKS", "BVS", "state_warps"), "dh": ("BKH", "BVH", "dh_warps")}
SWEEP_DEFAULT = (64, 64, 4)  # (BK, BV, warps)


def sweep_launch(cfg: dict, sweep: str, K: int | None = None, V: int | None = None) -> tuple[int, int, int]:
    """(BK, BV, warps) the state sweep `sweep` ("st" or "dh") of cfg launches with; the blocks
    capped at the next powers of two of K and V where given."""
    bk, bv, w = (cfg.get(key, dflt) for key, dflt in zip(SWEEP_KEYS[sweep], SWEEP_DEFAULT))
    if K is not None:
        bk = min(bk, 1 << (K - 1).bit_length())
    if V is not None:
        bv = min(bv, 1 << (V - 1).bit_length())
    return bk, bv, w


def sweep_suffix(cfg: dict, sweep: str) -> str:
    """The name suffix `-{sweep}{BK}x{BV}w{warps}` of a state sweep's launch where cfg names one."""
    if SWEEP_KEYS[sweep][0] not in cfg:
        return ""
    return "-{}{}x{}w{}".format(sweep, *sweep_launch(cfg, sweep))


def _sweep_tiles(cfg: dict, sweep: str, tiles: tuple[int, int, int] | None) -> dict:
    """Add the state sweep `sweep`'s blocks and warps `tiles` = (BK, BV, warps) to cfg, and
    their suffix to its name (no tiles: SWEEP_DEFAULT, no suffix)."""
    if tiles:
        cfg.update(zip(SWEEP_KEYS[sweep], tiles))
        cfg["name"] += sweep_suffix(cfg, sweep)
    return cfg


def _fwd(family, BT, BV, w, s, max_d=256, split=False, rows=False, tma=False, anchor=False, state=None,
         maxnreg=None, even=False):
    """rows: the sweep applies a scalar decay to its products' rows (fwd.rows_output); tma: it
    reads q, k, v through tensor descriptors (fwd.fwd_kernel), the split output pass its states;
    anchor: vector scores from one anchor per chunk where its decay allows (common.vector_scores);
    state: (BKS, BVS, warps) of the split schedule's state pass (fwd.state_pass); maxnreg: the
    registers per thread fwd_kernel is capped at (launch.launch; not with split); even: fwd_kernel
    loads and stores without bounds checks where every tile lies inside (common.even_tiles; not
    with split)."""
    if (maxnreg or even) and split:
        raise ValueError("maxnreg and even apply to fwd_kernel, which a split forward does not launch")
    name = f"fwd-{family}{'-split' if split else ''}-bt{BT}-bv{BV}-w{w}-s{s}"
    cfg = {"name": name + ("-rows" if rows else "") + ("-tma" if tma else "") + ("-anchor" if anchor else "")
           + (f"-r{maxnreg}" if maxnreg else "") + ("-even" if even else ""),
           "pass": "fwd", "family": family, "BT": BT, "BV": BV, "num_warps": w, "num_stages": s,
           "max_d": max_d, "split": split, "rows": rows, "tma": tma}
    if anchor:
        cfg["anchor"] = True
    if maxnreg:
        cfg["maxnreg"] = maxnreg
    if even:
        cfg["even"] = True
    return _sweep_tiles(cfg, "st", state)


def _fp32_upto(d, *cfgs):
    """cfgs admitted in fp32 only up to head dim d (above it they are never candidates, and the
    conformance grid skips those cases)."""
    return [dict(c, fp32_max_d=d) for c in cfgs]


def _pending(*cfgs):
    """Configs not yet run on a GPU: the conformance suite checks them like any other (pinned), the
    autotuner leaves them out unless SUITE_TRITON_PENDING=1 (what a GPU session sets to time them)."""
    return [dict(c, pending=True) for c in cfgs]


def _bwd(family, BT, BV, w, s, max_d=256, dv=None, bkc=None, dv_warps=None, dhdv=False, tma=False,
         anchor=False, dh=None, maxnreg=None, dv_maxnreg=None, cpp=None, even=False):
    """dv: the V-block of a separate dv pass (`dv_split`, bwd.py step 3), bkc: the chunk pass's
    K-block under dv_split (scalar family: the gate's gradient then comes in parts), dv_warps:
    the dv pass's warps (4 unless given), dhdv: dv in the state-gradient sweep instead (dhdv.py),
    tma: that sweep reads q, k, do through tensor descriptors, anchor: as in _fwd, dh: (BKH,
    BVH, warps) of the state-gradient sweep (bwd.dh_sweep; not with dhdv); maxnreg, dv_maxnreg: the
    registers per thread the chunk pass, and the dv pass or dhdv sweep, are capped at (launch.launch);
    cpp: the consecutive chunks each program of the chunk pass takes, in a software-pipelined loop;
    even: the dhdv sweep and the chunk pass load and store without bounds checks where every tile
    lies inside (common.even_tiles; needs dhdv)."""
    if dv_maxnreg and dv is None:
        raise ValueError("dv_maxnreg caps the dv pass or the dhdv sweep, which need dv (dv_split)")
    if even and not dhdv:
        raise ValueError("even applies to the dhdv sweep and the chunk pass (needs dhdv)")
    name = (f"bwd-{family}-bt{BT}-bv{BV}-w{w}-s{s}" + (f"-dv{dv}" if dv else "") + (f"-k{bkc}" if bkc else "")
            + (f"-dvw{dv_warps}" if dv_warps else "") + ("-dhdv" if dhdv else "") + ("-tma" if tma else "")
            + ("-anchor" if anchor else "") + (f"-r{maxnreg}" if maxnreg else "")
            + (f"-dvr{dv_maxnreg}" if dv_maxnreg else "") + (f"-c{cpp}" if cpp else "")
            + ("-even" if even else ""))
    cfg = {"name": name, "pass": "bwd", "family": family, "BT": BT, "BV": BV, "num_warps": w,
           "num_stages": s, "max_d": max_d, "dv_split": dv is not None}
    for key, val in (("BVD", dv), ("BKC", bkc), ("dv_warps", dv_warps), ("dhdv", dhdv), ("tma", tma),
                     ("anchor", anchor), ("maxnreg", maxnreg), ("dv_maxnreg", dv_maxnreg), ("cpp", cpp),
                     ("even", even)):
        if val:
            cfg[key] = val
    return _sweep_tiles(cfg, "dh", dh)


# Forward configs chosen from ptxas resource reports (sm_90a): configs that spill little; max_d =
# the largest max(K, V) a config fits; `split` configs run the two-pass schedule (fwd.py), whose
# state pass runs on the config's sweep blocks (SWEEP_KEYS; 64 x 64 on 4 warps unless given).
# Backward: BT is the forward's chunk, BV the V-block the chunk-parallel kernel walks (bwd.py);
# the state-gradient sweep likewise (`dh`).
_CONFIGS = [
    _fwd("scalar", 64, 64, 4, 2), _fwd("scalar", 64, 32, 4, 2), _fwd("scalar", 32, 64, 4, 2),
    _fwd("scalar", 16, 64, 4, 2),
    _fwd("vector", 16, 128, 8, 2), _fwd("vector", 16, 64, 4, 2), _fwd("vector", 32, 64, 8, 2),
    _fwd("scalar", 64, 64, 4, 2, split=True), _fwd("scalar", 64, 128, 8, 2, split=True),
    _fwd("vector", 16, 128, 4, 2, split=True), _fwd("vector", 32, 64, 4, 2, split=True),
    _fwd("vector", 64, 64, 8, 2, split=True),
    # the fused 64-row passes in fp32 only up to D = 64: at D = 128 ptxas had not finished the
    # backward after minutes (NOTES.md, v12t), so a step there hung in its compile
    *_fp32_upto(64, _bwd("scalar", 64, 64, 4, 2), _bwd("scalar", 64, 64, 8, 2)), _bwd("scalar", 32, 64, 4, 2),
    _bwd("scalar", 16, 64, 4, 2),
    _bwd("vector", 16, 64, 4, 2), _bwd("vector", 16, 32, 4, 2), _bwd("vector", 32, 64, 8, 2),
    # dv in a pass of its own (NOTES.md, v8): the three of seven tried that were fastest
    # somewhere or close; the vector BT = 32 ones gave wrong fp32 dv on the GPU (NOTES.md)
    _bwd("scalar", 64, 64, 4, 2, dv=64),
    # the scalar chunk pass over 64-channel K-blocks (NOTES.md, v11: the fused pass at D = 128
    # spent 1.24 of its 1.49 ms backward there, 255 registers, stalled on local memory)
    _bwd("scalar", 64, 64, 4, 2, dv=64, bkc=64), _bwd("scalar", 64, 64, 4, 2, dv=128, bkc=64),
    _bwd("vector", 16, 64, 4, 2, dv=128), _bwd("vector", 16, 64, 4, 2, dv=64, bkc=64),
    # v12 (NOTES.md): the sweep with the scalar decay on its products' rows (q and k enter the
    # dots as loaded; ptxas at D = 128: 220 -> 16 B spilled), also read through TMA, on 8 warps,
    # over all of V; the scalar chunk pass over all of V, the dv pass on 8 warps, dv in the
    # state-gradient sweep. Conformance on Hopper (v12av/f/g/s/t/u/w): every case of the three
    # kinds passed, bf16 (T = 63 / 1024) and fp32 (T = 63 / 500) at D = 64 and 128, except the
    # forwards in fp32 at D = 128, never run there (their pinned step hung in the fused backward's
    # compile), hence admitted in fp32 up to D = 64
    *_fp32_upto(64, _fwd("scalar", 64, 64, 4, 2, rows=True), _fwd("scalar", 64, 64, 4, 2, rows=True, tma=True),
                _fwd("scalar", 64, 64, 8, 2, rows=True), _fwd("scalar", 32, 128, 8, 2, rows=True)),
    _bwd("scalar", 64, 128, 4, 2, dv=128, bkc=64), _bwd("scalar", 64, 64, 4, 2, dv=128, bkc=64, dv_warps=8),
    _bwd("scalar", 64, 64, 4, 2, dv=64, bkc=64, dhdv=True),
    _bwd("scalar", 64, 64, 4, 2, dv=64, bkc=64, dv_warps=8, dhdv=True),
    _bwd("scalar", 64, 64, 4, 2, dv=64, bkc=64, dhdv=True, tma=True),
    _bwd("scalar", 64, 64, 8, 2, dv=128, bkc=64, dv_warps=8),
    # v12's vector family: the output pass reading its states through TMA, the vector kernels on
    # 8 warps (ptxas, D = 128: the chunk pass 740 -> 4 B spilled), the chunk pass over 64-channel
    # K-blocks; conformance passed on Hopper (v12av bf16 T = 63 / 1024, v12f fp32 T = 63 / 500)
    _fwd("vector", 16, 128, 4, 2, split=True, tma=True),
    _fwd("vector", 16, 128, 8, 2, split=True), _fwd("vector", 16, 128, 8, 2, split=True, tma=True),
    _bwd("vector", 16, 64, 8, 2, dv=128), _bwd("vector", 16, 64, 8, 2, dv=128, dv_warps=8),
    _bwd("vector", 16, 64, 4, 2, dv=128, bkc=64),
    # v13 (NOTES.md): vector scores and their gradients from one anchor per chunk where its decay
    # allows (one product instead of the hierarchy's log2(BT)), on the configs v11 chose at the
    # anchor shape and at 32-row chunks (half the states' bytes); conformance passed on Hopper
    # (v13a; the 32-row forwards do not fit fp32 at D = 128, which the autotuner skips)
    _fwd("vector", 16, 128, 4, 2, split=True, anchor=True), _fwd("vector", 32, 64, 4, 2, split=True, anchor=True),
    _fwd("vector", 32, 128, 8, 2, split=True, anchor=True), _bwd("vector", 16, 64, 4, 2, dv=128, anchor=True),
    _bwd("vector", 16, 64, 4, 2, dv=128, bkc=64, anchor=True), _bwd("vector", 32, 64, 8, 2, anchor=True),
    _bwd("vector", 32, 64, 4, 2, dv=128, bkc=64, anchor=True),
    # v14 (NOTES.md): the 32-row step's state sweeps over all of V (the state pass reads the fp32
    # gate and the keys once per V-block, the state-gradient sweep the gate and q): at D = 128,
    # 1.21 / 1.48 GB instead of 1.61; conformance passed on Hopper (v14b; the forwards, like their
    # base, do not fit fp32 at D = 128)
    *_fp32_upto(64, _fwd("vector", 32, 64, 4, 2, split=True, anchor=True, state=(64, 128, 4)),
                _fwd("vector", 32, 64, 4, 2, split=True, anchor=True, state=(32, 128, 2))),
    _bwd("vector", 32, 64, 4, 2, dv=128, bkc=64, anchor=True, dh=(64, 128, 4)),
    _bwd("vector", 32, 64, 4, 2, dv=128, bkc=64, anchor=True, dh=(32, 128, 2)),
    # v15 (NOTES.md): the 32-row output pass over all of V on 4 warps, or on 2 warps (SASS counts at
    # D = 128, anchored path: 1,080 / 1,292 shared-memory instructions per row against 1,984 for bv64
    # on 4 warps; the launched kernels spill 12 / 968 B); conformance passed on Hopper (v15: bf16
    # T = 63 / 1024; fp32 at D = 64, not launchable at D = 128 like their base); H200 step (v16):
    # the first wins at the anchor (0.958 against 1.221 ms), the second at the 160M shape (0.534
    # against 0.643), as on the H100 (v15)
    *_fp32_upto(64, _fwd("vector", 32, 128, 4, 2, split=True, anchor=True, state=(32, 128, 2)),
                _fwd("vector", 32, 64, 2, 2, split=True, anchor=True, state=(32, 128, 2))),
    # v16 (NOTES.md): the 32-row backward's chunk pass on 2 warps over 32-channel K-blocks (SASS
    # counts at D = 128, anchored path: 3,632 shared-memory instructions per row against 4,832;
    # 300 B spilled), alone or with its dv pass on 2 warps too (1,102 against 1,688; 1,256 B
    # spilled); conformance passed on Hopper (v16: bf16 T = 63 / 1024, fp32 T = 63 / 500, D = 64
    # and 128); H200 step: the first wins at the anchor (2.930 against 2.965 ms), the second at
    # the 160M shape (1.654 against 1.871)
    _bwd("vector", 32, 64, 2, 2, dv=128, bkc=32, anchor=True, dh=(32, 128, 2)),
    _bwd("vector", 32, 64, 2, 2, dv=128, bkc=32, dv_warps=2, anchor=True, dh=(32, 128, 2)),
    # v22 (NOTES.md): the D = 64 scalar step's 64-row sweeps capped at 168 registers, so that three
    # programs of 4 warps fit an SM (65,536 registers / (3 x 128 threads) = 170): the 160M shape's
    # 384 sweep programs then run in one wave over 132 SMs instead of 1.45 (at 255 / 183 registers
    # two fit). ptxas (sm_90a, bf16, D = 64): fwd_kernel 255 -> 168 registers, 80 B spilled; the
    # dhdv sweep 183 -> 168, 44 B. Conformance passed on Hopper (v22a: bf16 and fp32, T = 63 /
    # 1024, D = 64); H100, 160M: forward 0.199 -> 0.169 ms, backward 0.586 -> 0.553; at 1.45B (256
    # programs, one wave already) they lose, and the autotuner keeps the uncapped ones there
    _fwd("scalar", 64, 64, 4, 2, max_d=64, maxnreg=168),
    _bwd("scalar", 64, 64, 4, 2, max_d=64, dv=64, bkc=64, dhdv=True, dv_maxnreg=168),
    # v25 (NOTES.md): the D = 64 chunk pass over several consecutive chunks per program, a loop
    # Triton pipelines (the next chunk's tiles are copied to shared memory while this one
    # computes). Conformance passed on Hopper (v25a: bf16 and fp32, T = 63 / 1024, D = 64); H100
    # backward, each beside the v22 config it extends: 160M 0.553 -> 0.541 ms (4 chunks), 1.45B
    # 0.379 -> 0.370 (2 chunks); 2 chunks on the capped config (0.542 / 0.374) was dropped
    _bwd("scalar", 64, 64, 4, 2, max_d=64, dv=64, bkc=64, dhdv=True, dv_maxnreg=168, cpp=4),
    _bwd("scalar", 64, 64, 4, 2, max_d=64, dv=64, bkc=64, dhdv=True, cpp=2),
    # (v26, the chunk pass carrying dS over its chunks so that the dhdv sweep stores one in cpp,
    # lost on the H100: 160M backward 0.657 against 0.541 ms, v27a; its code was removed, NOTES.md)
    # v27 (NOTES.md): the D = 64 step's picks without bounds checks where T is a multiple of the
    # chunk and D of the blocks (`even`: no per-element predicates on the loads and stores; SASS
    # per thread: fwd_kernel -6 to -12 %, the dhdv sweep -10 to -13 %, the chunk pass -6 %).
    # Conformance passed on Hopper (v27a: bf16 and fp32, T = 63 / 1024, D = 64); H100, each beside
    # the config it extends: 160M forward 0.168 -> 0.169 ms (train 0.208 -> 0.199), backward
    # 0.541 -> 0.534; 1.45B forward 0.117 -> 0.113, backward 0.370 -> 0.366 (2 chunks). The
    # uncapped forward's scalar and static kinds at T = 1024, the only length of the GPU grid where
    # `even` drops the checks, passed later (v27h, v27i: bf16 and fp32, D = 64 and 128)
    _fwd("scalar", 64, 64, 4, 2, max_d=64, maxnreg=168, even=True),
    _fwd("scalar", 64, 64, 4, 2, even=True),
    _bwd("scalar", 64, 64, 4, 2, max_d=64, dv=64, bkc=64, dhdv=True, dv_maxnreg=168, cpp=4, even=True),
    _bwd("scalar", 64, 64, 4, 2, max_d=64, dv=64, bkc=64, dhdv=True, cpp=2, even=True),
    # (v28, the D = 64 step on 128-row chunks, lost on the H100: 160M backward 1.043 against
    # 0.527 ms, v28a; its configs were removed, NOTES.md)
    # v29 (NOTES.md): the anchor's forward pick (D = 128) without bounds checks (`even` on v12's
    # pick; SASS per row -9 %). Conformance passed on Hopper (v29a: bf16, T = 63 / 1024, D = 128;
    # v29b: D = 64); H100 beside v12's pick: anchor forward 0.278 -> 0.240 ms (train 0.333 ->
    # 0.331). (The dhdv sweep without bounds checks, 1.099 against 1.085 ms, and both sweeps over
    # all of V on 8 warps, forward 0.378 and backward 1.265 ms, lost there; removed, NOTES.md)
    *_fp32_upto(64, _fwd("scalar", 64, 64, 4, 2, rows=True, even=True)),
    # v32 (NOTES.md): the vector forward as one sweep with one anchor per 32-row chunk (fwd.vector_step:
    # no states' round trip, the gate's sums on the tensor cores, two [BT, BK] exp2 a chunk). SASS
    # per row at D = 128, anchored path: 15,104 (bv128, 8 warps) and 22,336 (bv64, 4 warps) against
    # 20,384 for the split pick's two passes; at D = 64, 6,240 against 8,448. Prepared without a GPU
    # (interpreter conformance only): pending, and in fp32 up to D = 64 like the 32-row forwards
    *_pending(*_fp32_upto(64, _fwd("vector", 32, 128, 8, 2, anchor=True, even=True),
                          _fwd("vector", 32, 64, 4, 2, anchor=True, even=True),
                          _fwd("vector", 32, 64, 4, 2, max_d=64, maxnreg=168, anchor=True, even=True))),
]
# The chunk size a training step uses when nothing is pinned, by (family, max(K, V) <= 64).
# Vector at D = 128: 32 rows since v13b (anchor, H100: fwd 1.625 + bwd 3.397 ms against
# 1.774 + 3.794 ms at 16 rows); fp32 at D = 128 stays at 16 (train_bt).
_TRAIN_BT = {("scalar", True): 64, ("scalar", False): 64, ("vector", True): 32, ("vector", False): 32}

_PINNED: dict[tuple[str, str], dict] = {}
_CACHE: dict[tuple, dict] = {}
_CANDIDATES: dict[tuple, tuple] = {}  # candidates()' memo: key -> (_CONFIGS then, configs)
_RECORD: list[list[str]] = []  # open `recording()` blocks, innermost last
TIMINGS: dict[tuple, dict[str, float]] = {}  # autotune key -> {config name: ms}, for reports


def fits(cfg: dict, d: int, fp32: bool = False) -> bool:
    """Whether cfg is admitted at head dim d = max(K, V) (in fp32 operands if `fp32`)."""
    return d <= (cfg.get("fp32_max_d", cfg["max_d"]) if fp32 else cfg["max_d"])


def autotune_configs(pass_: str | None = None, family: str | None = None, d: int | None = None,
                     fp32: bool = False) -> list[dict]:
    """All launch configurations (copies), optionally of one pass ("fwd"/"bwd"), one family,
    and those admitted at head dim d = max(K, V) (in fp32 if `fp32`)."""
    return [dict(c) for c in _CONFIGS
            if (pass_ is None or c["pass"] == pass_) and (family is None or c["family"] == family)
            and (d is None or fits(c, d, fp32))]


def config_by_name(name: str) -> dict:
    for c in _CONFIGS:
        if c["name"] == name:
            return dict(c)
    raise SuiteError(f"unknown Triton config '{name}'; known: {', '.join(c['name'] for c in _CONFIGS)}")


@contextlib.contextmanager
def pinned(cfg: dict | str):
    """Within the block, every launch of cfg's pass and family uses cfg (see module doc)."""
    cfg = config_by_name(cfg) if isinstance(cfg, str) else dict(cfg)
    key = (cfg["pass"], cfg["family"])
    old = _PINNED.get(key)
    _PINNED[key] = cfg
    try:
        yield cfg
    finally:
        if old is None:
            _PINNED.pop(key, None)
        else:
            _PINNED[key] = old


def _env_pin(pass_: str, family: str) -> dict | None:
    name = os.environ.get("SUITE_TRITON_CONFIG")
    if not name:
        return None
    cfg = config_by_name(name)
    return cfg if (cfg["pass"], cfg["family"]) == (pass_, family) else None


def pinned_config(pass_: str, family: str) -> dict | None:
    return _PINNED.get((pass_, family)) or _env_pin(pass_, family)


def train_bt(family: str, K: int, V: int, fp32: bool = False) -> int:
    """BT shared by the forward and backward of a training step. A pinned backward config
    decides; a pinned forward config decides when some backward config of its BT fits
    max(K, V) (else it is used for gradient-free forwards only)."""
    d = max(K, V)
    bwd = pinned_config("bwd", family)
    if bwd is not None:
        return bwd["BT"]
    fwd = pinned_config("fwd", family)
    if fwd is not None and any(c["BT"] == fwd["BT"] for c in autotune_configs("bwd", family, d, fp32)):
        return fwd["BT"]
    if fp32 and d > 64:  # fp32 operands: IEEE dots stage fp32 tiles in shared memory
        return 16
    return _TRAIN_BT[(family, d <= 64)]


def candidates(pass_: str, family: str, bt: int | None, d: int, fp32: bool = False) -> list[dict]:
    """Configs to consider: the pinned one, else those of this pass/family admitted at head dim d
    in this precision (and with chunk size bt if given). Unpinned, memoised on what decides them
    (the config list itself, SUITE_TRITON_PENDING): it runs on every launch (host time, NOTES v17)."""
    if _PINNED or os.environ.get("SUITE_TRITON_CONFIG"):
        return _candidates(pass_, family, bt, d, fp32)
    key = (pass_, family, bt, d, fp32, os.environ.get("SUITE_TRITON_PENDING"))
    hit = _CANDIDATES.get(key)
    if hit is None or hit[0] is not _CONFIGS:  # the list held, so its identity is never reused
        hit = _CANDIDATES[key] = (_CONFIGS, _candidates(pass_, family, bt, d, fp32))
    return list(hit[1])


def _candidates(pass_: str, family: str, bt: int | None, d: int, fp32: bool) -> list[dict]:
    cfg = pinned_config(pass_, family)
    if cfg is not None and (bt is None or cfg["BT"] == bt):
        return [cfg]
    pending = os.environ.get("SUITE_TRITON_PENDING") == "1"
    out = [c for c in autotune_configs(pass_, family, d, fp32)
           if (bt is None or c["BT"] == bt) and (pending or not c.get("pending"))]
    if not out and bt is not None and (_PINNED or os.environ.get("SUITE_TRITON_CONFIG")):
        # a pinned config of the other pass chose a chunk size that only pending configs have
        out = [c for c in autotune_configs(pass_, family, d, fp32) if c["BT"] == bt]
    if not out:
        raise SuiteError(f"no {pass_} config for family {family} with BT={bt}")
    return out


@contextlib.contextmanager
def recording():
    """Within the block, the names of the configs `choose` returns, in order (a list, yielded)."""
    used: list[str] = []
    _RECORD.append(used)
    try:
        yield used
    finally:
        _RECORD.remove(used)


def choose(key: tuple, cands: list[dict], launch, device: torch.device) -> dict:
    """The fastest of `cands` for `key` (timed once per key on CUDA); `launch(cfg)` runs one."""
    cfg = _choose(key, cands, launch, device)
    for used in _RECORD:
        used.append(cfg["name"])
    return cfg


def _choose(key: tuple, cands: list[dict], launch, device: torch.device) -> dict:
    if (len(cands) == 1 or device.type != "cuda" or os.environ.get("TRITON_INTERPRET") == "1"
            or os.environ.get("SUITE_TRITON_NO_AUTOTUNE") == "1"):
        return cands[0]
    base, key = key, key + tuple(c["name"] for c in cands)
    if key not in _CACHE:
        from triton.testing import do_bench

        times = {}
        for c in cands:
            try:
                times[c["name"]] = do_bench(lambda c=c: launch(c), warmup=5, rep=20)
            except Exception:  # noqa: BLE001, S112 - a config that cannot compile or launch is skipped
                continue
        if not times:
            raise SuiteError(f"no Triton config could run for {key[:6]}")
        best = min(times, key=times.get)
        TIMINGS[base] = times
        _CACHE[key] = next(c for c in cands if c["name"] == best)
    return _CACHE[key]
