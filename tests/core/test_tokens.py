"""The token file of ``tagline serve``: private, hashes only, trusted only when it is the server user's own."""

from __future__ import annotations

import os
import stat

import pytest

from tagline.core import tokens


def test_a_token_names_its_annotator_and_only_its_hash_is_kept(tmp_path):
    path = tokens.token_file(tmp_path / "annotations")
    alice, replaced = tokens.add(path, "alice")
    bob, _ = tokens.add(path, "bob")
    assert not replaced and len(alice) >= 43  # 32 random bytes, URL-safe
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert alice not in text and bob not in text and tokens.digest(alice) in text
    known = tokens.load(path)
    assert known.who(alice) == "alice" and known.who(bob) == "bob"
    assert known.who(alice[:-1]) is None and known.who("") is None
    assert [p.name for p in path.parent.iterdir()] == [path.name], "no temporary or lock file left"


def test_a_new_token_replaces_the_old_one(tmp_path):
    path = tokens.token_file(tmp_path)
    old, _ = tokens.add(path, "alice")
    new, replaced = tokens.add(path, "alice")
    assert replaced and tokens.load(path).who(old) is None and tokens.load(path).who(new) == "alice"


def test_the_file_is_private_even_under_a_lax_umask(tmp_path):
    previous = os.umask(0)
    try:
        path = tokens.token_file(tmp_path)
        tokens.add(path, "alice")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_file_others_can_read_is_not_trusted(tmp_path):
    path = tokens.token_file(tmp_path)
    tokens.add(path, "alice")
    path.chmod(0o644)
    with pytest.raises(tokens.TokenFileError, match="chmod 600"):
        tokens.load(path)
    with pytest.raises(tokens.TokenFileError):
        tokens.add(path, "bob")  # nor written to


def test_a_symlink_is_not_followed(tmp_path):
    real = tokens.token_file(tmp_path / "elsewhere")
    tokens.add(real, "alice")
    link = tokens.token_file(tmp_path)
    link.symlink_to(real)
    with pytest.raises(tokens.TokenFileError):
        tokens.load(link)


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_file_owned_by_someone_else_is_not_trusted(tmp_path):
    path = tokens.token_file(tmp_path)
    tokens.add(path, "alice")
    os.chown(path, 65534, 65534)  # nobody
    with pytest.raises(tokens.TokenFileError, match="belongs to user id 65534"):
        tokens.load(path)


@pytest.mark.parametrize("entry", ["'../evil': {sha256: " + "a" * 64 + "}", "alice: {sha256: short}", "alice: 3"])
def test_an_entry_that_is_not_a_name_and_a_hash_is_refused(tmp_path, entry):
    path = tokens.token_file(tmp_path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, f"annotators:\n  {entry}\n".encode())
    os.close(fd)
    with pytest.raises(tokens.TokenFileError):
        tokens.load(path)


def test_no_file_means_nobody(tmp_path):
    assert tokens.load(tokens.token_file(tmp_path)).hashes == {}


@pytest.mark.parametrize("port, message", [("99999", "port 99999 is not between 0 and 65535"), ("-1", "port -1 is not between 0 and 65535"),
                                           ("abc", "invalid port: 'abc'")])
def test_a_port_out_of_range_is_a_usage_error(capsys, port, message):
    """``serve --port 99999`` (or -1) ended in bind()'s OverflowError and a traceback, status 1."""
    from tagline import cli

    with pytest.raises(SystemExit) as raised:
        cli.main(["serve", "--port", port])
    assert raised.value.code == 2
    assert message in capsys.readouterr().err


def test_no_login_link_names_port_0(tmp_path, monkeypatch, capsys):
    """``--port 0`` lets the system choose when the server starts; a link made now would name port
    0, where nothing listens. Refused, and no token made; with ``--url`` the link names the url."""
    from tagline import cli

    monkeypatch.chdir(tmp_path)
    assert cli.main(["serve", "--add-annotator", "alice", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "--port 0 names no port for the link" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "annotations" / ".serve-tokens.yaml").exists()
    assert cli.main(["serve", "--add-annotator", "alice", "--port", "0", "--url", "https://tag.example.org"]) == 0
    assert capsys.readouterr().out.startswith("https://tag.example.org/?token=")


def test_a_fifo_where_the_token_file_goes_is_refused_without_blocking(tmp_path):
    """In a group-writable annotation folder anyone of the group can make .serve-tokens.yaml a
    FIFO: opening it waited for a writer for ever, in tagline serve and in tagline status (which
    looks there for names that can log in)."""
    import os
    import threading

    from tagline.core.team import Team, nobody_logs_in_as

    os.mkfifo(tokens.token_file(tmp_path))
    outcome: list = []

    def load() -> None:
        try:
            tokens.load(tokens.token_file(tmp_path))
        except tokens.TokenFileError as error:
            outcome.append(str(error))
        outcome.append(nobody_logs_in_as(Team(("rooot",), 1.0), tmp_path))

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(60)
    if reader.is_alive():  # a daemon thread: left blocked, it does not keep the run from ending
        pytest.fail("opening a FIFO token file blocked")
    assert "is not a regular file" in outcome[0] and outcome[1] == ["rooot"]


@pytest.mark.parametrize("option, value", [("--url", "https://[x"), ("--url", "https://tag.example.org:99999"),
                                           ("--url", "https://a\x1b]52;c;cHduZWQ=\x07"), ("--url", "https://tag example.org"),
                                           ("--host", "x\x1b]0;pwned\x07")])
def test_an_address_no_browser_takes_is_a_usage_error(tmp_path, monkeypatch, capsys, option, value):
    """An unclosed IPv6 bracket or a port past 65535 made urlsplit raise (a traceback); a control
    character went into the printed link as it was. Each is one line, exit 2, and no token made."""
    from tagline import cli

    monkeypatch.chdir(tmp_path)
    assert cli.main(["serve", "--add-annotator", "alice", "--port", "8000", option, value]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1 and captured.err.startswith(f"tagline: {option} ")
    assert "\x1b" not in captured.err and "\x07" not in captured.err
    assert not (tmp_path / "annotations" / ".serve-tokens.yaml").exists()
