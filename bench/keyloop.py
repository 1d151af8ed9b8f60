"""The one timing loop of the key benchmarks (``bench/keys.py``, ``bench/huge_sentence.py``,
``bench/shapes.py``): CPU and wall time around each key, warm-up keys left out, an optional
cProfile of the measured keys only.

``press(key)`` handles one key and returns once it is handled: a plain function, or a coroutine
function (Textual's Pilot), in which case :func:`time_keys_async` is the one to await. ``cpu`` is the
clock the CPU time is read from: this process's (``time.process_time``, the default) or another's
(``bench/shapes.py`` reads the app's, in its own terminal). ``between(i)`` runs before key ``i``
and ``after(i)`` after it, outside the timed span (a journal's size, a pause); what ``after``
returns for a measured key is kept in :attr:`Timed.extra`.
"""

from __future__ import annotations

import cProfile
import inspect
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Timed:
    keys: list[str] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    wall_ms: list[float] = field(default_factory=list)
    extra: list[Any] = field(default_factory=list)

    def extend(self, other: Timed) -> None:
        self.keys.extend(other.keys)
        self.cpu_ms.extend(other.cpu_ms)
        self.wall_ms.extend(other.wall_ms)
        self.extra.extend(other.extra)

    @property
    def median(self) -> float:
        return statistics.median(self.cpu_ms)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.cpu_ms)

    @property
    def p95(self) -> float:
        return percentile(self.cpu_ms, 0.95)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


async def time_keys_async(keys: Sequence[str], press: Callable[[str], Any], *, warm_up: int = 0,
                          cpu: Callable[[], float] = time.process_time, profiler: cProfile.Profile | None = None,
                          between: Callable[[int], Any] | None = None,
                          after: Callable[[int], Any] | None = None) -> Timed:
    """Time each of ``keys`` but the first ``warm_up``; ``press`` may be a coroutine function."""
    timed = Timed()
    awaits = inspect.iscoroutinefunction(press)
    for i, key in enumerate(keys):
        measured = i >= warm_up
        if between is not None:
            between(i)
        if profiler is not None and measured:
            profiler.enable()
        w0, c0 = time.perf_counter(), cpu()
        if awaits:
            await press(key)
        else:
            press(key)
        c1, w1 = cpu(), time.perf_counter()
        if profiler is not None and measured:
            profiler.disable()
        got = after(i) if after is not None else None
        if measured:
            timed.keys.append(key)
            timed.cpu_ms.append((c1 - c0) * 1000)
            timed.wall_ms.append((w1 - w0) * 1000)
            timed.extra.append(got)
    return timed


def time_keys(keys: Sequence[str], press: Callable[[str], Any], **options: Any) -> Timed:
    """:func:`time_keys_async` for a plain ``press``, called from code that is not a coroutine."""
    assert not inspect.iscoroutinefunction(press), "await time_keys_async for a coroutine press"
    coroutine = time_keys_async(keys, press, **options)
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    raise AssertionError("a plain press never awaits")
