"""Incremental splitting of streamed ``content`` into reasoning and answer.

DeepSeek-R1 and its kin put their reasoning in ``<think>...</think>`` at the start of
the content. Tags may be split across chunks anywhere, the opening tag may be missing
(the stream starts inside the reasoning and only ``</think>`` appears), the block may be
empty, and a later literal ``<think>`` in the answer is answer text.

The splitter is O(1) amortised per character: it never rescans text it has already
emitted, holding back at most ``len("</think>") - 1`` characters that could start a tag,
plus a run of trailing whitespace of the reasoning (stripped when the block closes).

The result of any chunking equals :func:`split_whole` of the concatenated text.

With ``answer_first`` (a deployment known never to send ``</think>``, see
tui/llm/tag_memory.py), content without an opening ``<think>`` streams straight as answer;
should a ``</think>`` come after all, a ``reclassify`` piece says that everything so far
was reasoning. A stream cut short (``finish(cut_short=True)``, finish_reason ``length``)
inside untagged reasoning keeps it as reasoning: half-finished reasoning is never
shown as the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

OPEN_TAG = "<think>"
CLOSE_TAG = "</think>"

# "reclassify" (answer_first mode only): everything this choice got so far was reasoning;
# its text is that reasoning, and the answer starts empty again.
PieceKind = Literal["reasoning", "answer", "reclassify"]


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text the splitter is sure (or, when ``provisional``, fairly sure) about."""

    kind: PieceKind
    text: str
    provisional: bool = False


def split_whole(text: str) -> tuple[str, str]:
    """Split a complete content string into ``(reasoning, answer)`` in one go.

    This is the reference the incremental splitter must agree with.
    """
    s = text.lstrip()
    if s.startswith(OPEN_TAG):
        body = s[len(OPEN_TAG) :]
        end = body.find(CLOSE_TAG)
        if end < 0:
            return body.strip(), ""
        return body[:end].strip(), body[end + len(CLOSE_TAG) :].lstrip()
    end = s.find(CLOSE_TAG)
    if end < 0:
        return "", s
    return s[:end].strip(), s[end + len(CLOSE_TAG) :].lstrip()


def _partial_tag_suffix(text: str, tag: str) -> int:
    """Length of the longest proper prefix of ``tag`` that ``text`` ends with.

    The tags hold a single "<", at their start, so only the last "<" among the final
    ``len(tag) - 1`` characters can begin such a prefix.
    """
    window = max(0, len(text) - len(tag) + 1)  # pragma: no mutate (only bounds the search: a wider one finds the same "<")
    start = text.rfind("<", window)  # pragma: no mutate (as above; the tags hold one "<")
    if start < 0:
        return 0
    return len(text) - start if tag.startswith(text[start:]) else 0


_State = Literal["start", "think", "provisional", "answer_watch", "answer_lead", "answer"]


