"""Every command key of the reader, as data: the one owner of the key map.

The Textual app turns these into bindings (with ids, so a user keymap can rebind them), the footer
and the help screen read their descriptions from here, and the label scheme refuses label keys that
clash with them. Label keys themselves belong to the label scheme (:mod:`tagline.core.labels`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    id: str  # binding id, used by user keymaps
    keys: tuple[str, ...]  # Textual key names
    action: str  # action name on the reader screen
    description: str  # short, for the footer
    help: str  # longer, for the help screen
    show: bool = True  # shown in the footer


READER_COMMANDS: tuple[Command, ...] = (
    Command("next", ("j", "down"), "move(1)", "next", "Next sentence", show=False),
    Command("previous", ("k", "up"), "move(-1)", "prev", "Previous sentence", show=False),
    Command("confirm", ("space",), "confirm", "done", "Confirm the sentence as done with its labels (none = none apply) and move on"),
    Command("clear", ("x",), "clear", "clear", "Clear the sentence: no labels, back to todo", show=False),
    Command("undo", ("u",), "undo", "undo", "Undo (any number of steps)"),
    Command("redo", ("ctrl+r",), "redo", "redo", "Redo", show=False),
    Command("next_todo", ("n",), "next_todo", "next todo", "Next todo sentence, on into the next article"),
    Command("next_article", ("right_square_bracket",), "article(1)", "next art.", "Next article", show=False),
    Command("previous_article", ("left_square_bracket",), "article(-1)", "prev art.", "Previous article", show=False),
    Command("accept", ("a",), "accept", "accept", "Accept the suggested labels for the sentence", show=False),
    Command("duplicates", ("d",), "copy_to_duplicates", "duplicates", "Give this sentence's duplicates (≡) its status and labels, as one action", show=False),
    Command("flag", ("f",), "flag", "flag", "Flag the sentence as uncertain (again to unflag)", show=False),
    Command("note", ("m",), "note", "note", "Write a note on the sentence", show=False),
    Command("search", ("slash",), "search", "search", "Search the article (/ enter again: the next match)", show=False),
    Command("entities", ("e",), "toggle_entities", "entities", "Entity highlighting on/off", show=False),
    Command("page_down", ("pagedown",), "page(1)", "page down", "Page down", show=False),
    Command("page_up", ("pageup",), "page(-1)", "page up", "Page up", show=False),
    Command("top", ("home", "g"), "edge(0)", "top", "First sentence", show=False),
    Command("bottom", ("end", "G"), "edge(1)", "bottom", "Last sentence", show=False),
    Command("help", ("question_mark",), "help", "help", "Help: every key and the label guidelines"),
    Command("articles", ("escape",), "articles", "articles", "Back to the article list", show=False),
)

APP_COMMANDS: tuple[Command, ...] = (
    Command("palette", ("ctrl+p",), "command_palette", "palette", "Command palette", show=False),
    Command("quit", ("ctrl+q",), "quit", "quit", "Quit (everything is already on disk)"),
)

#: How keys are written for people (footer, help, messages).
KEY_DISPLAY = {
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "slash": "/",
    "question_mark": "?",
    "space": "space",
    "escape": "esc",
    "down": "↓",
    "up": "↑",
    "pagedown": "pgdn",
    "pageup": "pgup",
}

#: Characters people write in config files, mapped to Textual key names.
_KEY_NAMES = {
    "]": "right_square_bracket",
    "[": "left_square_bracket",
    "/": "slash",
    "?": "question_mark",
    " ": "space",
}


def key_name(key: str) -> str:
    """Normalise a key as written by a person ("]", "?", "1") to Textual's name for it."""
    return _KEY_NAMES.get(key, key)


def display(key: str) -> str:
    return KEY_DISPLAY.get(key, key)


def command_keys() -> dict[str, Command]:
    """Every key taken by a command, mapped to its command."""
    return {key: command for command in (*READER_COMMANDS, *APP_COMMANDS) for key in command.keys}


