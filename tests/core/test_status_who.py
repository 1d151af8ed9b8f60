"""Who does what in ``tagline status``: a name nobody can log in as, who has which article open now,
and a table that stays within 80 columns whatever the names. The words are the core's, rendered by
the command and by the app's screen alike."""

from __future__ import annotations

import io
import pwd

from rich.cells import cell_len
from rich.console import Console

from tagline.commands.status import render
from tagline.core import status as status_mod
from tagline.core import tokens
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session
from tagline.core.store import SentenceState
from tagline.core.team import Team, nobody_logs_in_as

TEXT = "One here. Two there. Three more."
#: A user every Linux machine has: a name that is a real login here.
REAL = pwd.getpwuid(0).pw_name


def printed(found, width: int = 80) -> list[str]:
    out = io.StringIO()
    Console(file=out, width=width, highlight=False, color_system=None).print(render(found, width))
    return out.getvalue().splitlines()


def annotate(root, who: str, article_id: str, keep_open: bool = False):
    session = Session([Article(article_id, f"{article_id}.txt", TEXT)], root, who, DEFAULT_SCHEME)
    session.store.set(0, SentenceState("done", ("claim",), updated="2026-11-20T09:00:00Z"))
    if not keep_open:
        session.close()
    return session


def test_a_name_nobody_can_log_in_as_is_said_with_the_articles_routed_to_it(tmp_path):
    """``annotators: [root, rooot]``: the mistyped name got half the articles and status only showed
    it never active. It is said in one line, with the articles routed to it; not refused."""
    ids = [f"a{i:02d}" for i in range(20)] + ["\x1b]0;owned\x07x", "[red]y"]
    team = Team((REAL, "rooot", "carol"), 1.0, ("laed",))
    (tmp_path / "carol").mkdir()  # seen: a folder of theirs (made by tagline as them, or serve's visitor)
    tokens.add(tokens.token_file(tmp_path), "laed")  # a serve login link: someone can be laed
    assert nobody_logs_in_as(team, tmp_path) == ["rooot"]
    assert nobody_logs_in_as(Team((REAL,), 1.0, ("lead2",)), tmp_path) == ["lead2"]
    found = status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ids)
    routed = [a for a in ids if "rooot" in found.articles[a]["annotators"]]
    assert routed and found.as_data()["no_login"] == {"rooot": {"role": "annotator", "articles": routed}}
    assert found.annotators["rooot"].assigned == len(routed)  # still routed: said, not refused
    lines = printed(found)
    said = [line for line in lines if line.lstrip().startswith(("rooot", "routed to rooot"))]
    assert said[0] == f"rooot: no user of that name here, no folder yet; {len(routed)} articles routed to them"
    assert said[1].startswith("  routed to rooot: ") and routed[0] in said[1]
    assert all(cell_len(line) <= 80 for line in lines)
    text = "\n".join(lines)
    assert "\x1b" not in text and "\x07" not in text and REAL + ":" not in text


def test_a_reviewer_nobody_can_log_in_as_is_said_too(tmp_path):
    found = status_mod.compute(tmp_path, DEFAULT_SCHEME, Team((REAL,), 1.0, ("laed",)), ["a1"])
    assert found.no_login == {"laed": {"role": "reviewer", "articles": []}}
    assert "reviewer laed: no user of that name here, no folder yet" in printed(found)


def test_the_table_says_who_has_which_article_open_now(tmp_path):
    """The table did not say who is on which article now. An article is open while a session holds
    its lock: not while it has a journal (the background fold empties it while the article stays
    open; a session killed leaves one behind)."""
    annotate(tmp_path, REAL, "a1")
    (tmp_path / REAL / "a1.journal").write_bytes(b"\n")  # a journal with no session: as a kill leaves it
    session = annotate(tmp_path, REAL, "article-with-a-long-id-that-is-cut", keep_open=True)
    other = annotate(tmp_path, REAL, "z\x1b[31mred", keep_open=True)
    try:
        team = Team((REAL, "rooot"), 1.0)
        found = status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "article-with-a-long-id-that-is-cut", "z\x1b[31mred"])
        assert found.as_data()["annotators"][REAL]["open_now"] == sorted(["article-with-a-long-id-that-is-cut", "z\x1b[31mred"])
        session.store.fold(force=True)  # the background fold: no journal, the article still open
        assert not (tmp_path / REAL / "article-with-a-long-id-that-is-cut.journal").exists()
        found = status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "article-with-a-long-id-that-is-cut", "z\x1b[31mred"])
        assert found.annotators[REAL].open_now == sorted(["article-with-a-long-id-that-is-cut", "z\x1b[31mred"])
        lines = printed(found)
        assert all(cell_len(line) <= 80 for line in lines), "\n".join(lines)
        row = next(line for line in lines if "open now" in line)
        assert "article-with-…" in row and "+1" in row
        assert "\x1b" not in "\n".join(lines)
    finally:
        session.close()
        other.close()
    assert status_mod.compute(tmp_path, DEFAULT_SCHEME, Team((REAL,), 1.0), ["a1"]).annotators[REAL].open_now == []


def test_long_names_keep_the_table_within_80_columns_and_readable(tmp_path):
    """Three 64-character names: the turned table was wider than 80 columns and rich gave its
    headings' column no width, so no row said what it was."""
    names = ("a" * 64, "b" * 64, "c" * 10)
    found = status_mod.compute(tmp_path, DEFAULT_SCHEME, Team(names, 1.0), ["a1", "a2", "a3"])
    lines = printed(found)
    assert all(cell_len(line) <= 80 for line in lines), "\n".join(lines)
    for heading in status_mod.HEADINGS[1:]:
        assert sum(f"│ {heading} " in line for line in lines) == 3  # in each of the three tables
    assert any("a" * 40 in line for line in lines) and any("c" * 10 in line for line in lines)


