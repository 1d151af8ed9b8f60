import pytest

from tagline.core.labels import DEFAULT_SCHEME, LabelSchemeError, load_scheme


def test_default_scheme(tmp_path):
    scheme = load_scheme(None, cwd=tmp_path)
    assert scheme is DEFAULT_SCHEME
    assert scheme.names == ["claim", "quote", "statistic"]
    assert scheme.key_for() == {"c": "claim", "1": "claim", "q": "quote", "2": "quote", "s": "statistic", "3": "statistic"}
    assert all(label.guideline for label in scheme.labels)


def test_toggle_keeps_scheme_order_and_exclusive_replaces():
    assert DEFAULT_SCHEME.toggle(["statistic"], "claim") == ["claim", "statistic"]
    assert DEFAULT_SCHEME.toggle(["claim", "statistic"], "claim") == ["statistic"]


def test_tagline_yaml_in_working_folder(tmp_path):
    (tmp_path / "tagline.yaml").write_text(
        "labels:\n  - {name: opinion, keys: [o, '1'], guideline: A view.}\n  - {name: fact, keys: [h]}\nexclusive: true\n"
    )
    scheme = load_scheme(None, cwd=tmp_path)
    assert scheme.names == ["opinion", "fact"]
    assert scheme.exclusive
    assert scheme.toggle(["opinion"], "fact") == ["fact"]


@pytest.mark.parametrize(
    "body, message",
    [
        ("labels: [{name: claim, keys: [j]}]", "taken by the command 'next'"),
        ("labels: [{name: a, keys: [z]}, {name: b, keys: [z]}]", "given to both"),
        ("labels: []", "non-empty 'labels'"),
        ("labels: [{name: '1bad'}]", "needs a name"),
        ("labels: [oops", "not valid YAML"),
        # one check for every screen: `tagline open` accepted these and `tagline review` refused them
        ("labels: [{name: topic, keys: [t]}]", "key 't' of label 'topic' is taken by the review command 'take_prompt'"),
        ("labels: [{name: aside, keys: ['@']}]", "key '@' of label 'aside' is taken by the review command 'take_2'"),
        # only YAML booleans: "no" in quotes was taken as true
        ("labels: [claim]\nexclusive: 'no'", "'exclusive' must be true or false, not 'no'"),
        ("labels: [claim]\nexclusive: maybe", "'exclusive' must be true or false, not 'maybe'"),
        ("labels: [claim]\nexclusive: 1", "'exclusive' must be true or false, not 1"),
        # a mistyped field was ignored without a word (the label got default keys)
        ("labels: [{name: claim, key: [x]}]", "label 'claim' has an unknown field 'key' (did you mean 'keys'?); a label takes name, keys"),
        ('labels: [{name: claim, "\\e]0;t\\a": 1}]', "unknown field '\u241b]0;t\u2407'"),  # ␛]0;t␇: shown, never sent
        ("labels: [{name: claim, Guideline: x}]", "unknown field 'Guideline' (did you mean 'guideline'?)"),
        # a mistyped top-level key was ignored without a word
        ("lables: [claim]", "unknown key 'lables' (did you mean 'labels'?); the file takes labels, exclusive, team"),
        ("labels: [claim, quote]\nexclusiv: true", "unknown key 'exclusiv' (did you mean 'exclusive'?)"),
        ("labels: [claim]\nguidlines: Tag what can be checked.", "unknown key 'guidlines' (a label's 'guideline' goes inside that label"),
        ("labels: [claim]\n1: x", "unknown key 1; the file takes"),
        ("labels: [claim]\ncolour: red", "unknown key 'colour' (a label's 'colour' goes inside"),
        ("scheme: {labels: [claim], exclusiv: true}", "unknown key 'exclusiv' (did you mean 'exclusive'?); a label scheme takes labels, exclusive"),
        ("labels: [claim]\nscheme: {labels: [quote]}", "'labels' is given both at the top and under 'scheme'"),
        ("scheme: [claim]", "'scheme' must be a mapping"),
        ("team: {annotators: [a]}\nexclusive: true", "non-empty 'labels'"),  # not the default labels, silently multi-label
        # a colour is a theme variable's name: anything else was taken without a word
        ("labels: [{name: claim, colour: 'red; background: blue'}]", "colour of label 'claim' must name a theme variable"),
        ('labels: [{name: claim, colour: "\\e[31m"}]', "not '\\x1b[31m'"),  # escaped, never sent
        ("labels: [{name: claim, color: '#zzzzzz'}]", "must name a theme variable such as label-claim"),
    ],
)
def test_bad_schemes_are_one_line_errors(tmp_path, body, message):
    path = tmp_path / "scheme.yaml"
    path.write_text(body)
    with pytest.raises(LabelSchemeError) as error:
        load_scheme(path)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_a_mistyped_key_beside_a_team_is_refused_not_the_default_labels(tmp_path):
    """A ``tagline.yaml`` with a team and ``lables:`` ran on claim / quote / statistic without a word."""
    (tmp_path / "tagline.yaml").write_text("team: {annotators: [alice]}\nlables:\n  - {name: opinion, keys: [o]}\n")
    with pytest.raises(LabelSchemeError) as error:
        load_scheme(None, cwd=tmp_path)
    assert str(error.value) == (f"{tmp_path / 'tagline.yaml'}: unknown key 'lables' (did you mean 'labels'?); "
                                "the file takes labels, exclusive, team")


