"""``tagline prepare``: what it caches is what the reader finds, it resumes, it survives bad input."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from tagline import cli
from tagline.core import nlp, prepare
from tagline.core.articles import load

pytestmark = pytest.mark.model

SECOND = (
    "The central bank raised its main rate by 0.5 percentage points to 4.25% on Wednesday.\n"
    "\"We will do whatever it takes,\" Governor Andrew Bailey told reporters in London.\n"
    # repeated on purpose: parsed once, counted as skipped
    "The central bank raised its main rate by 0.5 percentage points to 4.25% on Wednesday.\n"
)


@pytest.fixture
def corpus(tmp_path, sample_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(sample_path, folder / sample_path.name)
    (folder / "rates.md").write_text(SECOND, encoding="utf-8")
    rows = [{"id": "wire-1", "text": "Apple said on Monday it would buy a London start-up for $50 million."}]
    (folder / "wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return folder


@pytest.fixture
def small_batches(monkeypatch):
    """Batches small enough that the sample article alone makes several: ``--jobs 2`` then really
    runs a pool of two worker processes."""
    monkeypatch.setattr(prepare, "BATCH_CHARS", 600)


@pytest.fixture
def model() -> nlp.ModelInfo:
    return nlp.resolve_model(nlp.DEFAULT_MODEL)


def summary(out: str) -> dict[str, int]:
    match = re.search(r"prepared (\d+) articles?: (\d+) paragraphs parsed, (\d+) skipped", out)
    assert match, out
    return dict(zip(("articles", "parsed", "skipped"), map(int, match.groups()), strict=True))


def paragraphs(articles) -> list[str]:
    return [a.text[p.start : p.end] for a in articles for p in a.split()[0]]


@pytest.mark.e2e  # --jobs 2: a pool of worker processes
def test_the_reader_finds_every_paragraph_cached(corpus, model, small_batches, capsys):
    assert cli.main(["prepare", str(corpus), "--jobs", "2"]) == 0
    articles, problems = load([corpus])
    assert not problems and len(articles) == 3
    unique = set(paragraphs(articles))
    assert len(prepare.batches({t: t for t in unique})) > 2, "the two workers had batches to share"
    assert summary(capsys.readouterr().out) == {"articles": 3, "parsed": len(unique), "skipped": len(paragraphs(articles)) - len(unique)}

    cache = nlp.ParseCache()
    for article in articles:
        # No service: whatever the reader shows comes from the cache, all in the first batch.
        batches = list(nlp.stream(article, model, None, cache))
        assert len(batches) == 1
        assert set(batches[0]) == set(range(len(article.sentences)))
    # The same entities the reader's model process would have stored.
    texts = sorted(unique)
    expected = nlp.entities_in_process(model.package, texts)
    stored = cache.get_many([nlp.ParseCache.key(model, t) for t in texts])
    assert [stored[nlp.ParseCache.key(model, t)] for t in texts] == [[list(e) for e in ents] for ents in expected]
    assert any(stored.values()), "the sample article has entities"


@pytest.mark.e2e  # --jobs 2: a pool of worker processes
def test_one_job_caches_the_same_as_a_pool(corpus, model, small_batches, tmp_path, monkeypatch, capsys):
    assert cli.main(["prepare", str(corpus), "--jobs", "2"]) == 0
    articles, _ = load([corpus])
    keys = [nlp.ParseCache.key(model, t) for t in paragraphs(articles)]
    pooled = nlp.ParseCache().get_many(keys)
    monkeypatch.setenv("TAGLINE_CACHE", str(tmp_path / "other-cache"))
    assert cli.main(["prepare", str(corpus), "--jobs", "1"]) == 0
    assert nlp.ParseCache().get_many(keys) == pooled


def test_resume_skips_what_is_cached(corpus, sample_path, capsys):
    assert cli.main(["prepare", str(corpus / sample_path.name)]) == 0
    first = summary(capsys.readouterr().out)
    assert first["parsed"] > 0
    assert cli.main(["prepare", str(corpus)]) == 0
    second = summary(capsys.readouterr().out)
    articles, _ = load([corpus])
    assert second["parsed"] == len(set(paragraphs(articles))) - first["parsed"]
    assert second["skipped"] == len(paragraphs(articles)) - second["parsed"]
    assert cli.main(["prepare", str(corpus)]) == 0
    assert summary(capsys.readouterr().out)["parsed"] == 0


@pytest.mark.e2e  # --jobs 2: a pool of worker processes
def test_bad_files_are_reported_and_the_rest_prepared(corpus, model, small_batches, capsys):
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (corpus / "empty.md").write_text("   \n", encoding="utf-8")
    (corpus / "broken.jsonl").write_text('{"text": "Fine line."}\nnot json\n', encoding="utf-8")
    (corpus / "latin1.txt").write_bytes("Caf\xe9 owners in Paris said prices rose 4% in May.\n".encode("latin-1"))
    missing = corpus / "missing.txt"
    assert cli.main(["prepare", str(corpus), str(missing), "--jobs", "2"]) == 1
    captured = capsys.readouterr()
    errors = captured.err.strip().splitlines()
    assert "Traceback" not in captured.err
    for name in ("binary.txt", "empty.md", "broken.jsonl:2", "missing.txt"):
        assert sum(name in line for line in errors) == 1, (name, errors)
    # A file with bad bytes is prepared as the reader shows it, with a warning only.
    assert any("latin1.txt" in line and "prepared" in line for line in errors)
    assert summary(captured.out)["articles"] == 5  # sample, rates, wire-1, broken.jsonl:1, latin1
    articles, _ = load([corpus])
    cache = nlp.ParseCache()
    for article in articles:
        assert set(next(iter(nlp.stream(article, model, None, cache)))) == set(range(len(article.sentences)))


def test_model_none_is_a_usage_error(corpus, capsys):
    assert cli.main(["prepare", str(corpus), "--model", "none"]) == 2
    err = capsys.readouterr().err
    assert "--model none" in err and len(err.strip().splitlines()) == 1


def test_negative_jobs_is_a_usage_error(corpus, capsys):
    assert cli.main(["prepare", str(corpus), "--jobs", "-1"]) == 2
    assert "--jobs" in capsys.readouterr().err


def test_a_missing_model_is_one_line(corpus, capsys):
    assert cli.main(["prepare", str(corpus), "--model", "no_such_pipeline_xx"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no_such_pipeline_xx" in err[0] and "not installed" in err[0]


def test_nothing_to_prepare(tmp_path, capsys):
    (tmp_path / "empty-folder").mkdir()
    assert cli.main(["prepare", str(tmp_path / "empty-folder")]) == 1
    assert "nothing to prepare" in capsys.readouterr().err


def test_an_unusable_cache_is_reported(corpus, tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("TAGLINE_CACHE", str(blocker / "cache"))
    assert cli.main(["prepare", str(corpus)]) == 1
    err = capsys.readouterr().err
    assert "parse cache unavailable" in err and "Traceback" not in err


def test_batches_keep_reading_order_and_bound_their_size():
    todo = {f"k{i}": "x" * 700 for i in range(100)}
    cut = prepare.batches(todo, size=2000)
    assert [key for batch in cut for key, _ in batch] == list(todo)
    assert all(sum(len(t) for _, t in batch) < 2000 + 700 for batch in cut)
    assert prepare.batches({}) == []


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.e2e  # --jobs 2: a pool of worker processes
def test_a_model_that_does_not_load_is_one_line(corpus, tmp_path, jobs, small_batches, capsys):
    broken = tmp_path / "broken_pipeline"
    broken.mkdir()
    (broken / "meta.json").write_text('{"name": "broken_pipeline", "version": "0.0.1"}', encoding="utf-8")
    assert cli.main(["prepare", str(corpus), "--model", str(broken), "--jobs", jobs]) == 1
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and "cannot load" in err[0] and "0 of" in err[0], err
    assert "Traceback" not in captured.err


@pytest.mark.e2e
def test_one_job_on_a_terminal_parses_in_a_process_that_never_had_a_second_thread(tmp_path, sample_path):
    """``prepare --jobs 1`` parses in its own process; Rich's progress bar, drawn on a terminal,
    refreshed itself from a thread of its own, and a process that has ever had a second thread
    parses 9 to 14% more slowly (glibc's locks; ``bench/parse_cpu.py``). The bar is now drawn between
    batches by the parsing thread itself."""
    import os
    import subprocess
    import sys

    (tmp_path / "corpus").mkdir()
    shutil.copy(sample_path, tmp_path / "corpus" / sample_path.name)
    script = (
        "from tagline import cli\n"
        "from tagline.core.parser_process import single_threaded\n"
        "code = cli.main(['prepare', 'corpus', '--jobs', '1', '--model', 'en_core_web_sm'])\n"
        "print(code, single_threaded(), flush=True)\n"
    )
    master, terminal = os.openpty()  # stderr a terminal: the progress bar is drawn
    try:
        done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, stdout=subprocess.PIPE, stderr=terminal,
                              text=True, timeout=600, env={**os.environ, "TAGLINE_CACHE": str(tmp_path / "cache")})
        os.close(terminal)
        drawn = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal's other side is closed and all is read
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(master)
    assert done.stdout.split()[-2:] == ["0", "True"], done.stdout
    assert b"paragraphs" in drawn  # the bar was drawn


def test_a_slow_rate_is_not_rounded_to_nothing():
    """5 paragraphs in 11.6 s read "0 paragraphs/s"."""
    from tagline.core.prepare import Summary

    assert Summary(1, 5, 0, 11.6).line().endswith("11.6 s, 0.4 paragraphs/s")
    assert Summary(1, 500, 0, 2.0).line().endswith("2.0 s, 250 paragraphs/s")


def _descendants(pid: int) -> set[int]:
    """Every process whose parent chain reaches ``pid`` (from /proc), and those since reparented to
    init that were started with ``pid``'s session (the pool's forkserver, its resource tracker)."""
    import os

    found: set[int] = set()
    parents: dict[int, int] = {}
    sessions: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)], sessions[int(entry)] = int(fields[1]), int(fields[3])
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found.add(child)
                frontier.append(child)
    return found | {p for p, s in sessions.items() if s == pid and p != pid}


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_prepare_stopped_by_a_signal_leaves_no_process_behind(tmp_path, name):
    """From the prepare audit: SIGTERM (or SIGHUP, a dropped SSH link) on ``prepare --jobs 2``
    exited 143, but its forkserver, resource tracker and both workers ran on under init (160 MB
    each). Taken as ctrl+c is now: the workers are stopped, what is cached stays, status 128 + n."""
    import os
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "articles"
    folder.mkdir()
    rows = [{"id": f"a{i}", "text": " ".join(f"The council of town {i} said on Monday that {j} roads would close." for j in range(40))}
            for i in range(400)]
    (folder / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "tagline", "prepare", str(folder), "--jobs", "2"], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                               env={**os.environ, "TAGLINE_CACHE": str(tmp_path / "cache")})
    try:
        deadline = time.monotonic() + 120
        while len(_descendants(process.pid)) < 3 and time.monotonic() < deadline:  # the pool is up
            time.sleep(0.2)
        assert len(_descendants(process.pid)) >= 3
        time.sleep(2)  # parsing
        os.kill(process.pid, getattr(signal, name))
        # (left behind, the workers held the pipes open: this timed out)
        _out, err = process.communicate(timeout=60)
        assert process.returncode == 128 + getattr(signal, name), err
        assert "interrupted" in err.decode() and "Traceback" not in err.decode()
        deadline = time.monotonic() + 20
        while _descendants(process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _descendants(process.pid), "processes left behind"
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # whatever a failure left, not for the next test
        except ProcessLookupError:
            pass
        process.wait()


def test_a_sentence_no_model_reads_is_counted_and_said(tmp_path, capsys, monkeypatch):
    """From the prepare audit: two sentences of over 50,000 characters were never parsed and the
    summary said "2 paragraphs parsed, 0 skipped", exit 0; suggest says them. So does prepare now."""
    from tagline.core.nlp.streaming import MAX_SENTENCE_CHARS

    folder = tmp_path / "articles"
    folder.mkdir()
    long = "word " * (MAX_SENTENCE_CHARS // 5 + 10)
    (folder / "huge.txt").write_text(long.strip() + ".\n", encoding="utf-8")
    (folder / "mixed.txt").write_text("A short one. " + long.strip() + ".\n", encoding="utf-8")
    monkeypatch.setenv("TAGLINE_CACHE", str(tmp_path / "cache"))
    assert cli.main(["prepare", str(folder), "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert f"2 sentences longer than {MAX_SENTENCE_CHARS:,} characters read by no model" in err


def test_a_damaged_cache_page_is_said_not_parsed_again_in_silence(tmp_path):
    """From the prepare audit: 8 KB overwritten in the middle of the cache file made every run parse
    most of the corpus again (81 s), saying only "3367 paragraphs could not be written", never that
    the file was damaged or what to do. The cache now says it, and prepare passes it on."""
    from tagline.core.nlp.cache import FILE_NAME

    cache = nlp.ParseCache(tmp_path / "cache")
    items = {f"{i:040x}": [[0, 5, "ORG"], [10, 20, f"entity {i} " * 20]] for i in range(4000)}
    cache.put_many(items)
    assert len(cache.get_many(list(items))) == 4000 and cache.damaged is None
    del cache  # its connection closed
    import gc

    gc.collect()
    path = tmp_path / "cache" / FILE_NAME
    size = path.stat().st_size
    assert size > 200_000
    with path.open("r+b") as file:
        file.seek(size // 2)
        file.write(b"\xff" * 8192)
    again = nlp.ParseCache(tmp_path / "cache")
    found = again.get_many(list(items))
    assert len(found) < 4000
    assert again.damaged is not None and "is damaged" in again.damaged and "delete the file" in again.damaged
    assert str(path) in again.damaged


def test_a_missing_path_or_an_empty_scheduler_is_said_alone(tmp_path, capsys):
    """From the prepare audit: ``prepare nosuch`` printed "prepared 0 articles …" after the error,
    and ``--scheduler ""`` quietly parsed here instead of on a cluster."""
    assert cli.main(["prepare", str(tmp_path / "nosuch")]) == 1
    captured = capsys.readouterr()
    assert "prepared" not in captured.out and captured.err.count("\n") == 1
    (tmp_path / "a.txt").write_text("One sentence.\n", encoding="utf-8")
    assert cli.main(["prepare", str(tmp_path / "a.txt"), "--scheduler", " "]) == 2
    captured = capsys.readouterr()
    assert captured.err == "tagline prepare: --scheduler needs the scheduler's address (tcp://HOST:PORT)\n"
    assert captured.out == ""


def test_a_cache_that_cannot_be_opened_names_its_file(tmp_path):
    """From the prepare audit: "unable to open database file; nothing prepared" named no file."""
    from tagline.core.nlp.cache import FILE_NAME

    (tmp_path / "cache" / FILE_NAME).mkdir(parents=True)  # where the database goes: a folder
    cache = nlp.ParseCache(tmp_path / "cache")
    assert cache.get_many(["x"]) == {}
    assert cache.error is not None and str(tmp_path / "cache" / FILE_NAME) in cache.error
