"""The last few values a process made, by key: for results that change only with their
key (a commune-year with the stamp of every write, an official run), so that a page read
again does not calculate again."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class Recent(Generic[Value]):
    """At most `size` values, the oldest made dropped first."""

    def __init__(self, size: int):
        self.size = size
        self._values: dict[Hashable, Value] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], Value]) -> Value:
        """The value of `key`, made by `make` when it is not kept."""
        found = self._values.get(key)
        if found is None:
            found = make()
            with self._lock:
                self._values[key] = found
                while len(self._values) > self.size:
                    self._values.pop(next(iter(self._values)))
        return found
