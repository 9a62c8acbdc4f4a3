"""Direct launches of compiled Triton kernels: Triton's per-launch host work, done once.

`kernel[grid](*args, **constexprs)` binds every argument, builds a cache key from their
specialisation and the options (a string made anew each call), checks the kernel's globals
and builds launch metadata, on every launch. At the D = 64 layer shapes a training step's host
work is as long as its kernels (NOTES.md v17: 0.75 ms at the 1.45B shape on an H100; 11-30 %
less on this path, by shape and run). `launch(kernel, grid, *args, ...)` takes Triton's path once per *launch
signature*, keeps the compiled kernel it returns, and afterwards calls the kernel's launcher
directly with the arguments in signature order.

The signature is Triton's own specialisation of each positional argument
(`native_specialize_impl`: dtype and 16-byte alignment of a tensor, an integer's width, its
divisibility by 16 and whether it is 1, a descriptor's block), with the constexprs, warps,
stages and device: a hit therefore runs the binary Triton's path would have chosen. Triton's
path runs instead under the interpreter, while a launch hook is installed (a profiler) and with
`SUITE_TRITON_DIRECT=0` (or `direct(False)`). The constexprs must be passed by keyword and
the runtime arguments by position (`launch` checks this once per kernel).

    from suite.kernels.triton.launch import launch
    launch(fwd_kernel, (nv, B * H), q, k, v, ..., T, NT, H=H, K=K, ..., num_warps=4, num_stages=2)
"""

from __future__ import annotations

import contextlib
import os

import triton
from triton.runtime.jit import JITFunction

try:  # the C++ specialiser Triton's own binder calls (Triton >= 3.4)
    from triton.runtime.jit import native_specialize_impl
except ImportError:  # pragma: no cover - older Triton: every launch takes Triton's path
    native_specialize_impl = None

_ENABLED = [os.environ.get("SUITE_TRITON_DIRECT", "1") != "0" and native_specialize_impl is not None]
_HITS: dict[tuple, tuple] = {}  # launch signature -> (compiled kernel, constexpr values in order)
# id(kernel) -> (kernel, per-param specialise flags, constexpr names, defaults); holding the kernel
# keeps its id from being reused, so the ids in _HITS' keys stay unique too
_PARAMS: dict[int, tuple] = {}
STATS = {"direct": 0, "triton": 0}  # launches by path, for tests and `gpu_tune --host`


@contextlib.contextmanager
def direct(enabled: bool):
    """Within the block, launches take the direct path (True) or always Triton's (False)."""
    old = _ENABLED[0]
    _ENABLED[0] = bool(enabled) and native_specialize_impl is not None
    try:
        yield
    finally:
        _ENABLED[0] = old


def _params(kernel: JITFunction) -> tuple:
    """(specialise flags per param, names of the constexpr params, their defaults), once."""
    got = _PARAMS.get(id(kernel))
    if got is None or got[0] is not kernel:
        flags = tuple((p.is_const, not p.do_not_specialize, not p.do_not_specialize_on_alignment)
                      for p in kernel.params)
        names = tuple(p.name for p in kernel.params if p.is_constexpr)
        defaults = {p.name: p.default for p in kernel.params if p.is_constexpr and p.has_default}
        got = _PARAMS[id(kernel)] = (kernel, flags, names, defaults)
    return got[1:]


def check_call(kernel: JITFunction, n_args: int, consts: dict) -> None:
    """The runtime params by position, the constexprs by keyword, nothing missing."""
    params = kernel.params
    if any(p.is_constexpr for p in params[:n_args]) or any(not p.is_constexpr for p in params[n_args:]):
        raise TypeError(f"launch({kernel.__name__}): pass the runtime arguments by position and the "
                        "constexprs by keyword")
    _, names, defaults = _params(kernel)
    missing = [n for n in names if n not in consts and n not in defaults]
    unknown = [n for n in consts if n not in names]
    if missing or unknown:
        raise TypeError(f"launch({kernel.__name__}): constexprs missing {missing}, unknown {unknown}")


def signature(kernel: JITFunction, backend, args: tuple, consts: dict, num_warps: int,
              num_stages: int, device: int, maxnreg: int | None = None) -> tuple:
    """The launch signature: Triton's specialisation of each positional argument (module doc)."""
    flags = _params(kernel)[0]
    spec = tuple(native_specialize_impl(backend, a, *f) for a, f in zip(args, flags))
    return (id(kernel), spec, tuple(consts.items()), num_warps, num_stages, maxnreg, device)


def cdiv(a: int, b: int) -> int:
    """ceil(a / b) of host ints (`triton.cdiv` is a constexpr function: microseconds a call)."""
    return -(-a // b)


def pow2(n: int) -> int:
    """The least power of two >= n >= 1 of a host int (as `triton.next_power_of_2`)."""
    return 1 << (n - 1).bit_length()


def _hooks_idle() -> bool:
    rt = triton.knobs.runtime
    return not (getattr(rt.launch_enter_hook, "calls", rt.launch_enter_hook)
                or getattr(rt.launch_exit_hook, "calls", rt.launch_exit_hook))


def _options(num_warps: int, num_stages: int, maxnreg: int | None) -> dict:
    """Triton's compile options of a launch (built on Triton's path only, not per direct launch)."""
    return {"num_warps": num_warps, "num_stages": num_stages} | ({"maxnreg": maxnreg} if maxnreg else {})


def launch(kernel, grid: tuple, *args, num_warps: int, num_stages: int, maxnreg: int | None = None,
           **consts) -> None:
    """Launch `kernel` on `grid` (1 to 3 ints): directly when its signature was seen, else
    through Triton (which compiles on first use); the module doc says when. `maxnreg` caps the
    registers per thread (ptxas `.maxnreg`; None: ptxas chooses), so that more programs fit an SM."""
    if not (_ENABLED[0] and isinstance(kernel, JITFunction) and _hooks_idle()):
        STATS["triton"] += 1
        kernel[grid](*args, **_options(num_warps, num_stages, maxnreg), **consts)
        return
    drv = triton.runtime.driver.active
    device = drv.get_current_device()
    caches = kernel.device_caches.get(device)
    key = None if caches is None else signature(kernel, caches[3], args, consts, num_warps, num_stages, device,
                                                maxnreg)
    hit = _HITS.get(key) if key is not None else None
    g = (tuple(grid) + (1, 1))[:3]
    if hit is not None:
        compiled, tail = hit
        STATS["direct"] += 1
        rt = triton.knobs.runtime
        compiled.run(g[0], g[1], g[2], drv.get_current_stream(device), compiled.function,
                     compiled.packed_metadata, None, rt.launch_enter_hook, rt.launch_exit_hook, *args, *tail)
        return
    check_call(kernel, len(args), consts)
    STATS["triton"] += 1
    compiled = kernel[grid](*args, **_options(num_warps, num_stages, maxnreg), **consts)
    if compiled is None:
        return
    compiled = compiled.result() if hasattr(compiled, "result") else compiled
    if key is None:  # the device's caches exist only after this first launch on it
        key = signature(kernel, kernel.device_caches[device][3], args, consts, num_warps, num_stages, device,
                        maxnreg)
    _HITS[key] = (compiled, constexpr_values(kernel, consts))


def constexpr_values(kernel: JITFunction, consts: dict) -> tuple:
    """The constexprs' values in signature order, defaults filled in: what the launcher takes
    after the runtime arguments (Triton passes every bound argument, constexprs included)."""
    _, names, defaults = _params(kernel)
    return tuple(consts[n] if n in consts else defaults[n] for n in names)
