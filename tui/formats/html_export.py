"""``history export --format html``: one self-contained page (pure).

Inline CSS, no JavaScript, no external URL (no ``src``/``href`` at all). Every piece of
model and user text is made visible (control characters shown, tui/sanitize.py), math is
shown as Unicode, and then it is HTML-escaped, so a ``<script>`` or ``onerror=`` written by
the model is text. Reasoning sits in ``<details>``, split into its steps (pivots marked);
each answer shows its stats (tokens, times, time to first answer token, tokens/s
sparkline) and its notes; a prompt with several answers shows their vote.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from tui.sanitize import for_display
from tui.trace.latex import BOX_CLOSE, BOX_OPEN
from tui.trace.mathtext import to_unicode_math
from tui.trace.outline import sparkline, step_stats, tokens_per_char, tokens_per_second, trace_totals
from tui.trace.steps import split_steps
from tui.trace.timeline import Timeline, TimelineError, decode
from tui.trace.vote import vote

CSS = """
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f;background:#fff}
h1{font-size:1.4rem;margin-bottom:.2rem}h2{font-size:1rem;margin:0 0 .3rem}
.meta,.stats{color:#666;font-size:.85rem}.text{white-space:pre-wrap;overflow-wrap:anywhere}
section{border-top:1px solid #ddd;padding:1rem 0}.user h2{color:#0a58ca}.assistant h2{color:#6f42c1}
details{background:#f6f6f8;border-radius:6px;padding:.3rem .8rem;margin:.5rem 0}
summary{cursor:pointer;color:#444}.step{white-space:pre-wrap;overflow-wrap:anywhere;color:#444;
border-left:3px solid transparent;padding-left:.6rem;margin:.4rem 0}.step.pivot{border-left-color:#d97706}
.step-head{display:block;color:#888;font-size:.75rem}.boxed{border:1.5px solid currentColor;border-radius:3px;
padding:0 .25em;font-weight:600}.note{background:#fff8db;border-left:3px solid #e0b000;padding:.3rem .6rem;
margin:.4rem 0;white-space:pre-wrap}.vote{font-weight:600}
@media (prefers-color-scheme:dark){body{background:#161618;color:#e6e6e6}details{background:#222226}
.step,summary{color:#bbb}.note{background:#3a3320}.meta,.stats{color:#999}}
"""
_BOXED = re.compile(re.escape(html.escape(BOX_OPEN)) + r"([^" + BOX_OPEN + BOX_CLOSE + r"]*)" + re.escape(BOX_CLOSE))


def text_html(text: str | None, *, math: bool = True) -> str:
    """Untrusted text as escaped HTML: controls made visible, math as Unicode, ``⟦…⟧`` framed."""
    shown = for_display(text or "")
    escaped = html.escape(to_unicode_math(shown) if math else shown, quote=True)
    return _BOXED.sub(r'<span class="boxed">\1</span>', escaped)


def _timeline(m: dict[str, Any]) -> Timeline | None:
    try:
        return decode(m["timeline"]) if m.get("timeline") else None
    except TimelineError:
        return None


def _stats(m: dict[str, Any], timeline: Timeline | None) -> str:
    usage, timing = m["usage"], m["timing"]
    approx = "~" if usage.get("estimated") else ""
    parts = [f"state {m['state']}"]
    if m.get("finish_reason"):
        parts.append(f"finish {m['finish_reason']}")
    for key, label in (("prompt_tokens", "prompt"), ("completion_tokens", "completion"),
                       ("reasoning_tokens", "reasoning")):
        if usage.get(key) is not None:
            parts.append(f"{approx}{usage[key]} {label} tokens")
    for key, label in (("first_token_s", "first token"), ("reasoning_s", "reasoning"), ("total_s", "total")):
        if timing.get(key) is not None:
            parts.append(f"{label} {timing[key]:.1f} s")
    if timeline is None:
        parts.append("no timeline (saved before r1-tui recorded one)")
    else:
        if timeline.first_answer_s is not None:
            parts.append(f"first answer token at {timeline.first_answer_s:.1f} s")
        chars = (timeline.samples[-1].reasoning + timeline.samples[-1].answer) if timeline.samples else 0
        line = sparkline(tokens_per_second(timeline, 24, tokens_per_char(usage.get("completion_tokens"), chars)))
        if line:
            parts.append(f"tokens/s {line}")
    return html.escape(" · ".join(for_display(p) for p in parts))


def _reasoning(m: dict[str, Any], timeline: Timeline | None, pivots: Sequence[str] | None) -> str:
    reasoning = m.get("reasoning") or ""
    if not reasoning:
        return ""
    steps = split_steps(reasoning, pivots)
    rows = step_stats(steps, timeline, m["usage"].get("reasoning_tokens"))
    totals = trace_totals(steps, reasoning, timeline, m["usage"].get("reasoning_tokens"),
                          m["timing"].get("reasoning_s"), m["timing"].get("total_s"))
    plural = ("" if totals.steps == 1 else "s", "" if totals.pivots == 1 else "s")
    out = [f"<details><summary>Reasoning · {totals.steps} step{plural[0]} · {totals.pivots} pivot{plural[1]}</summary>"]
    for r in rows:
        head = f"step {r.index} · ~{r.tokens} tokens" + (f" · {r.seconds:.1f} s" if r.seconds is not None else "")
        if r.step.pivot:
            head += f" · {r.step.pivot}"
        css = "step pivot" if r.step.pivot else "step"
        out.append(f'<div class="{css}"><span class="step-head">{html.escape(for_display(head))}</span>'
                   f"{text_html(r.step.text.strip())}</div>")
    out.append("</details>")
    return "".join(out)


def _notes(m: dict[str, Any]) -> str:
    return "".join(f'<aside class="note">Note: {text_html(n["body"], math=False)}</aside>' for n in m.get("notes", []))


def _ordered(messages: list[dict[str, Any]]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each prompt with its answers (choice order); answers with no prompt come last, alone."""
    answers: dict[str, list[dict[str, Any]]] = {}
    for m in messages:
        if m["role"] == "assistant" and m.get("reply_to"):
            answers.setdefault(m["reply_to"], []).append(m)
    out: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    placed: set[str] = set()
    for m in messages:
        if m["role"] == "user":
            group = sorted(answers.get(m["id"], []), key=lambda a: (a["choice_index"], a["created_at"]))
            out.append((m, group))
            placed.update(a["id"] for a in group)
    return out + [(m, []) for m in messages if m["role"] == "assistant" and m["id"] not in placed]


def _answer(a: dict[str, Any], i: int, count: int, pivots: Sequence[str] | None) -> str:
    timeline = _timeline(a)
    label = for_display(a.get("model") or a.get("deployment") or "assistant")
    if count > 1:
        label += f" · answer {i + 1} of {count}" + (" (selected)" if a.get("selected") else "")
    return (f'<section class="assistant"><h2>{html.escape(label)}</h2><p class="stats">{_stats(a, timeline)}</p>'
            f"{_reasoning(a, timeline, pivots)}<div class=\"text\">{text_html(a['content'])}</div>{_notes(a)}</section>")


def conversation_html(data: dict[str, Any], pivots: Sequence[str] | None = None) -> str:
    """One exported conversation (``HistoryStore.export_conversation``) as an <article>."""
    parts = [f"<article><h1>{html.escape(for_display(data['title']))}</h1>",
             f'<p class="meta">{html.escape(for_display(data["id"]))} · created '
             f"{html.escape(for_display(data['created_at'][:16].replace('T', ' ')))} UTC</p>"]
    for m, group in _ordered(data["messages"]):
        if m["role"] == "user":
            parts.append(f'<section class="user"><h2>You</h2><div class="text">{text_html(m["content"])}</div>'
                         f"{_notes(m)}</section>")
            tally = vote([a["content"] for a in group]) if len(group) > 1 else None
            if tally is not None:
                parts.append(f'<p class="vote">Vote: {html.escape(for_display(tally.summary()))}</p>')
        else:
            group = [m]
        parts += [_answer(a, i, len(group), pivots) for i, a in enumerate(group)]
    parts.append("</article>")
    return "".join(parts)


def html_document(conversations: Sequence[dict[str, Any]], pivots: Sequence[str] | None = None) -> str:
    """A complete, self-contained HTML page with every conversation."""
    title = conversations[0]["title"] if len(conversations) == 1 else f"{len(conversations)} conversations"
    body = "\n".join(conversation_html(c, pivots) for c in conversations)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(for_display(title))} · r1-tui</title><style>{CSS}</style></head>"
            f"<body>\n{body}\n</body></html>\n")
