"""Kernel backends that live outside this repository: yours, checked and timed beside ours and fla's.

A backend is a function with the signature of every backend of `suite.kernels`:

    fn(q, k, v, log_decay, *, kind, scale, initial_state, output_final_state) -> (o, final_state)

(shapes and dtypes: the `suite.kernels` module doc; `kind` is one of none, static, scalar,
vector, fixed by log_decay's shape), with two optional attributes: `devices`, the device types it
runs on (default ("cpu", "cuda")), and `kinds`, the decay kinds it computes (default all four;
the conformance suite and `suite bench` skip the others, saying why). It is named in one of two ways:

* by an import spec `module:function` (importable, e.g. on PYTHONPATH):
  `pytest -m kernels --backend my_pkg.kernels:attend`, `suite bench --backends ...`,
  `pytest tests/bench/test_kernel_speed.py --backend ...`;
* by name, through the `decay_suite.backends` entry-point group of an installed package, which
  also puts it among the backends that a plain `pytest -m kernels` checks:

      # pyproject.toml of the plugin package
      [project.entry-points."decay_suite.backends"]
      mine = "my_pkg.kernels:attend"

`resolve(name)` imports and checks it and registers it in `suite.kernels.BACKENDS` under that
name, so that `attend(..., backend=name)` runs it from then on in this process; the conformance
suite and the benchmarks resolve every name they are given. A plugin cannot take a built-in
backend's name: the built-in wins and `plugin_errors()` says so. Training takes the built-in
backends only: this module lies outside the code that training runs depend on
(`suite kernel-sources`), so a plugin installed or edited changes no run of the grid.
`examples/my_kernel.py` is one (tests/test_kernel_plugins.py runs the conformance suite on it, and
on broken copies of it, which must fail).

    from suite.kernel_plugins import resolve, plugin_backends, backend_provenance
    plugin_backends()             # {"mine": "my_pkg.kernels:attend"}: entry points, not imported
    resolve("mine")               # the function, now also suite.kernels.get_backend("mine")
    backend_provenance("mine")    # {"spec": ..., "source_sha256": ...} (None for a built-in)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from importlib import metadata

import torch

from suite.errors import SuiteError
from suite.kernels import BACKENDS, KINDS, get_backend
from suite.plugins import import_spec, source_sha256

GROUP = "decay_suite.backends"
DEVICES = ("cpu", "cuda")
SIGNATURE = "(q, k, v, log_decay, *, kind, scale, initial_state, output_final_state) -> (o, final_state)"
_errors: dict[str, str] = {}


def builtin_backends() -> tuple[str, ...]:
    """The built-in backends' names (suite.kernels' own table of them)."""
    from suite.kernels import _BACKEND_MODULES

    return tuple(_BACKEND_MODULES)


def plugin_backends() -> dict[str, str]:
    """Entry points of the `decay_suite.backends` group: name -> import spec (not imported).
    One that takes a built-in backend's name is left out and recorded in `plugin_errors()`."""
    out = {}
    for ep in sorted(metadata.entry_points(group=GROUP), key=lambda e: e.name):
        if ep.name in builtin_backends():
            _errors[ep.name] = f"entry point '{ep.name}' ({ep.value}) shadows a built-in kernel backend; ignored"
        else:
            out[ep.name] = ep.value
    return out


def plugin_errors() -> dict[str, str]:
    """Entry points that were ignored: name -> reason."""
    plugin_backends()
    return dict(_errors)


def spec_of(name: str) -> str | None:
    """The import spec behind backend `name`: the name itself when it is `module:function`, an
    entry point's value, or None (a built-in or unknown name)."""
    if name in builtin_backends():
        return None
    return name if ":" in name else plugin_backends().get(name)


def check_backend(fn: object, where: str) -> None:
    """One SuiteError naming `where` if `fn` is not a backend: not callable, a signature that does
    not take the backend's arguments, or `devices` / `kinds` outside the allowed values."""
    if not callable(fn):
        raise SuiteError(f"kernel backend '{where}' must be a function {SIGNATURE}; got {type(fn).__name__}")
    try:
        inspect.signature(fn).bind(None, None, None, None, kind="scalar", scale=1.0,
                                   initial_state=None, output_final_state=False)
    except (TypeError, ValueError) as exc:
        raise SuiteError(f"kernel backend '{where}' must take {SIGNATURE}: {exc}") from None
    for attr, allowed in (("devices", DEVICES), ("kinds", KINDS)):
        value = getattr(fn, attr, allowed)
        if isinstance(value, str) or not value or not set(value) <= set(allowed):
            raise SuiteError(f"kernel backend '{where}': {attr} = {value!r}; allowed: a non-empty "
                             f"tuple of {', '.join(map(repr, allowed))}")


def resolve(name: str) -> Callable:
    """The backend function of `name`: a built-in (`suite.kernels.get_backend`), or a plugin,
    imported, checked and registered in `BACKENDS` under `name`; one SuiteError otherwise."""
    if name in BACKENDS or name in builtin_backends():
        return get_backend(name)
    spec = spec_of(name)
    if spec is None:
        known = ", ".join([*builtin_backends(), *plugin_backends()])
        raise SuiteError(f"unknown kernel backend '{name}'; known: {known}, or a plugin given as module:function")
    fn = import_spec(spec, "kernel backend", "module:function")
    check_backend(fn, spec)
    BACKENDS.add(name, fn)
    return fn


def runs_on(name: str, device: str | torch.device) -> bool:
    """Whether backend `name` resolves and declares `device`'s type (its `devices` attribute)."""
    try:
        fn = resolve(name)
    except SuiteError:
        return False
    return torch.device(device).type in getattr(fn, "devices", DEVICES)


def backend_kinds(name: str) -> tuple[str, ...]:
    """The decay kinds backend `name` computes (its `kinds` attribute; all four by default)."""
    return tuple(getattr(resolve(name), "kinds", KINDS))


def plugins_provenance(names) -> dict:
    """{name: backend_provenance(name)} for the plugins among `names` that load (built-ins,
    fla, sdpa and plugins that cannot be imported, whose results say why, are left out)."""
    out = {}
    for name in dict.fromkeys(names):
        try:
            prov = backend_provenance(name)
        except SuiteError:
            continue
        if prov is not None:
            out[name] = prov
    return out


def backend_provenance(name: str) -> dict | None:
    """{"spec", "source_sha256"} of a plugin backend (the file that defines its function), for
    the results it produced; None for a built-in."""
    spec = spec_of(name)
    if spec is None:
        return None
    return {"spec": spec, "source_sha256": source_sha256(resolve(name))}