@dataclass
class ThinkSplitter:
    """Feed content chunks; get reasoning and answer pieces back.

    Call :meth:`finish` when the stream ends. If the content never had ``<think>`` nor
    ``</think>``, :meth:`finish` returns the corrected split (everything was answer),
    since the text was reported provisionally as reasoning while it streamed.
    """

    _state: _State = "start"
    _pending: str = ""  # start: text not yet classified; think/provisional: a possible partial tag
    _trailing_ws: str = ""  # whitespace at the end of the reasoning so far, held back
    _reasoning_started: bool = False
    _raw: list[str] = field(default_factory=list)  # provisional content, kept to reclassify
    _content_is_answer: bool = False  # a reasoning field was seen: untagged content is answer
    answer_first: bool = False  # untagged content is answer until a </think> says otherwise
    cut_in_reasoning: bool = False  # set by finish(cut_short=True) when the reasoning never ended

    def reasoning_arrives_separately(self) -> None:
        """Note that the server sends reasoning in its own delta field.

        From then on content that does not open with ``<think>`` is taken as answer
        right away instead of provisionally as reasoning.
        """
        self._content_is_answer = True

    def take_provisional_as_answer(self) -> str | None:
        """Content taken provisionally as reasoning was the answer: stop, and return all of it.

        For a server that turns out to send reasoning in its own field after untagged
        content began. Returns None when nothing is provisional; afterwards content is answer.
        """
        if self._state != "provisional":
            return None
        answer = "".join(self._raw)  # _raw holds all of it (from the first non-space), a partial tag too
        self._raw.clear()
        self._state = "answer"
        return answer

    @property
    def in_reasoning(self) -> bool:
        """True while the content is (or is provisionally taken as) reasoning."""
        return self._state in ("think", "provisional")

    def feed(self, text: str) -> list[Piece]:
        """Consume one chunk of content; return the pieces that can be emitted now."""
        out: list[Piece] = []
        if text:
            self._feed(text, out)
        return out

    def finish(self, cut_short: bool = False) -> tuple[list[Piece], tuple[str, str] | None]:
        """End of stream: flush held-back text.

        Returns the last pieces and, when the provisional reasoning turned out to be the
        answer, the corrected ``(reasoning, answer)`` for everything. ``cut_short`` (the
        server stopped at max_tokens): text still taken as reasoning stays reasoning, and
        :attr:`cut_in_reasoning` says so.
        """
        out: list[Piece] = []
        correction: tuple[str, str] | None = None
        if self._state == "start":
            rest = self._pending.lstrip()
            if rest:
                out.append(Piece("answer", rest))
        elif self._state == "think":
            self.cut_in_reasoning = cut_short
            if self._pending:
                self._emit_reasoning(self._pending, out, provisional=False)
        elif self._state == "provisional" and cut_short:
            self.cut_in_reasoning = True
            if self._pending:
                self._emit_reasoning(self._pending, out, provisional=True)
        elif self._state == "provisional":
            correction = ("", "".join(self._raw))
        elif self._state == "answer_watch" and self._pending:
            out.append(Piece("answer", self._pending))
        self._raw.clear()
        self._state = "answer"  # spent: anything fed later passes through as answer
        return out, correction

    # -- internals -------------------------------------------------------------------

    def _feed(self, text: str, out: list[Piece]) -> None:
        state = self._state
        if state == "answer":
            out.append(Piece("answer", text))
        elif state == "answer_lead":
            self._feed_answer_lead(text, out)
        elif state == "start":
            self._feed_start(text, out)
        elif state == "answer_watch":
            self._feed_answer_watch(text, out)
        else:
            if state == "provisional":
                self._raw.append(text)
            self._feed_reasoning(text, out)

    def _feed_start(self, text: str, out: list[Piece]) -> None:
        self._pending += text
        head = self._pending.lstrip()
        if not head:
            return
        if len(head) < len(OPEN_TAG) and OPEN_TAG.startswith(head):
            return  # could still become <think>
        self._pending = ""
        if head.startswith(OPEN_TAG):
            self._state = "think"
            self._feed_reasoning(head[len(OPEN_TAG) :], out)
        elif self._content_is_answer:
            self._state = "answer"
            out.append(Piece("answer", head))
        elif self.answer_first:
            self._state = "answer_watch"
            self._feed_answer_watch(head, out)
        else:
            self._state = "provisional"
            self._raw.append(head)
            self._feed_reasoning(head, out)

    def _feed_reasoning(self, text: str, out: list[Piece]) -> None:
        data = self._pending + text
        provisional = self._state == "provisional"
        end = data.find(CLOSE_TAG)
        if end >= 0:  # the reasoning is over: what it held back (_pending, _trailing_ws) is never read again
            self._emit_reasoning(data[:end], out, provisional)
            self._raw.clear()
            self._state = "answer_lead"
            self._feed_answer_lead(data[end + len(CLOSE_TAG) :], out)
            return
        keep = _partial_tag_suffix(data, CLOSE_TAG)
        self._pending = data[len(data) - keep :]
        self._emit_reasoning(data[: len(data) - keep], out, provisional)

    def _emit_reasoning(self, text: str, out: list[Piece], provisional: bool) -> None:
        if not self._reasoning_started:
            text = text.lstrip()
            if not text:
                return
            self._reasoning_started = True
        if not text:
            return
        stripped = text.rstrip()
        if not stripped:
            self._trailing_ws += text
            return
        out.append(Piece("reasoning", self._trailing_ws + stripped, provisional))
        self._trailing_ws = text[len(stripped) :]

    def _feed_answer_watch(self, text: str, out: list[Piece]) -> None:
        """Answer text that a later ``</think>`` would turn into reasoning."""
        data = self._pending + text
        end = data.find(CLOSE_TAG)
        if end >= 0:
            self._raw.append(data[:end])
            reasoning = "".join(self._raw).strip()
            self._raw.clear()
            out.append(Piece("reclassify", reasoning))
            self._state = "answer_lead"
            self._feed_answer_lead(data[end + len(CLOSE_TAG) :], out)
            return
        keep = _partial_tag_suffix(data, CLOSE_TAG)
        self._pending = data[len(data) - keep :]
        emit = data[: len(data) - keep]
        if emit:
            self._raw.append(emit)
            out.append(Piece("answer", emit))

    def _feed_answer_lead(self, text: str, out: list[Piece]) -> None:
        text = text.lstrip()
        if text:
            self._state = "answer"
            out.append(Piece("answer", text))
