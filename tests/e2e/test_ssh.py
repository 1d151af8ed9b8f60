"""tagline through a real sshd on the loopback interface, and the link dropped mid-session.

The test makes a host key and a user key in tmp, starts Debian's ``sshd`` on a free port with a
config of its own (keys and authorized_keys in tmp, loopback only), logs in with ``ssh -tt`` inside
tmux as the current user, tags sentences with the real model running, then kills the ssh client. sshd
sees the connection go, closes the pseudo-terminal, the kernel hangs up on tagline (SIGHUP), and
tagline folds the journal into the YAML before it leaves; its model process leaves with it.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from test_terminals import ARTICLE, tagline_command, tty  # noqa: F401  (tty: the fixture)

pytestmark = pytest.mark.e2e

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
PRIVSEP_DIR = Path("/run/sshd")  # compiled into Debian's sshd; it refuses to start without it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_gone(pid: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if "State:\tZ" in Path(f"/proc/{pid}/status").read_text():
                return
        except OSError:
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} still running {timeout} s after the link dropped")


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def processes_with(text: str) -> dict[int, list[str]]:
    """pid -> argv of the processes whose command line has ``text``."""
    found = {}
    for pid in subprocess.run(["pgrep", "-f", "--", text], capture_output=True, text=True).stdout.split():
        try:
            found[int(pid)] = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            pass
    return found


class Sshd:
    """A private sshd: its own host key, config, authorized_keys and port; started and stopped here."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.user = pwd.getpwuid(os.getuid()).pw_name
        self.log = folder / "sshd.log"
        self.process: subprocess.Popen | None = None
        for name in ("host_key", "user_key"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"tagline-test-{name}", "-f", str(folder / name)], check=True)
        (folder / "authorized_keys").write_text((folder / "user_key.pub").read_text())
        host_public = (folder / "host_key.pub").read_text().split()
        (folder / "known_hosts").write_text(f"[127.0.0.1]:{self.port} {host_public[0]} {host_public[1]}\n")
        for name in ("host_key", "user_key", "authorized_keys"):
            (folder / name).chmod(0o600)
        (folder / "sshd_config").write_text(
            "\n".join(
                [
                    f"Port {self.port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {folder / 'host_key'}",
                    f"PidFile {folder / 'sshd.pid'}",
                    f"AuthorizedKeysFile {folder / 'authorized_keys'}",
                    "PermitRootLogin prohibit-password",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    "StrictModes no",  # the keys live in a tmp folder, not in a home folder
                    "PrintMotd no",
                    "PrintLastLog no",
                    "",
                ]
            )
        )

    def start(self) -> None:
        config = str(self.folder / "sshd_config")
        check = subprocess.run([SSHD, "-t", "-f", config], capture_output=True, text=True)
        if check.returncode != 0:
            pytest.skip(f"sshd cannot run here: {check.stderr.strip()}")
        self.process = subprocess.Popen([SSHD, "-D", "-e", "-f", config], stdout=subprocess.DEVNULL, stderr=self.log.open("wb"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.skip(f"sshd cannot run here: {self.log.read_text(errors='replace').strip()}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError(f"sshd did not listen on port {self.port}:\n{self.log.read_text(errors='replace')}")

    def ssh_command(self, remote: str) -> str:
        options = [
            "-F", "/dev/null", "-tt", "-e", "none",
            "-i", str(self.folder / "user_key"), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
            "-o", f"UserKnownHostsFile={self.folder / 'known_hosts'}", "-o", "StrictHostKeyChecking=yes",
            "-o", "ServerAliveInterval=0", "-p", str(self.port),
        ]
        return shlex.join(["ssh", *options, f"{self.user}@127.0.0.1", remote])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def sshd(tmp_path_factory):
    for tool in (SSHD, "ssh", "ssh-keygen"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is needed for the SSH test (.ci/run installs openssh-server)")
    if not PRIVSEP_DIR.is_dir():
        if os.getuid() != 0:
            pytest.skip(f"sshd needs {PRIVSEP_DIR}, which only root can make")
        PRIVSEP_DIR.mkdir(mode=0o755, parents=True, exist_ok=True)
    server = Sshd(tmp_path_factory.mktemp("sshd"))
    server.start()
    yield server
    server.stop()


def test_a_dropped_ssh_link_loses_no_action(sshd, workdir, tty):
    annotations = workdir / "annotations"
    # What the remote login has: sshd's environment (no LANG, TERM from the client's tmux), plus the
    # test's private cache and settings folders. No --annotator: over SSH it is the login name.
    isolation = " ".join(f"{k}={shlex.quote(os.environ[k])}" for k in ("TAGLINE_CACHE", "XDG_CONFIG_HOME"))
    remote = (
        f"cd {shlex.quote(str(workdir))} && exec env -u TAGLINE_ANNOTATOR {isolation} "
        f"{tagline_command()} open --annotations {shlex.quote(str(annotations))}"
    )
    terminal = tty()
    terminal.run(f"exec {sshd.ssh_command(remote)}")
    terminal.wait_for("0/34 done", timeout=30)
    terminal.wait_for("en_core_web_sm 3.8.0", timeout=180)  # the model process is up and has parsed

    found = processes_with(f"--annotations {annotations}")
    ssh = [pid for pid, argv in found.items() if argv[0] == "ssh"]
    app = [pid for pid, argv in found.items() if Path(argv[0]).name.startswith(("python", "tagline"))]
    assert len(ssh) == 1 and len(app) == 1, f"expected one ssh client and one tagline: {found}"
    ssh_pid = ssh[0]
    model = children(app[0])
    assert model, "the model process was expected beside tagline"

    terminal.keys("f", "c", "j", "q", "s", "j", "Space", "c", "u", "j", "s")
    screen = terminal.wait_for("5/34  4/34 done  C:1 Q:1 S:2 ⚑1")  # every action has been handled
    assert "Traceback" not in screen

    os.kill(ssh_pid, signal.SIGKILL)  # the link drops: no goodbye from the client
    for pid in (app[0], *model):
        wait_gone(pid)

    folder = annotations / sshd.user
    assert not (folder / f"{ARTICLE}.journal").exists(), "the journal was not folded on hang-up"
    data = yaml.safe_load((folder / f"{ARTICLE}.yaml").read_text(encoding="utf-8"))
    assert data["annotator"] == sshd.user
    assert data["model"] == {"name": "en_core_web_sm", "version": "3.8.0"}
    sentences = data["sentences"]
    assert [s["labels"] for s in sentences[:5]] == [["claim"], ["quote", "statistic"], [], [], ["statistic"]]
    assert [s["status"] for s in sentences[:5]] == ["done", "done", "done", "todo", "done"]
    assert sentences[0].get("flag") is True
    assert {"start": 20, "end": 28, "label": "DATE"} in sentences[0]["entities"]
    log = sshd.log.read_text(errors="replace")
    assert f"Accepted publickey for {sshd.user} from 127.0.0.1" in log
