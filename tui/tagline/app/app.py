"""The Textual app: themes, the reader screen, the entity worker, saving in the background."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from functools import partial
from pathlib import Path

from textual import work
from textual.app import SystemCommand

from tagline.core import keymap, nlp
from tagline.core.nlp.cache import untrusted
from tagline.core.session import Session
from tagline.app import heap, settings, theming
from tagline.app.durable import DurableApp, folded_apart
from tagline.app.messages import DuplicatesFound, EntitiesArrived
from tagline.app.screens.reader import ReaderScreen, make_reader_screen

IDLE_FOLD_SECONDS = 2.0


class TaglineApp(DurableApp):
    CSS_PATH = ["styles/app.tcss"]
    TITLE = "tagline"
    ENABLE_COMMAND_PALETTE = True
    #: The id of the article whose duplicate scan has answered (None before the first).
    duplicates_scanned: str | None = None

    def __init__(
        self,
        session: Session,
        model: nlp.ModelInfo | None,
        model_notice: str = "",
        notices: list[str] | None = None,
        theme: str | None = None,
        theme_folders: list[Path] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.model = model
        self._heap_settled = False
        self._collector = heap.BetweenKeys()
        self.model_notice = model_notice
        self.notices = notices or []
        self.cache = nlp.ParseCache(shared=nlp.project_cache_dir(session.root))  # the team's, then the user's
        refused = untrusted(nlp.project_cache_dir(session.root))
        if refused:  # parsed without it, and said
            self.notices.append(refused)
        self.service: nlp.EntityService | None = None
        self._last_action = time.monotonic()
        self._parse_finished_for: str | None = None
        self._reader: ReaderScreen | None = None  # the screen the entity workers post their messages to
        from tagline.core.duplicates_worker import DuplicateScan

        self._duplicate_scan = DuplicateScan()
        themes, problems = theming.load_themes(theme_folders or [])
        self.notices.extend(problems)
        for t in themes:
            self.register_theme(t)
        for name in ("ansi-dark", "ansi-light"):
            if name in self.available_themes:
                self.register_theme(theming.with_palette_colours(self.available_themes[name]))
        self.user_settings, problem = settings.load()
        if problem:
            self.notices.append(problem)
        keys, problems = settings.checked_keymap(self.user_settings.get("keymap"), session.scheme)
        self.notices.extend(problems)
        self._user_keymap = keys
        wanted = theme or self.user_settings.get("theme") or theming.DEFAULT_THEME
        if wanted not in self.available_themes:
            self.notices.append(f"theme '{wanted}' not found; using {theming.DEFAULT_THEME}")
            wanted = theming.DEFAULT_THEME if theming.DEFAULT_THEME in self.available_themes else "textual-dark"
        self.theme = wanted
        self._theme_from_command_line = theme is not None

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(theming.VARIABLE_DEFAULTS)

    @property
    def model_status(self) -> str:
        if self.model is None:
            return self.model_notice or "no model: sentences only"
        return f"{self.model.name} {self.model.version or ''}".strip()

    def watch_theme(self, name: str) -> None:
        # A theme picked in the command palette is remembered for this user.
        if self.is_running and not getattr(self, "_theme_from_command_line", False):
            settings.save_theme(name)
        self._theme_from_command_line = False

    def on_mount(self) -> None:
        if self._user_keymap:
            self.set_keymap(self._user_keymap)
        self.push_screen(make_reader_screen(self.session.scheme)(self.session))
        self.notify_all(self.notices)
        if self.model_notice:
            self.notify(self.model_notice, severity="warning", timeout=8, markup=False)
        first = self.session.first_outcome
        if first.message:
            self.notify(first.message, severity="error" if first.error else "warning", timeout=10, markup=False)
        self.set_interval(IDLE_FOLD_SECONDS / 2, self._fold_when_idle)
        self.catch_hang_ups()

    def get_system_commands(self, screen):
        """The reader's commands in the palette, named as the help screen names them."""
        yield from super().get_system_commands(screen)
        if isinstance(screen, ReaderScreen):
            for command in keymap.READER_COMMANDS:
                if "(" in command.action and not command.action.endswith("(1)"):
                    continue  # moves by a step are for keys, not the palette
                keys = " ".join(keymap.display(k) for k in command.keys)
                yield SystemCommand(
                    command.help.split(" (")[0], f"{keys}", partial(screen.run_action, command.action)
                )
            yield SystemCommand("Save now", "write the YAML file of this article", self._save_now)
            yield SystemCommand("Team status", "who has done what: tagline status, for this annotation folder", self._team_status)
            yield SystemCommand(
                "Order of n: reading / most uncertain first",
                f"now: {self.session.order}; active learning takes the sentence the suggester is least sure of",
                partial(screen.run_action, "toggle_order"),
            )
            yield SystemCommand(
                "Order of n: most check-worthy first",
                f"now: {self.session.order}; n takes the todo sentence most worth checking",
                partial(screen.run_action, "set_order('checkworthy')"),
            )
            if self.model is not None:
                yield SystemCommand("Retrain the model", "tagline train on every annotation, in the background", self._retrain)

    def _retrain(self) -> None:
        self.notify("training on the annotations so far…", timeout=3)
        self._train_in_child()

    @work(exclusive=True, group="train", exit_on_error=False)
    async def _train_in_child(self) -> None:
        """``tagline train`` in a process of its own (training is minutes of CPU: none of it in this
        process, so keys never wait), killed on quit; its one-line summary or error is shown."""
        store = self.session.store
        if store is not None:  # the model learns from the YAML files: make this article's current
            await asyncio.to_thread(self._fold, store)
        process = await asyncio.create_subprocess_exec(
            *train_command(self.session, self.session.scheme.source),
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            start_new_session=True,  # ctrl+c is the app's; close() ends the whole group
        )
        self._trainer = process
        try:
            out, err = await process.communicate()
        finally:
            self._trainer = None
        said = [line for line in out.decode("utf-8", "replace").splitlines() if line.strip()]
        problems = [line for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
        if process.returncode != 0 or not said:
            reason = problems[-1] if problems else f"tagline train ended with status {process.returncode}"
            self.notify(f"training failed: {reason[:160]}", severity="error", markup=False)
            return
        self._retrained(said[0])

    def _retrained(self, summary: str) -> None:
        self.notify(f"retrained: {summary}", timeout=6, markup=False)
        self._parse_finished_for = None
        if self._reader is not None:
            self._stream_entities(self._reader, self.session.article)  # suggestions again, rules + new model

    def _team_status(self) -> None:
        from tagline.app.screens.status import StatusScreen, status_command

        self.push_screen(StatusScreen(status_command(self.session, self.session.scheme.source)))

    def _save_now(self) -> None:
        store = self.session.store
        if store is not None:
            self._fold(store)
            self.notify(f"written to {store.path}", timeout=3, markup=False)

    def _settle_heap(self, collect: bool = False) -> None:
        """Keep what an open article puts on the heap out of the garbage collector's scans, so the
        collections between keys cost the same in a 5,000-sentence article as in a short one
        (:mod:`tagline.app.heap`); ``collect``: another article may have been open before."""
        heap.settle(collect=collect and self._heap_settled)
        self._heap_settled = True

    # -- the entity worker -----------------------------------------------------------------------
    def article_opened(self, reader: ReaderScreen) -> None:
        """``reader`` shows a newly opened article: find its duplicates and entities, and tell
        ``reader`` with messages (:mod:`tagline.app.messages`) as they are known."""
        self._reader = reader  # who the workers answer
        self._settle_heap(collect=True)
        self._find_duplicates(reader, self.session.article)
        if self.model is None:
            # No parse to wait for: the duplicate marks are folded at the next pause, not left for
            # quitting to write (a 5,000-sentence file took 2 s at ctrl+q on a busy machine).
            self._parse_finished_for = self.session.article.id
            return
        if self.service is None:
            scheme = self.session.scheme
            self.service = nlp.EntityService(
                self.model, suggest=True, trained=str(self.session.root), labels=scheme.names, exclusive=scheme.exclusive
            )
        self._stream_entities(reader, self.session.article)

    @work(thread=True, exclusive=True, group="entities", exit_on_error=False)
    def _stream_entities(self, reader: ReaderScreen, article) -> None:
        from textual.worker import get_current_worker

        worker = get_current_worker()
        try:
            from tagline.core import train

            version = f"{train.trained_stamp(self.session.root) or 'rules'}:{','.join(self.session.scheme.names)}"
            batches = nlp.stream_annotations(
                article, self.model, self.service, self.cache, cancelled=lambda: worker.is_cancelled,
                suggest=True, suggest_version=version,
            )
            for batch in batches:
                if worker.is_cancelled:
                    return
                reader.post_message(EntitiesArrived(article.id, batch))
            if not worker.is_cancelled:
                self._parse_finished_for = article.id
                self.call_from_thread(self._settle_heap)
        except Exception as error:  # a dead child process, a broken model: say so, keep working
            if not worker.is_cancelled:
                self.call_from_thread(self.notify, f"entities unavailable: {' '.join(str(error).split())[:120]}", severity="warning", markup=False)

    @work(exclusive=True, group="duplicates", exit_on_error=False)
    async def _find_duplicates(self, reader: ReaderScreen, article) -> None:
        """The article's near-duplicates, scanned in a process of its own (CPU-bound: seconds on a
        long templated article) while this loop goes on handling keys; a new article or quitting
        cancels this task, which kills the process."""
        import asyncio

        from tagline.core.duplicates_worker import DuplicateScan

        self._duplicate_scan.kill()
        scan = self._duplicate_scan = DuplicateScan()
        found = await scan.run(article.text, [(s.start, s.end) for s in article.sentences])
        def across_corpus() -> list:
            key = nlp.corpus_duplicates_key(article)  # a hash of the whole text: not on this loop
            return self.cache.get_many([key], table="duplicates").get(key, [])

        rows = await asyncio.to_thread(across_corpus)
        across = {index: (other, original) for index, other, original in rows}
        if found or across:
            reader.post_message(DuplicatesFound(article.id, found, across))
        self.duplicates_scanned = article.id  # what the scan has answered for (tests wait on it)

    # -- saving ------------------------------------------------------------------------------------
    def touched(self) -> None:
        self._last_action = time.monotonic()
        self._collector.key()

    def _fold_when_idle(self) -> None:
        store = self.session.store
        if store is None or time.monotonic() - self._last_action < IDLE_FOLD_SECONDS:
            return
        # Edits are folded when the annotator pauses; entities and suggestions only once the model
        # has finished with the article, so a long parse does not rewrite the file batch by batch.
        if store.dirty or (store.stale and self._parse_finished_for == store.article.id):
            self._fold(store)

    @work(thread=True, exclusive=True, group="fold", exit_on_error=False)
    def _fold(self, store) -> None:
        """Fold in the background: a long article in a child process forked for it (this thread
        only waits), so the rewrite never holds the app's interpreter while keys come in."""
        try:
            if folded_apart(store.article):
                store.fold_forked()
            else:
                store.fold()
        except OSError as error:
            self.call_from_thread(self.notify, f"could not write {store.path}: {error.strerror}", severity="error", markup=False)

    def close(self) -> None:
        """Stop the background processes (nothing waits for them), fold what is open: when the
        process is about to end (quit, SIGTERM, SIGINT, SIGHUP: :attr:`exiting`), a long article's
        fold and progress entry in a process forked for them (:meth:`ArticleStore.fold_after_exit`;
        1 to 2 s for 5,000 sentences, which a signal used to spend here before the exit); a short
        one's here, as when Textual ends the app on its own."""
        self._duplicate_scan.kill()
        trainer = getattr(self, "_trainer", None)
        if trainer is not None and trainer.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(trainer.pid, signal.SIGKILL)  # a half-saved model is cleared by the next training
        if self.service is not None:
            self.service.close()
            self.service = None
        store = self.session.store
        long = store is not None and folded_apart(store.article)
        try:
            self.session.close(after_exit=long and self.exiting)
        finally:
            if self.service is not None:
                self.service.close()


def train_command(session, scheme_source: str) -> list[str]:
    """``tagline train`` on every annotator's files of the session's annotation folder."""
    from tagline.app.children import tagline_command

    return tagline_command(session, scheme_source, "train")
