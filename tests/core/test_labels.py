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
        "labels:\n  - {name: opinion, keys: [o, '1'], guideline: A view.}\n  - {name: fact, keys: [t]}\nexclusive: true\n"
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
    ],
)
def test_bad_schemes_are_one_line_errors(tmp_path, body, message):
    path = tmp_path / "scheme.yaml"
    path.write_text(body)
    with pytest.raises(LabelSchemeError) as error:
        load_scheme(path)
    assert message in str(error.value)
    assert "\n" not in str(error.value)
