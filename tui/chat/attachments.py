"""Files attached to a prompt: read as text (never binary), sent before the prompt as fenced blocks.

One limit covers the prompt and its attachments together (the same as the prompt's paste
limit), and it is checked before anything is sent.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from tui.store.models import Attachment

MAX_PROMPT_CHARS = 400_000  # prompt + attachments; also the composer's paste limit
_BACKTICKS = re.compile(r"`{3,}")


class AttachmentError(ValueError):
    """The file cannot be attached; the message says why."""


def read_attachment(path: str | os.PathLike[str]) -> Attachment:
    """The text of file ``path``, named as given; refuses directories, binary and non-UTF-8 files."""
    shown = os.fspath(path)
    file = Path(path).expanduser()
    try:
        if not file.is_file():
            raise AttachmentError(f"{shown}: not a file" if file.exists() else f"{shown}: no such file")
        if file.stat().st_size > MAX_PROMPT_CHARS * 4:
            raise AttachmentError(f"{shown}: too large to attach ({file.stat().st_size:,} bytes; "
                                  f"the limit is {MAX_PROMPT_CHARS:,} characters with the prompt)")
        data = file.read_bytes()
    except OSError as exc:
        raise AttachmentError(f"{shown}: cannot read it: {exc.strerror or exc}") from exc
    if b"\x00" in data:
        raise AttachmentError(f"{shown}: a binary file cannot be attached (only text files)")
    try:
        text = data.decode("utf-8")  # pragma: no mutate (codec names are case-insensitive)
    except UnicodeDecodeError as exc:
        raise AttachmentError(f"{shown}: not UTF-8 text (byte {exc.start}); only text files can be attached") from exc
    return Attachment(shown, text)


def fence_for(text: str) -> str:
    """A code fence longer than any run of backticks in ``text`` (at least three)."""
    longest = max((len(m.group()) for m in _BACKTICKS.finditer(text)), default=2)
    return "`" * max(3, longest + 1)


def compose(text: str, attachments: Sequence[Attachment] = ()) -> str:
    """What the model receives for a prompt: each attachment as a fenced block headed by its name, then the text."""
    if not attachments:
        return text
    blocks = []
    for attachment in attachments:
        fence = fence_for(attachment.content)
        body = attachment.content if attachment.content.endswith("\n") else attachment.content + "\n"
        blocks.append(f"{attachment.name}\n{fence}\n{body}{fence}")
    return "\n\n".join([*blocks, text]) if text else "\n\n".join(blocks)


def check_size(text: str, attachments: Sequence[Attachment] = ()) -> None:
    """Raise :class:`AttachmentError` when the prompt and its attachments exceed the limit."""
    total = len(text) + sum(len(a.content) for a in attachments)
    if total > MAX_PROMPT_CHARS:
        raise AttachmentError(f"the prompt and its attachments are {total:,} characters; the limit is "
                              f"{MAX_PROMPT_CHARS:,} — attach less, or split the question")
