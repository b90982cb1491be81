"""The main screen's widgets, typed, for the helpers that act on them (no App in between)."""

from __future__ import annotations

from dataclasses import dataclass

from tui.ui.widgets.answer_pane import AnswerPane
from tui.ui.widgets.chips import AttachmentChips
from tui.ui.widgets.conversations import ConversationList
from tui.ui.widgets.prompt import PromptInput
from tui.ui.widgets.reasoning_pane import ReasoningPane
from tui.ui.widgets.status import StatusBar
from tui.ui.widgets.title_bar import TitleBar


@dataclass(frozen=True)
class Panes:
    """Every area of the main screen."""

    title: TitleBar
    listing: ConversationList
    answers: AnswerPane
    reasoning: ReasoningPane
    prompt: PromptInput
    chips: AttachmentChips  # the attachments of the next prompt, above it
    status: StatusBar
