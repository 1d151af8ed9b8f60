"""A reader keeps the parsed form of an annotation file it may not write beside (another
annotator's, or one copied in or written by hand) in its own cache, named by the file's bytes: the
corpus commands parsed every such file's YAML on every run (10,000 files: 19 to 28 s each time)."""

from __future__ import annotations

import os
import time

from tagline.core import annofile

DOC = ("schema: tagline.annotations/1\narticle: {id: a1, path: a1.txt}\nannotator: alice\nsentences:\n"
       "  - {index: 0, start: 0, end: 9, text: One here., status: done, labels: [claim]}\n")


def read_once(tmp_path, monkeypatch):
    """Someone's file, read once: (its path, what was read, the parsed form kept in the cache)."""
    monkeypatch.setenv("TAGLINE_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "alice" / "a1.yaml"
    path.parent.mkdir()
    path.write_text(DOC, encoding="utf-8")
    first = annofile.read(path)
    [kept] = (tmp_path / "cache" / "parsed").iterdir()
    return path, first, kept


def test_a_file_read_twice_is_parsed_once_and_a_changed_one_again(tmp_path, monkeypatch):
    path, first, kept = read_once(tmp_path, monkeypatch)
    assert not annofile.parsed_path(path).exists()  # nothing written beside someone's file
    parsed = []
    monkeypatch.setattr(annofile, "loads", lambda text, where="": parsed.append(where) or {})
    assert annofile.read(path) == first and parsed == []  # from the cache
    path.write_text(DOC.replace("[claim]", "[quote]"), encoding="utf-8")
    annofile.read(path)
    assert parsed == [path]  # changed bytes: parsed again
    kept.write_text(kept.read_text(encoding="utf-8").replace('"claim"', '"statistic"'), encoding="utf-8")
    path.write_text(DOC, encoding="utf-8")
    monkeypatch.undo()
    monkeypatch.setenv("TAGLINE_CACHE", str(tmp_path / "cache"))
    assert annofile.read(path)["sentences"][0]["labels"] == ["statistic"]  # the cache is trusted: it is the user's own
    if os.getuid() == 0:  # as root (CI), a form someone else put there can be made: it is not read
        os.chown(kept, 12345, 12345)
        assert annofile.read(path)["sentences"][0]["labels"] == ["claim"]


def test_forms_not_written_for_a_fortnight_are_pruned(tmp_path):
    folder = tmp_path / "parsed"
    folder.mkdir()
    old, new = folder / "old.json", folder / "new.json"
    for kept in (old, new):
        kept.write_text("{}", encoding="utf-8")
    stale = time.time() - (annofile.PARSED_KEEP_DAYS + 1) * 86400
    os.utime(old, (stale, stale))
    annofile._prune(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["new.json"]


def test_a_form_torn_by_a_power_cut_is_parsed_again(tmp_path, monkeypatch):
    """Parsed forms are written without fsync (two a file were a tenth of agree's first read of
    1,000 files): a power cut may leave one cut short or empty, which is read as no form."""
    path, first, kept = read_once(tmp_path, monkeypatch)
    whole = kept.read_bytes()
    for torn in (whole[: len(whole) // 2], b""):
        kept.write_bytes(torn)
        assert annofile.read(path) == first
        assert kept.read_bytes() == whole  # and written again


def test_a_read_pauses_the_cycle_collector_and_gives_it_back_as_it_was(tmp_path):
    """About half of a first agree or export over 1,000 to 30,000 files was the cycle collector
    walking the files read so far again and again: it is off during the read, as it was after."""
    import gc

    from tagline.core import corpus, status
    from tagline.core.labels import DEFAULT_SCHEME

    seen = []
    original = corpus._load

    def spy(*args):
        seen.append(gc.isenabled())
        return original(*args)

    corpus._load = spy
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            corpus.load(tmp_path, DEFAULT_SCHEME)
            assert gc.isenabled() is enabled
        status.compute(tmp_path, DEFAULT_SCHEME)
        assert gc.isenabled() is False
    finally:
        corpus._load = original
        gc.enable()
    assert seen == [False, False]
