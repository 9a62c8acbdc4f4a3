"""Resource report of the Triton kernels for Hopper, compiled here without a GPU.

Compiles fwd_kernel (or, for a split config, fwd_output_kernel), bwd_chunk_kernel, bwd_dv_kernel
(dv_split configs), the two state sweeps (fwd_state_kernel, bwd_dh_kernel) and the static
log-decay gradient's sweep (static_dg_kernel) for `GPUTarget("cuda", 90, 32)` with the given
constexprs and runs the `ptxas -v` bundled with Triton on the PTX: shared memory, registers and
spill bytes per config, and whether wgmma was used. No device time; Triton's version here may
differ from the GPU machine's (numbers are leads, checked against measured times).

    python -m suite.kernels.triton.resources                      # every config at D=128 and 64, bf16
    python -m suite.kernels.triton.resources --dtype fp32 --d 128
    python -m suite.kernels.triton.resources --d 128 --sass       # + SASS instruction counts
    python -m suite.kernels.triton.resources --d 128 --ptx-digest # + a digest of each kernel's PTX
    python -m suite.kernels.triton.resources --d 64 --lines CONFIG  # one config's SASS by source line

`--lines` attributes each SASS instruction of CONFIG's kernel (the forward's or the chunk pass;
`--part dhdv|dv|dh|st` one of the config's other kernels) to the source line it was compiled from
(the line information nvdisasm prints) and lists the lines with the most, with their instruction
classes: where a kernel bound by its own instruction stream spends it. `--kind` picks the decay
kind it is compiled for (default scalar).

`--ptx-digest` tells whether a change to the kernels' source is a no-op for the GPU: the same
command on the tree before and after a refactor, then `diff` of the two listings. The digest
leaves out what moves with the source's lines (location directives, debug labels and sections),
so equal digests mean equal PTX and therefore equal binaries.

A config with `anchor` compiles both ways of scoring a chunk (common.vector_scores) behind a
branch, so its static counts hold both; `per_row_anchored` counts a build whose fallback is
empty (levels=0), i.e. the path a chunk takes when its decay allows one anchor.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter

import triton
from triton.backends.compiler import GPUTarget
from triton.compiler import ASTSource

from suite.errors import SuiteError
from suite.kernels.triton.bwd import bwd_chunk_kernel, bwd_dh_kernel, bwd_dv_kernel
from suite.kernels.triton.dhdv import bwd_dhdv_kernel
from suite.kernels.triton.fwd import fwd_kernel, fwd_output_kernel, fwd_state_kernel
from suite.kernels.triton.static_dg import static_dg_kernel
from suite.kernels.triton.tuning import autotune_configs, config_by_name, sweep_launch, sweep_suffix

_PTR = {"fwd": ("q", "k", "v", "g", "h0", "o", "ht", "states"),
        "bwd": ("q", "k", "v", "g", "states", "dstates", "do", "dq", "dk", "dv", "dg"),
        "dh": ("q", "g", "do", "dht", "dstates", "dh0"),
        "dv": ("q", "k", "v", "g", "dstates", "do", "dv", "dg"),
        "out": ("q", "k", "v", "g", "states", "o"), "st": ("k", "v", "g", "h0", "ht", "states"),
        "dhdv": ("q", "k", "v", "g", "do", "dht", "dstates", "dh0", "dv", "dg")}
_F32 = {"g", "h0", "ht", "dht", "dg", "dh0"}
_FN = {"fwd": fwd_kernel, "bwd": bwd_chunk_kernel, "dh": bwd_dh_kernel, "dv": bwd_dv_kernel,
       "out": fwd_output_kernel, "st": fwd_state_kernel, "dhdv": bwd_dhdv_kernel}
_CAP = {"fwd": "maxnreg", "bwd": "maxnreg", "dv": "dv_maxnreg", "dhdv": "dv_maxnreg"}  # config keys


def compile_config(cfg: dict, kind_id: int, K: int, V: int, dt: str = "bf16", levels: int | None = None):
    """The compiled kernel of `cfg` (from autotune_configs; pass "dh": the state-gradient sweep
    at cfg's BT) for Hopper; pointers 16-byte aligned. `levels` overrides the hierarchy's levels
    (0 with an anchor config: a build for counting the anchored path alone, never launched)."""
    ps = "out" if cfg["pass"] == "fwd" and cfg.get("split") else cfg["pass"]
    sig = {p: "*fp32" if p in _F32 else f"*{dt}" for p in _PTR[ps]}
    sig.update({"scale": "fp32"} if ps != "st" else {}, T="i32", NT="i32")
    if ps in ("bwd", "dv", "dhdv"):
        sig.update(DGP="i32")
    c = {"H": 16, "K": K, "V": V, "BT": cfg["BT"], "BK": triton.next_power_of_2(K), "KIND": kind_id,
         "IEEE": dt == "fp32"}
    if ps == "fwd":
        c.update(BV=min(cfg["BV"], triton.next_power_of_2(V)), STORE_HT=True, SAVE=True, HAS_H0=True,
                 LEVELS=cfg["BT"].bit_length() - 1, ROWS=bool(cfg.get("rows")), TMA=bool(cfg.get("tma")),
                 EVEN=bool(cfg.get("even")))  # compiled for a shape whose tiles all lie inside
        if c["TMA"]:  # q, k, v as tensor descriptors of one chunk's rows (fwd.launch_fwd)
            sig.update({p: f"tensordesc<{dt}[1,{cfg['BT']},1,{c[b]}]>"
                        for p, b in (("q", "BK"), ("k", "BK"), ("v", "BV"))})
    elif ps in ("bwd", "out"):
        c.update(BV=min(cfg["BV"], triton.next_power_of_2(V)), LEVELS=cfg["BT"].bit_length() - 1)
        if ps == "out":
            c.update(TMA=bool(cfg.get("tma")))
            if c["TMA"]:  # the states as a descriptor (fwd.output_pass)
                sig["states"] = f"tensordesc<{dt}[1,{c['BK']},{c['BV']}]>"
        if ps == "bwd":
            split = bool(cfg.get("dv_split"))
            if split:
                c.update(BK=min(c["BK"], cfg.get("BKC", c["BK"])))
            whole_k = c["BK"] == triton.next_power_of_2(K)
            c.update(HAS_DG=True, HAS_DV=not split, PAIRS=kind_id != 3 and whole_k, CPP=cfg.get("cpp", 1),
                     EVEN=bool(cfg.get("even")))
    elif ps == "dv":
        c.update(BV=min(cfg["BVD"], triton.next_power_of_2(V)), LEVELS=cfg["BT"].bit_length() - 1,
                 PAIRS=kind_id != 3 and cfg.get("BKC", K) < K)
    elif ps == "dhdv":
        c.update(BV=min(cfg["BVD"], triton.next_power_of_2(V)), HAS_DHT=True, HAS_H0=True,
                 PAIRS=cfg.get("BKC", K) < K, TMA=bool(cfg.get("tma")),
                 EVEN=bool(cfg.get("even")))
        if c["TMA"]:  # q, k, do as tensor descriptors of one chunk's rows (dhdv.launch_dhdv)
            sig.update({p: f"tensordesc<{dt}[1,{cfg['BT']},1,{c[b]}]>"
                        for p, b in (("q", "BK"), ("k", "BK"), ("do", "BV"))})
    elif ps == "st":  # the blocks fwd.state_pass takes
        bk, bv, _ = sweep_launch(cfg, "st", K, V)
        c.update(BK=bk, BV=bv, HAS_H0=True, STORE_HT=True)
    else:  # the blocks bwd.dh_sweep takes
        bk, bv, _ = sweep_launch(cfg, "dh", K, V)
        c.update(BK=bk, BV=bv, HAS_DHT=True, HAS_H0=True)
    if ps in ("fwd", "out", "bwd", "dv"):  # as fwd.anchored decides
        c.update(ANCHOR=bool(cfg.get("anchor")) and dt != "fp16")
    if levels is not None and "LEVELS" in c:
        c.update(LEVELS=levels)
    sig.update({n: "constexpr" for n in c})
    names = list(sig)
    attrs = {(names.index(p),): [["tt.divisibility", 16]] for p in _PTR[ps] if sig[p].startswith("*")}
    fn = _FN[ps]
    stages = 1 if dt == "fp32" else cfg["num_stages"]
    cap = cfg.get(_CAP.get(ps, ""))  # the register cap of this kernel (launch.launch's maxnreg)
    return triton.compile(ASTSource(fn, sig, constexprs=c, attrs=attrs), target=GPUTarget("cuda", 90, 32),
                          options={"num_warps": cfg["num_warps"], "num_stages": stages}
                          | ({"maxnreg": cap} if cap else {}))


def compile_static_dg(K: int, V: int, dt: str = "bf16", BT: int = 64, block: int = 32):
    """The compiled static-gradient sweep (static_dg.py) at chunk BT and block x block state tiles."""
    ptrs = ("q", "k", "v", "do", "g", "h0", "dht", "part")
    sig = {p: "*fp32" if p in ("g", "h0", "dht", "part") else f"*{dt}" for p in ptrs}
    sig.update(scale="fp32", T="i32", NT="i32")
    c = {"H": 16, "K": K, "V": V, "BT": BT, "BK": min(triton.next_power_of_2(K), block),
         "BV": min(triton.next_power_of_2(V), block), "HAS_H0": True, "HAS_DHT": True, "HILO": dt == "bf16"}
    sig.update({n: "constexpr" for n in c})
    attrs = {(list(sig).index(p),): [["tt.divisibility", 16]] for p in ptrs}
    return triton.compile(ASTSource(static_dg_kernel, sig, constexprs=c, attrs=attrs),
                          target=GPUTarget("cuda", 90, 32), options={"num_warps": 4, "num_stages": 1})


def ptxas_report(kernel) -> dict:
    """Registers and spill-store bytes from `ptxas -v` on the kernel's PTX, plus shared memory."""
    ptxas = os.path.join(os.path.dirname(triton.__file__), "backends", "nvidia", "bin", "ptxas")
    with tempfile.NamedTemporaryFile("w", suffix=".ptx", delete=False) as fh:
        fh.write(kernel.asm["ptx"])
    err = subprocess.run([ptxas, "-v", "--gpu-name", "sm_90a", fh.name, "-o", os.devnull],
                         capture_output=True, text=True, check=False).stderr
    os.unlink(fh.name)
    regs = re.findall(r"Used (\d+) registers", err)
    spill = re.findall(r"(\d+) bytes spill stores", err)
    return {"shared": kernel.metadata.shared, "registers": int(regs[-1]) if regs else None,
            "spill_bytes": int(spill[-1]) if spill else None, "wgmma": "wgmma" in kernel.asm["ptx"]}


SASS_CLASSES = ("LDS", "STS", "LDSM", "BAR", "SHFL", "HGMMA", "HMMA", "MUFU", "LDG", "STG", "LDL", "STL",
                "UTMALDG")


def sass_counts(kernel) -> dict:
    """Static SASS instruction counts of the kernel (per thread, nvdisasm bundled with Triton): the
    shared-memory traffic (LDS/STS/LDSM), barriers, shuffles, tensor-core and special-function
    instructions, global and local (spill) loads/stores, TMA loads; `total` all instructions."""
    ops = _OP.findall(_disassemble(kernel))
    return {op: ops.count(op) for op in SASS_CLASSES} | {"total": len(ops)}


_OP = re.compile(r"/\*[0-9a-f]+\*/\s+(?:@!?U?P\w+\s+)?([A-Z][A-Z0-9_]*)")  # an instruction's opcode
_LINE = re.compile(r'//## File "([^"]+)", line (\d+)')  # nvdisasm -g: the source line that follows


def _disassemble(kernel, *flags: str) -> str:
    """The kernel's SASS as text (the nvdisasm bundled with Triton, `-c` plus flags)."""
    nvdisasm = os.path.join(os.path.dirname(triton.__file__), "backends", "nvidia", "bin", "nvdisasm")
    with tempfile.NamedTemporaryFile("wb", suffix=".cubin", delete=False) as fh:
        fh.write(kernel.asm["cubin"])
    text = subprocess.run([nvdisasm, "-c", *flags, fh.name], capture_output=True, text=True, check=False).stdout
    os.unlink(fh.name)
    return text


def sass_lines(kernel) -> list[dict]:
    """The kernel's SASS instructions grouped by the source line each comes from: dicts `where`
    (file:line, or "?" before the first line marker), `count`, `ops` (opcode -> count), most first.
    The counts add up to sass_counts' total."""
    where, ops = "?", {}
    for line in _disassemble(kernel, "-g").splitlines():
        if m := _LINE.search(line):
            where = f"{m.group(1)}:{m.group(2)}"
        elif m := _OP.search(line):
            ops.setdefault(where, Counter())[m.group(1)] += 1
    rows = [{"where": w, "count": sum(c.values()), "ops": dict(c.most_common())} for w, c in ops.items()]
    return sorted(rows, key=lambda r: -r["count"])


def _source(where: str) -> str:
    """The stripped text of `file:line`, or "" where it cannot be read."""
    path, _, num = where.rpartition(":")
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read().splitlines()[int(num) - 1].strip()
    except (OSError, ValueError, IndexError):
        return ""


def config_part(cfg: dict, part: str) -> dict:
    """cfg as compile_config takes it for one of its kernels: "main" (fwd_kernel or the split
    output pass; the chunk pass), "dhdv" (the dhdv sweep), "dv" (the dv pass), "dh" (the
    state-gradient sweep) or "st" (the split forward's state pass), with the warps that kernel
    launches with."""
    if part == "main":
        return cfg
    ok = {"dhdv": cfg.get("dhdv"), "dv": cfg.get("dv_split") and not cfg.get("dhdv"),
          "dh": cfg["pass"] == "bwd" and not cfg.get("dhdv"), "st": cfg["pass"] == "fwd" and cfg.get("split")}
    if not ok.get(part):
        raise SuiteError(f"config {cfg['name']} launches no '{part}' kernel; --part takes main, dhdv, dv, dh "
                         "or st, as the config's pass and keys allow")
    warps = cfg.get("dv_warps", 4) if part in ("dhdv", "dv") else sweep_launch(cfg, part)[2]
    return dict(cfg, **{"pass": part, "num_warps": warps})


def print_lines(name: str, d: int, dt: str, kind_id: int, part: str = "main", top: int = 40) -> None:
    """`--lines`: config `name`'s kernel `part` (config_part) at head dim d, its SASS by source
    line (sass_lines)."""
    kernel = compile_config(config_part(config_by_name(name), part), kind_id, d, d, dt)
    rows = sass_lines(kernel)
    total = sum(r["count"] for r in rows)
    print(f"{name} ({part}) D={d} {dt} kind {kind_id}: {total} SASS instructions per thread, "
          f"{len(rows)} source lines")
    for r in rows[:top]:
        short = r["where"].replace(os.path.dirname(os.path.dirname(triton.__file__)) + os.sep, "")
        short = short.replace(os.getcwd() + os.sep, "")
        ops = " ".join(f"{op} {n}" for op, n in list(r["ops"].items())[:6])
        print(f"{r['count']:6d} {100 * r['count'] / total:5.1f}%  {short:45s} {ops}\n{'':14s}{_source(r['where'])}")


def ptx_digest(kernel) -> str:
    """First 16 hex digits of the sha256 of the kernel's PTX without its debug information (`.loc`
    and `.file` directives, comments, `$L__tmp` labels, the `.debug` sections)."""
    ptx = kernel.asm["ptx"]
    ptx = re.sub(r"(?m)^\s*(\.loc|\.file|//).*\n", "", ptx + "\n")
    ptx = re.sub(r"(?m)^\$L__tmp\d+:\n", "", ptx)
    ptx = re.sub(r"\.section\s+\.debug.*", "", ptx, flags=re.S)
    return hashlib.sha256(ptx.encode()).hexdigest()[:16]


def per_row(counts: dict, cfg: dict, d: int) -> dict:
    """sass_counts scaled to one row of one head at head dim d: per-thread counts x threads x the
    programs that share a row (V-blocks, K-blocks or state tiles of cfg's pass) / the chunk's rows.
    For kernels bound by shared memory (v11's profile of the vector family) `smem` is the number to
    compare across configs; `local` counts spill traffic."""
    ps, cdiv = cfg["pass"], triton.cdiv
    if ps == "fwd":
        progs = cdiv(d, min(cfg["BV"], d))
    elif ps == "bwd":
        progs = cdiv(d, min(cfg.get("BKC", d), d)) if cfg.get("dv_split") else 1
    elif ps in ("dv", "dhdv"):
        progs = cdiv(d, min(cfg["BVD"], d))
    else:  # "dh", "st": the sweep's state blocks
        bk, bv, _ = sweep_launch(cfg, ps)
        progs = cdiv(d, min(bk, d)) * cdiv(d, min(bv, d))
    scale = 32 * cfg["num_warps"] * progs / cfg["BT"]
    smem = counts["LDS"] + counts["STS"] + counts["LDSM"]
    return {"instr": round(counts["total"] * scale), "smem": round(smem * scale),
            "local": round((counts["LDL"] + counts["STL"]) * scale)}


def _sweep_row(cfg: dict, sweep: str, label: str) -> str:
    """A sweep's row name, e.g. `dh-vector-bt32-64x128w4` (no suffix on the default blocks)."""
    suffix = sweep_suffix(cfg, sweep).removeprefix(f"-{sweep}")
    return f"{label}-{cfg['family']}-bt{cfg['BT']}" + (f"-{suffix}" if suffix else "")


def _cap_suffix(cfg: dict) -> str:
    """`-r{cap}` for a dv pass or dhdv sweep row whose config caps its registers, else ""."""
    return f"-r{cfg['dv_maxnreg']}" if cfg.get("dv_maxnreg") else ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dtype", default="bf16", choices=("bf16", "fp16", "fp32"))
    ap.add_argument("--d", type=int, nargs="+", default=[128, 64])
    ap.add_argument("--sass", action="store_true",
                    help="also static SASS instruction counts per thread, and per row (per_row)")
    ap.add_argument("--ptx-digest", action="store_true",
                    help="also each kernel's ptx_digest (equal before and after a no-op refactor)")
    ap.add_argument("--lines", metavar="CONFIG",
                    help="only CONFIG's kernel (its pass), its SASS instructions by source line")
    ap.add_argument("--kind", default="scalar", choices=("static", "scalar", "vector"),
                    help="the decay kind --lines compiles for (default scalar)")
    ap.add_argument("--part", default="main", choices=("main", "dhdv", "dv", "dh", "st"),
                    help="which of --lines CONFIG's kernels (config_part; default main)")
    a = ap.parse_args()
    if a.lines:
        for d in a.d:
            print_lines(a.lines, d, a.dtype, {"static": 1, "scalar": 2, "vector": 3}[a.kind], a.part)
        return
    for d in a.d:
        # the state sweeps launch on their own blocks and warps (64 x 64 and 4 unless a config says)
        # each config's other kernels (config_part), named by what sets them apart
        dh = [dict(config_part(c, "dh"), name=_sweep_row(c, "dh", "dh"))
              for c in autotune_configs("bwd", d=d) if c["BV"] == 64 and not c.get("dhdv")]
        dh += [dict(config_part(c, "dv"), name=f"dv-{c['family']}-bt{c['BT']}-bv{c['BVD']}"
                    + (f"-k{c['BKC']}" if "BKC" in c and c["family"] == "scalar" else "")
                    + (f"-w{c['dv_warps']}" if "dv_warps" in c else "")
                    + ("-anchor" if c.get("anchor") else "") + _cap_suffix(c))
               for c in autotune_configs("bwd", d=d) if c.get("dv_split") and not c.get("dhdv")]
        dh += [dict(config_part(c, "dhdv"), name=f"dhdv-bt{c['BT']}-bv{c['BVD']}-w{c.get('dv_warps', 4)}"
                    + ("-tma" if c.get("tma") else "") + _cap_suffix(c)
                    + ("-even" if c.get("even") else ""))
               for c in autotune_configs("bwd", d=d) if c.get("dhdv")]
        dh += [dict(config_part(c, "st"), name=_sweep_row(c, "st", "state"))
               for c in autotune_configs("fwd", d=d) if c["split"]]
        for cfg in autotune_configs(d=d) + list({c["name"]: c for c in dh}.values()):
            kind_id = 3 if cfg["family"] == "vector" else 2
            try:
                kernel = compile_config(cfg, kind_id, d, d, a.dtype)
                r = ptxas_report(kernel)
                if a.ptx_digest:
                    r["ptx"] = ptx_digest(kernel)
                if a.sass:
                    counts = sass_counts(kernel)
                    r |= {"per_row": per_row(counts, cfg, d), "per_thread": counts}
                    if cfg.get("anchor") and cfg["pass"] in ("fwd", "bwd", "dv"):  # counts of both paths
                        fast = sass_counts(compile_config(cfg, kind_id, d, d, a.dtype, levels=0))
                        r |= {"per_row_anchored": per_row(fast, cfg, d)}
            except Exception as exc:  # noqa: BLE001 - report and go on
                r = {"error": f"{type(exc).__name__}: {str(exc)[-200:]}"}
            print(f"D={d} {a.dtype} {cfg['name']:30s} {r}", flush=True)
        for bt, block in ((64, 32), (64, 64), (32, 32)):
            try:
                kernel = compile_static_dg(d, d, a.dtype, bt, block)
                r = ptxas_report(kernel) | ({"ptx": ptx_digest(kernel)} if a.ptx_digest else {})
            except Exception as exc:  # noqa: BLE001 - report and go on
                r = {"error": f"{type(exc).__name__}: {str(exc)[-200:]}"}
            print(f"D={d} {a.dtype} {f'static-dg-bt{bt}-block{block}':30s} {r}", flush=True)


if __name__ == "__main__":
    try:
        main()
    except SuiteError as exc:  # bad input: one sentence, no traceback, status 2 (suite.errors)
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