# -- the review screen (``tagline review``) ------------------------------------------------------
#: Taking annotator N's labels: shift+N as US keyboards type it ("!" is shift+1, "@" shift+2, …), so
#: the digits stay free for the label scheme. On other layouts, ``t`` then the digit does the same.
TAKE_KEYS: tuple[str, ...] = (
    "exclamation_mark", "at", "number_sign", "dollar_sign", "percent_sign",
    "circumflex_accent", "ampersand", "asterisk", "left_parenthesis",
)

REVIEW_COMMANDS: tuple[Command, ...] = (
    Command("review_next", ("j", "down"), "move(1)", "next", "Next sentence to review", show=False),
    Command("review_previous", ("k", "up"), "move(-1)", "prev", "Previous sentence to review", show=False),
    *(
        Command(f"take_{n}", (key,), f"take({n})", "take", f"Take annotator {n}'s labels as the decision (shift+{n})")
        for n, key in enumerate(TAKE_KEYS, 1)
    ),
    Command("take_prompt", ("t",), "take_prompt", "take #", "Take an annotator's labels: t then the annotator's number, any number of "
            "annotators and any keyboard layout (enter when a longer number begins the same), or part of a name and enter", show=False),
    Command("review_accept", ("space",), "accept", "accept", "Accept the decision shown (yours, or else the majority) and move on; where all agree, just move on"),
    Command("withdraw", ("x",), "withdraw", "withdraw", "Withdraw your decision on the sentence", show=False),
    Command("review_undo", ("u",), "undo", "undo", "Undo (any number of steps)"),
    Command("review_redo", ("ctrl+r",), "redo", "redo", "Redo", show=False),
    Command("review_note", ("m",), "note", "note", "A note on the decision (decides with the labels shown if undecided)"),
    Command("next_open", ("n",), "next_open", "next open", "Next sentence without a decision, on into the next article", show=False),
    Command("review_next_article", ("right_square_bracket",), "article(1)", "next art.", "First sentence of the next article", show=False),
    Command("review_previous_article", ("left_square_bracket",), "article(-1)", "prev art.", "First sentence of the previous article", show=False),
    Command("review_help", ("question_mark",), "help", "help", "Help: every key and the label guidelines"),
)

KEY_DISPLAY.update({
    "exclamation_mark": "!", "at": "@", "number_sign": "#", "dollar_sign": "$", "percent_sign": "%",
    "circumflex_accent": "^", "ampersand": "&", "asterisk": "*", "left_parenthesis": "(",
})


def review_keys() -> dict[str, Command]:
    """Every key taken by a review or app command, mapped to its command."""
    return {key: command for command in (*REVIEW_COMMANDS, *APP_COMMANDS) for key in command.keys}


# Characters as people write them for the review's keys ("!" is Textual's "exclamation_mark").
_KEY_NAMES.update({shown: name for name, shown in KEY_DISPLAY.items() if len(shown) == 1 and len(name) > 1 and name not in ("down", "up")})

#: The screens a label scheme's keys are used on, each with the commands already holding keys there:
#: a scheme is checked once against all of them, so ``tagline open`` and ``tagline review`` accept
#: and refuse the same schemes.
SCREENS: tuple[tuple[str, tuple[Command, ...]], ...] = (
    ("", (*READER_COMMANDS, *APP_COMMANDS)),  # the reader: "the command 'next'"
    ("review ", (*REVIEW_COMMANDS, *APP_COMMANDS)),  # tagline review: "the review command 't'"
)


def taken_keys() -> dict[str, tuple[str, Command]]:
    """Every key a command holds on any screen a label scheme is used on, mapped to (the screen's
    word for messages, the command); the reader's commands first."""
    taken: dict[str, tuple[str, Command]] = {}
    for screen, commands in SCREENS:
        for command in commands:
            for key in command.keys:
                taken.setdefault(key, (screen, command))
    # ctrl+c quits on every screen (the app's own binding, not a command of the palette): a label
    # holding it would tag where the annotator meant to leave.
    quit_command = next((c for _, commands in SCREENS for c in commands if c.id == "quit"), None)
    if quit_command is not None:
        taken.setdefault("ctrl+c", ("", quit_command))
    return taken
