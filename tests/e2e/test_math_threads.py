"""Every process that runs the pipeline holds the math libraries to one thread: OpenBLAS's idle
threads spin, and on a small machine they take CPU from the reader's UI or a pool's other worker."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tagline.core import nlp

pytestmark = [pytest.mark.e2e, pytest.mark.model]

LOADERS = {
    "the reader's model process": "from tagline.core import nlp_worker; nlp_worker._load({package!r}, False)",
    "a prepare pool's worker": "from tagline.core import prepare; prepare._worker_start({package!r}, False)",
}


def threads_after(load: str, env: dict[str, str]) -> list[int]:
    package = nlp.resolve_model(nlp.DEFAULT_MODEL).package
    code = f"{load.format(package=package)}\nimport json, threadpoolctl\n" \
           "print(json.dumps([pool['num_threads'] for pool in threadpoolctl.threadpool_info()]))"
    clean = {k: v for k, v in os.environ.items() if k not in nlp.THREAD_VARIABLES}
    run = subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True,
                         timeout=120, check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("where", LOADERS)
def test_one_math_thread_where_the_pipeline_runs(where):
    pytest.importorskip("threadpoolctl")
    pools = threads_after(LOADERS[where], {})
    assert pools and all(n == 1 for n in pools), pools


def test_the_users_own_setting_wins():
    pytest.importorskip("threadpoolctl")
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: a library would use one thread anyway")
    assert max(threads_after(LOADERS["the reader's model process"], {"OPENBLAS_NUM_THREADS": "2"})) == 2
