"""Notes in the app (issue 14, key id ``note``): the dialog adds, edits and deletes the note on the
focused answer or its prompt (keys typed before Ctrl+S are saved with it), the note shows under its
message (sanitised) and comes back when the conversation is opened again, the app's search finds it
and jumps to its message, the Markdown export has it, and read-only history says why not."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input, Static

from tui.store import HistoryStore
from tui.ui.factory import build_app
from tui.ui.screens.note import NoteScreen
from tui.ui.screens.search import SearchScreen
from tui.ui.widgets.prompt_block import PromptBlock

try:
    from tests.uihelpers import make_app, seed, wait_for
except ImportError:  # tests/ itself on sys.path
    from uihelpers import make_app, seed, wait_for  # type: ignore[no-redef]

NOWHERE = "http://127.0.0.1:9/openai/v1/"


def seeded(db: Path) -> tuple[str, str, str]:
    """A conversation of two turns; returns its id and the ids of the first prompt and answer."""
    store = HistoryStore.open(db)
    conv = seed(store, "noted", [("what is 17*23?", "think", "It is 391."), ("and 18*23?", "think", "414")])
    messages = store.get_conversation(conv).messages  # type: ignore[union-attr]
    store.close()
    return conv, messages[0].id, messages[1].id


def notes(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(n.message) for n in app._notifications)


def note_line(block) -> str:  # type: ignore[no-untyped-def]
    line = block.query_one(".answer-notes", Static)
    return str(line.render()) if line.display else ""


async def test_a_note_typed_then_saved_with_ctrl_s_shows_under_the_answer_and_is_stored(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    conv, prompt_id, answer_id = seeded(db)
    app, store, client = make_app(NOWHERE, db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.main_screen
        await screen.history.open(conv)
        await pilot.pause()
        block = screen.panes.answers.answers()[0]
        screen.set_focus(block)
        await pilot.press("alt+n")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteScreen))
        assert "Add a note on the answer" in str(app.screen.query_one("#note-target", Static).render())
        # typed fast (all queued at once, as a terminal delivers a burst), then the save: Ctrl+S is not a
        # priority key, so it acts after the letters reached the input, not ahead of them
        for key in [*"check", "space", *"this", "ctrl+s"]:
            app.post_message(events.Key(key, " " if key == "space" else key if len(key) == 1 else None))
        await wait_for(pilot, lambda: not isinstance(app.screen, NoteScreen))
        assert [n.body for n in store.get_notes(answer_id)] == ["check this"]
        await pilot.pause()
        assert "✎ check this" in note_line(block)
        assert "Note added" in notes(app)

        screen.set_focus(block)  # edit: the dialog has the note; Enter saves the new text
        await pilot.press("alt+n")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteScreen))
        field = app.screen.query_one(Input)
        assert field.value == "check this"
        field.value = ""
        await pilot.press(*"recheck 391", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, NoteScreen))
        assert [n.body for n in store.get_notes(answer_id)] == ["recheck 391"]
        await pilot.pause()
        assert "recheck 391" in note_line(block)

        store.add_note(prompt_id, "evil\x1b[31m red\u202e")  # written elsewhere (an import, the CLI)
        await screen.history.open(conv)  # opened again: the notes are read with the conversation
        await pilot.pause()
        assert "recheck 391" in note_line(screen.panes.answers.answers()[0])
        shown = str(screen.panes.answers.prompts()[0].render())
        assert "✎ evil" in shown and "\x1b" not in shown and "\u202e" not in shown  # sanitised
        path = screen.history.export()
        assert path is not None and "**Note:** recheck 391" in path.read_text(encoding="utf-8")

        block = screen.panes.answers.answers()[0]
        screen.set_focus(block)  # empty text deletes it
        await pilot.press("alt+n")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteScreen))
        app.screen.query_one(Input).value = ""
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, NoteScreen))
        await pilot.pause()
        assert store.get_notes(answer_id) == [] and note_line(block) == "" and "Note deleted" in notes(app)
    store.close()
    await client.aclose()


async def test_a_note_on_the_prompt_is_found_by_search_and_esc_cancels(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    conv, prompt_id, answer_id = seeded(db)
    app, store, client = make_app(NOWHERE, db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.main_screen
        await screen.history.open(conv)
        await pilot.pause()
        screen.set_focus(screen.panes.answers.answers()[0])
        await pilot.press("alt+n")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteScreen))
        await pilot.press("x", "escape")  # Esc cancels: nothing stored
        await wait_for(pilot, lambda: not isinstance(app.screen, NoteScreen))
        assert store.get_notes(answer_id) == []

        screen.set_focus(screen.panes.answers.answers()[0])
        await pilot.press("alt+n")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteScreen))
        await pilot.press("ctrl+t")  # on the prompt instead
        assert "on the prompt" in str(app.screen.query_one("#note-target", Static).render())
        await pilot.press(*"horsefly wording", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, NoteScreen))
        assert [n.body for n in store.get_notes(prompt_id)] == ["horsefly wording"]
        assert store.get_notes(answer_id) == []
        prompt = next(p for p in screen.panes.answers.prompts() if p.msg_id == prompt_id)
        assert "✎ horsefly wording" in str(prompt.render())

        await screen.action_new_conversation()
        await pilot.pause()
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        await pilot.press(*"horsefly")
        search = app.screen
        await wait_for(pilot, lambda: search.searched == "horsefly" and search.hits)
        assert search.hits[0].field == "note" and "your note" in search.query_one("#search-results").get_option_at_index(0).prompt.plain
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.history.conv_id == conv)
        await pilot.pause()
        assert "The matched message is not shown" not in notes(app)
        assert any(isinstance(p, PromptBlock) and "horsefly" in str(p.render()) for p in screen.panes.answers.prompts())
    store.close()
    await client.aclose()


async def test_read_only_history_says_why_no_note(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    conv, _, _ = seeded(db)
    read_only = HistoryStore.open(db, read_only=True)
    app = build_app(client=None, store=read_only, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.main_screen
        await screen.history.open(conv)
        await pilot.pause()
        screen.set_focus(screen.panes.answers.answers()[0])
        await pilot.press("alt+n")
        await pilot.pause()
        assert not isinstance(app.screen, NoteScreen)
        assert "Cannot add a note: the history is read-only (--offline)" in notes(app)
        palette_why = screen.unavailable("trace('note')")
        assert palette_why is not None and "read-only" in palette_why
    read_only.close()
