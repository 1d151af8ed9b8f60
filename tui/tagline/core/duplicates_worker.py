"""The near-duplicate scan in a process of its own: ``python -m tagline.core.duplicates_worker``.

Reads on stdin one JSON line (``{"spans": [[start, end], ...]}``, character offsets) and then the
article's text as UTF-8 to the end (the text as it is: escaping 700 kB of it as a JSON string held
the app's event loop 13 ms and more), writes one JSON line on stdout (``{"duplicates": [[index, twin index], ...]}``) and leaves. The scan is
CPU-bound (seconds on a long templated article), so the app never runs it in its own process: a key
typed meanwhile is not slowed by it, and quitting kills it instead of waiting for it
(:class:`DuplicateScan`). Niced in a session, and so a scheduling group, of its own, as the model
process is; it dies with its parent.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys


def _die_with_parent() -> None:
    try:  # Linux: the kernel kills us when the app goes, however it goes
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except Exception:  # elsewhere: stdout's broken pipe ends us once the scan is done
        pass


def main() -> int:
    _die_with_parent()
    from tagline.core.priority import yield_to_keys

    yield_to_keys()  # the annotator's keys come first
    from tagline.core.duplicates import article_duplicates

    spans, text = read_request(sys.stdin.buffer.read())
    sentences = [text[start:end] for start, end in spans]
    found = article_duplicates("", sentences)
    sys.stdout.write(json.dumps({"duplicates": sorted((index, twin) for index, (_, twin) in found.items())}) + "\n")
    sys.stdout.flush()
    return 0


def request(text: str, spans: list[tuple[int, int]]) -> bytes:
    """What the app writes to the scan: the spans as a JSON line, then the text, unescaped."""
    return json.dumps({"spans": spans}, separators=(",", ":")).encode("ascii") + b"\n" + text.encode("utf-8")


def read_request(data: bytes) -> tuple[list[list[int]], str]:
    head, _, body = data.partition(b"\n")
    return json.loads(head)["spans"], body.decode("utf-8")


class DuplicateScan:
    """One article's scan, run by the event loop of the caller: :meth:`run` awaits the child
    process, :meth:`kill` ends it at once (also when the awaiting task is cancelled)."""

    def __init__(self) -> None:
        self._process: asyncio.subprocess.Process | None = None

    async def run(self, text: str, spans: list[tuple[int, int]]) -> dict[int, int]:
        """{sentence index: index of its first occurrence}; {} if the scan could not run."""
        data = request(text, spans)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-P", "-m", "tagline.core.duplicates_worker",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
            # A session, and so a scheduling group, of its own, which it lowers (yield_to_keys): in
            # the app's group it spent the group's share, and a key then waited for a CPU.
            start_new_session=True,
        )
        self._process = process
        try:
            out, _ = await process.communicate(data)
        finally:
            self.kill()
        if process.returncode != 0:
            return {}
        try:
            return {int(index): int(twin) for index, twin in json.loads(out)["duplicates"]}
        except (ValueError, KeyError, TypeError):
            return {}

    def kill(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            try:
                process.kill()
            except ProcessLookupError:
                pass


if __name__ == "__main__":
    raise SystemExit(main())
