"""A long article's fold written by a forked child: the actions taken meanwhile go to a new journal,
and a quit that lands during that fold leaves the rest to one more child, in order."""

from __future__ import annotations

import time

from tagline.core import annofile
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.store import ArticleStore, SentenceState

from procs import children

TEXT = "".join(f"Line {i}: the council said the river rose by {i} centimetres overnight.\n" for i in range(2_000))


def wait_for_file(path, predicate, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            try:
                data = annofile.read(path)
            except annofile.AnnotationFileError:  # not there yet
                data = None
            if data is not None and predicate(data):
                return data
        time.sleep(0.05)
    raise AssertionError(f"{path} never got what was expected")


def folding_in_a_child(tmp_path):
    """The river article with sentence 0 a claim, its store, and a thread running the store's forked
    fold, returned once the child writes (or the fold is over): (article, store, thread)."""
    import threading

    article = Article("river", "river.txt", TEXT)
    store = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    store.set(0, SentenceState(status="done", labels=("claim",)))
    folding = threading.Thread(target=store.fold_forked)
    folding.start()
    deadline = time.monotonic() + 30
    while store._writer is None and folding.is_alive() and time.monotonic() < deadline:
        time.sleep(0.001)
    return article, store, folding


def test_a_forked_fold_writes_the_file_and_keeps_what_came_after(tmp_path):
    article = Article("river", "river.txt", TEXT)
    store = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    store.set(0, SentenceState(status="done", labels=("claim",)))
    assert store.fold_forked()
    assert not store.journal_path.exists() and not store.folding_path.exists()
    assert annofile.read(store.path)["sentences"][0]["labels"] == ["claim"]
    store.set(1, SentenceState(status="done", labels=("quote",)))  # a new journal
    assert store.journal_path.exists()
    store.close()
    data = annofile.read(store.path)
    assert [s["labels"] for s in data["sentences"][:2]] == [["claim"], ["quote"]]


def test_quitting_during_a_forked_fold_folds_the_rest_after_it(tmp_path):
    article, store, folding = folding_in_a_child(tmp_path)
    store.set(1, SentenceState(status="done", labels=("quote",)))  # taken while the child writes
    assert store.fold_after_exit()
    folding.join(5)
    assert not folding.is_alive()  # the quit did not wait for the child
    data = wait_for_file(store.path, lambda d: d["sentences"][1]["labels"] == ["quote"])
    assert data["sentences"][0]["labels"] == ["claim"]
    reopened = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)  # waits for the lock
    assert reopened.read_only is None
    assert reopened.get(0).labels == ("claim",) and reopened.get(1).labels == ("quote",)
    reopened.close()


def test_actions_taken_while_the_child_writes_stay_in_the_new_journal(tmp_path):
    _, store, folding = folding_in_a_child(tmp_path)
    for i in range(1, 20):  # while the child writes
        store.set(i, SentenceState(status="done", labels=("quote",)))
    folding.join(60)
    assert store.journal_path.exists() and store.journal_path.read_bytes().count(b"\n") == 19
    store.close()
    data = annofile.read(store.path)
    assert [s["labels"] for s in data["sentences"][:20]] == [["claim"]] + [["quote"]] * 19


def test_a_reader_right_after_quit_finds_what_the_forked_fold_writes(tmp_path):
    """ctrl+q on a long article leaves its fold to a child process; `tagline export` (or agree,
    stats, review) run the moment the app is gone reads the file as the annotator left it."""
    from tagline.core import corpus

    article = Article("river", "river.txt", TEXT * 3)  # 6,000 sentences: the child takes a while
    store = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    store.set(5_999, SentenceState(status="done", labels=("statistic",)))
    assert store.fold_after_exit()  # the app's process would leave here
    merged = corpus.load(tmp_path, DEFAULT_SCHEME)
    assert not merged.problems
    [loaded] = merged.files
    assert loaded.sentences[5_999].labels == ("statistic",)


def test_status_right_after_quit_counts_what_the_forked_fold_writes(tmp_path):
    """`tagline status` run the moment the app is gone no longer waits for the fold that ctrl+q left
    to a child process (up to 20 s): it counts every action from the journal at once. A first
    session's article has no file yet to say how many sentences it has, so it is not called
    finished until the child has written it."""
    from tagline.core import status
    from tagline.core.store import wait_for_folds_after_quit

    article = Article("river", "river.txt", TEXT * 3)  # 6,000 sentences: the child takes a while
    store = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    for index in range(6_000):
        store.set(index, SentenceState(status="done", labels=("claim",)))
    assert store.fold_after_exit()  # the app's process would leave here
    found = status.compute(tmp_path, DEFAULT_SCHEME)
    assert not found.problems
    assert found.annotators["alice"].sentences_done == 6_000
    wait_for_folds_after_quit(tmp_path)
    alice = status.compute(tmp_path, DEFAULT_SCHEME).annotators["alice"]
    assert (alice.done, alice.sentences_done) == (1, 6_000)


