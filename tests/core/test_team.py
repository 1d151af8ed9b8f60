"""The team section and its routing: properties (hypothesis) and a simulated team."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tagline.core import team as team_mod
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME, load_scheme
from tagline.core.session import Session
from tagline.core.team import Plan, Progress, Team, TeamError, load_team, route

NAMES = ["alice", "bob", "carol", "dan", "erin", "frank", "gina"]


def ids(n: int) -> list[str]:
    return [f"{i:03d}_article" for i in range(n)]


# -- the section -------------------------------------------------------------------------------------
def write(tmp_path, text: str):
    path = tmp_path / "tagline.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_team_section_is_read_beside_the_labels(tmp_path):
    write(tmp_path, "labels: [claim, quote]\nteam:\n  annotators: [alice, bob]\n  per_article: 1.5\n  reviewers: [dana]\n")
    found = load_team(cwd=tmp_path)
    assert found == Team(("alice", "bob"), 1.5, ("dana",), str(tmp_path / "tagline.yaml"))
    assert load_scheme(cwd=tmp_path).names == ["claim", "quote"]


def test_team_only_project_file_keeps_the_default_labels(tmp_path):
    write(tmp_path, "team:\n  annotators: [alice]\n")
    assert load_scheme(cwd=tmp_path) is DEFAULT_SCHEME
    assert load_team(cwd=tmp_path).per_article == 1.0


def test_no_team_section_means_no_team(tmp_path):
    assert load_team(cwd=tmp_path) is None
    write(tmp_path, "labels: [claim]\n")
    assert load_team(cwd=tmp_path) is None


@pytest.mark.parametrize("section, reason", [
    ("team: [alice]", "must be a mapping"),
    ("team: {annotators: []}", "at least one name"),
    ("team: {annotators: alice}", "must be a list"),
    ("team: {annotators: [alice, alice]}", "appears twice"),
    ("team: {annotators: ['../x']}", "not a login name"),
    ("team: {annotators: [alice, alice.]}", "not a login name"),  # would share alice's folder
    ("team: {annotators: [alice@corp]}", "not a login name"),  # --annotator refuses it: no queue
    ("team: {annotators: [alice, Alice]}", "differ only by case"),
    # YAML's own reading of a name: 007 routed to "7", 010 to "8", no refused as 'False'
    ("team: {annotators: [007, bob]}", "YAML reads '7' as a number, not a name: put the name in quotes"),
    ("team: {annotators: [bob], reviewers: [010]}", "YAML reads '8' as a number"),
    ("team: {annotators: [no, bob]}", "YAML reads 'False' as true or false, not a name"),
    ("team: {annotators: [2024-01-01]}", "YAML reads '2024-01-01' as a date, not a name"),
    # a name of 65 characters or more: shown cut, and said to be cut (it read as a name of 40 x)
    ("team: {annotators: [" + "x" * 5000 + "]}", "'" + "x" * 39 + "…' is not a login name"),
    ("team: {annotators: [a, b], per_article: 3}", "needs at least 3 annotators"),
    ("team: {annotators: [a, b], per_article: 0.5}", "at least 1"),
    ("team: {annotators: [a, b], per_article: two}", "must be a number"),
    ("team: {annotators: [a, b], per_article: .nan}", "must be a number"),
    ("team: {annotators: [a], overlap: 2}", "unknown key 'overlap'"),
    ("team: {annotator: [a]}", "team: unknown key 'annotator' (did you mean 'annotators'?); the section takes annotators"),
    ("team: {annotators: [a], \"\\e[2Jx\": 1}", "unknown key '\u241b[2Jx'"),
    # a mistyped top-level key left the project without its team, without a word
    ("teem: {annotators: [a, b]}", "unknown key 'teem' (did you mean 'team'?)"),
    ("team: {annotators: [a]}\nlables: [claim]", "unknown key 'lables' (did you mean 'labels'?)"),
])
def test_bad_sections_are_refused_in_one_line(tmp_path, section, reason):
    write(tmp_path, section + "\n")
    with pytest.raises(TeamError) as caught:
        load_team(cwd=tmp_path)
    message = str(caught.value)
    assert reason in message and message.isprintable() and "tagline.yaml" in message


# -- routing properties --------------------------------------------------------------------------------
teams = st.builds(
    lambda n, extra: Team(tuple(NAMES[:n]), min(float(n), 1 + extra)),
    st.integers(1, 6),
    st.sampled_from([0.0, 0.2, 0.5, 1.0, 1.3, 2.0]),
)


@settings(max_examples=150, deadline=None)
@given(teams, st.integers(0, 120))
def test_every_article_gets_its_number_of_distinct_annotators_and_loads_stay_within_one(team, n):
    routing = route(team, ids(n))
    assert set(routing) == set(ids(n))
    for article_id, names in routing.items():
        assert len(names) == len(set(names)) == team.wanted(article_id)
        assert set(names) <= set(team.annotators)
    loads = [sum(name in names for names in routing.values()) for name in team.annotators]
    assert max(loads) - min(loads) <= 1


@settings(max_examples=100, deadline=None)
@given(teams, st.integers(1, 80), st.randoms(use_true_random=False))
def test_started_work_stays_where_it_is(team, n, rnd):
    articles = ids(n)
    started: dict[str, set[str]] = {}
    for article_id in articles:
        if rnd.random() < 0.4:
            started[article_id] = set(rnd.sample(team.annotators, rnd.randint(1, team.wanted(article_id))))
    routing = route(team, articles, started)
    for article_id, names in routing.items():
        assert started.get(article_id, set()) <= set(names)
        assert len(names) == len(set(names)) == team.wanted(article_id)


@settings(max_examples=100, deadline=None)
@given(teams, st.integers(1, 80), st.randoms(use_true_random=False))
def test_starting_what_was_routed_to_you_changes_nobodys_routing(team, n, rnd):
    articles = ids(n)
    routing = route(team, articles)
    started = {a: set(rnd.sample(routing[a], rnd.randint(1, len(routing[a])))) for a in articles if rnd.random() < 0.5}
    assert route(team, articles, started) == routing


@settings(max_examples=60, deadline=None)
@given(st.integers(20, 150), st.sampled_from([1.0, 1.2, 2.0]))
def test_routing_does_not_depend_on_the_order_of_names_or_articles(n, per_article):
    team = Team(("alice", "bob", "carol", "dan"), per_article)
    shuffled = Team(("dan", "bob", "alice", "carol"), per_article)
    articles = ids(n)
    assert route(team, articles) == route(shuffled, list(reversed(articles)))


def test_fraction_gives_a_second_annotator_to_about_that_share_deterministically():
    team = Team(tuple(NAMES[:3]), 1.2)
    articles = ids(2000)
    doubled = [a for a in articles if team.wanted(a) == 2]
    assert 0.17 < len(doubled) / len(articles) < 0.23
    assert doubled == [a for a in articles if Team(tuple(NAMES[:5]), 1.2).wanted(a) == 2]  # from the id alone


def test_a_name_added_later_gets_the_unstarted_work_and_started_work_does_not_move():
    before = Team(("alice", "bob", "carol", "dan"), 1.0)
    articles = ids(100)
    routing = route(before, articles)
    order = sorted(articles)
    started = {a: set(routing[a]) for a in order[:60]}
    after = route(Team(("alice", "bob", "carol", "dan", "erin"), 1.0), articles, started)
    assert all(after[a] == routing[a] for a in order[:60])
    newcomer = sum("erin" in names for names in after.values())
    assert newcomer >= 40 // 5  # at least an even share of the 40 unstarted articles
    loads = [sum(name in names for names in after.values()) for name in ("alice", "bob", "carol", "dan", "erin")]
    assert max(loads) - min(loads) <= 1 + 60 // 4


# -- taking work from someone absent ---------------------------------------------------------------------
@settings(max_examples=80, deadline=None)
@given(teams, st.integers(1, 60), st.randoms(use_true_random=False))
def test_takeable_articles_never_double_a_holder_or_exceed_what_is_asked(team, n, rnd):
    articles = ids(n)
    progress = Progress()
    for article_id in articles:
        if rnd.random() < 0.3:
            for name in rnd.sample(team.annotators, rnd.randint(1, team.wanted(article_id))):
                progress.mark(article_id, name, 1, 3)
    plan = Plan(team, articles, progress)
    for name in team.annotators:
        for article_id in plan.takeable(name):
            begun = progress.started.get(article_id, set())
            assert name not in plan.routing[article_id] and name not in begun
            assert len(begun | {name}) <= team.wanted(article_id)


def simulate(team: Team, articles: list[str], present: list[str], seed: int = 0) -> Progress:
    """Each present annotator in turn: start the next article (queue, else one to take), then on a
    later turn finish it. Checks after every step that no article has more starters than it wants."""
    rnd = random.Random(seed)
    progress = Progress()
    working: dict[str, str | None] = dict.fromkeys(present)
    idle: set[str] = set()
    for _ in range(int(20 * len(articles) * team.per_article) + 100):
        name = rnd.choice(present)
        current = working[name]
        if current is not None:
            progress.mark(current, name, 3, 3)
            working[name] = None
            continue
        plan = Plan(team, articles, progress)
        nxt = plan.next_for(name)
        if nxt is None:
            idle.add(name)
            if idle == set(present) and all(w is None for w in working.values()):
                break
            continue
        idle.discard(name)
        progress.mark(nxt, name, 1, 3)
        working[name] = nxt
        assert len(progress.started[nxt]) <= team.wanted(nxt), nxt
    return progress


@pytest.mark.parametrize("per_article", [2, 1.2])
def test_simulated_team_with_one_absent_still_finishes_everything(per_article):
    team = Team(("alice", "bob", "carol", "dan", "erin"), per_article)
    articles = ids(100)
    routing = route(team, articles)
    loads = [sum(name in names for names in routing.values()) for name in team.annotators]
    assert max(loads) - min(loads) <= 1
    assert sum(map(len, routing.values())) == sum(team.wanted(a) for a in articles)
    present = ["bob", "carol", "dan", "erin"]  # alice never comes
    progress = simulate(team, articles, present)
    for article_id in articles:
        finished = progress.finished.get(article_id, set())
        assert len(finished) == team.wanted(article_id), article_id
        assert "alice" not in finished
        assert progress.started[article_id] == finished  # nothing left half done, nothing extra


# -- the folders as they are on disk ----------------------------------------------------------------------
def test_progress_is_read_from_the_folders_without_parsing_annotation_files(tmp_path):
    articles = [Article(f"a{i}", f"a{i}.txt", "One. Two.") for i in range(3)]
    s = Session(articles, tmp_path, "bob", DEFAULT_SCHEME)
    s.confirm()
    s.confirm()  # a0 finished
    s.article_step(1)
    s.confirm()  # a1 started
    s.close()
    progress = team_mod.read_progress(tmp_path, ["alice", "bob"])
    assert progress.finished == {"a0": {"bob"}}
    assert progress.started == {"a0": {"bob"}, "a1": {"bob"}}


def test_n_and_next_article_follow_the_queue_then_take_what_nobody_started(tmp_path):
    from tagline.app.launch import team_order

    team = Team(("alice", "bob"), 1.0)
    articles = [Article(f"a{i}", f"a{i}.txt", "One. Two.") for i in range(6)]
    routing = route(team, [a.id for a in articles])
    mine = [a.id for a in articles if routing[a.id] == ("alice",)]
    theirs = [a.id for a in articles if routing[a.id] == ("bob",)]
    assert len(mine) == len(theirs) == 3
    ordered, queue, notice = team_order(articles, team, tmp_path, "alice")
    assert [a.id for a in ordered[:3]] == mine and notice == "your queue: 3 articles"  # the list: yours first
    s = Session(ordered, tmp_path, "alice", DEFAULT_SCHEME, queue=queue)
    assert s.article.id == mine[0]
    s.article_step(1)
    assert s.article.id == mine[1]
    s.article_step(-1)
    for expected in mine:  # n: every todo sentence of the queue, in order
        assert s.article.id == expected
        s.confirm()
        s.confirm()
        s.next_todo()
    # The queue is done: n takes one of bob's articles (bob has started none), never a finished one.
    assert s.article.id in theirs
    taken = s.article.id
    s.confirm()
    s.close()
    plan = Plan.build(team, [a.id for a in articles], tmp_path)
    assert plan.routing[taken] == ("alice",)  # started by alice: the slot is hers now
    assert taken not in plan.queue("bob")


def test_next_article_says_when_it_goes_back_round_the_queue_or_takes_one(tmp_path):
    """On the last article of the queue, ``]`` went back to the first with no word; and once the
    queue was done it opened an article routed to someone else with none either."""
    from tagline.app.launch import team_order

    team = Team(("alice", "bob"), 1.0)
    articles = [Article(f"a{i}", f"a{i}.txt", "One. Two.") for i in range(6)]
    ordered, queue, _notice = team_order(articles, team, tmp_path, "alice")
    mine = queue.plan().queue("alice")
    s = Session(ordered, tmp_path, "alice", DEFAULT_SCHEME, queue=queue)
    try:
        assert s.article_step(1).message == ""  # on along the queue: nothing to say
        assert s.article.id == mine[1]
        s.article_step(1)
        outcome = s.article_step(1)  # from the last of the queue
        assert s.article.id == mine[0] and "back round" in outcome.message
        for _ in mine:  # finish the queue
            s.confirm()
            s.confirm()
            s.next_todo()
        s.open_article(ordered.index(next(a for a in ordered if a.id == mine[-1])))
        outcome = s.article_step(1)
        assert s.article.id not in mine and "queue is done" in outcome.message
    finally:
        s.close()


def test_without_a_team_the_order_is_the_corpus_order(tmp_path):
    from tagline.app.launch import team_order

    articles = [Article(f"a{i}", f"a{i}.txt", "One. Two.") for i in range(3)]
    assert team_order(articles, None, tmp_path, "alice") == (articles, None, "")
    ordered, queue, notice = team_order(articles, Team(("bob",)), tmp_path, "alice")
    assert ordered == articles and queue is None and "not among the annotators" in notice


def test_someone_outside_the_team_is_told_what_to_do(tmp_path):
    """A name not in the team opened every article with "; every article is listed", naming no fix;
    the team's reviewer was told the same, with nothing about review."""
    from tagline.app.launch import team_order

    articles = [Article(f"a{i}", f"a{i}.txt", "One. Two.") for i in range(3)]
    team = Team(("bob",), reviewers=("lead",))
    notice = team_order(articles, team, tmp_path, "carol")[2]
    assert "nothing is routed to you" in notice and notice.endswith("ask the lead to add you to team: annotators")
    notice = team_order(articles, team, tmp_path, "lead")[2]
    assert "only its reviewers" in notice and notice.endswith("tagline review lists what waits for you")


