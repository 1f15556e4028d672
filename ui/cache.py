"""Bounded caches shared by every user of the server, and a guard against mutating them.

Use these instead of bare `st.cache_data` / `st.cache_resource`:

- `shared_data(max_entries=...)`: `st.cache_data`; each caller gets its own copy.
- `shared_resource(max_entries=...)`: `st.cache_resource`; every user gets the *same* object,
  so it must never be mutated. Each object is fingerprinted when it is created; the tests call
  `mutated_resources()` after driving the pages to prove nobody changed one.

Both require `max_entries`, so no cache grows without bound on a shared classroom server.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import streamlit as st

F = TypeVar("F", bound=Callable[..., Any])

_fingerprints: dict[int, tuple[str, Any, str]] = {}  # id -> (function name, object, fingerprint)
_lock = threading.Lock()
MAX_TRACKED = 64  # bounded: fingerprints keep their objects alive


def shared_data(*, max_entries: int, ttl: float | None = None, show_spinner: Any = False):
    """`st.cache_data` with a mandatory bound."""
    return st.cache_data(max_entries=max_entries, ttl=ttl, show_spinner=show_spinner)


def shared_resource(*, max_entries: int, show_spinner: Any = False):
    """`st.cache_resource` with a mandatory bound and a fingerprint of every object it makes."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def build_and_fingerprint(*args, **kwargs):
            value = function(*args, **kwargs)
            with _lock:
                if len(_fingerprints) >= MAX_TRACKED:
                    _fingerprints.pop(next(iter(_fingerprints)))
                _fingerprints[id(value)] = (function.__qualname__, value, fingerprint(value))
            return value

        return st.cache_resource(max_entries=max_entries, show_spinner=show_spinner)(
            build_and_fingerprint
        )  # type: ignore[return-value]

    return decorate


def forget_fingerprints() -> None:
    """Drop every fingerprint, as when the caches are cleared (tests start each one clean)."""
    with _lock:
        _fingerprints.clear()


def mutated_resources() -> list[str]:
    """Names of shared resources whose contents changed since they were created."""
    with _lock:
        items = list(_fingerprints.values())
    return [name for name, value, before in items if fingerprint(value) != before]


def fingerprint(value: Any) -> str:
    digest = hashlib.sha256()
    _feed(digest, value, depth=0)
    return digest.hexdigest()


def _feed(digest: Any, value: Any, depth: int) -> None:
    """Hash the contents of plain data, tensors, arrays and simple objects."""
    if depth > 50:
        return
    digest.update(type(value).__name__.encode())
    if value is None or isinstance(value, bool | int | float | complex | str | bytes):
        digest.update(repr(value).encode())
    elif isinstance(value, list | tuple):
        digest.update(f"[{len(value)}".encode())
        for item in value:
            _feed(digest, item, depth + 1)
    elif isinstance(value, set | frozenset):
        for item in sorted(value, key=repr):
            _feed(digest, item, depth + 1)
    elif isinstance(value, dict):
        digest.update(f"{{{len(value)}".encode())
        for key, item in value.items():
            _feed(digest, key, depth + 1)
            _feed(digest, item, depth + 1)
    elif hasattr(value, "detach") and hasattr(value, "numpy"):  # torch tensor
        array = value.detach().cpu().contiguous().numpy()
        digest.update(str(array.shape).encode() + str(array.dtype).encode() + array.tobytes())
    elif isinstance(value, np.ndarray):
        digest.update(str(value.shape).encode() + str(value.dtype).encode())
        if value.dtype == object:
            _feed(digest, value.tolist(), depth + 1)
        else:
            digest.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, pd.DataFrame | pd.Series):
        digest.update(repr(getattr(value, "columns", value.name)).encode())
        digest.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
    elif hasattr(value, "__dict__") or hasattr(value, "__slots__"):
        fields = dict(getattr(value, "__dict__", {}))
        for slot in getattr(type(value), "__slots__", ()):
            if hasattr(value, slot):
                fields[slot] = getattr(value, slot)
        for key in sorted(fields):
            if not callable(fields[key]):
                _feed(digest, key, depth + 1)
                _feed(digest, fields[key], depth + 1)
    else:
        digest.update(repr(value).encode())
