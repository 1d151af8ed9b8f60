"""Who speaks, where a text names its speakers (a debate or press-conference transcript, one line per
sentence): the lines of those who ask are not what fact-checkers check.

Moderators, interviewers, journalists and the audience ask; candidates and officials answer, and it
is the answers that get checked. Their questions are full of figures and names all the same (a
moderator quotes the record to ask about it), so without the speaker they rank among the most
check-worthy lines. Nothing here is trained: a speaker asks when the transcript names them as the
audience or a questioner, or when at least :data:`QUESTION_SHARE` of their lines are questions
(candidates ask rhetorical questions too, but far fewer). News text carries no speakers and never
comes here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from tagline.core.suggest.claims import ANSWERS, ASKS, checkworthiness

#: Speaker names that transcripts give to those who ask or react rather than answer: CheckThat!'s
#: ``SYSTEM`` (applause, crosstalk) and ``QUESTION`` (a journalist or a member of the audience), and
#: the ``Q`` of press-conference transcripts.
ASKING_NAMES = frozenset({"system", "question", "q", "audience", "moderator", "interviewer", "reporter"})
#: A speaker at least this share of whose lines end in a question mark asks: set by hand between
#: the 2-7 % of a candidate's lines and the 18-35 % of a moderator's or a journalist's.
QUESTION_SHARE = 0.15


def speaker_key(name: str) -> str:
    """One speaker however a transcript spells the name's case and spaces: ``Holt`` is ``HOLT``."""
    return " ".join(name.split()).casefold()


def asking_speakers(lines: Iterable[tuple[str, str]]) -> frozenset[str]:
    """The speakers, among ``(speaker, text)`` lines, who ask rather than answer (as they are
    spelled in ``lines``; one speaker whatever the case and spaces, :func:`speaker_key`). Lines
    without a speaker name no one."""
    count: Counter[str] = Counter()
    questions: Counter[str] = Counter()
    spellings: dict[str, set[str]] = {}
    for speaker, text in lines:
        key = speaker_key(speaker)
        if not key:
            continue
        spellings.setdefault(key, set()).add(speaker)
        count[key] += 1
        questions[key] += text.rstrip(" ”’\"')]").endswith("?")
    return frozenset(
        spelling for key in count
        if key in ASKING_NAMES or questions[key] >= QUESTION_SHARE * count[key]
        for spelling in spellings[key]
    )


def transcript_checkworthiness(speakers: Sequence[str], texts: Sequence[str], features: Sequence[dict]) -> list[float]:
    """The check-worthiness of each line of a transcript, from its claim ``features`` (as
    ``suggest_doc`` appends them; an empty dict for an empty line scores 0) and its speaker's role:
    :data:`~tagline.core.suggest.claims.ASKS` for the lines of :func:`asking_speakers`,
    :data:`~tagline.core.suggest.claims.ANSWERS` for the others."""
    asking = asking_speakers(zip(speakers, texts))
    return [
        round(checkworthiness(f, role=ASKS if speaker in asking else ANSWERS), 4) if f else 0.0
        for speaker, f in zip(speakers, features)
    ]
