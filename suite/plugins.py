"""Decay plugins: decay classes that live outside this repository.

A plugin is found in one of two ways:

* by an import spec `module:Class` (the module must be importable, e.g. on PYTHONPATH);
* by name, through the `decay_suite.decays` entry-point group of an installed package:

      # pyproject.toml of the plugin package
      [project.entry-points."decay_suite.decays"]
      power = "my_pkg.my_decay:PowerDecay"

`suite.decay.get_decay(name)` falls back to `plugin_decay(name)` for names that are not built in,
and `suite list` shows the plugins beside the built-ins. A plugin whose name collides with a
built-in decay is ignored (the built-in wins) and reported by `plugin_errors()`.

    from suite.plugins import plugin_decays, source_sha256
    plugin_decays()            # {"power": <class PowerDecay>} (entry points only)
    source_sha256(PowerDecay)  # sha256 of the file that defines the class

`suite submit` trains and evaluates a plugin through the grid's own code, which looks variants up
by name: `register_variant(variant)` makes `suite.variants.load_variant(name)` return it for the
rest of the process (a name of the grid cannot be taken).
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from importlib import metadata

from suite.errors import SuiteError

GROUP = "decay_suite.decays"
_cache: dict[str, type] = {}
_errors: dict[str, str] = {}
_scanned: list[bool] = []  # non-empty once the entry points were read
_variants: dict[str, object] = {}  # name -> suite.variants.Variant registered by `suite submit`


def _check_class(cls: object, where: str) -> type:
    from suite.decay.base import Decay

    if not (isinstance(cls, type) and issubclass(cls, Decay)):
        raise SuiteError(f"decay plugin {where} must be a subclass of suite.decay.base.Decay")
    return cls


def import_spec(spec: str, family: str, form: str) -> object:
    """The object named by `module:attr` (dotted attributes allowed); a SuiteError naming the
    spec if it is malformed or cannot be imported. `family` and `form` word the messages, e.g.
    ("decay plugin", "module:Class")."""
    modname, sep, attr = spec.partition(":")
    if not sep or not modname or not attr:
        raise SuiteError(f"{family} '{spec}' must be given as {form}")
    try:
        obj = importlib.import_module(modname)
        for part in attr.split("."):
            obj = getattr(obj, part)
    except Exception as exc:  # noqa: BLE001  (any error raised while importing the plugin's module)
        raise SuiteError(f"{family} '{spec}' cannot be imported: {type(exc).__name__}: {exc}") from None
    return obj


def load_spec(spec: str) -> type:
    """The decay class named by `module:Class` (SuiteError naming the spec if it cannot be imported)."""
    return _check_class(import_spec(spec, "decay plugin", "module:Class"), f"'{spec}'")


def _entry_points() -> list[metadata.EntryPoint]:
    return sorted(metadata.entry_points(group=GROUP), key=lambda ep: ep.name)


def plugin_decays(refresh: bool = False) -> dict[str, type]:
    """Entry-point plugins that load: name -> class (cached; `refresh` rescans the environment)."""
    from suite.decay.base import DECAYS

    if refresh or not _scanned:
        _cache.clear()
        _errors.clear()
        _scanned[:] = [True]
        for ep in _entry_points():
            if ep.name in DECAYS:
                _errors[ep.name] = f"entry point '{ep.name}' ({ep.value}) shadows a built-in decay; ignored"
                continue
            try:
                _cache[ep.name] = load_spec(ep.value)
            except SuiteError as exc:
                _errors[ep.name] = str(exc)
    return dict(_cache)


def plugin_errors() -> dict[str, str]:
    """Entry points that failed to load or were ignored: name -> reason."""
    plugin_decays()
    return dict(_errors)


def plugin_decay(name: str) -> type | None:
    """The entry-point plugin `name`, or None (a broken one raises naming the reason)."""
    found = plugin_decays()
    if name not in found and name in plugin_errors():
        raise SuiteError(f"decay plugin '{name}': {_errors[name]}")
    return found.get(name)


def resolve(spec: str) -> type:
    """A built-in name, an entry-point plugin name or `module:Class` -> the decay class."""
    from suite.decay import get_decay

    return get_decay(spec)


def source_file(obj: object) -> str | None:
    try:
        return inspect.getsourcefile(obj)
    except TypeError:
        return None


def source_sha256(obj: object) -> str | None:
    """sha256 of the source file defining `obj`, a class or a function (None when it has no
    file, e.g. one built in a REPL)."""
    path = source_file(obj)
    if not path:
        return None
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def register_variant(variant) -> None:
    """Make `load_variant(variant.name)` return `variant` in this process (not a grid name)."""
    from suite.variants import VARIANTS_DIR

    if (VARIANTS_DIR / f"{variant.name}.yaml").is_file():
        raise SuiteError(f"submission name '{variant.name}' is a variant of the grid; choose another --name")
    _variants[variant.name] = variant


def submitted_variant(name: str):
    """The variant registered under `name` by `register_variant`, or None."""
    return _variants.get(name)
