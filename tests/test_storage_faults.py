"""#15.10: storage faults give clear messages and keep browsing possible; nothing is a traceback."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.loopback import Stream
from tui.store import HistoryStore, StoreError
from tui.metrics import Timing, Usage
from tui.store.background import BackgroundWriter
from tui.store.ids import new_id

try:
    from tests.test_ask_cli import env_for
except ImportError:  # tests/ itself on sys.path
    from test_ask_cli import env_for  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parents[1]


def cli(tmp_path: Path, *args: str, data: Path | None = None, read_only_dir: Path | None = None,
        **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m tui ARGS``; with ``read_only_dir``, inside a mount namespace where that folder is read-only."""
    environment = env_for(tmp_path, **({"XDG_DATA_HOME": str(data)} if data else {}), **env)
    command = [sys.executable, "-m", "tui", *args]
    if read_only_dir is not None:
        script = f'mount --bind -o ro "{read_only_dir}" "{read_only_dir}" && exec "$0" "$@"'
        command = ["unshare", "-m", "sh", "-c", script, *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=environment, cwd=REPO)


def can_mount_read_only(tmp_path: Path) -> bool:
    probe = tmp_path / "probe"
    probe.mkdir()
    if shutil.which("unshare") is None:
        return False
    script = f'mount --bind -o ro "{probe}" "{probe}" && ! touch "{probe}/x" 2>/dev/null'
    return subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True).returncode == 0


def seeded(data: Path) -> Path:
    path = data / "r1-tui" / "history.db"
    with HistoryStore.open(path) as store:
        cid = store.create_conversation("kept conversation")
        uid = store.add_user_message(cid, "q")
        aid = store.begin_answer(cid, uid, model="m", deployment="d", endpoint_host="h")
        store.append_to_answer(aid, answer="stored answer")
        store.update_answer(aid, state="complete", finish_reason="stop", usage=Usage(1, 2, 3, None, False),
                            timing=Timing(0.1, 0.2, 0.3))
    return path


# --------------------------------------------------------------------------- full disk

def limit_pages(store: HistoryStore) -> None:
    """A disk with two pages left: SQLite's max_page_count makes writes beyond it fail as SQLITE_FULL."""
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages + 2}")


