"""suite.decay: the independent variable. One module per decay parameterization, registered by name.

    from suite.decay import DECAYS, DecayConfig, get_decay
    cls = get_decay("gla")                   # or "my_pkg.my_mod:MyDecay" (a plugin)
    decay = cls(DecayConfig(d_model=768, n_heads=12, granularity="vector"))

See base.py for the interface and README.md for the table of parameterizations and quirk options.
"""

from __future__ import annotations

import importlib

from suite.decay import gla, hgrn2, lightnet, lssp, mamba2, none, simple, tnl  # noqa: F401  (register)
from suite.decay.base import DECAYS, Decay, DecayConfig, DecayOut
from suite.errors import SuiteError

__all__ = ["DECAYS", "Decay", "DecayConfig", "DecayOut", "get_decay"]


def get_decay(name: str) -> type[Decay]:
    """The decay class registered as `name`, or a plugin given as `module:Class`."""
    if ":" not in name:
        if name not in DECAYS:  # an installed plugin (entry-point group decay_suite.decays)
            from suite.plugins import plugin_decay

            found = plugin_decay(name)
            if found is not None:
                return found
        return DECAYS.get(name)
    modname, _, clsname = name.partition(":")
    try:
        cls = getattr(importlib.import_module(modname), clsname)
    except (ImportError, AttributeError) as exc:
        raise SuiteError(f"decay plugin '{name}' cannot be imported: {exc}") from None
    if not (isinstance(cls, type) and issubclass(cls, Decay)):
        raise SuiteError(f"decay plugin '{name}' must be a subclass of suite.decay.base.Decay")
    return cls