def test_quitting_leaves_the_progress_entry_to_the_child_and_it_describes_the_file(tmp_path):
    """On quit the app's process hashed the article and rewrote the progress index (50 to 90 ms of
    the quit on 5,000 sentences with the model parsing), and the entry named the file's
    modification time before the child rewrote it, so the article list read the whole YAML file
    again next time. The child now writes the entry once the file is written, before it lets go of
    the lock that readers wait for."""
    from tagline.core import progress
    from tagline.core.session import Session
    from tagline.core.store import wait_for_folds_after_quit

    article = Article("river", "river.txt", TEXT)
    session = Session([article], tmp_path, "alice", DEFAULT_SCHEME, None)
    session.store.set(3, SentenceState(status="done", labels=("claim",)))
    session.close(after_exit=True)  # the app's process would leave here
    wait_for_folds_after_quit(tmp_path)
    path = tmp_path / "alice" / "river.yaml"
    entry = progress.read_index(tmp_path / "alice")["river"]
    assert progress.entry_is_current(entry, path.stat().st_mtime_ns)
    assert (entry["done"], entry["total"], entry["labels"]["claim"]) == (1, 2_000, 1)


def test_an_entry_that_has_not_changed_is_not_written_again(tmp_path):
    """Closing an article nobody changed rewrote the progress index all the same (two fsyncs: 1 to
    20 ms each on this machine's disk, inside a quit)."""
    from tagline.core.session import Session

    article = Article("short", "short.txt", "One sentence here. And another one.\n")
    session = Session([article], tmp_path, "alice", DEFAULT_SCHEME, None)
    session.store.set(0, SentenceState(status="done", labels=("claim",)))
    session.close()
    index = tmp_path / "alice" / ".progress.json"
    written = index.stat().st_ino  # an atomic rewrite is a new file
    again = Session([article], tmp_path, "alice", DEFAULT_SCHEME, None)
    again.close()
    assert index.stat().st_ino == written


def test_quitting_with_nothing_to_fold_leaves_the_progress_entry_to_a_child_too(tmp_path):
    """Nothing changed since the last fold: the app's process still hashed the article and
    rewrote the index at quit (50 to 100 ms while a thread took the model's answers)."""
    from tagline.core import progress
    from tagline.core.session import Session
    from tagline.core.store import wait_for_folds_after_quit

    article = Article("river", "river.txt", TEXT)
    session = Session([article], tmp_path, "alice", DEFAULT_SCHEME, None)
    session.store.set(3, SentenceState(status="done", labels=("claim",)))
    session.store.fold()  # the last pause folded everything
    session.close(after_exit=True)
    assert "river" not in session.progress.entries  # this process did not write it
    wait_for_folds_after_quit(tmp_path)
    entry = progress.read_index(tmp_path / "alice")["river"]  # the child did
    assert progress.entry_is_current(entry, (tmp_path / "alice" / "river.yaml").stat().st_mtime_ns)
    assert entry["done"] == 1


def test_a_fold_queued_behind_a_forked_fold_writes_nothing_once_the_app_is_leaving(tmp_path):
    """A second fold (the next idle pause) waited behind a forked one when the app quit: the quit
    let the first child go unwaited, and the second forked a writer of its own beside it, with the
    journal merged into the first's ``.journal.folding``; whichever wrote last won, and the first's
    older file, written last, lost the later actions (and deleted the journal that held them). Once
    leaving, a fold writes nothing: the fold after exit waits for the child, then folds the rest."""
    article = Article("river", "river.txt", TEXT)
    store = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    store.set(0, SentenceState(status="done", labels=("claim",)))
    store._leaving = True  # as fold_after_exit sets it before it waits for the fold lock
    assert store.fold_forked() is False
    assert store.fold() is False
    assert store.journal_path.exists() and not store.folding_path.exists() and not store.path.exists()
    store._leaving = False
    store.close()
    assert annofile.read(store.path)["sentences"][0]["labels"] == ["claim"]


def test_going_back_to_a_long_article_while_its_fold_is_held_opens_at_once(tmp_path, hold_yaml_writes):
    """Moving on from a long article folded it in a thread of the app, and going back to it waited
    for that thread (the event loop's turn: 0.4 to 1.7 s on 5,000 sentences). The fold now goes to a
    process forked for it; going back opens at once beside it, and nothing either writes is lost.
    Here every write of a YAML file waits for a gate (the forked child inherits the hold)."""
    from tagline.core.session import Session

    held = hold_yaml_writes()
    long = Article("river", "river.txt", TEXT)
    short = Article("short", "short.txt", "One sentence here. And another one.\n")
    session = Session([long, short], tmp_path, "alice", DEFAULT_SCHEME, None)
    session.store.set(0, SentenceState(status="done", labels=("claim",)))
    session.open_article(1)  # ]: the long article's fold is held
    opened_while_held = held.returns_meanwhile(session.open_article, 0)
    assert opened_while_held  # before: it waited for the fold, held here
    store = session.store
    assert store.read_only is None and store.get(0).labels == ("claim",)
    store.set(1, SentenceState(status="done", labels=("quote",)))  # beside the held fold
    session.close()  # after the held fold: its own
    data = annofile.read(store.path)
    assert [s["labels"] for s in data["sentences"][:2]] == [["claim"], ["quote"]]
    assert not store.journal_path.exists() and not store.folding_path.exists()


