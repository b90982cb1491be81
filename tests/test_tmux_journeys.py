"""Journeys of a person at a real 80x24 terminal (tmux, the installed ``r1-tui``, the loopback server).

Pastes (single line, several lines, and 60 KB of escape sequences), where the keyboard focus
is after every pane toggle and every way of opening a conversation, the status bar at 80x24,
the reasoning pane after a stream, global keys from the prompt, Ctrl+C, and a remapped Enter.
Each step waits for what the screen shows (keys go where the focus is when they arrive).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

from tui.config_write import write_private
from tui.store import HistoryStore

try:
    from tests.loopback import Stream, usage
    from tests.test_tmux import Tmux, _r1_tui
    from tests.uihelpers import seed
except ImportError:  # tests/ itself on sys.path
    from loopback import Stream, usage  # type: ignore
    from test_tmux import Tmux, _r1_tui  # type: ignore
    from uihelpers import seed  # type: ignore

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

DEPLOYMENT = "deepseek-r1-distill-qwen-32b-eastus2"  # long: the status bar must drop items whole


def start(tmp_path: Path, base_url: str, *, keys: str = "", size: tuple[int, int] = (80, 24)) -> Tmux:
    """The installed app (at 80x24) with a profile for ``base_url`` (and a ``[keys]`` table)."""
    cfg = tmp_path / "config" / "r1-tui" / "config.toml"
    write_private(cfg, f'[profiles.main]\nendpoint = "{base_url}"\ndeployment = "{DEPLOYMENT}"\nauth = "none"\n'
                       + (f"\n[keys]\n{keys}\n" if keys else ""))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    command = "env -i " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command += " " + shlex.quote(_r1_tui()) + "; echo R1TUI-EXITED=$?; sleep 30"
    tmux = Tmux(tmp_path)
    tmux.run("new-session", "-d", "-s", "t", "-x", str(size[0]), "-y", str(size[1]), command)
    tmux.wait_for("Type a prompt", "auth none")
    return tmux


def paste(tmux: Tmux, text: str) -> None:
    """A bracketed paste, as a terminal sends it (tmux turns line feeds into CR, like a real paste)."""
    source = tmux.tmp / f"paste-{len(text)}.txt"
    source.write_text(text, encoding="utf-8")
    tmux.run("load-buffer", "-b", "journey", str(source))  # set-buffer would cut a long text
    tmux.run("paste-buffer", "-p", "-d", "-b", "journey", "-t", "t")


def history(tmp_path: Path) -> HistoryStore:
    return HistoryStore.open(tmp_path / "data" / "r1-tui" / "history.db")


def quit_app(tmux: Tmux, timeout: float = 20.0) -> None:
    tmux.keys("C-q")
    tmux.wait_for("R1TUI-EXITED=0", timeout=timeout)


def test_paste_single_and_multi_line_inserts_once(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>", "ok", "</think>", "ANSWER-ONE"]),
                         Stream(content_chunks=["<think>", "ok", "</think>", "ANSWER-TWO"]))
    tmux = start(tmp_path, azure_server.base_url)
    try:
        paste(tmux, "single line paste")
        screen = tmux.wait_for("single line paste")
        assert screen.count("single line paste") == 1, screen  # once, not twice
        tmux.keys("Enter")
        tmux.wait_for("ANSWER-ONE")
        paste(tmux, "first pasted line\nsecond pasted line\nthird pasted line")
        screen = tmux.wait_for("first pasted line", "third pasted line")
        assert screen.count("second pasted line") == 1, screen
        tmux.keys("Enter")
        tmux.wait_for("ANSWER-TWO")
        quit_app(tmux)
    finally:
        tmux.kill()
    with history(tmp_path) as store:
        (row,) = store.list_conversations()
        assert row.title == "single line paste"
        prompts = [m.content for m in store.get_conversation(row.id).messages if m.role == "user"]
    assert prompts == ["single line paste", "first pasted line\nsecond pasted line\nthird pasted line"]


def test_paste_full_of_escape_sequences_is_one_sanitised_event(azure_server, tmp_path: Path) -> None:
    hostile = "\x1b[31mred\x1b[0m \x1b]0;TITLE\x07 \x1b[2J \x1b[?1049l \x1bP+q\x1b\\ " * 1300  # ~60 KB
    assert len(hostile) > 55_000
    tmux = start(tmp_path, azure_server.base_url)
    try:
        paste(tmux, hostile + "END-OF-PASTE")
        tmux.wait_for("END-OF-PASTE", timeout=10)  # one event: the whole paste lands at once
        screen = tmux.wait_for("\u241b[31mred", absent=("Paste refused",))
        assert "\u241b" in screen  # escape characters are shown, not obeyed
        quit_app(tmux, timeout=8)  # still responsive: no tens of thousands of keystrokes queued
    finally:
        tmux.kill()


def test_focus_stays_in_the_prompt_and_the_list_follows_the_open_conversation(azure_server, tmp_path: Path) -> None:
    with history(tmp_path) as store:
        seed(store, "Zebras in the savanna", [("tell me about zebras", "r", "stripes")])
        seed(store, "Quokkas on Rottnest", [("tell me about quokkas", "r", "smiles")])
    tmux = start(tmp_path, azure_server.base_url)
    try:
        tmux.keys("F2")  # the list appears; typing still goes to the prompt
        tmux.wait_for("Quokkas on Rottn", "Zebras in the sav")
        tmux.keys("abc", literal=True)
        tmux.wait_for("abc")
        tmux.keys("F2")
        tmux.wait_for("abc", absent=("Quokkas on Rottn",))
        for key in ("F3", "F3"):  # the reasoning pane goes and comes back
            tmux.keys(key)
        tmux.wait_for("Reasoning")
        tmux.keys("d", literal=True)
        tmux.wait_for("abcd")
        tmux.keys("F2")
        tmux.wait_for("Quokkas on Rottn")
        tmux.keys("Tab")  # Tab still reaches the list
        tmux.wait_for("Rename")  # the footer shows the list's keys
        tmux.keys("Down")
        tmux.keys("Enter")  # open "Zebras" from the list ...
        tmux.wait_for("stripes")
        tmux.keys("e", literal=True)  # ... and the prompt has the keys again
        tmux.wait_for("abcde")
        tmux.keys("C-f")  # open "Quokkas" from search
        tmux.wait_for("Search history")
        tmux.keys("quokkas", literal=True)
        tmux.wait_for("1 match")
        tmux.keys("Enter")
        tmux.wait_for("smiles", absent=("Search history",))
        tmux.keys("f", literal=True)
        tmux.wait_for("abcdef")
        tmux.keys("Tab")
        tmux.wait_for("Rename")
        tmux.keys("r", literal=True)  # the list's cursor is on the open conversation
        screen = tmux.wait_for("Rename conversation")
        assert "Quokkas on Rottnest" in screen and "Zebras in the savanna" not in screen.split("Rename conversation")[1]
        tmux.keys("Escape")
        tmux.wait_for("abcdef", absent=("Rename conversation",))
        quit_app(tmux)
    finally:
        tmux.kill()
    with history(tmp_path) as store:
        assert len(store.list_conversations()) == 2  # nothing archived or deleted by stray letters


STATUS_PIECE = re.compile(
    r"(read-only · )?deepseek-r1-distill-qwen-32b-eastus2 @ 127\.0\.0\.1(:\d+)?|auth none|thinking|answering|waiting"
    r"|stopped|~?\d+(\.\d+)? tok/s|TTFT \d+\.\d\d s|(last: |conv: )?~?\d+ (prompt|compl|total|reasoning)")


def status_lines(screen: str) -> list[str]:
    """The status bar: the rows between the (empty) prompt and the footer."""
    lines = [line.strip() for line in screen.rstrip("\n").splitlines()]
    prompt = max(i for i, line in enumerate(lines) if line.startswith("Type a prompt"))
    return [line for line in lines[prompt + 1 : -1] if line]


def test_status_bar_reasoning_pane_and_global_keys_at_80x24(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(
        Stream(content_chunks=["<think>", "First reasoning line.\n", "Second line.\n", "Third line.", "</think>",
                               "Here:\n\n```python\nprint('hi')\n```\n"], usage=usage(12, 40, reasoning=21)),
        Stream(reasoning_chunks=[f"slow step {i}. " for i in range(300)], content_chunks=["never"], delay_s=0.05),
    )
    tmux = start(tmp_path, azure_server.base_url)
    try:
        tmux.keys("show me", literal=True)
        tmux.keys("Enter")
        screen = tmux.wait_for("print('hi')", "Thought for", "52 total")
        status = status_lines(screen)
        assert 1 <= len(status) <= 2, status  # at most two rows at 80x24
        for line in status:  # items are dropped whole: no "TTFT 0.18" / "s" split across rows
            pieces = [p.strip() for p in re.split(r" · | │ ", line)]
            assert all(STATUS_PIECE.fullmatch(p) for p in pieces), (line, pieces)
        rows = [line.strip() for line in screen.splitlines()]
        first = next(i for i, line in enumerate(rows) if line.startswith("Reasoning"))
        stats = [line for line in rows[first + 1 : first + 3] if line.startswith("reasoning ") or "TTFT" in line]
        assert "answer at" in " ".join(stats)  # at 80 columns the stats take two rows (sparkline, first answer)
        trace = [line for line in rows[first + 1 : first + 6] if line and line not in stats]
        assert trace[:3] == ["First reasoning line.", "Second line.", "Third line."], rows  # it fits: from the top
        tmux.keys("F6")  # global keys work while the prompt has focus
        tmux.wait_for("Copied the reasoning")
        tmux.keys("F7")
        tmux.wait_for("Code block 1 of 1", "F8 or C")  # the toast names the key
        tmux.keys("again", literal=True)
        tmux.keys("Enter")
        tmux.wait_for("Thinking…")  # streaming (toasts may cover the trace itself)
        tmux.keys("C-c")  # Ctrl+C stops the answer ...
        screen = tmux.wait_for("stopped")
        assert "Do you want to quit" not in screen  # ... not Textual's generic quit hint
        quit_app(tmux)
    finally:
        tmux.kill()
    with history(tmp_path) as store:
        answers = [m for m in store.get_conversation(store.list_conversations()[0].id).messages
                   if m.role == "assistant"]
    assert [a.state for a in answers] == ["complete", "stopped"]


def test_remapped_enter_inserts_a_newline_and_ctrl_s_sends(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>", "ok", "</think>", "REMAPPED-ANSWER"]))
    tmux = start(tmp_path, azure_server.base_url, keys='send = "ctrl+s"\nnewline = "enter"')
    try:
        tmux.wait_for("Ctrl+S sends · Enter newline")  # the prompt says which keys do what
        tmux.keys("top line", literal=True)
        tmux.keys("Enter")
        tmux.keys("bottom line", literal=True)
        screen = tmux.wait_for("bottom line")
        lines = [line.strip() for line in screen.splitlines()]
        assert "top line" in lines and "bottom line" in lines  # Enter made a new line, it did not send
        tmux.keys("C-s")
        tmux.wait_for("REMAPPED-ANSWER")
        quit_app(tmux)
    finally:
        tmux.kill()
    with history(tmp_path) as store:
        (row,) = store.list_conversations()
        assert store.get_conversation(row.id).messages[0].content == "top line\nbottom line"


def reasoning_rows(screen: str) -> list[str]:
    """The reasoning pane's rows (right of the answer pane at 120 columns), below its header and stats."""
    rows = screen.splitlines()
    top = next(i for i, row in enumerate(rows) if "Reasoning ·" in row)
    col = rows[top].index("Reasoning ·")
    pane = [row[col:].rstrip() for row in rows[top + 1 :]]
    pane = pane[: next(i for i, row in enumerate(pane) if row.startswith("──"))]  # down to the prompt's border
    first = next(i for i, row in enumerate(pane) if row.startswith(("Reasoning line", "Step", "Late")))
    return pane[first:]


