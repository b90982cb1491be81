"""What can run now, and why not: the palette lists every command and says why one cannot run."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from tui.ui.compare import ACTION as COMPARE, why_not as compare_why_not
from tui.ui.context import AppContext
from tui.ui.panes import Panes

NEEDS_ANSWER = ("regenerate", "copy_answer", "copy_reasoning", "copy_code_block", "next_code_block", "trace('replay')")
COMPOSING = ("edit_in_editor", "recall_search", "attach")
NEEDS_CLIENT = ("regenerate", "switch_deployment", "edit_prompt", *COMPOSING)
NOT_OFFLINE = ("regenerate", "switch_deployment", "switch_profile", "settings", "edit_prompt", "fork_conversation",
               *COMPOSING)
NOT_WHILE_STREAMING = ("new_conversation", "regenerate", "settings", "switch_deployment", "setup", "edit_prompt",
                       "prev_branch", "next_branch", "fork_conversation", "trace('replay')")
NEEDS_TRACE = tuple(f"trace('{key}')" for key in (
    "next_step", "prev_step", "next_pivot", "prev_pivot", "find_in_trace", "find_next", "find_prev"))
NEEDS_CONVERSATION = ("export", "edit_prompt", "prev_branch", "next_branch", "fork_conversation", "trace('note')")


def streaming_now(screen: Screen[Any]) -> bool:
    """An answer streams (or waits to retry): the main screen's Esc stops something now."""
    return screen.check_action("stop", ()) is True


def why_not(action: str, context: AppContext, panes: Panes, *, conv_id: str | None, streaming: bool) -> str | None:
    """Why ``action`` (a main-screen action name) cannot run now; None if it can."""
    answers = panes.answers
    if action in NOT_OFFLINE and context.read_only:
        return "offline (--offline): history is read-only"
    if action in NEEDS_CLIENT and context.client is None:
        return "no endpoint is configured (Set up an endpoint)"
    if action == "setup" and not context.writes_config:
        return "--demo never writes config.toml: run r1-tui without --demo to set up an endpoint"
    if action in NEEDS_ANSWER and not answers.answers():
        return "there is no answer yet"
    if action in ("prev_prompt", "next_prompt") and not answers.prompts():
        return "no prompts in this conversation yet"
    if action in NEEDS_CONVERSATION and conv_id is None:
        return "open or start a conversation first"
    if action == "fork_conversation" and not context.history_writable:
        return "the history is read-only"
    if action == "trace('note')" and not context.history_writable:
        return f"the history is read-only{' (--offline)' if context.read_only else ''}: notes cannot be saved"
    if action == "undo_archive" and not panes.listing.check_action("undo_archive", ()):
        return "nothing was archived just now"
    if action in NOT_WHILE_STREAMING and streaming:
        return "an answer is streaming (Esc stops it)"
    if action == "toggle_thinking" and not context.defaults.has_thinking_switch:
        return "this profile has no thinking switch (set thinking_param: README, Models and hosts)"
    if action == "show_error" and not panes.status.model.error_details:
        return "no error so far"
    if action == COMPARE:
        return compare_why_not(panes)
    if action in NEEDS_TRACE and not panes.reasoning.trace.rows:
        return "no reasoning is shown (choose an answer that has some)"
    if action == "stop" and not streaming:
        return "nothing is streaming"
    return None