def test_a_reader_right_after_the_first_quit_answers_while_the_first_file_is_held(tmp_path, monkeypatch, hold_yaml_writes):
    """An article annotated for the first time and quit: its fold, left to a child, writes the
    article's first file, and a reader waited for it (up to 20 s, then left the article out): the
    journal alone does not list the article's sentences. The quitting session now leaves the head of
    that file (where the article is); a reader lists the article from it, the article and the
    journal while the fold is held, with what the file holds once it is written. Here every write
    of a YAML file waits for a gate (the forked child inherits the hold)."""
    from tagline.core import corpus

    monkeypatch.chdir(tmp_path)  # the article's path, as given, is found from here
    (tmp_path / "river.txt").write_text(TEXT, encoding="utf-8")
    article = Article("river", "river.txt", source=tmp_path / "river.txt")
    root = tmp_path / "annotations"
    held = hold_yaml_writes()
    store = ArticleStore(root, "alice", article, DEFAULT_SCHEME)
    for index in (0, 7, 1_999):
        store.set(index, SentenceState(status="done", labels=("claim",), updated="2026-12-01T10:00:00Z"))
    store.set(7, SentenceState(status="done", labels=("quote",), flag=True, note="twice"))  # its last state counts
    assert store.fold_after_exit()  # the app's process would leave here
    found: list = []
    answered_while_held = held.returns_meanwhile(lambda: found.append(corpus.load(root, DEFAULT_SCHEME)))
    assert answered_while_held  # before: it waited for the held fold (20 s), then left the article out
    [merged] = found
    assert not merged.problems
    [loaded] = merged.files
    assert len(loaded.sentences) == 2_000
    marked = {s.index: (s.labels, s.flag, s.note) for s in loaded.sentences if s.done}
    assert marked == {0: (("claim",), False, ""), 7: (("quote",), True, "twice"), 1_999: (("claim",), False, "")}
    written = wait_for_file(root / "alice" / "river.yaml", lambda data: True)
    deadline = time.monotonic() + 60
    while (root / "alice" / ".river.first-fold.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not (root / "alice" / ".river.first-fold.json").exists()  # the fold took it away
    [after] = corpus.load(root, DEFAULT_SCHEME).files
    assert after.sentences == loaded.sentences and after.sha256 == loaded.sha256 == written["article"]["sha256"]
    assert (after.article_path, after.annotator) == (loaded.article_path, loaded.annotator) == ("river.txt", "alice")


def test_a_head_that_no_longer_describes_the_article_is_waited_past_not_refused(tmp_path, monkeypatch, hold_yaml_writes):
    """The first fold of an article is killed before it writes, leaving its head, and the article's
    file is then edited: the head no longer describes it. A reader does not refuse the article (it
    said "is not as its session read it" and the command failed): it waits for the fold as before
    the head (killed: nothing to wait for) and, with no file written, leaves the article out and
    says so; the next session on it replays the journal, every action there."""
    import os
    import signal

    from tagline.core import corpus

    monkeypatch.chdir(tmp_path)
    (tmp_path / "river.txt").write_text(TEXT, encoding="utf-8")
    root = tmp_path / "annotations"
    held = hold_yaml_writes()
    store = ArticleStore(root, "alice", Article("river", "river.txt", source=tmp_path / "river.txt"), DEFAULT_SCHEME)
    store.set(3, SentenceState(status="done", labels=("claim",)))
    before = children()
    assert store.fold_after_exit()
    [child] = children() - before  # the fold, held before it writes
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    assert (root / "alice" / ".river.first-fold.json").exists() and not (root / "alice" / "river.yaml").exists()
    with open(tmp_path / "river.txt", "a", encoding="utf-8") as article:
        article.write("One more line, written after the quit.\n")
    merged = corpus.load(root, DEFAULT_SCHEME)
    [problem] = [str(p) for p in merged.problems]  # once: "is not as its session read it", refused
    assert "river.yaml" in problem and "first fold has not written it" in problem and "left out" in problem
    assert merged.files == []  # no file yet: left out, and said
    held.gate.touch()
    again = ArticleStore(root, "alice", Article("river", "river.txt", source=tmp_path / "river.txt"), DEFAULT_SCHEME)
    assert again.get(3).labels == ("claim",)
    again.close()
