"""`resources.ptx_digest`: what tells a no-op refactor of the kernels from a change.

    pytest tests/test_triton_resources.py      # CPU: compiles for sm_90 without a GPU

Three copies of a small kernel are compiled for Hopper in a process of its own (this one runs
the interpreter): the same body moved down the file (its line information changes) must keep
its digest, a body with one operation changed must not.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from suite.kernels import available_backends

pytestmark = pytest.mark.skipif("triton" not in available_backends("cpu"),
                                reason="Triton not available")

_KERNEL = '''
import triton
import triton.language as tl


@triton.jit
def probe(x, y, BT: tl.constexpr):
    r = tl.arange(0, BT)
    tri = (r[None, :] <= r[:, None]).to(tl.bfloat16)
    v = tl.load(x + r[:, None] * BT + r[None, :])
    tl.store(y + r[:, None] * BT + r[None, :], tl.dot(tri, v.to(tl.bfloat16)) {op} 1.0)
'''

_COMPILE = '''
import hashlib, importlib, sys
import triton
from triton.backends.compiler import GPUTarget
from triton.compiler import ASTSource
from suite.kernels.triton.resources import ptx_digest
sys.path.insert(0, sys.argv[1])
for name in ("mod_a", "mod_b", "mod_c"):
    fn = importlib.import_module(name).probe
    k = triton.compile(ASTSource(fn, {"x": "*fp32", "y": "*fp32", "BT": "constexpr"}, constexprs={"BT": 32}),
                       target=GPUTarget("cuda", 90, 32), options={"num_warps": 4})
    print(name, ptx_digest(k), hashlib.sha256(k.asm["ptx"].encode()).hexdigest()[:16])
'''


def test_digest_ignores_line_information_and_sees_an_operation(tmp_path):
    (tmp_path / "mod_a.py").write_text(_KERNEL.format(op="+"))
    (tmp_path / "mod_b.py").write_text("# moved down\n" * 40 + _KERNEL.format(op="+"))
    (tmp_path / "mod_c.py").write_text(_KERNEL.format(op="-"))
    env = {k: v for k, v in os.environ.items() if k != "TRITON_INTERPRET"}
    out = subprocess.run([sys.executable, "-c", _COMPILE, str(tmp_path)], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    digest = dict(zip(out[0::3], out[1::3]))
    raw = dict(zip(out[0::3], out[2::3]))
    assert raw["mod_a"] != raw["mod_b"]        # the PTX itself differs: line information
    assert digest["mod_a"] == digest["mod_b"]  # moved: same kernel
    assert digest["mod_a"] != digest["mod_c"]  # + 1.0 against - 1.0


_CAPS = '''
from suite.kernels.triton.resources import compile_config, ptxas_report
from suite.kernels.triton.tuning import config_by_name
for name, ps in (("fwd-scalar-bt64-bv64-w4-s2-r168", "fwd"), ("bwd-scalar-bt64-bv64-w4-s2-dv64-k64-dhdv-dvr168", "dhdv")):
    cfg = config_by_name(name)
    cfg = dict(cfg, **{"pass": ps, "num_warps": cfg.get("dv_warps", cfg["num_warps"])})
    free = {k: v for k, v in cfg.items() if k not in ("maxnreg", "dv_maxnreg")}
    cap = cfg.get("maxnreg") or cfg["dv_maxnreg"]
    print(name, cap, ptxas_report(compile_config(cfg, 2, 64, 64))["registers"],
          ptxas_report(compile_config(free, 2, 64, 64))["registers"])
'''


def test_register_caps_reach_ptxas():
    """A config's register cap (tuning: maxnreg, dv_maxnreg) reaches the compiled kernel: ptxas
    allocates at most the cap, and the same config without it takes more (so the cap binds)."""
    env = {k: v for k, v in os.environ.items() if k != "TRITON_INTERPRET"}
    out = subprocess.run([sys.executable, "-c", _CAPS], env=env, capture_output=True, text=True,
                         check=True).stdout.split("\n")
    rows = [line.split() for line in out if line.strip()]
    assert len(rows) == 2
    for name, cap, capped, free in rows:
        assert int(capped) <= int(cap) < int(free), (name, cap, capped, free)


_LINES = '''
import importlib, sys
import triton
from triton.backends.compiler import GPUTarget
from triton.compiler import ASTSource
from suite.kernels.triton.resources import sass_counts, sass_lines
sys.path.insert(0, sys.argv[1])
fn = importlib.import_module("mod_a").probe
k = triton.compile(ASTSource(fn, {"x": "*fp32", "y": "*fp32", "n": "i32", "BT": "constexpr"},
                             constexprs={"BT": 32}), target=GPUTarget("cuda", 90, 32), options={"num_warps": 4})
rows = sass_lines(k)
mma = [r["where"] for r in rows if r["ops"].get("HGMMA", 0) + r["ops"].get("HMMA", 0)]
print(sum(r["count"] for r in rows), sass_counts(k)["total"], " ".join(sorted(set(mma))))
'''


_MASKED = _KERNEL.replace("v = tl.load(x + r[:, None] * BT + r[None, :])",
                          "v = tl.load(x + r[:, None] * BT + r[None, :], mask=r[:, None] < n, other=0.0)")
_MASKED = _MASKED.replace("def probe(x, y, BT", "def probe(x, y, n, BT")


def test_sass_lines_account_for_every_instruction(tmp_path):
    """`--lines` (sass_lines): the per-line counts add up to the kernel's instruction count (a
    masked load makes predicated instructions), and the tensor-core instructions sit on the line
    of the source that holds tl.dot."""
    assert "mask=" in _MASKED and "n, BT" in _MASKED
    (tmp_path / "mod_a.py").write_text(_MASKED.format(op="+"))
    dot_line = next(i for i, s in enumerate(_MASKED.splitlines(), 1) if "tl.dot" in s)
    env = {k: v for k, v in os.environ.items() if k != "TRITON_INTERPRET"}
    out = subprocess.run([sys.executable, "-c", _LINES, str(tmp_path)], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert int(out[0]) == int(out[1]) > 0
    assert [os.path.basename(w) for w in out[2:]] == [f"mod_a.py:{dot_line}"]


def test_config_part_names_a_kernel_the_config_launches():
    """`--part` (config_part): a dhdv config's sweep compiles as the dhdv pass on its dv warps; a
    part the config does not launch is refused in one sentence that lists the parts."""
    from suite.errors import SuiteError
    from suite.kernels.triton.resources import config_part
    from suite.kernels.triton.tuning import config_by_name

    cfg = config_by_name("bwd-scalar-bt64-bv64-w4-s2-dv64-k64-dvw8-dhdv")
    assert config_part(cfg, "main") is cfg
    part = config_part(cfg, "dhdv")
    assert (part["pass"], part["num_warps"], cfg["pass"]) == ("dhdv", 8, "bwd")
    with pytest.raises(SuiteError, match="launches no 'st' kernel; --part takes main, dhdv"):
        config_part(cfg, "st")
    with pytest.raises(SuiteError, match="launches no 'dv' kernel"):
        config_part(cfg, "dv")
