"""Retraining from the palette: ``tagline train`` in a process of its own (minutes of CPU never run
in the app's process), its summary shown, and the process ended when the app quits."""

from __future__ import annotations

import shutil
from pathlib import Path

import psutil
import pytest

from tagline.core import train

pytestmark = [pytest.mark.e2e, pytest.mark.model]  # starts tagline train as a child process

DEVSET = Path(__file__).resolve().parents[2] / "devset" / "annotations" / "devset"


def trainers() -> list[psutil.Process]:
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "train" in child.cmdline():
                found.append(child)
        except psutil.Error:
            pass
    return found


@pytest.fixture
def annotations(tmp_path):
    folder = tmp_path / "annotations" / "devset"
    folder.mkdir(parents=True)
    for path in sorted(DEVSET.glob("newssd-*.yaml"))[:6]:
        shutil.copy(path, folder)
    return tmp_path / "annotations"


async def test_retraining_runs_tagline_train_in_a_child_and_says_what_it_did(make_app, annotations):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app._retrain()
        seen = []
        for _ in range(600):
            seen = seen or trainers()
            if any("retrained:" in str(n.message) for n in app._notifications) or any(
                "failed" in str(n.message) for n in app._notifications
            ):
                break
            await pilot.pause(0.1)
        messages = [str(n.message) for n in app._notifications]
        assert seen, "no tagline train process was started"
        assert any(m.startswith("retrained: ") for m in messages), messages
        assert train.model_path(annotations) is not None
        await pilot.press("ctrl+q")


async def test_quitting_ends_a_training_in_progress(make_app, annotations):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app._retrain()
        running = []
        for _ in range(300):
            running = trainers()
            if running:
                break
            await pilot.pause(0.05)
        assert running, "no tagline train process was started"
        await pilot.press("ctrl+q")
    gone, alive = psutil.wait_procs(running, timeout=10)
    assert not alive, [p.cmdline() for p in alive]
