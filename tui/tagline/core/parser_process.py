"""A child process that parses for a multi-threaded parent (a Dask worker), and stays single-threaded.

Why a process of its own: spaCy's entity recognizer takes and gives back the interpreter's lock
(``PyGILState_Ensure``) in its inner loops, millions of times a run, and each time glibc locks and
unlocks a mutex. In a process that has never started a second thread (``__libc_single_threaded``)
glibc does that with plain stores; once any thread has existed, with atomic instructions. A Dask
worker always has threads (its event loop, its task threads), and parsing in one of them took 9 to
14% more CPU than the same parse in a process of the local pool (``bench/parse_cpu.py``). So a
worker thread hands its paragraphs to this process, as ``tagline prepare --jobs N`` hands them to
its pool's processes, and runs the same function (:func:`tagline.core.prepare._worker_parse`).

    python -m tagline.core.parser_process PACKAGE

Requests and answers are pickles on stdin and stdout: first the answer to the load (``None``, or
the error), then for each list of paragraph texts ``("ok", entities)`` or ``("error", message)``;
``PROBE`` answers ``{"pid": ..., "single_threaded": ..., "malloc_trim_threshold": ...}``. It leaves when stdin closes, and
between two documents when its parent is gone (no watcher thread: that would cost the very
thing this process is for).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

from tagline.core import nlp

#: A request for the process's id and whether it is still single-threaded (for tests).
PROBE = "probe"
#: Seconds a closed process gets to leave before it is killed.
CLOSE_TIMEOUT = 5.0


class ParserGone(RuntimeError):
    """The parsing process ended (killed, out of memory) before it answered."""


class ParserProcess:
    """The parent's side: ``ParserProcess(package)`` starts the process and waits for the model to
    load (:class:`tagline.core.nlp.ModelError` if it does not); :meth:`parse` is
    :func:`tagline.core.prepare._worker_parse` in that process. One caller at a time."""

    def __init__(self, package: str, where: str = "", env: dict[str, str] | None = None):
        self.package = package
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tagline.core.parser_process", package],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
        )
        error = self._answer()
        if error is not None:
            self.close()
            raise nlp.ModelError(f"{error}{where}")

    def parse(self, texts: list[str]) -> list[list[list]]:
        status, value = self._ask(texts)
        if status == "error":
            raise nlp.ModelError(value)
        return value

    def probe(self) -> dict:
        return self._ask(PROBE)

    def alive(self) -> bool:
        return self.process.poll() is None

    def _ask(self, request):
        try:
            pickle.dump(request, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.process.stdin.flush()
        except (OSError, ValueError):
            raise ParserGone(self._gone()) from None
        return self._answer()

    def _answer(self):
        try:
            return pickle.load(self.process.stdout)
        except (EOFError, OSError, pickle.UnpicklingError):
            raise ParserGone(self._gone()) from None

    def _gone(self) -> str:
        try:
            status = self.process.wait(timeout=CLOSE_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            status = self.process.wait()
        return f"the parsing process of a worker ended (exit status {status})"

    def close(self) -> None:
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=CLOSE_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


def single_threaded() -> bool | None:
    """glibc's own word on whether this process has ever had a second thread (None: not glibc)."""
    import ctypes

    try:
        return ctypes.c_char.in_dll(ctypes.CDLL(None), "__libc_single_threaded").value == b"\x01"
    except (OSError, ValueError, AttributeError):
        return None


# -- the child -------------------------------------------------------------------------------------
def _parse(texts: list[str], parent: int) -> list[list[list]]:
    from tagline.core import prepare

    if prepare._nlp is None:
        raise nlp.ModelError(prepare._load_error or "the model is not loaded")
    result = []
    for doc in prepare._nlp.pipe(texts):
        if os.getppid() != parent:  # the parent died mid-request: nobody wants the rest
            os._exit(0)
        result.append([[e.start_char, e.end_char, e.label_] for e in doc.ents])
    return result


def main(argv: list[str]) -> int:
    nlp.one_math_thread()  # before anything imports numpy
    from tagline.core import prepare

    parent = os.getppid()
    # Answers go to the pipe that was stdout; anything a library prints goes to stderr instead.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    source = sys.stdin.buffer
    prepare._worker_start(argv[0])  # ignores SIGINT: the parent decides when this process ends

    def send(answer) -> None:
        pickle.dump(answer, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        send(prepare._load_error)
        while True:
            try:
                request = pickle.load(source)
            except EOFError:
                return 0
            if request == PROBE:
                send({"pid": os.getpid(), "single_threaded": single_threaded(),
                      "malloc_trim_threshold": os.environ.get("MALLOC_TRIM_THRESHOLD_")})
                continue
            try:
                answer = ("ok", _parse(request, parent))
            except Exception as error:
                answer = ("error", " ".join(str(error).split())[:200] or type(error).__name__)
            send(answer)
    except BrokenPipeError:  # the parent is gone
        return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