def test_a_full_disk_says_so(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    limit_pages(store)
    cid = store.create_conversation("t")
    uid = store.add_user_message(cid, "q")
    aid = store.begin_answer(cid, uid, model="m", deployment="d", endpoint_host="h")
    with pytest.raises(StoreError) as info:
        store.update_answer(aid, answer="x" * 200_000)
    assert "database or disk is full" in str(info.value) and "rollback" not in str(info.value)
    store.update_answer(aid, answer="still writable once there is room")
    store.close()


def test_the_background_writer_reports_a_full_disk(tmp_path: Path) -> None:
    errors: list[BaseException] = []
    writer = BackgroundWriter(tmp_path / "h.db", on_error=errors.append)
    limit_pages(writer._store)
    conv, prompt, answer = new_id(), new_id(), new_id()
    writer.create_conversation(conv, "t")
    writer.add_prompt(conv, prompt, "q", None)
    writer.begin_answer(conv, answer, prompt, model="m", deployment="d", endpoint_host="h", choice_index=0)
    writer.append(answer, reasoning="r" * 300_000, answer="a" * 300_000)
    writer.flush().exception(timeout=30)
    writer.close()
    assert errors and "database or disk is full" in str(errors[0]) and "rollback" not in str(errors[0])


# --------------------------------------------------------------------------- read-only folder

def test_read_only_data_folder_still_browses(tmp_path: Path, azure_server) -> None:
    if not can_mount_read_only(tmp_path):
        pytest.skip("needs a mount namespace (unshare -m, root)")
    data = tmp_path / "data"
    seeded(data)
    listed = cli(tmp_path, "history", "list", "--json", data=data, read_only_dir=data)
    assert listed.returncode == 0, listed.stderr
    assert [c["title"] for c in json.loads(listed.stdout)] == ["kept conversation"]
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>", "fine"]))
    asked = cli(tmp_path, "ask", "--endpoint", azure_server.base_url, "--deployment", "d", "q", data=data,
                read_only_dir=data)
    assert asked.returncode == 0 and asked.stdout == "fine\n"
    assert "cannot be written" in asked.stderr and "(the answer is not saved)" in asked.stderr
    assert "Traceback" not in asked.stderr + listed.stderr
    probe = ("import sys; from pathlib import Path; from tui.commands.open_history import open_history; "
             "s = open_history(Path(sys.argv[1]), read_only=sys.argv[2] == 'ro', interactive=False, report=print, "
             "stdin=sys.stdin, stderr=sys.stderr); print('TITLES', [c.title for c in s.list_conversations()], s.read_only)")
    for mode in ("ro", "rw"):  # --offline, and the app with an endpoint
        result = subprocess.run(["unshare", "-m", "sh", "-c", f'mount --bind -o ro "{data}" "{data}" && exec "$0" "$@"',
                                 sys.executable, "-c", probe, str(data / "r1-tui" / "history.db"), mode],
                                capture_output=True, text=True, timeout=60, cwd=REPO)
        assert "TITLES ['kept conversation'] True" in result.stdout, result.stdout + result.stderr
        if mode == "rw":
            assert "history opened read-only: browsing works, new answers are not saved" in result.stdout


def test_a_data_folder_that_cannot_be_created(tmp_path: Path, azure_server) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder's parent should be")
    data = blocker / "data"
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>", "fine"]))
    asked = cli(tmp_path, "ask", "--endpoint", azure_server.base_url, "--deployment", "d", "q", data=data)
    assert asked.returncode == 0 and asked.stdout == "fine\n"
    assert "cannot create" in asked.stderr and "(the answer is not saved)" in asked.stderr
    listed = cli(tmp_path, "history", "list", data=data)
    assert listed.returncode == 0 and "No conversations yet." in listed.stdout
    assert "Traceback" not in asked.stderr + listed.stderr


# --------------------------------------------------------------------------- tampered rows

def tampered(tmp_path: Path) -> tuple[Path, list[str]]:
    data = tmp_path / "data"
    path = seeded(data)
    with HistoryStore.open(path) as store:
        other = store.create_conversation("untouched")
        store.add_user_message(other, "fine")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE messages SET prompt_tokens = 'abc', first_token_s = 'soon', content = X'00ff41', "
                 "choice_index = 'x' WHERE role = 'assistant'")
    conn.execute("UPDATE conversations SET title = X'ff', updated_at = 7 WHERE title = 'kept conversation'")
    conn.commit()
    ids = [row[0] for row in conn.execute("SELECT id FROM conversations ORDER BY rowid")]
    conn.close()
    return data, ids


@pytest.mark.parametrize("command", [["list"], ["list", "--json"], ["show", "ID"], ["show", "ID", "--json"],
                                     ["export", "--all"], ["export", "ID", "--format", "md"], ["search", "q"]])
def test_wrong_typed_values_are_a_damaged_row_and_the_rest_browses(tmp_path: Path, command: list[str]) -> None:
    data, (damaged, untouched) = tampered(tmp_path)
    result = cli(tmp_path, "history", *[damaged if a == "ID" else a for a in command], data=data)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    if command[0] != "search":
        assert "damaged row:" in result.stderr
    if command[0] == "show":
        assert "prompt_tokens is str 'abc'" in result.stderr and "content is bytes" in result.stderr
    listed = cli(tmp_path, "history", "show", untouched, "--json", data=data)
    assert listed.returncode == 0 and json.loads(listed.stdout)["title"] == "untouched"


# --------------------------------------------------------------------------- the fresh history chosen earlier

def test_ask_and_history_use_the_fresh_history_chosen_in_the_app(tmp_path: Path, azure_server) -> None:
    data = tmp_path / "data"
    folder = data / "r1-tui"
    folder.mkdir(parents=True)
    (folder / "history.db").write_bytes(b"this is not a database" * 100)
    with HistoryStore.open(folder / "history.fresh-20260101T000000Z.db") as store:  # what the app's offer made
        store.create_conversation("started in the fresh history")
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>", "saved"]))
    asked = cli(tmp_path, "ask", "--endpoint", azure_server.base_url, "--deployment", "d", "--json", "new question",
                data=data)
    assert asked.returncode == 0 and json.loads(asked.stdout)["conversation_id"]
    assert "using" in asked.stderr and "history.fresh-20260101T000000Z.db" in asked.stderr
    listed = cli(tmp_path, "history", "list", "--json", data=data)
    assert listed.returncode == 0, listed.stderr
    assert sorted(c["title"] for c in json.loads(listed.stdout)) == ["new question", "started in the fresh history"]
    assert (folder / "history.db").read_bytes() == b"this is not a database" * 100  # left untouched