def test_the_queue_knows_this_sessions_work_at_once_and_reads_the_folders_in_the_background(tmp_path, monkeypatch):
    team = Team(("alice", "bob"), 1.0)
    articles = ids(10)
    queue = team_mod.Queue(team, tmp_path, "alice", articles)
    mine = queue.plan().queue("alice")
    queue.note(mine[0], 3, 3)  # finished here: gone from the queue without reading any folder
    reads = []
    monkeypatch.setattr(team_mod.Plan, "build", classmethod(lambda cls, *a: reads.append(a) or cls(team, articles, Progress())))
    assert mine[0] not in queue.following(None) and reads == []
    queue._when -= queue.REFRESH + 1  # old: the next call answers from it and refreshes in a thread
    assert mine[0] not in queue.following(None)
    for _ in range(100):
        if reads and not queue._refreshing:
            break
        import time

        time.sleep(0.01)
    assert len(reads) == 1 and mine[0] not in queue.following(None)  # the note survives the refresh


def test_an_open_session_follows_the_lead_adding_and_taking_out_names(tmp_path):
    """A session open when the lead edits tagline.yaml: the session kept routing with the team it
    started with, so it went on giving alice articles now routed to the newcomer (two on one
    article that wants one), and gave a name taken out of the team more of the team's articles."""
    import os

    project = tmp_path / "tagline.yaml"
    articles = ids(12)

    def edit(text: str, tick: int) -> None:
        project.write_text(text, encoding="utf-8")
        os.utime(project, ns=(tick * 10**9, tick * 10**9))  # a new mtime even within one clock tick

    edit("team:\n  annotators: [alice, bob]\n", 1)
    queue = team_mod.Queue(load_team(project), tmp_path, "alice", articles)
    before = set(queue.plan().queue("alice"))
    edit("team:\n  annotators: [alice, bob, carol]\n", 2)
    plan = queue.plan()
    assert plan.team.annotators == ("alice", "bob", "carol")
    now = route(Team(("alice", "bob", "carol")), articles)
    assert set(plan.queue("alice")) == {a for a in articles if now[a] == ("alice",)} != before
    assert len(plan.queue("alice")) == 4
    edit("team:\n  annotators: [alice, bob, carol]\n  per_artcle: 2\n", 3)  # a typo: the team stays
    assert queue.plan().team.annotators == ("alice", "bob", "carol")
    edit("team:\n  annotators: [bob, carol]\n", 4)
    queue.plan()
    assert queue.outside and queue.following(None) == []


