"""Measured ceilings of a GPU, against which the kernel benchmark states its floors.

Two rates, measured the way kernels-notes §8.1 measured the H200's: device-to-device copy
bandwidth (a `Tensor.copy_` of a large bf16 buffer, read and write bytes both counted) and dense
bf16 matmul throughput (square products, 2 n^3 FLOPs each); medians of `triton.testing.do_bench`.
`STORED` keeps the values measured per GPU (by `results/bench/<gpu-slug>` folder name); a GPU not
in it gets the H200's, and says so (`for_slug`).

    python -m suite.bench.ceilings            # measure this GPU, print one JSON line
"""

from __future__ import annotations

import json

import torch

# gpu slug -> measured ceilings; "source" says how each was obtained
STORED = {
    "h200": {"hbm_TBps": 4.3, "bf16_TFLOPs": 790.0,
             "source": "H200, measured: device-to-device copy, dense bf16 matmul (kernels-notes §8.1)"},
    "h100-80gb-hbm3": {"hbm_TBps": 3.02, "bf16_TFLOPs": 727.7,
                       "source": "H100 80GB HBM3, measured: python -m suite.bench.ceilings "
                                 "(results/bench/h100/logs/v14c_ceilings.json)"},
}


def for_slug(slug: str) -> dict:
    """The ceilings to state floors against on GPU `slug` (the H200's where none were measured)."""
    if slug in STORED:
        return dict(STORED[slug])
    return dict(STORED["h200"], source=f"the H200's; none measured for '{slug}' (python -m suite.bench.ceilings)")


def measure(copy_mib: int = 2048, n: int = 8192) -> dict:
    """Copy bandwidth (TB/s) over a `copy_mib` MiB bf16 buffer and bf16 matmul rate (TFLOP/s) at
    n x n x n, on the current CUDA device."""
    from triton.testing import do_bench

    src = torch.empty(copy_mib * 2**19, dtype=torch.bfloat16, device="cuda").normal_()
    dst = torch.empty_like(src)
    ms = do_bench(lambda: dst.copy_(src), warmup=25, rep=200)
    hbm = 2 * src.numel() * src.element_size() / ms / 1e9
    del src, dst
    a, b = (torch.randn(n, n, device="cuda", dtype=torch.bfloat16) for _ in range(2))
    ms_mm = do_bench(lambda: a @ b, warmup=25, rep=200)
    return {"device": torch.cuda.get_device_name(), "hbm_TBps": round(hbm, 3),
            "bf16_TFLOPs": round(2 * n**3 / ms_mm / 1e9, 1), "copy_MiB": copy_mib, "matmul_n": n}


if __name__ == "__main__":
    print(json.dumps(measure()), flush=True)
