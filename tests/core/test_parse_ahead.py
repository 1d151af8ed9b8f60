"""The first read of a project's files nobody has parsed is shared with other processes
(``tagline.core.parse_ahead``): 6,000 such files took agree 28 s, most of it PyYAML's constructor,
one file at a time. The processes only keep parsed forms; what the commands read and say is the
same as a read one at a time."""

from __future__ import annotations

import os
import time

import pytest

from tagline.core import annofile, corpus, parse_ahead, status
from tagline.core.labels import DEFAULT_SCHEME

FILES = 12


def document(i: int, labels: str = "[claim]") -> str:
    return ("schema: tagline.annotations/1\n"
            f"article: {{id: a{i:02d}, path: a{i:02d}.txt}}\n"
            "annotator: alice\nsentences:\n"
            f"  - {{index: 0, start: 0, end: 9, text: One here., status: done, labels: {labels}}}\n"
            f"  - {{index: 1, start: 10, end: 19, text: Two there, status: todo, labels: []}}\n")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """Two annotators' folders of FILES files each, one of alice's unreadable, and parse-ahead
    made to start at a few files on any machine."""
    monkeypatch.setenv("TAGLINE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(parse_ahead, "WARM_AT", 4)
    monkeypatch.setattr(parse_ahead, "PER_PROCESS", 3)
    monkeypatch.setattr(parse_ahead, "idle_cpus", lambda: 2)
    root = tmp_path / "annotations"
    for name in ("alice", "bob"):
        (root / name).mkdir(parents=True)
        for i in range(FILES):
            text = document(i, "[quote]" if name == "bob" and i % 3 else "[claim]").replace("alice", name)
            (root / name / f"a{i:02d}.yaml").write_text(text, encoding="utf-8")
    (root / "alice" / "a05.yaml").write_text("sentences: [unclosed\n", encoding="utf-8")
    return root


def forms(tmp_path) -> set[str]:
    folder = tmp_path / "cache" / "parsed"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def form_of(path) -> str:
    return f"{annofile.digest_of(path.read_bytes())}.json"


def test_the_processes_keep_a_form_of_every_file_that_parses(project, tmp_path):
    paths = sorted((project / "alice").glob("*.yaml"))
    wanted = {form_of(p) for p in paths if p.name != "a05.yaml"}
    with parse_ahead.warming(paths) as given:
        deadline = time.monotonic() + 60
        while forms(tmp_path) != wanted and time.monotonic() < deadline:  # the body reads nothing
            time.sleep(0.05)
    assert given == FILES
    assert forms(tmp_path) == wanted
    with parse_ahead.warming(paths) as given:  # all kept now (the broken one is left to its read)
        assert given == 0


def helped_and_alone(read, tmp_path, monkeypatch):
    """``read()`` with parse-ahead, then again with no form kept and none parsed ahead."""
    helped = read()
    assert len(forms(tmp_path)) == 2 * FILES - 1
    for form in (tmp_path / "cache" / "parsed").iterdir():
        form.unlink()
    monkeypatch.setattr(parse_ahead, "WARM_AT", 10**9)
    return helped, read()


def test_a_corpus_read_with_help_is_the_corpus_read_alone(project, tmp_path, monkeypatch):
    helped, alone = helped_and_alone(lambda: corpus.load(project, DEFAULT_SCHEME), tmp_path, monkeypatch)
    assert [(f.annotator, f.article_id, f.sentences) for f in helped.files] == \
           [(f.annotator, f.article_id, f.sentences) for f in alone.files]
    assert helped.units == alone.units
    assert [str(p) for p in helped.problems] == [str(p) for p in alone.problems]
    assert len([p for p in helped.problems if "a05.yaml" in p.path]) == 1  # said once, by the read


def test_status_read_with_help_is_the_status_read_alone(project, tmp_path, monkeypatch):
    helped, alone = helped_and_alone(lambda: status.compute(project, DEFAULT_SCHEME), tmp_path, monkeypatch)
    assert helped == alone


def test_nothing_is_started_under_the_threshold_or_with_no_idle_cpu(project, tmp_path, monkeypatch):
    paths = sorted((project / "bob").glob("*.yaml"))
    monkeypatch.setattr(parse_ahead, "idle_cpus", lambda: 0)
    with parse_ahead.warming(paths) as given:
        assert given == 0
    monkeypatch.setattr(parse_ahead, "idle_cpus", lambda: 2)
    with parse_ahead.warming(paths[:3]) as given:
        assert given == 0
    assert forms(tmp_path) == set()


def test_no_process_outlives_a_read_that_fails(project, monkeypatch):
    started = []
    real = parse_ahead._start
    monkeypatch.setattr(parse_ahead, "_start", lambda paths: started.extend(real(paths)) or started)
    with pytest.raises(KeyboardInterrupt):
        with parse_ahead.warming(sorted((project / "bob").glob("*.yaml"))):
            raise KeyboardInterrupt
    assert started and all(child.poll() is not None for child, _ in started)


def test_a_cache_folder_that_cannot_be_written_starts_nothing(project, tmp_path, monkeypatch):
    if os.getuid() == 0:
        monkeypatch.setattr(os, "access", lambda *a, **k: False)
    else:
        (tmp_path / "cache").mkdir()
        (tmp_path / "cache" / "parsed").mkdir()
        os.chmod(tmp_path / "cache" / "parsed", 0o500)
    with parse_ahead.warming(sorted((project / "bob").glob("*.yaml"))) as given:
        assert given == 0


def test_a_parsing_process_whose_command_is_gone_stops(project, tmp_path):
    """A command killed mid-read (or its SSH session closed) leaves its parsing processes to an
    init process: they stop at the next file instead of parsing the rest of the project."""
    import subprocess
    import sys

    paths = sorted((project / "bob").glob("*.yaml"))
    code = "from tagline.core.parse_ahead import main; main()"
    given = b"\0".join(bytes(p) for p in paths)
    orphan = subprocess.run([sys.executable, "-c", code, "1"], input=given, capture_output=True, timeout=60)
    assert orphan.returncode == 0 and forms(tmp_path) == set()  # its command (pid 1 here) is not its parent
    own = subprocess.run([sys.executable, "-c", code, str(os.getpid())], input=given, capture_output=True, timeout=60)
    assert own.returncode == 0 and forms(tmp_path) == {form_of(p) for p in paths}


def test_only_files_the_read_will_take_are_parsed_ahead(project, monkeypatch):
    """A file planted in a colleague's folder by someone else is left out of the read; it is not
    parsed ahead either (a member could otherwise make a lead's commands parse what they skip)."""
    if os.getuid() != 0:
        pytest.skip("planting a file under another owner needs root")
    planted = project / "alice" / "a07.yaml"
    os.chown(planted, 12345, 12345)
    given: list = []
    real = parse_ahead._start
    monkeypatch.setattr(parse_ahead, "_start", lambda paths: given.extend(paths) or real(paths))
    loaded = corpus.load(project, DEFAULT_SCHEME)
    assert any(p.path == str(planted) for p in loaded.problems)
    assert given and planted not in given and len(given) == 2 * FILES - 1


def test_no_code_of_the_working_folder_runs_in_a_parsing_process(project, tmp_path, monkeypatch):
    """``python -c`` puts the working folder first on the path: a ``yaml.py`` in the project (pulled
    with git, or put there by a member) ran as whoever read the project. The children start with -P."""
    marker = tmp_path / "ran"
    (tmp_path / "yaml.py").write_text(f"open({str(marker)!r}, 'w').close()\nraise ImportError('not here')\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    paths = [p.relative_to(tmp_path) for p in sorted((project / "bob").glob("*.yaml"))]  # relative, as given
    wanted = {form_of(tmp_path / p) for p in paths}
    with parse_ahead.warming(paths) as given:
        deadline = time.monotonic() + 60
        while forms(tmp_path) != wanted and time.monotonic() < deadline:
            time.sleep(0.05)
    assert given == FILES and forms(tmp_path) == wanted
    assert not marker.exists()


def test_the_processes_are_stopped_when_the_read_is_done(project, monkeypatch):
    started = []
    real = parse_ahead._start
    monkeypatch.setattr(parse_ahead, "_start", lambda paths: started.extend(real(paths)) or started)
    corpus.load(project, DEFAULT_SCHEME)
    assert started and all(child.poll() is not None for child, _ in started)


def test_large_files_and_others_forms_are_left_to_the_read(project, tmp_path, monkeypatch):
    """A child never takes a file over MAX_AHEAD_BYTES (the command's own read parses it), nor one
    whose form another user left in a shared cache (the read does not take that form, but no child
    could replace it either: handing it out only wasted a child on every run)."""
    paths = sorted((project / "bob").glob("*.yaml"))
    monkeypatch.setattr(parse_ahead, "MAX_AHEAD_BYTES", 10)
    assert parse_ahead.unparsed(paths) == []
    monkeypatch.undo()
    monkeypatch.setenv("TAGLINE_CACHE", str(tmp_path / "cache"))
    annofile.read(paths[0])
    assert parse_ahead.kept(paths[0])
    if os.getuid() == 0:
        (kept_form,) = (tmp_path / "cache" / "parsed").iterdir()
        os.chown(kept_form, 12345, 12345)
        assert parse_ahead.kept(paths[0])


@pytest.mark.parametrize(("cpus", "load", "idle"), [(2, 0.2, 1), (2, 1.0, 1), (2, 1.7, 0), (1, 0.0, 0), (8, 3.0, 5), (8, 12.0, 0)])
def test_children_go_only_to_cpus_others_leave_idle(monkeypatch, cpus, load, idle):
    """The load counts the command itself; a child on a CPU someone else keeps busy only slowed the
    read (x 1.3 in the audit, beside a test run at 0.6 of a CPU)."""
    monkeypatch.setattr(parse_ahead, "cpus", lambda: cpus)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert parse_ahead.idle_cpus() == idle


def test_a_partly_cold_project_is_parsed_ahead(project, tmp_path, monkeypatch):
    """The sample that spares a warm read a hash of every file must not hide a share of cold files
    worth a child: a folder pulled from a new annotator, 600 of 3,000 (13 of a sample of 66)."""
    paths = sorted(project.glob("*/*.yaml"))
    monkeypatch.setattr(parse_ahead, "SAMPLE", 8)
    monkeypatch.setattr(parse_ahead, "WARM_AT", 5)
    for path in paths:
        try:
            annofile.read(path)
        except annofile.AnnotationFileError:
            pass
    with parse_ahead.warming(paths) as given:
        assert given == 0  # all kept
    touched = [paths[k] for k in (0, 1, 2, 4, 5)]  # the sample (every third) sees one of them
    for path in touched:
        path.write_text(path.read_text(encoding="utf-8") + "# touched\n", encoding="utf-8")
    with parse_ahead.warming(paths) as given:
        assert given == len(touched)
