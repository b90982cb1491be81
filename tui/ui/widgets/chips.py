"""The attachments of the next prompt, as a row of chips above it (hidden while empty).

Tab / Shift+Tab reach the chips from the prompt; each chip (:mod:`.chip`) asks to be removed
(Delete / Backspace) or expanded back into the prompt (Enter); the row does it and hands the
text (and the focus, when the last chip goes) back through its callbacks.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.containers import Horizontal

from tui.store.models import Attachment
from tui.ui.widgets.chip import AttachmentChip


class AttachmentChips(Horizontal):
    """The row of chips; what is sent with the next prompt, in order."""

    DEFAULT_CSS = """
    AttachmentChips { height: auto; max-height: 3; display: none; padding: 0 1; }
    AttachmentChips.-has-chips { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.on_expand: Callable[[str], None] = lambda _text: None  # the text goes back into the prompt
        self.on_empty: Callable[[], None] = lambda: None  # the last chip went: focus returns to the prompt

    def chips(self) -> list[AttachmentChip]:
        return list(self.query(AttachmentChip))

    @property
    def attachments(self) -> tuple[Attachment, ...]:
        return tuple(chip.attachment for chip in self.chips())

    async def add(self, attachment: Attachment, *, pasted: bool = False) -> AttachmentChip:
        chip = AttachmentChip(attachment, pasted=pasted)
        await self.mount(chip)
        self.add_class("-has-chips")
        return chip

    async def remove_chip(self, chip: AttachmentChip) -> None:
        """Remove ``chip``; the focus moves to its neighbour, or back to the prompt."""
        chips = self.chips()
        index = chips.index(chip)
        was_focused = chip.has_focus
        await chip.remove()
        rest = self.chips()
        if not rest:
            self.remove_class("-has-chips")
            self.on_empty()
        elif was_focused:
            rest[min(index, len(rest) - 1)].focus()

    async def expand_chip(self, chip: AttachmentChip) -> None:
        """Put the chip's text into the prompt and drop the chip."""
        text = chip.attachment.content
        await self.remove_chip(chip)
        self.on_expand(text)

    @on(AttachmentChip.Removed)
    async def _chip_removed(self, event: AttachmentChip.Removed) -> None:
        event.stop()
        if isinstance(event, AttachmentChip.Expanded):
            await self.expand_chip(event.chip)
        else:
            await self.remove_chip(event.chip)

    async def clear(self) -> None:
        """Drop every chip (after the prompt was sent)."""
        await self.remove_children()
        self.remove_class("-has-chips")
