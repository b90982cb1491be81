"""Every key of the app, in one place: the global keys and, per area, where each one works.

To add a key: add a ``Binding`` with an ``id`` to :data:`SCREEN_BINDINGS` (a global key;
the action is ``MainScreen.action_<name>``) or to the ``BINDINGS`` of the widget it acts
on, listed in :func:`areas`. F1, the ``[keys]`` check and README's key table
(``tests/test_keys_doc.py``) are all generated from these lists.

Footer order is list order: the most useful keys first (the footer shows what fits, at
80 columns too). A global key works in every area: where an area's widget binds the
same key itself (the prompt's editor has F6, F7, Ctrl+C and Ctrl+E, and types the letter of
an Alt+letter a terminal sends as ESC letter) the global binding is ``priority``. Only those are: a priority key acts when it arrives, ahead of keys typed
before it, so keys stay in order. A printable key (``y``, ``c``, ``j``…) is typed while
the prompt has focus and works everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType

from tui.ui.screens.compare import CompareScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.search import SearchScreen
from tui.ui.widgets.alternatives import AnswerGroup
from tui.ui.widgets.answer_pane import AnswerPane
from tui.ui.widgets.chip import AttachmentChip
from tui.ui.widgets.conversations import ConversationList
from tui.ui.widgets.prompt import PromptInput

# In every screen, dialogs included (shown in the footer through their copies below).
APP_BINDINGS: list[BindingType] = [
    Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="quit"),
    Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True, id="command_palette"),
]

SCREEN_BINDINGS: list[BindingType] = [
    Binding("ctrl+n", "new_conversation", "New", tooltip="New conversation", id="new_conversation"),
    Binding("ctrl+f", "search", "Search", priority=True, id="search"),
    Binding("escape", "stop", "Stop", tooltip="Stop the answer (or the retry wait)", id="stop"),  # shown while an answer streams
    # shown while a replay runs (trace review, tui/ui/replay.py); Esc ends it before it goes to the prompt
    Binding("escape", "trace('replay_stop')", "End replay", tooltip="End the replay (the answer as stored)",
            id="replay_stop"),
    Binding("plus", "trace('replay_faster')", "Faster", tooltip="Replay faster (×1, ×2, ×4, ×16)", id="replay_faster"),
    Binding("minus", "trace('replay_slower')", "Slower", tooltip="Replay slower", id="replay_slower"),
    Binding("f1", "help", "Help", tooltip="Every key (this list)", id="help"),
    Binding("ctrl+q", "app.quit", "Quit", tooltip="Quit (a running answer is saved first)", priority=True,
            id="quit"),
    Binding("f2", "toggle_list", "List", tooltip="Show / hide the conversation list", id="toggle_list"),
    Binding("f3,ctrl+r", "toggle_reasoning", "Reasoning", tooltip="Show / hide the reasoning pane",
            id="toggle_reasoning"),
    Binding("ctrl+p", "app.command_palette", "Commands", tooltip="Command palette: every action by name",
            priority=True, id="command_palette"),
    Binding("ctrl+c", "interrupt", "Stop (or copy the selection)", show=False, priority=True, id="interrupt"),
    Binding("ctrl+e", "edit_in_editor", "Editor", tooltip="Compose the prompt in $VISUAL / $EDITOR (else vi)",
            show=False, priority=True, id="edit_in_editor"),
    Binding("alt+r", "recall_search", "Recall", tooltip="Search earlier prompts (every conversation) into the prompt",
            show=False, priority=True, id="recall_search"),
    Binding("alt+a", "attach", "Attach", tooltip="Attach a text file to the next prompt (a path; Tab completes)",
            show=False, priority=True, id="attach"),
    Binding("ctrl+g", "regenerate", "Ask again", show=False, id="regenerate"),
    Binding("f4,escape", "focus_prompt", "Back to the prompt", show=False, id="focus_prompt"),
    Binding("ctrl+up", "prev_answer", "Prev answer", show=False, id="prev_answer"),
    Binding("ctrl+down", "next_answer", "Next answer", show=False, id="next_answer"),
    Binding("f5,y", "copy_answer", "Copy answer", show=False, id="copy_answer"),
    Binding("f6,Y", "copy_reasoning", "Copy reasoning", show=False, priority=True, id="copy_reasoning"),
    Binding("f7,c", "next_code_block", "Next code block", show=False, priority=True, id="next_code_block"),
    Binding("f8,C", "copy_code_block", "Copy code block", show=False, id="copy_code_block"),
    Binding("f9", "settings", "Settings", show=False, id="settings"),
    Binding("ctrl+t", "toggle_thinking", "Thinking on/off",
            tooltip="Thinking on/off for this conversation (profiles with a thinking_param only)", show=False,
            priority=True, id="toggle_thinking"),
    Binding("ctrl+o", "show_error", "Last error", tooltip="The last error in full (the status line shows its start)",
            show=False, id="show_error"),
    Binding("{,alt+up", "prev_prompt", "Previous prompt", show=False, id="prev_prompt"),
    Binding("},alt+down", "next_prompt", "Next prompt", show=False, id="next_prompt"),
    Binding("slash", "search", "Search (outside the prompt)", show=False, id="search_slash"),
    Binding("e", "edit_prompt", "Edit the prompt (a new branch)", show=False, id="edit_prompt"),
    Binding("left_parenthesis", "prev_branch", "Previous branch (at the nearest fork)", show=False, id="prev_branch"),
    Binding("right_parenthesis", "next_branch", "Next branch (at the nearest fork)", show=False, id="next_branch"),
    Binding("alt+z", "trace('zoom_pane')", "Zoom", tooltip="Zoom: the focused pane (from the prompt: the answers) "
            "takes the screen; again (or Esc) gives the layout back", show=False, priority=True, id="zoom_pane"),
    Binding("alt+m", "trace('toggle_raw')", "Math / raw", tooltip="Answers and reasoning: math shown as Unicode, "
            "or the raw LaTeX (display only: copies keep the raw text)", show=False, priority=True, id="toggle_raw"),
    Binding("j", "cursor_down", "Down (lists, panes)", show=False, id="cursor_down"),
    Binding("k", "cursor_up", "Up (lists, panes)", show=False, id="cursor_up"),
    Binding("p", "trace('replay')", "Replay the answer",
            tooltip="Replay the focused (or last) answer at its recorded pace; never saved", show=False, id="replay"),
    Binding("alt+n", "trace('note')", "Note", tooltip="Add, edit or delete a note on the focused answer (or its prompt)",
            show=False, priority=True, id="note"),
    Binding("equals_sign", "trace('compare')", "Compare alternatives",
            tooltip="Two alternatives of the focused (or last) answer side by side, words that differ marked",
            show=False, id="compare"),
    # Reading a trace (issue 14): run by tui/ui/review.py's TraceReview, by id.
    Binding("s", "trace('next_step')", "Next step of the trace (marks it; header: step n/m)", show=False,
            id="next_step"),
    Binding("S", "trace('prev_step')", "Previous step of the trace", show=False, id="prev_step"),
    Binding("w", "trace('next_pivot')", "Next pivot of the trace (Wait, But… marked » in its margin)", show=False,
            id="next_pivot"),
    Binding("W", "trace('prev_pivot')", "Previous pivot of the trace", show=False, id="prev_pivot"),
    Binding("alt+s", "trace('find_in_trace')", "Find in trace",
            tooltip="Find in the shown trace (Enter / Shift+Enter or Down / Up: next / previous; Esc closes)",
            show=False, priority=True, id="find_in_trace"),
    Binding("n", "trace('find_next')", "Next match in the trace", show=False, id="find_next"),
    Binding("N", "trace('find_prev')", "Previous match in the trace", show=False, id="find_prev"),
]

# Ids that share a default key on purpose: the first one that can run now takes it.
SHARED_KEYS = {
    frozenset({"stop", "focus_prompt"}),  # Esc stops a running answer, else goes to the prompt
    frozenset({"stop", "replay_stop"}),  # ... else ends a replay (never both: no replay while an answer streams)
    frozenset({"replay_stop", "focus_prompt"}),
    frozenset({"edit_prompt", "edit_prompt_answer"}),  # the same action: on a focused answer, shown in the footer
}

TYPED_IN_PROMPT = ("Single-character keys (y Y c C e ( ) j k { } / p + - = s S w W n N) work outside the "
                   "prompt, where they are typed.")


@dataclass(frozen=True)
class Area:
    """Where a group of keys works, and those keys."""

    name: str
    bindings: tuple[Binding, ...]
    note: str = ""


def _bindings(bindings: object) -> tuple[Binding, ...]:
    return tuple(b for b in bindings if isinstance(b, Binding)) if isinstance(bindings, (list, tuple)) else ()


def areas() -> list[Area]:
    """Every area of the main screen and its dialogs, with its keys (global keys first)."""
    screen_ids = {b.id for b in _bindings(SCREEN_BINDINGS)}
    return [
        Area("Global", (*_bindings(SCREEN_BINDINGS), *(b for b in _bindings(APP_BINDINGS) if b.id not in screen_ids)),
             TYPED_IN_PROMPT),
        Area("Prompt", _bindings(PromptInput.BINDINGS),
             "Up on the first line of an empty (or just recalled) prompt: earlier prompts, newest first; "
             "Down: back towards what you typed. A paste over 40 lines becomes an attachment."),
        Area("Conversation list", (*_bindings(ConversationList.BINDINGS), Binding("enter", "select", "Open"))),
        Area("Answer pane", _bindings(AnswerPane.BINDINGS)),
        Area("Focused answer", _bindings(AnswerGroup.BINDINGS)),
        Area("Attachment chip", _bindings(AttachmentChip.BINDINGS),
             "Attachments show as chips above the prompt; Shift+Tab from the prompt reaches them."),
        Area("Everywhere", (Binding("tab,shift+tab", "focus", "Move focus between the areas"),)),
        Area("Search dialog", (*_bindings(SearchScreen.BINDINGS), Binding("enter", "open", "Open the result"))),
        Area("Confirm dialog", _bindings(ConfirmScreen.BINDINGS)),
        Area("Compare screen", _bindings(CompareScreen.BINDINGS),
             "Up, Down, PageUp, PageDown, Home and End scroll both columns together."),
    ]


def keymap_scopes() -> dict[str, list[Binding]]:
    """Ids per area where their keys compete: the global keys count in every area."""
    everywhere = [b for b in areas()[0].bindings if b.id]
    scopes = {"everywhere": everywhere}
    for area in areas()[1:6]:
        scopes[area.name.lower()] = everywhere + [b for b in area.bindings if b.id]
    return scopes