def test_a_session_taken_out_of_the_team_is_told_so_on_next_article(tmp_path):
    import os

    project = tmp_path / "tagline.yaml"
    project.write_text("team:\n  annotators: [alice, bob]\n", encoding="utf-8")
    os.utime(project, ns=(10**9, 10**9))
    articles = [Article(f"a{i}", f"a{i}.txt", "One. Two.") for i in range(4)]
    queue = team_mod.Queue(load_team(project), tmp_path, "alice", [a.id for a in articles])
    session = Session(articles, tmp_path, "alice", DEFAULT_SCHEME, queue=queue)
    try:
        project.write_text("team:\n  annotators: [bob]\n", encoding="utf-8")
        os.utime(project, ns=(2 * 10**9, 2 * 10**9))
        queue.plan()
        outcome = session.article_step(1)
        assert "alice is no longer among the annotators of" in outcome.message and "ask the lead" in outcome.message
    finally:
        session.close()


def test_a_second_login_opens_the_next_article_of_the_queue_not_a_read_only_one(tmp_path):
    """alice logged in twice: the second session opened on the article the first holds, read-only
    ("open in another session"), until she pressed ]. It opens the next one of her queue."""
    from tagline.app.launch import team_order

    articles = [Article(f"a{i}", f"a{i}.txt", "One. Two.") for i in range(6)]
    team = Team(("alice", "bob"))
    ordered, queue, _ = team_order(articles, team, tmp_path, "alice")
    first = Session(ordered, tmp_path, "alice", DEFAULT_SCHEME, queue=queue)
    ordered2, queue2, _ = team_order(articles, team, tmp_path, "alice")
    second = Session(ordered2, tmp_path, "alice", DEFAULT_SCHEME, queue=queue2)
    try:
        mine = queue.plan().queue("alice")
        assert first.article.id == mine[0] and not first.store.read_only
        assert second.article.id == mine[1] and not second.store.read_only
        assert second.first_outcome.message == f"{mine[0]} is open in another session of yours; this one opened {mine[1]}"
        assert not second.toggle("claim").error  # and it writes
    finally:
        second.close()
        first.close()


