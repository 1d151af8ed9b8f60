"""Key-to-screen latency and quit latency at 5,000 sentences while background work runs, against idle.

    python bench/background.py [--rounds 4] [--keys 40] [--pause 0.06 | --gaps 0.15,0.6] [--through-parse]
                               [--before CHECKOUT] [--trace] [--no-model] [--scenarios idle,model]

Real terminals (tmux panes, ``bench/term.py``); every byte the app writes is stamped as it arrives
(``bench/stamps.py``). A key's latency is the time from just before it is sent to the arrival of
the frame that answers it: the one with the key's effect in it (the cursor's sentence number in
tagline's status row; the key's count in the baseline's line). Keys are sent ``--pause`` s apart,
``j`` and ``k`` in turn, from the first frame on, as ``send-keys`` commands to one tmux client
attached in control mode (``--per-key-client``: a ``tmux send-keys`` each, whose client start-up,
5 to 9 ms, is then inside every figure; the time to send is printed). The way this bench measured before (to the last
byte written before the next key is sent, which counts a frame drawn for the model's progress just
after a key's own as part of the key) is printed too, for comparison.

Scenarios, each in a fresh pane and annotation folder, every round:

* ``baseline``: ``bench/trivial_app.py``, a Textual app that only redraws one line per key: what
  tmux, the terminal and Textual cost, measured in the same run as the rest;
* ``trivial+model``: the baseline app while ``bench/background_load.py`` runs what the ``model``
  scenario runs beside tagline (the scan and the model parsing the news article): what the
  machine's cores alone do to a key;
* ``idle``: news, 5,000 sentences, ``--model none``, once the duplicate scan is over;
* ``scan``: a templated feed, 5,000 sentences whose figures are spelt out ("Item one seven says that
  the council approved …"; the near-duplicate scan's worst case), ``--model none``, keys sent while the
  scan process is alive (keys sent after it ended are not counted): at a person's pace the scan is
  over in about 3 s, so this scenario has few keys;
* ``scan50k``: the same with the issue's other adversarial input, 50,000 sentences of which 30% are
  noisy copies of earlier ones (``bench/duplicates.py``'s ``near_corpus``, one a paragraph), whose
  scan lasts long enough for a p99;
* ``model``: news, 5,000 sentences, with the spaCy model parsing it from an empty cache (entities and
  suggestions arriving in batches) and the scan running.

The scheduler's part: for each key, how long the app's main thread (its event loop) was ready to
run but waiting for a CPU between that key and the next (``/proc/PID/task/PID/schedstat``). A slow
key that waited that long was held by the machine (other processes on 2 cores), not by tagline's
work; the p99 of the keys that waited under 1 ms is printed apart.

``--gaps LOW,HIGH`` sends keys at a person's pace instead (a gap drawn at random between LOW and
HIGH seconds), so that background work runs between keys (tagline stops it while keys come and
continues it after 0.3 s without one); the CPU the scan and the model processes got per second of
typing is printed. ``--through-parse``: in the first round the ``model`` scenarios type until the
parse is over, and the time from the app's start to its end is printed. ``--before DIR`` also runs
``idle``, ``scan`` and ``model`` with tagline from another checkout (``DIR/tui`` first on the
path), in the same rounds: before and after in one run. ``--trace`` runs the apps through
``bench/traced.py`` and cuts each key's latency at the app's reading of it and at its frame's write.

Run at a negative niceness (``nice -n -15``), the bench gives the same to the scheduling groups of
what it starts (the panes, tmux, tagline's model and scan: sessions of their own, which a niceness
alone does not reach), keeping their order among themselves (:data:`GROUP_OFFSET`);
``--shared-groups`` leaves them as the kernel made them.

Quit latency: ctrl+q sent to a fresh pane while the scan (or the parse) runs, and once idle, to the
moment the pane's process is gone. The goal: p99 of key latency under background work at most
16 ms (one frame at 60 Hz); quit within 0.5 s. Intervals: 95% bootstrap over all keys of all rounds.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shlex
import signal
import subprocess
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import term  # noqa: E402

ONES = "zero one two three four five six seven eight nine".split()


def templated_feed(n: int = 5_000, seed: int = 17) -> str:
    rng = random.Random(seed)
    choices = (
        ["the council", "the ministry", "the mayor", "the agency", "the company", "the court"],
        ["approved", "rejected", "delayed", "announced", "reviewed", "questioned"],
        ["the budget", "the new plan", "the contract", "the merger", "the report", "the appeal"],
        ["for the northern district", "in the capital", "for the region", "at the port", "in the south"],
        ["on Monday", "on Tuesday", "late on Friday", "this week", "after a long debate"],
    )
    lines = []
    for i in range(n):
        item = " ".join(ONES[int(d)] for d in str(i))
        lines.append(f"Item {item} says that {' '.join(rng.choice(c) for c in choices)}.")
    return "\n".join(lines) + "\n"


def near_duplicates(n: int = 50_000, share: float = 0.3, seed: int = 7) -> str:
    """``bench/duplicates.py --adversarial``'s corpus with ``share`` near-duplicates, as one
    article: a sentence a paragraph."""
    import duplicates

    texts, _ = duplicates.near_corpus(duplicates.source_sentences(), n, share, seed)
    return "\n\n".join(text for _, _, text in texts) + "\n"


#: Each scenario's article (a file written once per run) and the scenarios that count only the
#: keys sent while the scan process is alive.
ARTICLES = {"scan": "feed.txt", "scan50k": "near50k.txt"}
SCANS = ("scan", "scan50k")


def scan_alive(pid: int) -> bool:
    for child in term.children(pid):
        try:
            if b"duplicates_worker" in Path(f"/proc/{child}/cmdline").read_bytes():
                return True
        except OSError:
            continue
    return False


#: ``--before DIR``: the scenario's tagline is run from DIR/tui (another checkout) when set.
BEFORE: list[Path | None] = [None]
#: Background processes of tagline (and of ``bench/background_load.py``).
WORKERS = (b"duplicates_worker", b"nlp_worker")

#: Where ``--trace`` has the panes' programs write their timeline (``bench/traced.py``); None: not traced.
TRACE: list[Path | None] = [None]
TRACED = Path(__file__).resolve().parent / "traced.py"


#: With the kernel's autogroups, a niceness only ranks a process against the others of its
#: session's scheduling group, and each tmux pane, the tmux server and tagline's model and scan
#: processes are sessions of their own: ``nice -n -15`` on this bench never reached them, and they
#: ranked equal with every other session on the machine. The bench shifts the niceness of each group
#: it starts by its own (:func:`shift_group`: the apps' and tmux's from 0 to -15, the model's and the
#: scan's from 10 to -5), so that they rank against each other as tagline sets them and together
#: above the machine's other work. ``--shared-groups``: left as they are.
GROUP_OFFSET = [0]
GROUPS_SHIFTED: set[int] = set()


def shift_group(pid: int, expect: int | None = None) -> bool:
    """Shift the scheduling group of ``pid``, a session leader, by :data:`GROUP_OFFSET` once
    (``expect``: only once the process has set its group's niceness to that itself); False when
    it is to be tried again."""
    if not GROUP_OFFSET[0] or pid in GROUPS_SHIFTED:
        return True
    try:
        if os.getsid(pid) != pid:
            return True  # in another's group, shifted with it
        group = Path(f"/proc/{pid}/autogroup")
        nice = int(group.read_text().split()[-1])
        if expect is not None and nice != expect:
            return False
        group.write_text(str(max(-20, min(19, nice + GROUP_OFFSET[0]))))
    except (OSError, ValueError):
        return False
    GROUPS_SHIFTED.add(pid)
    return True


def shift_groups_for_run(shared: bool) -> None:
    """Set :data:`GROUP_OFFSET` from this process's niceness and shift the tmux server's group."""
    GROUP_OFFSET[0] = 0 if shared or not Path("/proc/self/autogroup").exists() else os.getpriority(os.PRIO_PROCESS, 0)
    if GROUP_OFFSET[0]:
        term.ensure_server()
        shift_group(int(term.tmux("display-message", "-p", "#{pid}").stdout.strip()))


def traced(command: str, env: dict[str, str]) -> str:
    """``command`` (a Python program) run through ``bench/traced.py`` when tracing."""
    if TRACE[0] is None:
        return command
    env["TAGLINE_TRACE"] = str(TRACE[0])
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(TRACED))} {command}"


def open_baseline(work: Path) -> tuple[term.Pane, int]:
    pane = term.Pane(100, 30)
    script = Path(__file__).resolve().parent / "trivial_app.py"
    env = {"XDG_CONFIG_HOME": str(work / "config")}
    command = shlex.quote(str(script)) if TRACE[0] else f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"
    pane.start(traced(command, env), work, env)
    shift_group(pane.pid())
    pane.wait_for("ready: 0", timeout=60)
    pane.settle(0.5)
    return pane, pane.pid()


#: Sentences in each article file (the status row's total), filled in when the files are written.
TOTALS: dict[str, int] = {}


def open_pane(work: Path, article: str, model: str) -> tuple[term.Pane, int]:
    pane = term.Pane(100, 30)
    env = {"TAGLINE_ANNOTATOR": "bench", "TAGLINE_CACHE": str(work / "cache"), "XDG_CONFIG_HOME": str(work / "config")}
    if BEFORE[0] is not None:
        env["PYTHONPATH"] = str(BEFORE[0] / "tui")
    command = f"-m tagline open {article} --model {model}" if TRACE[0] else f"{shlex.quote(sys.executable)} -m tagline open {article} --model {model}"
    pane.start(traced(command, env), work, env)
    shift_group(pane.pid())
    total = TOTALS.get(article, 5_000)
    pane.wait_for(f"/{total} done", timeout=120 + total / 500)
    return pane, pane.pid()


#: The reader's status row: the cursor's sentence number, then how many are done.
STATUS = re.compile(rb"  (\d+)/\d+  \d+/\d+ done")


def answered(data: bytes, i: int, baseline: bool) -> bool:
    """Whether ``data`` holds the answer to key ``i`` (``j`` and ``k`` in turn from the start): the
    trivial app's line ``j: 1``, ``k: 2``, ...; tagline's status row with the cursor at sentence 2
    after a ``j``, 1 after a ``k``."""
    if baseline:
        return f"{'j' if i % 2 == 0 else 'k'}: {i + 1}".encode() in data
    return any(int(n) == (2 if i % 2 == 0 else 1) for n in STATUS.findall(data))


class Typist:
    """Sends keys to a pane through one tmux client in control mode (``tmux -C``), started once:
    a ``tmux send-keys`` per key starts a tmux client each time (5 to 9 ms, inside every figure).
    ``per_key_client``: the old way, for comparison."""

    def __init__(self, pane: term.Pane, per_key_client: bool = False) -> None:
        self.pane = pane
        self.control = None
        if not per_key_client:
            self.control = subprocess.Popen(
                ["tmux", "-L", term.SOCKET, "-C", "attach-session", "-t", pane.name, "-f", "ignore-size"],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
                start_new_session=True)
            shift_group(self.control.pid)
            self.send("")  # attached before the first key is timed
            time.sleep(0.2)

    def send(self, key: str) -> None:
        if self.control is None:
            if key:
                self.pane.keys(key)
            return
        assert self.control.stdin is not None
        self.control.stdin.write(f"send-keys -t {self.pane.name} {key}\n" if key else "display-message -p ok\n")
        self.control.stdin.flush()

    def close(self) -> None:
        if self.control is not None:
            try:
                assert self.control.stdin is not None
                self.control.stdin.close()
            except OSError:
                pass
            try:
                self.control.wait(5)
            except subprocess.TimeoutExpired:
                self.control.kill()


def background_cpu(root: int, seen: dict[int, list[float]]) -> None:
    """CPU seconds so far of each background process under ``root`` (first and last seen)."""
    for child in term.children(root):
        try:
            if not any(name in Path(f"/proc/{child}/cmdline").read_bytes() for name in WORKERS):
                continue
        except OSError:
            continue
        shift_group(child, expect=10)  # once it has lowered its own group (yield_to_keys)
        cpu = term.cpu_seconds_fine(child)
        seen.setdefault(child, [cpu, cpu])[1] = cpu


def parsing(pane: term.Pane) -> bool:
    return "parsing" in pane.screen()


def type_keys(pane: term.Pane, pid: int, count: int, pause: float, log: Path, only_while_scanning: bool,
              baseline: bool = False, per_key_client: bool = False, gaps: tuple[float, float] | None = None,
              rng: random.Random | None = None, until=None, background_root: int | None = None,
              stats: dict | None = None):
    """Latencies in ms of ``count`` keys sent ``pause`` s apart, found two ways: to the frame that
    answers the key (its text on the screen: :func:`answered`), and, as this bench measured before,
    to the last byte written before the next key (which counts a frame drawn for background work
    after the key's own, such as the model's progress, as the key's); and the send-keys round trips.

    A key whose answer is not found before the key after next is sent counts as that long (a
    lower bound), and is counted in ``late``."""
    stamps = log.with_suffix(".stamps")
    log.write_bytes(b"")
    stamps.write_text("")
    pane.pipe_to(log, stamps)
    time.sleep(0.2)
    typist = Typist(pane, per_key_client)
    sent: list[tuple[float, bool]] = []
    trips: list[float] = []
    queued: list[float] = []  # ms the app's main thread had waited for a CPU, before each key
    cpu: dict[int, list[float]] = {}
    typing_began = time.monotonic()
    checked = typing_began
    parse_done = None
    limit = 100_000 if until is not None else count
    for i in range(limit):
        busy = scan_alive(pid) if only_while_scanning else True
        if only_while_scanning and not busy:
            break
        if background_root is not None:
            background_cpu(background_root, cpu)
        if until is not None and time.monotonic() - checked > 1.0:
            checked = time.monotonic()
            if until():
                parse_done = checked
                break
        queued.append(run_queue_ms(pid))
        began = time.monotonic()
        typist.send("j" if i % 2 == 0 else "k")
        trips.append((time.monotonic() - began) * 1000)
        sent.append((began, busy))
        time.sleep(rng.uniform(*gaps) if gaps else pause)
    typing_ended = time.monotonic()
    if stats is not None:
        stats["typing"] = typing_ended - typing_began
        stats["background_cpu"] = sum(last - first for first, last in cpu.values())
        stats["parse_done"] = parse_done
    time.sleep(1.0)
    queued.append(run_queue_ms(pid))
    typist.close()
    term.tmux("pipe-pane", "-t", pane.name)
    time.sleep(0.1)
    data = log.read_bytes()
    chunks: list[tuple[float, bytes]] = []
    at = 0
    for line in stamps.read_text().splitlines():
        if line.strip():
            when, size = line.split()
            chunks.append((float(when), data[at : at + int(size)]))
            at += int(size)
    answers, last_bytes, late, waits, timeline = [], [], 0, [], []
    for i, (start, busy) in enumerate(sent):
        if not busy:
            continue
        waits.append(queued[i + 1] - queued[i])
        after_next = sent[i + 2][0] if i + 2 < len(sent) else start + 1.0
        found = [t for t, chunk in chunks if start <= t < after_next and answered(chunk, i, baseline)]
        timeline.append((start, found[0] if found else None))
        if found:
            answers.append((found[0] - start) * 1000)
        else:
            answers.append((after_next - start) * 1000)
            late += 1
        end = sent[i + 1][0] if i + 1 < len(sent) else start + pause + 0.5
        window = [t for t, _ in chunks if start <= t < end]
        if window:
            last_bytes.append((window[-1] - start) * 1000)
    return answers, last_bytes, late, trips, waits, timeline


def read_trace(path: Path) -> list[tuple[float, str, str]]:
    events = []
    if path.exists():
        for line in path.read_text().splitlines():
            parts = line.split(" ", 2)
            if len(parts) >= 2:
                events.append((float(parts[0]), parts[1], parts[2] if len(parts) > 2 else ""))
    events.sort(key=lambda e: e[0])
    return events


def spans(trace: list[tuple[float, str, str]], begin: str, end: str) -> list[tuple[float, float, str]]:
    """(start, end, the end's detail) of each stretch the trace marks with ``begin`` and ``end``
    (on one thread: they do not nest)."""
    out, began = [], None
    for t, kind, detail in trace:
        if kind == begin:
            began = t
        elif kind == end and began is not None:
            out.append((began, t, detail))
            began = None
    return out


def split_keys(trace: list[tuple[float, str, str]], timeline: list[tuple[float, float | None]]) -> list[dict]:
    """Each answered key's latency cut at the app's reading of the key and at the write of the frame
    that answered it (``bench/traced.py``), in ms: ``read`` (tmux and the scheduler, to the app's
    input thread), ``app`` (the key read to its frame written), ``out`` (written to the frame's
    arrival at the bench through tmux); inside ``app``: ``bind`` (the action), ``grid`` (the
    binding done to the screen's update timer firing), ``gc`` (collections meanwhile, also one
    under way when the key was read), ``frames`` (other frames written meanwhile), ``turns`` (turns
    of the event loop over ``bench/traced.py``'s ``LONG_TURN`` that overlapped it), ``applied``
    (entity sentences applied meanwhile), ``cpu`` and ``queued`` (the main thread's CPU time and
    time waiting for a CPU meanwhile: the rest of ``app`` it was blocked, idle in ``select`` or
    waiting for the interpreter lock, or its virtual CPU taken by the host), ``stolen`` (the host's
    steal time meanwhile, both CPUs, in steps of 10 ms)."""
    keys = [t for t, kind, _ in trace if kind == "key"]
    collections, long_turns = spans(trace, "gc0", "gc1"), spans(trace, "turn0", "turn1")
    key_stats = [d for _, kind, d in trace if kind == "key"]
    out = []
    at = 0
    for start, answer in timeline:
        while at < len(keys) and keys[at] < start:
            at += 1
        if answer is None or at >= len(keys) or keys[at] > answer:
            continue
        read = keys[at]
        stats_at_read = key_stats[at]
        at += 1
        emits = [(t, detail) for t, kind, detail in trace if kind == "emit0" and read <= t <= answer]
        if not emits:
            continue
        emit, after = emits[-1]
        cpu_ms = queued_ms = stolen_ms = float("nan")
        try:  # the main thread's CPU and run-queue wait from the key's read to its frame's write
            (c0, w0, s0), (c1, w1, s1) = (map(float, x.split()[-3:]) for x in (stats_at_read, after))
            cpu_ms, queued_ms, stolen_ms = c1 - c0, w1 - w0, s1 - s0
        except ValueError:
            pass
        inside = [e for e in trace if read <= e[0] <= emit]
        bind0 = next((t for t, kind, _ in inside if kind == "bind0"), read)
        bind1 = next((t for t, kind, _ in inside if kind == "bind1"), bind0)
        tick0 = [t for t, kind, _ in inside if kind == "tick0"]
        # Collections and long turns of the loop count where they overlap the app's part, also
        # one already under way when the key was read.
        gc_ms = sum((min(b, emit) - max(a, read)) * 1000 for a, b, _ in collections if a < emit and b > read)
        turns = [f"{(b - a) * 1000:.1f}ms {d}" for a, b, d in long_turns if a < emit and b > read]
        applied = sum(int(d) for _, kind, d in inside if kind == "apply0")
        out.append({"total": (answer - start) * 1000, "read": (read - start) * 1000, "app": (emit - read) * 1000,
                    "out": (answer - emit) * 1000, "bind": (bind1 - bind0) * 1000, "wait": (bind0 - read) * 1000,
                    "grid": ((tick0[-1] if tick0 else emit) - bind1) * 1000, "gc": gc_ms,
                    "frames": len(emits) - 1, "turns": turns, "applied": applied, "cpu": cpu_ms, "queued": queued_ms, "stolen": stolen_ms})
    return out


def print_split(scenario: str, parts: list[dict]) -> None:
    if not parts:
        return
    names = ["read", "wait", "bind", "grid", "app", "out", "gc"]
    print(f"  {scenario:<13} {len(parts)} keys; p50 / p99 ms: "
          + "  ".join(f"{n} {percentile([k[n] for k in parts], 0.5):.1f}/{percentile([k[n] for k in parts], 0.99):.1f}" for n in names))
    blocked = [k for k in parts if k["app"] - k["cpu"] - k["queued"] > 4]
    print(f"    blocked over 4 ms in the app: {len(blocked)} keys, {sum(1 for k in blocked if k['stolen'] > 0)} of them "
          f"with the host's steal meanwhile; all keys with steal meanwhile: {sum(1 for k in parts if k['stolen'] > 0)} of {len(parts)}")
    for k in sorted(parts, key=lambda k: -k["total"])[:8]:
        if k["total"] <= 16:
            break
        print(f"    {k['total']:5.1f} ms = read {k['read']:.1f} + app {k['app']:.1f} (wait {k['wait']:.1f}, bind {k['bind']:.1f}, "
              f"grid {k['grid']:.1f}, gc {k['gc']:.1f}, other frames {k['frames']}) + out {k['out']:.1f}")
        print(f"      the app's part: main thread on a CPU {k['cpu']:.1f}, waiting for one {k['queued']:.1f}, "
              f"blocked (idle or waiting for the interpreter lock) {k['app'] - k['cpu'] - k['queued']:.1f}; "
              f"the host's steal meanwhile (both CPUs, 10 ms steps) {k['stolen']:.0f}")
        if k["turns"] or k["applied"]:
            print(f"      long turns of the loop: {'; '.join(k['turns']) or '-'}; sentences applied meanwhile: {k['applied']}")


def run_queue_ms(pid: int) -> float:
    """ms the process's main thread (the event loop) has spent ready to run but waiting for a CPU
    (``/proc/PID/task/PID/schedstat``, second field); nan where the kernel does not say."""
    try:
        return int(Path(f"/proc/{pid}/task/{pid}/schedstat").read_text().split()[1]) / 1e6
    except (OSError, IndexError, ValueError):
        return float("nan")


def gone(pid: int) -> bool:
    try:
        return "State:\tZ" in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True


def quit_latency(pane: term.Pane, pid: int, way: str = "ctrl+q", first: str | None = None) -> float:
    """ms from just before ctrl+q (or the signal ``way`` names: SIGTERM, SIGHUP, ...) is sent to the
    app's process gone (exited: a zombie, or reaped); ``first``: a key typed 0.3 s before.
    ctrl+q goes through a tmux client in control mode attached beforehand, as the keys do: a
    ``tmux send-keys`` started a client of its own, whose start-up (5 to 20 ms on a busy machine)
    was counted in the app's quit."""
    typist = Typist(pane)
    try:
        if first is not None:
            typist.send(first)
            time.sleep(0.3)
        began = time.perf_counter()
        send_way_out(typist, pid, way)
        while not gone(pid):
            time.sleep(0.002)
            if time.perf_counter() - began > 60:
                return float("inf")
        return (time.perf_counter() - began) * 1000
    finally:
        typist.close()


def send_way_out(typist: Typist, pid: int, way: str) -> None:
    """``way`` out of the app ``pid``: ctrl+q through ``typist``, or the signal it names (SIGTERM,
    SIGHUP, ...)."""
    if way == "ctrl+q":
        typist.send("C-q")
    else:
        os.kill(pid, getattr(signal, way))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def interval(values: list[float], q: float, rng: random.Random, draws: int = 1000) -> tuple[float, float]:
    estimates = sorted(percentile(rng.choices(values, k=len(values)), q) for _ in range(draws))
    return estimates[int(0.025 * draws)], estimates[int(0.975 * draws) - 1]


def difference_interval(values: list[float], base: list[float], q: float, rng: random.Random,
                        draws: int = 1000) -> tuple[float, float]:
    estimates = sorted(percentile(rng.choices(values, k=len(values)), q) - percentile(rng.choices(base, k=len(base)), q)
                       for _ in range(draws))
    return estimates[int(0.025 * draws)], estimates[int(0.975 * draws) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--keys", type=int, default=40, help="keys per scenario and round")
    parser.add_argument("--pause", type=float, default=0.06, help="seconds between keys")
    parser.add_argument("--no-model", action="store_true", help="leave out the scenario with the spaCy model")
    parser.add_argument("--per-key-client", action="store_true",
                        help="send each key with its own tmux client (tmux send-keys), as this bench did before")
    parser.add_argument("--gaps", help="LOW,HIGH: seconds between keys drawn at random (a person's pace) instead of --pause")
    parser.add_argument("--through-parse", action="store_true",
                        help="model scenarios, first round: type until the parse is over (and report how long it took) instead of --keys")
    parser.add_argument("--before", type=Path, help="also run idle, scan and model with tagline from this checkout (DIR/tui)")
    parser.add_argument("--trace", action="store_true",
                        help="run the apps through bench/traced.py and cut each key's latency at the app's reading of it and its frame's write")
    parser.add_argument("--shared-groups", action="store_true",
                        help="leave the scheduling groups of the panes, tmux and tagline's workers at the kernel's default")
    parser.add_argument("--scenarios", help="comma-separated: which of baseline,idle,scan,model to run (all)")
    args = parser.parse_args(argv)
    term.require_tmux()
    shift_groups_for_run(args.shared_groups)
    scenarios = ["baseline"] + ([] if args.no_model else ["trivial+model"]) + ["idle", "scan", "scan50k"] + ([] if args.no_model else ["model"])
    if args.scenarios:
        scenarios = [s for s in scenarios if s in args.scenarios.split(",")]
    if args.before:
        scenarios += [f"{s}@before" for s in scenarios if s in ("idle", *SCANS, "model")]
    gaps = tuple(float(x) for x in args.gaps.split(",")) if args.gaps else None
    key_rng = random.Random(11)
    parse_times: dict[str, list[float]] = {s: [] for s in scenarios}
    shares: dict[str, list[tuple[float, float]]] = {s: [] for s in scenarios}
    keys: dict[str, list[float]] = {s: [] for s in scenarios}
    old_way: dict[str, list[float]] = {s: [] for s in scenarios}
    lates: dict[str, int] = {s: 0 for s in scenarios}
    queue_waits: dict[str, list[float]] = {s: [] for s in scenarios}
    quits: dict[str, list[float]] = {s: [] for s in scenarios}
    splits: dict[str, list[dict]] = {s: [] for s in scenarios}
    trips: list[float] = []
    scratch = Path(tempfile.mkdtemp(prefix="tagline-bench-background-"))
    (scratch / "feed.txt").write_text(templated_feed(), encoding="utf-8")
    (scratch / "news.txt").write_text(corpus.article_text(5_000), encoding="utf-8")
    if "scan50k" in [s.split("@")[0] for s in scenarios]:
        near = near_duplicates()
        (scratch / "near50k.txt").write_text(near, encoding="utf-8")
        TOTALS["near50k.txt"] = corpus.count(near)
    try:
        for round_ in range(args.rounds):
            for scenario in scenarios:
                kind = scenario.split("@")[0]
                BEFORE[0] = args.before if scenario.endswith("@before") else None
                work = Path(tempfile.mkdtemp(prefix=f"{scenario.replace('@', '-')}-", dir=scratch))
                article = ARTICLES.get(kind, "news.txt")
                (work / article).write_bytes((scratch / article).read_bytes())
                if kind == "trivial+model":
                    (work / "news.txt").write_bytes((scratch / "news.txt").read_bytes())
                model = "en_core_web_sm" if kind == "model" else "none"
                # Keys.
                load = None
                if kind == "trivial+model":
                    load = subprocess.Popen([sys.executable, str(Path(__file__).resolve().parent / "background_load.py"),
                                             str(work / "news.txt")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                            start_new_session=True)
                    shift_group(load.pid)
                trivial = kind in ("baseline", "trivial+model")
                TRACE[0] = work / "trace-keys.txt" if args.trace else None
                opened = time.monotonic()
                pane, pid = open_baseline(work) if trivial else open_pane(work, article, model)
                if kind == "idle":
                    while scan_alive(pid):
                        time.sleep(0.05)
                    pane.settle(1.0)
                until = None
                through = args.through_parse and round_ == 0
                if through and kind == "model":
                    until = lambda pane=pane: not parsing(pane)  # noqa: E731
                elif through and load is not None:
                    until = lambda load=load: load.poll() is not None  # noqa: E731
                stats: dict = {}
                found, last, late, sent, waits, timeline = type_keys(pane, pid, args.keys, args.pause, work / "bytes.log",
                                                    kind in SCANS, baseline=trivial,
                                                    per_key_client=args.per_key_client, gaps=gaps, rng=key_rng, until=until,
                                                    background_root=load.pid if load is not None else pid, stats=stats)
                if stats.get("typing"):
                    shares[scenario].append((stats["background_cpu"], stats["typing"]))
                if stats.get("parse_done"):
                    parse_times[scenario].append(stats["parse_done"] - opened)
                if load is not None:
                    os.killpg(load.pid, signal.SIGKILL)
                    load.wait()
                keys[scenario] += found
                old_way[scenario] += last
                lates[scenario] += late
                queue_waits[scenario] += waits
                slowest = sorted(range(len(found)), key=lambda k: -found[k])[:3]
                print(f"  round {round_ + 1} {scenario}: slowest keys (ms, at key n): "
                      + ", ".join(f"{found[k]:.0f} at {k}" for k in slowest), file=sys.stderr)
                trips += sent
                if args.trace:
                    splits[scenario] += split_keys(read_trace(work / "trace-keys.txt"), timeline)
                    TRACE[0] = None
                pane.keys("C-q")
                pane.wait_exit(30)
                pane.close()
                if kind == "trivial+model":  # its quit is the baseline's
                    print(f"  round {round_ + 1} {scenario}: {len(found)} keys, median {statistics.median(found):.1f} ms",
                          file=sys.stderr)
                    continue
                # Quit, in a fresh pane: during the scan or parse, or once idle.
                pane, pid = open_baseline(work) if kind == "baseline" else open_pane(work, article, model)
                if kind == "idle":
                    while scan_alive(pid):
                        time.sleep(0.05)
                    pane.settle(1.0)
                elif kind in SCANS and not scan_alive(pid):
                    print("  (the scan had ended before ctrl+q)", file=sys.stderr)
                quits[scenario].append(quit_latency(pane, pid))
                pane.close()
                print(f"  round {round_ + 1} {scenario}: {len(found)} keys, median {statistics.median(found) if found else float('nan'):.1f} ms; "
                      f"quit {quits[scenario][-1]:.0f} ms", file=sys.stderr)
    finally:
        term.stop_server()
    rng = random.Random(7)
    print(f"{'scenario':<15} {'keys':>5} {'p50 ms':>18} {'p99 ms':>20} {'p99/idle':>8} {'quit ms: median [max]':>22}")
    base = percentile(keys["idle"], 0.99) if keys.get("idle") else float("nan")
    over = f"{'difference':<30} {'p50, ms':>16} {'p99, ms':>20}"
    for scenario in scenarios:
        values = keys[scenario]
        if not values:
            print(f"{scenario:<13} {0:>5}")
            continue
        p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
        (a50, b50), (a99, b99) = interval(values, 0.5, rng), interval(values, 0.99, rng)
        quit_ms = quits[scenario]
        quit_text = f"{statistics.median(quit_ms):>12.0f} [{max(quit_ms):.0f}]" if quit_ms else f"{'-':>12}"
        print(f"{scenario:<15} {len(values):>5} {p50:>6.1f} [{a50:.1f}, {b50:.1f}] {p99:>7.1f} [{a99:.1f}, {b99:.1f}] "
              f"{p99 / base:>8.2f} {quit_text}")
    # What tagline adds to the baseline: the difference of the percentiles, bootstrapped together.
    pairs = [(s, "baseline") for s in scenarios if s != "baseline"]
    pairs += [(s, f"{s}@before") for s in scenarios if f"{s}@before" in scenarios]
    if "trivial+model" in scenarios and "model" in scenarios:
        pairs.append(("model", "trivial+model"))  # tagline against the trivial app, both beside the model
    if keys.get("baseline"):
        print(over)
        for scenario, against in pairs:
            values = keys[scenario]
            if not values or not keys.get(against):
                continue
            d50 = percentile(values, 0.5) - percentile(keys[against], 0.5)
            d99 = percentile(values, 0.99) - percentile(keys[against], 0.99)
            i50 = difference_interval(values, keys[against], 0.5, rng)
            i99 = difference_interval(values, keys[against], 0.99, rng)
            name = f"{scenario} - {against}"
            print(f"{name:<30} {d50:>7.1f} [{i50[0]:.1f}, {i50[1]:.1f}]{'':>6} {d99:>7.1f} [{i99[0]:.1f}, {i99[1]:.1f}]")
    print("as measured before (to the last byte before the next key, background frames included):")
    for scenario in scenarios:
        values = old_way[scenario]
        if values:
            a99, b99 = interval(values, 0.99, rng)
            print(f"  {scenario:<13} p50 {percentile(values, 0.5):.1f}  p99 {percentile(values, 0.99):.1f} [{a99:.1f}, {b99:.1f}]")
    print("the scheduler: ms the app's main thread waited for a CPU between a key and the next; "
          "keys over 16 ms, and how many of them waited 4 ms or more; p99 of the keys that waited under 1 ms:")
    for scenario in scenarios:
        values, waits = keys[scenario], queue_waits[scenario]
        if not values or len(waits) != len(values):
            continue
        slow = [k for k, v in enumerate(values) if v > 16]
        unqueued = [v for v, w in zip(values, waits) if w < 1]
        p99_unqueued = f"{percentile(unqueued, 0.99):.1f} of {len(unqueued)} keys" if unqueued else "-"
        print(f"  {scenario:<13} wait p50 {percentile(waits, 0.5):.1f} p99 {percentile(waits, 0.99):.1f}; "
              f"over 16 ms: {len(slow)}, waited >= 4 ms: {sum(1 for k in slow if waits[k] >= 4)}; "
              f"p99 unqueued: {p99_unqueued}")
    if args.trace:
        print("each key cut where the app read it and where its frame was written (bench/traced.py):")
        for scenario in scenarios:
            print_split(scenario, splits[scenario])
    print("background work while keys were typed: CPU seconds of the scan and model processes per second of typing; "
          "the model's parse, from the app's start to its end, typing all along:")
    for scenario in scenarios:
        if shares[scenario] and sum(c for c, _ in shares[scenario]) > 0:
            cpu, wall = sum(c for c, _ in shares[scenario]), sum(w for _, w in shares[scenario])
            parse = parse_times[scenario]
            parse_text = f"; parse {statistics.median(parse):.1f} s (of {len(parse)}: {', '.join(f'{t:.1f}' for t in parse)})" if parse else ""
            print(f"  {scenario:<15} {cpu / wall:.2f} cores over {wall:.0f} s{parse_text}")
    print("keys whose answer came after the key after next (counted at that time): "
          + ", ".join(f"{s} {lates[s]}" for s in scenarios))
    how = "tmux send-keys, a client started per key" if args.per_key_client else "a command to one tmux client in control mode"
    print(f"sending a key ({how}; inside every figure): median {statistics.median(trips):.1f} ms")
    print("scheduling groups of the panes, tmux and tagline's workers: "
          + (f"shifted by {GROUP_OFFSET[0]}, the bench's niceness ({len(GROUPS_SHIFTED)} groups)" if GROUP_OFFSET[0] else "as the kernel made them (shared with the machine's other work)"))
    print(corpus.machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