def test_no_annotators_is_said_instead_of_a_table_of_cut_headings(tmp_path):
    found = status_mod.compute(tmp_path, DEFAULT_SCHEME, None, ["a1"])
    lines = printed(found)
    assert not any("…" in line for line in lines)
    assert "no annotators yet: no team in tagline.yaml, no folder in the annotations folder" in lines


def test_the_screen_and_the_command_say_the_same_words(tmp_path):
    """The screen said 'N sentences done by two or more; observed …' and had no line for answers
    from outside the team; the command said otherwise. Both render the core's lines now."""
    from rich.text import Text

    from tagline.app.screens import status as screen

    annotate(tmp_path, "dan", "a1")
    found = status_mod.compute(tmp_path, DEFAULT_SCHEME, Team((REAL, "rooot"), 1.0), ["a1", "a2"])
    report = found.as_data()
    shown = screen.summary(report).plain.splitlines()
    lines = printed(found, width=200)
    for line in status_mod.report_lines(report):
        assert line in shown and line in lines
    assert screen.parts(report, 200).parts[0].rows == status_mod.table_rows(report)  # wide: as it is
    assert any(line.startswith("outside the team (not routed; exported): dan") for line in shown)
    assert isinstance(screen.summary(report), Text)


def test_answers_in_a_folder_whose_name_is_not_a_login_name_are_counted_where_they_are(tmp_path):
    """A folder named with an escape sequence or Rich markup (made by hand, or by an import):
    export exports its answers as that folder's, while status read another path (the name made
    safe), found nothing and said nothing, with or without a team."""
    import shutil

    from tagline.core import corpus

    annotate(tmp_path, "dan", "a1")
    hostile = ["\x1b]0;owned\x07", "[red]x", "bidi\u202eevil", "c1\x9b31m"]
    for name in hostile:
        shutil.copytree(tmp_path / "dan", tmp_path / name)
    assert set(hostile) <= set(corpus.load(tmp_path, DEFAULT_SCHEME).annotators)  # what export reads
    with_team = status_mod.compute(tmp_path, DEFAULT_SCHEME, Team((REAL,), 1.0), ["a1"])
    assert set(with_team.outside) == {"dan", *hostile}
    assert all(p.sentences_done == 1 for p in with_team.outside.values())
    without = status_mod.compute(tmp_path, DEFAULT_SCHEME, None, ["a1"])
    assert {name: p.started for name, p in without.annotators.items()} == dict.fromkeys(["dan", *hostile], 1)
    for found in (with_team, without):
        text = "\n".join(printed(found, width=400))
        assert "␛]0;owned␇" in text and "[red]x" in text and "bidi⁑evil" in text
        assert not any(c in text for c in "\x1b\x07\x9b\u202e")


def test_long_folder_names_with_escapes_are_cut_apart_and_given_in_full_as_text(tmp_path):
    """Folders (no team) whose 64-character names hold an escape sequence and differ only at the
    end: the command and the screen lay the table out the same way (tagline.core.layout), each name
    cut apart from the other, then given in full; the escape made visible, never sent."""
    from tagline.app.screens import status as screen

    names = ["\x1b[2J" + "x" * 56 + f"_{n:03d}" for n in (1, 2)]
    for n, name in enumerate(names):  # a folder made by hand: tagline itself never names one so
        annotate(tmp_path, f"tmp{n}", "a1")
        (tmp_path / f"tmp{n}").rename(tmp_path / name)
    report = status_mod.compute(tmp_path, DEFAULT_SCHEME, None, ["a1"]).as_data()
    lines = printed(report)
    fitted = screen.parts(report, 76)
    shown = [fitted.parts[0].headings, *(p.headings for p in fitted.parts[1:])]
    heads = [h for part in shown for h in part[1:]]
    assert len(heads) == 2 and len(set(heads)) == 2 and all("…" in h and h.startswith("␛[2J") for h in heads), heads
    summary = screen.summary(report, fitted).plain.splitlines()
    for name in names:
        visible = "␛" + name[1:]
        assert f"  {visible}" in lines and f"  {visible}" in summary, (lines, summary)
    assert not any("\x1b" in line for line in [*lines, *summary, *heads])


def test_status_says_a_file_that_names_another_annotator(tmp_path):
    """export, agree and stats said "says annotator 'carol' but sits in the folder of 'alice'";
    status counted the file in silence."""
    import yaml

    from tagline.core import status

    from tagline.core.articles import Article
    from tagline.core.labels import DEFAULT_SCHEME
    from tagline.core.session import Session
    from tagline.core.store import SentenceState

    session = Session([Article("a1", "a1.txt", "One here. Two there.")], tmp_path, "alice", DEFAULT_SCHEME)
    session.store.set(0, SentenceState("done", ("claim",), updated="2026-12-03T08:00:00Z"))
    session.close()
    path = tmp_path / "alice" / "a1.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["annotator"] = "carol"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    report = status.compute(tmp_path, DEFAULT_SCHEME)
    assert any("says annotator 'carol' but sits in the folder of 'alice'" in p for p in report.problems)
    assert report.annotators["alice"].sentences_done == 1
