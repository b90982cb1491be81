"""A stored conversation (its export dict) as a readable Markdown document that nests.

The export's own headings are the top two levels: ``#`` the conversation's title, ``##``
each prompt and each answer. Every heading inside a prompt, an answer or a reasoning
trace is moved two levels down (``#`` becomes ``###``, at most ``######``; code blocks are
left alone), so what the model wrote always sits under the export's headings. A prompt
with several answers (regenerated, or ``n`` > 1) lists each as ``Answer 2 of 3``, and the
selected one (the one follow-ups use) says ``✓ selected``.
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt

from tui.formats.history_text import assistant_header, outcome_lines, when
from tui.sanitize import for_display, one_line

EXPORT_LEVELS = 2  # the export uses # and ##; content headings start at ###
_PARSER = MarkdownIt("commonmark")


def demote_headings(text: str, by: int = EXPORT_LEVELS) -> str:
    """``text`` with every Markdown heading ``by`` levels deeper (ATX and setext; code untouched)."""
    if "#" not in text and "=" not in text and "-" not in text:
        return text
    tokens = _PARSER.parse(text)
    lines = text.split("\n")
    replaced: dict[int, str | None] = {}  # line index -> new line (None: drop it)
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or token.map is None:
            continue
        start, end = token.map
        level = min(6, int(token.tag[1]) + by)
        content = tokens[i + 1].content.replace("\n", " ") if i + 1 < len(tokens) else ""
        first = lines[start]
        if token.markup.startswith("#"):
            prefix = first[: first.index("#")]  # container markers (>, list bullets) before the hashes
        else:  # setext: text lines, then a === or --- underline
            lead = content.split(" ", 1)[0] if content else ""
            cut = first.find(lead) if lead else -1
            prefix = first[:cut] if cut >= 0 else first[: len(first) - len(first.lstrip(" \t>"))]
            for gone in range(start + 1, end):
                replaced[gone] = None
        replaced[start] = f"{prefix}{'#' * level} {content}".rstrip()
    if not replaced:
        return text
    kept = (replaced.get(n, line) for n, line in enumerate(lines))
    return "\n".join(line for line in kept if line is not None)


def _body(text: str) -> str:
    return demote_headings(for_display(text))


def _selected(answers: list[dict[str, Any]]) -> int:
    """Which answer follow-ups use: the one marked selected, else the first usable one."""
    for i, m in enumerate(answers):
        if m.get("selected"):
            return i
    usable = (i for i, m in enumerate(answers) if m["state"] != "failed" and (m["content"] or "").strip())
    return next(usable, 0)


def _answer_lines(m: dict[str, Any], label: str) -> list[str]:
    lines = [f"## {label} · {assistant_header(m)}", ""]
    if m["reasoning"]:
        lines += ["<details><summary>Reasoning</summary>", "", _body(m["reasoning"]), "", "</details>", ""]
    lines += [_body(m["content"]) if m["content"] else "_(no answer)_", ""] + _notes(m)
    outcome = outcome_lines(m)
    if outcome:
        lines += ["> " + line.strip() for line in outcome] + [""]
    return lines


def to_markdown(conv: dict[str, Any]) -> str:
    """A readable Markdown rendering; reasoning goes in a collapsed <details> block."""
    lines = [f"# {one_line(conv['title'], 200)}", "",
             f"_id {for_display(conv['id'])} · created {when(conv['created_at'])} UTC_", ""]
    messages = conv["messages"]
    placed: set[str] = set()
    for m in messages:
        if m["role"] != "user":
            continue
        placed.add(m["id"])
        lines += [f"## You · {when(m['created_at'])}", "", _body(m["content"]), ""] + _notes(m)
        answers = sorted((a for a in messages if a["role"] == "assistant" and a.get("reply_to") == m["id"]),
                         key=lambda a: (a.get("choice_index", 0), a["created_at"]))
        chosen = _selected(answers)
        for i, answer in enumerate(answers):
            placed.add(answer["id"])
            if len(answers) == 1:
                label = "Answer"
            else:
                label = f"Answer {i + 1} of {len(answers)}" + (" · ✓ selected" if i == chosen else "")
            lines += _answer_lines(answer, label)
    for m in messages:  # answers whose prompt is missing (an old or hand-made file)
        if m["id"] not in placed:
            lines += _answer_lines(m, "Answer") if m["role"] == "assistant" else \
                [f"## You · {when(m['created_at'])}", "", _body(m["content"]), ""] + _notes(m)
    return "\n".join(lines)


def _notes(m: dict[str, Any]) -> list[str]:
    """The message's notes as quoted lines (exports made before notes existed have none)."""
    out: list[str] = []
    for note in m.get("notes", []):
        out += ["> **Note:** " + for_display(note["body"]).replace("\n", "\n> "), ""]
    return out
