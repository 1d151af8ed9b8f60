"""A team on several machines sharing annotations through git: what merges, what conflicts.

    python bench/team_git.py            # a few seconds; prints one row per scenario

Makes a real repository (a bare ``origin`` and one clone per machine), writes annotations with
tagline's own store (:class:`tagline.core.store.ArticleStore`, closed as the reader closes an
article, progress index included) and merges with git as a team would (``git pull --no-rebase``
after the other machine pushed). Each scenario starts from a fresh repository:

1. two annotators, the same articles, each on their own machine;
2. one annotator on two machines, different articles, with ``.progress.json`` committed;
3. the same, with the derived files ignored (the ``.gitignore`` printed below);
4. one annotator on two machines, the same article, sentences far apart;
5. the same, neighbouring sentences;
6. one annotator on two machines, the same sentence, different labels;
7. as 4, with tagline started from another folder on one machine (the file records the article's
   path relative to where tagline was started);
8. as 4, but both machines write the article's file for the first time.

In 4 to 7 the annotator's file for the article is already in both clones (started on one machine,
pushed and pulled), as it is once a team has been at work for a while.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tui"))

from tagline.core import schema  # noqa: E402
from tagline.core.articles import load  # noqa: E402
from tagline.core.labels import DEFAULT_SCHEME  # noqa: E402
from tagline.core.progress import ProgressIndex  # noqa: E402
from tagline.core.store import ArticleStore, SentenceState, now, safe_name  # noqa: E402

SAMPLE = ROOT / "seeds" / "000_88201f31feaf2608.txt"

#: What a team's repository should not track: files tagline derives or holds only while running.
GITIGNORE = """\
annotations/*/*.journal
annotations/*/*.journal.folding
annotations/*/.*.lock
annotations/*/.*.fold-lock
annotations/*/.*.yaml.json
annotations/*/.progress.json
"""


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": os.devnull}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=check, capture_output=True, text=True)


def annotate(machine: Path, annotator: str, article_file: str, marks: dict[int, tuple[str, ...]],
             cwd: Path | None = None) -> None:
    """``annotator`` labels sentences of one article on ``machine`` and closes it, as the reader does
    when started in ``cwd`` (default: the clone's root) as ``tagline open articles``."""
    cwd = cwd or machine
    here = os.getcwd()
    os.chdir(cwd)  # the annotation file records the article's path relative to this folder
    try:
        article = next(a for a in load([os.path.relpath(machine / "articles" / article_file)])[0])
        _annotate(machine / "annotations", annotator, article, marks)
    finally:
        os.chdir(here)


def _annotate(root: Path, annotator: str, article, marks: dict[int, tuple[str, ...]]) -> None:
    store = ArticleStore(root, annotator, article, DEFAULT_SCHEME)
    for index, labels in marks.items():
        store.set(index, SentenceState(status=schema.DONE, labels=labels, updated=now()))
    store.close()
    done, per_label, _ = store.counts()
    ProgressIndex(root / safe_name(annotator)).update(article, done, len(article.sentences), per_label, store)


def commit(machine: Path, message: str) -> None:
    git(machine, "add", "-A")
    git(machine, "commit", "-q", "-m", message)


def fresh(work: Path, ignore: bool) -> tuple[Path, Path]:
    origin = work / "origin.git"
    git(work, "init", "-q", "--bare", "-b", "main", str(origin))
    seed = work / "seed"
    git(work, "clone", "-q", str(origin), str(seed))
    (seed / "articles").mkdir()
    for i in range(3):
        shutil.copy(SAMPLE, seed / "articles" / f"article-{i}.txt")
    (seed / "annotations").mkdir()
    (seed / "annotations" / ".gitkeep").write_text("")
    if ignore:
        (seed / ".gitignore").write_text(GITIGNORE)
    commit(seed, "articles")
    git(seed, "push", "-q", "origin", "main")
    machines = []
    for name in ("machine-a", "machine-b"):
        git(work, "clone", "-q", str(origin), str(work / name))
        machines.append(work / name)
    return machines[0], machines[1]


def exchange(a: Path, b: Path) -> tuple[str, list[str]]:
    """A pushes; B pulls (a merge) and pushes; A pulls. The merge's result and conflicted files."""
    git(a, "push", "-q", "origin", "main")
    pulled = git(b, "pull", "-q", "--no-rebase", "origin", "main", check=False)
    if pulled.returncode != 0:
        conflicted = git(b, "diff", "--name-only", "--diff-filter=U").stdout.split()
        return "conflict", conflicted
    git(b, "push", "-q", "origin", "main")
    git(a, "pull", "-q", "--no-rebase", "origin", "main")
    return "clean", []


def scenario(work: Path, number: int) -> tuple[str, str, list[str]]:
    folder = work / f"scenario-{number}"
    folder.mkdir()
    a, b = fresh(folder, ignore=number not in (2,))
    if number in (4, 5, 6, 7):
        # Alice's file exists in both clones: she started the article on A and both machines pulled.
        annotate(a, "alice", "article-0.txt", {0: ("claim",)})
        commit(a, "alice starts article 0")
        exchange(a, b)
    if number == 1:
        what = "alice on A, bob on B, same 2 articles"
        for article in ("article-0.txt", "article-1.txt"):
            annotate(a, "alice", article, {0: ("claim",), 3: ("quote",), 7: ()})
            annotate(b, "bob", article, {0: ("quote",), 3: ("quote",), 9: ("statistic",)})
    elif number in (2, 3):
        what = "alice on A and on B, different articles" + (", .progress.json tracked" if number == 2 else ", derived files ignored")
        annotate(a, "alice", "article-0.txt", {0: ("claim",), 1: ()})
        annotate(b, "alice", "article-1.txt", {2: ("quote",)})
    elif number == 4:
        what = "alice on A and on B, same article, sentences 2 and 20"
        annotate(a, "alice", "article-0.txt", {2: ("claim",)})
        annotate(b, "alice", "article-0.txt", {20: ("quote",)})
    elif number == 5:
        what = "alice on A and on B, same article, sentences 2 and 3"
        annotate(a, "alice", "article-0.txt", {2: ("claim",)})
        annotate(b, "alice", "article-0.txt", {3: ("quote",)})
    elif number == 6:
        what = "alice on A and on B, same sentence, different labels"
        annotate(a, "alice", "article-0.txt", {2: ("claim",)})
        annotate(b, "alice", "article-0.txt", {2: ("quote",)})
    elif number == 8:
        what = "as 4, but the article's first annotations (no common version)"
        annotate(a, "alice", "article-0.txt", {2: ("claim",)})
        annotate(b, "alice", "article-0.txt", {20: ("quote",)})
    else:
        what = "as 4, but B started tagline from another folder"
        annotate(a, "alice", "article-0.txt", {2: ("claim",)})
        annotate(b, "alice", "article-0.txt", {20: ("quote",)}, cwd=b / "annotations")
    commit(a, "machine A")
    commit(b, "machine B")
    result, conflicted = exchange(a, b)
    if result == "clean":
        conflicted = [kept(b)]
    return what, result, conflicted


def kept(machine: Path) -> str:
    """What tagline reads back from the merged clone: done sentences per annotator and article."""
    found = []
    here = os.getcwd()
    os.chdir(machine)
    try:
        for folder in sorted(p for p in (machine / "annotations").iterdir() if p.is_dir()):
            for path in sorted(folder.glob("*.yaml")):
                article = next(a for a in load([f"articles/{path.stem}.txt"])[0])
                store = ArticleStore(machine / "annotations", folder.name, article, DEFAULT_SCHEME)
                assert not store.read_only, store.read_only
                done = sorted(i for i, state in store.states.items() if state.status == schema.DONE)
                store.close()
                found.append(f"{folder.name}/{path.stem} {done}")
    finally:
        os.chdir(here)
    return "; ".join(found)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="tagline-team-git-") as tmp:
        rows = [scenario(Path(tmp), n) for n in range(1, 9)]
    print(f"{'#':<2} {'scenario':<66} {'merge':<9} conflicted files, or what tagline reads after the merge")
    print("-" * 110)
    for n, (what, result, conflicted) in enumerate(rows, 1):
        print(f"{n:<2} {what:<66} {result:<9} {', '.join(conflicted) or '-'}")
    print(f"\n.gitignore used in every scenario but 2:\n{GITIGNORE}")
    print(f"git {git(ROOT, '--version').stdout.split()[-1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