def test_reasoning_pane_after_a_stream_at_120x40(azure_server, tmp_path: Path) -> None:
    def lines(prefix: str, count: int) -> list[str]:
        return [f"{prefix} {i}.\n" for i in range(count - 1)] + [f"{prefix} {count - 1}."]

    azure_server.enqueue(
        Stream(content_chunks=["<think>", *lines("Reasoning line", 25), "</think>", "FITS"],
               usage=usage(12, 40, reasoning=21), delay_s=0.02),  # over several frames: rows are reserved
        Stream(content_chunks=["<think>", *lines("Step", 60), "</think>", "LONG"], usage=usage(1, 2)),
        Stream(content_chunks=["<think>", *lines("Late", 200), "</think>", "SCROLLED"], usage=usage(1, 2),
               delay_s=0.03),
    )
    tmux = start(tmp_path, azure_server.base_url, size=(120, 40))
    try:
        tmux.keys("one", literal=True)
        tmux.keys("Enter")
        rows = reasoning_rows(tmux.wait_for("FITS", "Thought for", "40 compl"))
        assert rows[0].strip() == "Reasoning line 0." and "Reasoning line 24." in rows  # it fits: all of it
        tmux.keys("two", literal=True)
        tmux.keys("Enter")
        rows = reasoning_rows(tmux.wait_for("LONG", "Step 59.", "conv: "))
        assert rows[-1].strip() == "Step 59."  # followed to its end, no blank rows reserved below
        tmux.keys("three", literal=True)
        tmux.keys("Enter")
        tmux.wait_for("Late 40.")
        tmux.keys("Tab", "Tab", "Tab")  # prompt -> list -> answer pane -> reasoning pane
        tmux.keys("Home")  # the user scrolls away: following stops ...
        tmux.wait_for("Late 0.")
        rows = reasoning_rows(tmux.wait_for("SCROLLED", "Thought for"))
        assert rows[0].strip() == "Late 0."  # ... and the end of the stream leaves the view where it was
        quit_app(tmux)
    finally:
        tmux.kill()


def test_copy_right_after_opening_a_conversation(azure_server, tmp_path: Path) -> None:
    with history(tmp_path) as store:
        seed(store, "Stored conversation", [("a question", "its reasoning", "THE STORED ANSWER")])
    tmux = start(tmp_path, azure_server.base_url)
    try:
        tmux.keys("F2")
        tmux.wait_for("Stored conversatio")
        tmux.keys("Tab")
        tmux.wait_for("Rename")
        tmux.keys("Enter", "F5")  # open, and copy at once: the copy waits for the answers to show
        tmux.wait_for("THE STORED ANSWER", "Copied the answer")
        quit_app(tmux)
    finally:
        tmux.kill()