def test_an_escape_in_a_mistyped_key_is_shown_never_sent(tmp_path):
    path = tmp_path / "scheme.yaml"
    path.write_text('labels: [claim]\n"\\e]52;c;aGk=\\a\\e[2Jlables": [x]\n')
    with pytest.raises(LabelSchemeError) as error:
        load_scheme(path)
    message = str(error.value)
    assert "unknown key '\u241b]52;c;aGk=\u2407\u241b[2Jlables'" in message
    assert message.isprintable()


def test_the_keys_the_docs_allow_are_read(tmp_path):
    """Every key of docs/reference/label-scheme.md, with a team beside it, and the older ``scheme:``."""
    (tmp_path / "tagline.yaml").write_text(
        "labels:\n"
        "  - {name: claim, keys: [c, '1'], colour: label-claim, guideline: Checkable., badge: C}\n"
        "  - {name: quote, keys: [q], color: label-quote}\n"
        "exclusive: true\n"
        "team: {annotators: [alice, bob], per_article: 1.5, reviewers: [dana]}\n"
    )
    scheme = load_scheme(None, cwd=tmp_path)
    assert scheme.names == ["claim", "quote"] and scheme.exclusive
    assert scheme.by_name["quote"].colour == "label-quote"
    older = tmp_path / "older.yaml"
    older.write_text("scheme: {labels: [opinion, fact], exclusive: true}\nteam: {annotators: [alice]}\n")
    scheme = load_scheme(older)
    assert scheme.names == ["opinion", "fact"] and scheme.exclusive


@pytest.mark.parametrize("written, exclusive", [("true", True), ("false", False), ("yes", True), ("no", False)])
def test_exclusive_takes_yaml_booleans(tmp_path, written, exclusive):
    path = tmp_path / "scheme.yaml"
    path.write_text(f"labels: [claim, quote]\nexclusive: {written}\n")
    assert load_scheme(path).exclusive is exclusive


def test_keys_not_written_are_chosen_free_of_every_command(tmp_path):
    path = tmp_path / "scheme.yaml"
    path.write_text("labels: [threat, nuance, quote]\n")  # t is the review's take, n the reader's next todo
    scheme = load_scheme(path)
    assert [label.keys for label in scheme.labels] == [("h", "1"), ("c", "2"), ("q", "3")]


def test_badges_are_unique_chosen_or_written():
    from tagline.core.labels import scheme_from_data

    scheme = scheme_from_data({"labels": ["claim", "quote", "statistic", "question", "quip", "comment"]}, "x")
    assert [label.badge for label in scheme.labels] == ["C", "Q", "S", "U", "I", "O"]
    written = scheme_from_data({"labels": [{"name": "quote", "badge": "u"}, "question"]}, "x")
    assert [label.badge for label in written.labels] == ["U", "Q"]  # a written badge is kept, the default steps aside


@pytest.mark.parametrize(
    "labels, message",
    [
        ([{"name": "quote", "badge": "Q"}, {"name": "question", "badge": "q"}], "badge 'Q' is given to both 'quote' and 'question'"),
        ([{"name": "quote", "badge": "QT"}], "badge 'QT' of label 'quote' must be one letter or digit"),
        ([{"name": "quote", "badge": "\u5f15"}], "must be one letter or digit"),  # two cells wide
        ([{"name": "quote", "badge": "*"}], "must be one letter or digit"),
    ],
)
def test_bad_badges_are_refused(labels, message):
    from tagline.core.labels import scheme_from_data

    with pytest.raises(LabelSchemeError) as error:
        scheme_from_data({"labels": labels}, "x")
    assert message in str(error.value)


