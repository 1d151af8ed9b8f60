"""The model in a child process, so the UI never waits on it and a slow parse cannot take the
keyboard's share of the interpreter."""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import subprocess
import sys
import threading

from tagline.core.nlp.model import EXCLUDE, ModelError, ModelInfo


def entities_in_process(package: str, texts: list[str]) -> list[list[tuple[int, int, str]]]:
    """What the model process computes, here in this process (for tools and tests)."""
    import spacy

    nlp = spacy.load(package, exclude=list(EXCLUDE))
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in nlp.pipe(texts)]


class EntityService:
    """A child process (:mod:`tagline.core.nlp_worker`) that holds the model and answers batches of
    paragraphs. Plain pipes, no multiprocessing: nothing of the child reaches the terminal, and the
    child leaves as soon as this process is gone."""

    def __init__(self, model: ModelInfo, suggest: bool = False, trained: str | None = None,
                 labels: list[str] | None = None, exclusive: bool = False):
        self.model = model
        self.suggest = suggest
        self.options: list[str] = []
        if suggest:
            self.options.append("--suggest")
            if trained:
                self.options += ["--trained", trained]
            if labels:
                self.options += ["--labels", ",".join(labels)]
            if exclusive:
                self.options.append("--exclusive")
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()  # the process, the pending answers; never held across a write
        self._write_lock = threading.Lock()  # one request at a time on the pipe
        self._pending: dict[int, concurrent.futures.Future] = {}
        self._next_id = 0
        self._closed = False

    def _start(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-P", "-m", "tagline.core.nlp_worker", self.model.package, *self.options],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
                bufsize=1,
                start_new_session=True,  # ctrl+c in the terminal is the app's to handle
            )
            threading.Thread(target=self._read, args=(self._process,), daemon=True).start()
        return self._process

    def _read(self, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            try:
                answer = json.loads(line)
            except ValueError:
                continue
            with self._lock:
                future = self._pending.pop(answer.get("id"), None)
            if future is None or future.cancelled():
                continue
            if "error" in answer:
                future.set_exception(ModelError(str(answer["error"])))
            else:
                entities = answer.get("entities", [])
                suggestions = answer.get("suggestions")
                if suggestions is not None:
                    future.set_result([{"entities": e, "suggestions": g} for e, g in zip(entities, suggestions)])
                else:
                    future.set_result(entities)
        with self._lock:
            pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(ModelError("the model process stopped"))

    def submit(self, texts: list[str], spans: list | None = None, leads: list | None = None) -> concurrent.futures.Future:
        """Entities for ``texts``; with ``spans`` (sentence offsets per text) and a service started
        with ``suggest``, one ``{"entities": …, "suggestions": …}`` per text instead. ``leads``: per
        text, the sentence before it that may introduce it as a quotation, or None
        (:func:`tagline.core.nlp.streaming.leads`)."""
        future: concurrent.futures.Future = concurrent.futures.Future()
        with self._lock:
            if self._closed:  # a stream still running after quit must not start the model again
                future.set_exception(ModelError("the model process was closed"))
                return future
            process = self._start()
            self._next_id += 1
            ident = self._next_id
            self._pending[ident] = future
        message = {"id": ident, "texts": texts, "spans": spans}
        if leads is not None:
            message["leads"] = leads
        request = json.dumps(message) + "\n"
        # Written outside ``_lock``: a request larger than the pipe holds waits until the process
        # has parsed the ones before it (seconds, for a paragraph of megabytes), and close() must
        # not wait for that.
        with self._write_lock:
            try:
                if self._closed:
                    raise ValueError("closed")
                assert process.stdin is not None
                process.stdin.write(request)
                process.stdin.flush()
            except (OSError, ValueError):
                with self._lock:
                    self._pending.pop(ident, None)
                with contextlib.suppress(concurrent.futures.InvalidStateError):  # close() failed it first
                    future.set_exception(ModelError("the model process stopped"))
        return future

    def close(self) -> None:
        """Stop the model process for good: what is pending fails at once, and a later
        :meth:`submit` fails instead of starting a new process (a thread streaming an article when
        the app quits would otherwise load the model again, and the process wait for it)."""
        with self._lock:
            self._closed = True
            process = self._process
            self._process = None
            pending, self._pending = self._pending, {}
        for future in pending.values():
            with contextlib.suppress(concurrent.futures.InvalidStateError):  # answered meanwhile
                future.set_exception(ModelError("the model process was closed"))
        if process is not None:
            # A thread blocked writing a request to the full pipe holds its writer's lock, and
            # closing the pipe would wait for it: the process is ended first (its end of the pipe
            # goes with it, and the write fails), and the pipe closed here only when nobody writes.
            try:
                process.terminate()
            except OSError:
                pass
            if self._write_lock.acquire(blocking=False):
                try:
                    if process.stdin:
                        process.stdin.close()
                except OSError:
                    pass
                finally:
                    self._write_lock.release()
