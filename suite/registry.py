"""A tiny name -> object registry; unknown names fail listing the known ones.

Usage:
    DECAYS = Registry("decay")
    @DECAYS.register("gla")
    class GLADecay(Decay): ...
    DECAYS.get("gla")            # -> GLADecay
    DECAYS.get("gal")            # SuiteError: unknown decay 'gal'; known: gla, ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from suite.errors import SuiteError

T = TypeVar("T")


class Registry(Generic[T]):
    """Maps names to objects of one family (decays, kernel backends, tiers, ...)."""

    def __init__(self, family: str) -> None:
        self.family = family
        self._items: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        def deco(obj: T) -> T:
            self.add(name, obj)
            return obj

        return deco

    def add(self, name: str, obj: T) -> None:
        if name in self._items and self._items[name] is not obj:
            raise SuiteError(f"{self.family} '{name}' is registered twice")
        self._items[name] = obj

    def get(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "(none)"
            raise SuiteError(f"unknown {self.family} '{name}'; known: {known}") from None

    def names(self) -> list[str]:
        return sorted(self._items)

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._items)