@pytest.mark.parametrize("label, message", [
    ("{name: claim, keys: [ctrl+c]}", "key 'ctrl+c' of label 'claim' is taken by the command 'quit'"),
    ("{name: claim, keys: [notakey]}", "key 'notakey' of label 'claim' is not a key"),
    ("{name: claim, keys: [CC]}", "key 'CC' of label 'claim' is not a key"),
    ("{name: claim, keys: ['']}", "key '' of label 'claim' is not a key"),
    ("{name: claim, keys: [[c]]}", "key ['c'] of label 'claim' is not a key"),
    ("{name: claim, keys: [true]}", "key True of label 'claim' is not a key"),
    ("{name: claim, keys: {c: 1}}", "keys of label 'claim' must be a list of keys"),
    ("{name: claim, guideline: [a, b]}", "guideline of label 'claim' must be text, not ['a', 'b']"),
    ("{name: claim, colour: 5}", "colour of label 'claim' must be text, not 5"),
])
def test_keys_that_cannot_be_pressed_and_fields_of_the_wrong_kind_are_refused(tmp_path, label, message):
    """Before, each loaded: ctrl+c tagged instead of quitting, a key no terminal sends left its label
    without a key, a list became its Python text ("['c']" as a key, a guideline shown as a list)."""
    path = tmp_path / "scheme.yaml"
    path.write_text(f"labels: [{label}, quote]\n", encoding="utf-8")
    with pytest.raises(LabelSchemeError) as raised:
        load_scheme(path)
    assert message in str(raised.value)


def test_key_names_a_terminal_sends_are_accepted(tmp_path):
    path = tmp_path / "scheme.yaml"
    path.write_text("labels: [{name: claim, keys: [f1, ctrl+x, 'é', '~', 5]}, {name: quote, keys: [tilde]},"
                    " {name: other, keys: [alt+enter], guideline: ~, colour: ~}]\n", encoding="utf-8")
    scheme = load_scheme(path)
    assert scheme.by_name["claim"].keys == ("f1", "ctrl+x", "é", "~", "5")
    assert scheme.by_name["other"].colour == "label-other" and scheme.by_name["other"].guideline == ""


def test_a_label_is_never_left_without_a_key(tmp_path):
    """``keys: []`` loaded, and so did a tenth label whose letters earlier labels held (no digit
    after 9): the reader then ended at start in an IndexError (its binding shows the first key). An
    empty list is refused; a label not given keys gets a free letter of the alphabet."""
    path = tmp_path / "scheme.yaml"
    path.write_text("labels:\n  - {name: claim, keys: []}\n", encoding="utf-8")
    with pytest.raises(LabelSchemeError, match=r"keys of label 'claim' is an empty list"):
        load_scheme(path)
    names = ["aa", "ab", "ba", "bb", "aab", "bba", "abab", "baba", "aaab", "bbba", "abba", "baab"]
    path.write_text("labels: [" + ", ".join(names) + "]\n", encoding="utf-8")
    scheme = load_scheme(path)
    assert all(label.keys for label in scheme.labels)
    keys = [k for label in scheme.labels for k in label.keys]
    assert len(keys) == len(set(keys))


@pytest.mark.e2e
def test_a_scheme_of_fifty_thousand_labels_is_read_in_linear_time(tmp_path):
    """Each label's name was compared with every earlier one's: 10,000 labels took 13 s for every
    command, 50,000 about 5 minutes. Read in a process of its own, with a generous deadline."""
    import subprocess
    import sys

    path = tmp_path / "scheme.yaml"
    # each with a key of its own: any printable character is a key
    keys = [chr(c) for c in range(0x4E00, 0x30000) if not 0xD800 <= c < 0xE000 and chr(c).isprintable()][:50_000]
    path.write_text("labels:\n" + "".join(f"  - {{name: label{i}, keys: ['{key}']}}\n" for i, key in enumerate(keys)),
                    encoding="utf-8")
    script = f"from tagline.core.labels import load_scheme; print(len(load_scheme({str(path)!r}).labels))"
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail("50,000 labels were not read within 2 minutes")
    assert done.stdout.strip() == "50000", done.stderr[-500:]
