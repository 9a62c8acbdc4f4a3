"""Strict configuration: frozen dataclasses hold the schema and defaults, YAML holds values.

`from_mapping(cls, data, source)` builds a (nested) frozen dataclass from a dict and rejects
unknown keys, missing required keys and wrong types with one sentence naming the file, the key
and the allowed values. `load_yaml(cls, path)` does the same for a YAML file.

    @dataclass(frozen=True)
    class Optim:
        lr: float = 1e-3
        schedule: Literal["cosine", "constant"] = "cosine"

    from_mapping(Optim, {"lr": "x"}, "baselines/tiers/tiny.yaml:optim")
    # SuiteError: baselines/tiers/tiny.yaml:optim: key 'lr' must be a float, got 'x' (str)
"""

from __future__ import annotations

import dataclasses
import types
import typing
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin

import yaml

from suite.errors import SuiteError

C = TypeVar("C")


def load_yaml(cls: type[C], path: str | Path) -> C:
    """Read `path` and build `cls` from it (strict)."""
    path = Path(path)
    if not path.is_file():
        raise SuiteError(f"{path}: file not found")
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise SuiteError(f"{path}: not valid YAML ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise SuiteError(f"{path}: top level must be a mapping, got {type(data).__name__}")
    return from_mapping(cls, data, str(path))


def from_mapping(cls: type[C], data: dict[str, Any], source: str) -> C:
    """Build the frozen dataclass `cls` from `data`; `source` names where the data came from."""
    if not isinstance(data, dict):
        raise SuiteError(f"{source}: expected a mapping, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise SuiteError(
            f"{source}: unknown key '{unknown[0]}'; allowed keys: {', '.join(sorted(fields))}"
        )
    kwargs = {}
    for name, f in fields.items():
        if name in data:
            kwargs[name] = _coerce(hints[name], data[name], f"{source}", name)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise SuiteError(f"{source}: missing required key '{name}'")
    obj = cls(**kwargs)
    check = getattr(obj, "validate", None)
    if callable(check):
        check(source)
    return obj


def to_mapping(obj: Any) -> Any:
    """The inverse of `from_mapping`: plain dicts/lists, ready for JSON or YAML."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_mapping(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_mapping(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_mapping(v) for k, v in obj.items()}
    return obj


def replace(obj: C, **changes: Any) -> C:
    """`dataclasses.replace` re-validated through the schema."""
    merged = {**to_mapping(obj), **changes}
    return from_mapping(type(obj), merged, f"{type(obj).__name__} override")


def _coerce(tp: Any, value: Any, source: str, key: str) -> Any:
    origin, args = get_origin(tp), get_args(tp)
    where = f"{source}: key '{key}'"
    if origin is Literal:
        if value not in args:
            allowed = ", ".join(repr(a) for a in args)
            raise SuiteError(f"{where} must be one of {allowed}, got {value!r}")
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in (a for a in args if a is not type(None)):
            try:
                return _coerce(arg, value, source, key)
            except SuiteError as exc:
                errors.append(str(exc))
        raise SuiteError(errors[0] if len(errors) == 1 else f"{where} has the wrong type: {value!r}")
    if dataclasses.is_dataclass(tp):
        return from_mapping(tp, value, f"{source}:{key}")
    if origin in (tuple, list):
        if not isinstance(value, (list, tuple)):
            raise SuiteError(f"{where} must be a list, got {value!r}")
        item = args[0] if args else Any
        return tuple(_coerce(item, v, source, key) for v in value)
    if origin is dict:
        if not isinstance(value, dict):
            raise SuiteError(f"{where} must be a mapping, got {value!r}")
        return {str(k): _coerce(args[1], v, source, f"{key}.{k}") for k, v in value.items()}
    return _coerce_scalar(tp, value, where)


def _coerce_scalar(tp: Any, value: Any, where: str) -> Any:
    if tp is Any:
        return value
    if tp is bool:
        if isinstance(value, bool):
            return value
    elif tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif tp is str:
        if isinstance(value, str):
            return value
    else:
        raise TypeError(f"config schema type {tp!r} is not supported")
    raise SuiteError(f"{where} must be a {tp.__name__}, got {value!r} ({type(value).__name__})")
