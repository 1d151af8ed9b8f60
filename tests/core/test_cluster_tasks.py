"""How ``tagline prepare --scheduler`` cuts the work into tasks (no cluster needed: the module imports
no Dask)."""

from __future__ import annotations

import sys

import pytest

from tagline.core import cluster


def corpus(n: int, size: int = 500) -> dict[str, str]:
    return {f"k{i}": "x" * size for i in range(n)}


def test_tasks_cover_every_paragraph_once_in_order():
    todo = corpus(4_000)
    tasks = cluster.tasks(todo, threads=2)
    assert [key for task in tasks for key, _ in task] == list(todo)
    assert "distributed" not in sys.modules and "dask" not in sys.modules


def test_tasks_shrink_towards_the_end_so_no_worker_waits_long_for_another():
    tasks = cluster.tasks(corpus(4_000), threads=2)  # 2 MB of text on two threads
    sizes = [sum(len(text) for _, text in task) for task in tasks]
    assert sizes[0] >= 2_000_000 // (2 * cluster.GUIDED) * 0.99
    assert all(a >= b for a, b in zip(sizes, sizes[1:-1], strict=False))  # the last one is what is left
    assert max(sizes[-4:]) <= cluster.MIN_TASK_CHARS + 500
    assert 16 <= len(tasks) <= 60


def test_a_big_corpus_is_cut_at_the_largest_task():
    tasks = cluster.tasks(corpus(40_000, size=5_000), threads=4)  # 200 MB
    assert max(sum(len(t) for _, t in task) for task in tasks) <= cluster.MAX_TASK_CHARS + 5_000


def test_a_fixed_task_size_from_the_environment(monkeypatch):
    monkeypatch.setenv(cluster.TASK_CHARS_ENV, "1000")
    assert [len(task) for task in cluster.tasks(corpus(10), threads=8)] == [2] * 5
    monkeypatch.setenv(cluster.TASK_CHARS_ENV, "many")
    with pytest.raises(cluster.ClusterError, match="must be a number of characters"):
        cluster.tasks(corpus(10), threads=1)


def test_the_parse_node_settings_are_what_dask_reads():
    dask = pytest.importorskip("dask")
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "bench" / "dask-parse-node.yaml"
    found = dask.config.collect([str(path)], env={})
    assert found["distributed"]["worker"]["profile"]["enabled"] is False
    assert found["distributed"]["admin"]["tick"]["interval"] == "1s"
    # Loaded over Dask's defaults, the nanny no longer sets MALLOC_TRIM_THRESHOLD_ (None is "unset").
    merged = dask.config.merge(dask.config.config, found)
    assert merged["distributed"]["nanny"]["pre-spawn-environ"]["MALLOC_TRIM_THRESHOLD_"] is None
