"""The bootstrap interval of a ratio of medians, for the benchmarks that time a change against what
came before it in the same run (``json_load.py``, ``yaml_load.py``, ``model_cpu.py``)."""

from __future__ import annotations

import random
import statistics


def bootstrap_ratio(top: list[float], bottom: list[float], draws: int = 5000, seed: int = 7) -> tuple[float, float]:
    """The 95% interval of ``median(top) / median(bottom)``, both resampled ``draws`` times with a
    fixed ``seed``: the same times give the same interval."""
    rng = random.Random(seed)
    ratios = sorted(
        statistics.median(rng.choices(top, k=len(top))) / statistics.median(rng.choices(bottom, k=len(bottom)))
        for _ in range(draws)
    )
    return ratios[int(0.025 * draws)], ratios[int(0.975 * draws) - 1]
