"""From command-line options to a running app: load, resolve, report problems, run."""

from __future__ import annotations

from pathlib import Path

from tagline.core import articles as articles_mod
from tagline.core import nlp
from tagline.core.labels import LabelScheme
from tagline.core.session import Session


def _fail(message: str) -> int:
    from tagline.commands.output import say

    say(message)
    return 1


def theme_folders() -> list[Path]:
    from tagline.cli import bundled

    import platformdirs

    return [bundled("themes"), Path("themes"), Path(platformdirs.user_config_dir("tagline")) / "themes"]


def run_reader(paths, annotations, annotator, model, theme, scheme: LabelScheme, team=None) -> int:
    from tagline.app.startup import hearing_quit

    # Up to the app's construction (Textual's import takes a while too): ctrl+q leaves at once.
    with hearing_quit("tagline: reading the articles (ctrl+q quits)…"):
        opened = _open_session(paths, annotations, annotator, model, scheme, team)
        if not isinstance(opened, str):
            session, model_info, model_notice, notices = opened
            session.paths = [str(p) for p in paths]  # the corpus, for the team status screen
            from tagline.app import durable, glyphs
            from tagline.app.app import TaglineApp

            glyphs.prepare_output()
            app = TaglineApp(session, model_info, model_notice, notices, theme, theme_folders())
    if isinstance(opened, str):
        return _fail(opened)

    # Saved and the terminal put back: leave now, waiting for no thread or teardown (durable.leave).
    def after(status: int) -> int:
        """Once the terminal is back: say which files a full disk kept from being written."""
        for message in session.unsaved:
            _fail(message)
        return status or (1 if session.unsaved else 0)

    app.leave_when_restored = after
    return durable.leave(after(durable.run(app)))


def _open_session(paths, annotations, annotator, model, scheme: LabelScheme, team):
    """(session, model info, model notice, notices), or a one-line reason why nothing opens."""
    found, problems = articles_mod.open_corpus(paths)
    notices = [str(p) for p in problems]
    if not found:
        reason = notices[0] if notices else "no .txt, .md or .jsonl articles found"
        return f"nothing to open: {reason}"
    found, queue, notice = team_order(found, team, annotations, annotator)
    if notice:
        notices.append(notice)
    model_info = None
    model_notice = ""
    if model and model.lower() != "none":
        try:
            model_info = nlp.resolve_model(model)
        except nlp.ModelError as error:
            model_notice = str(error)
    from tagline.app import heap

    heap.after_imports()
    try:
        session = Session(found, annotations, annotator, scheme, model_info.as_dict() if model_info else nlp.NO_MODEL, queue=queue)
    except ValueError as error:
        return f"nothing to open: {error}"
    return session, model_info, model_notice, notices


def team_order(found, team, annotations, annotator):
    """(articles in the order the annotator sees them, their queue or None, a notice): with a team,
    the annotator's queue first, then their finished articles, then the rest."""
    if team is None:
        return found, None, ""
    if annotator not in team.annotators:
        if annotator in team.reviewers:
            return found, None, (f"{annotator} is not among the annotators of {team.source}, only its reviewers: "
                                 "every article is listed; tagline review lists what waits for you")
        return found, None, (f"{annotator} is not among the annotators of {team.source}: nothing is routed to you "
                             "and every article is listed; ask the lead to add you to team: annotators")
    from tagline.core.team import Queue

    queue = Queue(team, annotations, annotator, [a.id for a in found])
    order = queue.order()
    by_id = {a.id: a for a in found}
    mine = len(queue.latest().queue(annotator))
    notice = f"your queue: {mine} article{'s' if mine != 1 else ''}" if mine else "your queue is done; taking an article nobody has started"
    return [by_id[i] for i in order], queue, notice


def run_review(**options) -> int:
    try:
        from tagline.app.screens.review import run
    except ImportError:
        return _fail("review is not available in this build")
    return run(**options)