def test_an_article_open_and_started_is_routed_as_started_after_its_background_save(tmp_path):
    """From the team audit: carol had art2 open with 2 of 9 sentences done; the background fold had
    emptied her journal and the index entry waits for the article's close, so routing read art2 as
    untouched by her, handed it to a third annotator, and status said 3 annotators on an article
    that wants 2."""
    root = tmp_path / "annotations"
    article = Article("art2", "art2.txt", "One here. Two there. Three now.")
    session = Session([article], root, "carol", DEFAULT_SCHEME)
    session.toggle("claim")
    assert session.store.fold()  # the idle fold: the file is written, the journal retired
    assert not (root / "carol" / "art2.journal").exists()
    assert team_mod.read_progress(root, ["carol"]).started == {"art2": {"carol"}}
    session.close()
    assert team_mod.read_progress(root, ["carol"]).started == {"art2": {"carol"}}  # from the index, once closed


def routed_by_the_rule(team, article_ids, started):
    """The routing rule as the module's docstring states it, written plainly (every free name sorted
    for each article): the oracle of the faster :func:`route`."""
    import zlib

    load = dict.fromkeys(team.annotators, 0)
    routing = {}
    for article_id in sorted(set(article_ids), key=lambda a: (team_mod._digest(a), a)):
        held = sorted(set(team.annotators) & set(started.get(article_id, ())))
        free = sorted((n for n in team.annotators if n not in held),
                      key=lambda n: (load[n], zlib.crc32(f"{article_id}\0{n}".encode("utf-8")), n))
        held += free[: max(0, team.wanted(article_id) - len(held))]
        for name in held:
            load[name] += 1
        routing[article_id] = tuple(sorted(held))
    return routing


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 25), st.sampled_from([1.0, 1.2, 2.0, 2.5, 3.0]), st.integers(0, 40), st.randoms(use_true_random=False))
def test_route_is_the_rule_as_stated(size, per_article, articles, rng):
    names = tuple(f"n{i}é" for i in range(size))
    team = Team(names, min(per_article, float(size)), ())
    ids = [f"a{i}" for i in range(articles)]
    started = {a: set(rng.sample(names, rng.randint(0, min(3, size)))) for a in ids if rng.random() < 0.3}
    assert route(team, ids, started) == routed_by_the_rule(team, ids, started)
