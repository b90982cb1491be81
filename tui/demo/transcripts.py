"""Hand-written DeepSeek-R1-style transcripts streamed by the demo endpoint.

:func:`pick` chooses one by keywords in the last user message; ``variant`` (the choice
index when ``n > 1``) makes each choice slightly different.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Form = Literal["think", "reasoning_content"]


@dataclass(frozen=True)
class Transcript:
    """One answer: its reasoning, its final answer, and how the reasoning travels on the wire."""

    name: str
    reasoning: str
    answer: str
    form: Form = "think"


_OPENERS = ("Okay, so", "Alright, so", "Hmm, so", "Well,")
_MUL = re.compile(r"(\d{1,6})\s*(?:\*|×|x|times|multiplied by)\s*(\d{1,6})", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")
_STOPWORDS = frozenset(
    "the and for are but not you your with this that what which who how why when where can could "
    "would should does did have has had was were will about into from than then them they their "
    "there these those some any all please tell explain give make just like also very more most".split())


def _opener(variant: int) -> str:
    return _OPENERS[variant % len(_OPENERS)]


def _place_parts(n: int) -> list[int]:
    """23 -> [20, 3]; 405 -> [400, 5]."""
    s = str(n)
    parts = [int(d) * 10 ** (len(s) - i - 1) for i, d in enumerate(s)]
    return [p for p in parts if p] or [0]


def math(a: int = 17, b: int = 23, variant: int = 0) -> Transcript:
    """Careful step-by-step multiplication, checked two other ways."""
    parts = _place_parts(b)
    prods = [a * p for p in parts]
    total = a * b
    split = " + ".join(map(str, parts))
    lines = [f"{_opener(variant)} I need to compute {a} multiplied by {b}. "
             "Let me work it out carefully instead of guessing.", "",
             f"One approach is to break {b} into {split}. Then {a} × {b} = "
             + " + ".join(f"{a} × {p}" for p in parts) + ".", ""]
    lines += [f"{a} × {p} = {q}." for p, q in zip(parts, prods)]
    lines += ["", f"Adding those up: {' + '.join(map(str, prods))} = {total}.", "",
              "Wait, let me double-check with a different split, so I don't make a silly slip."]
    other = _place_parts(a)
    lines.append(f"{a} is {' + '.join(map(str, other))}, so {b} × {a} = "
                 + " + ".join(f"{b} × {p}" for p in other) + " = "
                 + " + ".join(str(b * p) for p in other) + f" = {total}. Same result.")
    if (a + b) % 2 == 0 and a != b:
        m, d = (a + b) // 2, abs(b - a) // 2
        lines += ["", f"Another sanity check: {a} and {b} sit symmetrically around {m}, so this is a "
                  f"difference of squares: ({m} − {d})({m} + {d}) = {m * m} − {d * d} = {total}. "
                  "Oh nice, that agrees too."]
    lines += ["", f"So the answer is {total}."]
    answer = (f"**{a} × {b} = {total}**\n\nBreaking {b} into {split}:\n\n"
              + "\n".join(f"- {a} × {p} = {q}" for p, q in zip(parts, prods))
              + f"\n- {' + '.join(map(str, prods))} = **{total}**\n\nSo the answer is **{total}**.\n")
    return Transcript("math", "\n".join(lines), answer, "think")


def greeting(variant: int = 0) -> Transcript:
    """DeepSeek-R1's empty think block for small talk."""
    answers = ("Hello! How can I assist you today? 😊", "Hi there! What can I help you with today?",
               "Hello! I'm here to help. What would you like to talk about?")
    return Transcript("greeting", "", answers[variant % len(answers)], "think")


def reverse_string(variant: int = 0) -> Transcript:
    """A code answer (reasoning sent in ``reasoning_content``)."""
    reasoning = (
        f"{_opener(variant)} the user wants a way to reverse a string in Python. The most idiomatic "
        "approach is slicing with a step of -1: s[::-1]. That creates a new string with the "
        "characters in reverse order.\n\nAlternatively there's ''.join(reversed(s)), which is more "
        "explicit but slightly slower. I could also show a loop, but that's not how anyone would "
        "write it in practice.\n\nWait, what about Unicode? Slicing reverses code points, so combining "
        "characters (like an accent written as a separate code point) would end up attached to the "
        "wrong letter. That's an edge case worth a short note, but I shouldn't overcomplicate the "
        "main answer.\n\nI'll give a small function with a docstring, a quick example, and mention "
        "the alternative.")
    answer = (
        "The idiomatic way is slicing with a step of `-1`:\n\n```python\n"
        "def reverse(s: str) -> str:\n    \"\"\"Return s with its characters in reverse order.\"\"\"\n"
        "    return s[::-1]\n\n\nprint(reverse(\"hello\"))  # olleh\n```\n\n"
        "- `s[::-1]` walks the string backwards and builds a new one.\n"
        "- `\"\".join(reversed(s))` does the same and reads more explicitly.\n\n"
        "Note: both reverse *code points*, so text with combining characters may need "
        "grapheme-aware handling.\n")
    return Transcript("code", reasoning, answer, "reasoning_content")


def fizzbuzz(variant: int = 0) -> Transcript:
    """FizzBuzz with a fenced code block."""
    reasoning = (
        f"{_opener(variant)} FizzBuzz: print the numbers 1 to 100, but multiples of 3 become \"Fizz\", "
        "multiples of 5 become \"Buzz\", and multiples of both become \"FizzBuzz\".\n\nThe classic "
        "trap is checking 3 before 15, so 15 would print just \"Fizz\". I should check 15 first, or "
        "build the word up: add \"Fizz\" if divisible by 3, add \"Buzz\" if divisible by 5, and fall "
        "back to the number when the word is empty. That version avoids the ordering problem "
        "entirely.\n\nLet me verify a few values: 3 → Fizz, 5 → Buzz, 15 → FizzBuzz, 7 → 7. Good.")
    answer = (
        "Here's a clean FizzBuzz that builds the word up, so there's no ordering trap:\n\n"
        "```python\nfor i in range(1, 101):\n    word = \"\"\n    if i % 3 == 0:\n"
        "        word += \"Fizz\"\n    if i % 5 == 0:\n        word += \"Buzz\"\n"
        "    print(word or i)\n```\n\n- `3` → Fizz\n- `5` → Buzz\n- `15` → FizzBuzz\n")
    return Transcript("code", reasoning, answer, "reasoning_content")


def rate_limit(variant: int = 0) -> Transcript:
    """Shown after the demo's two 429s."""
    reasoning = (
        f"{_opener(variant)} the user is asking about rate limits. The endpoint answered 429 Too Many "
        "Requests twice before this attempt went through, with a retry-after-ms header of 2000. A "
        "well-behaved client waits for the time the server asks for, rather than hammering it, and "
        "falls back to exponential backoff with jitter when no header is given.")
    answer = ("You just watched the client handle **429 Too Many Requests**:\n\n"
              "1. The server sent `retry-after-ms: 2000`.\n2. The client waited that long (the countdown).\n"
              "3. After two refusals the third attempt succeeded.\n")
    return Transcript("rate_limit", reasoning, answer, "reasoning_content")


def _quote(prompt: str, limit: int = 100) -> str:
    text = " ".join(prompt.replace("<think>", "").replace("</think>", "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def general(prompt: str, variant: int = 0) -> Transcript:
    """The default: a few hundred words of reasoning that quote the user's words."""
    quoted = _quote(prompt) or "this"
    words = [w for w in _WORD.findall(quoted) if w.lower() not in _STOPWORDS]
    keys = sorted(dict.fromkeys(words), key=len, reverse=True)[:3] or ["the topic"]
    k1, k2 = keys[0], keys[1] if len(keys) > 1 else "the context"
    reasoning = (
        f"{_opener(variant)} the user asked: \"{quoted}\". Let me figure out what they actually want "
        "before I start writing.\n\n"
        f"The key words seem to be {', '.join(repr(k) for k in keys)}. \"{k1}\" is probably the heart of "
        "it, so I should explain what it is first, and then how it relates to "
        f"\"{k2}\". I don't know how much background they have, so I'll aim for something a "
        "curious non-expert can follow, without being condescending.\n\n"
        "What would a good answer contain? First, a one-sentence summary, so they get the gist even if "
        "they stop reading. Then the main points, probably as a short list because it scans well in a "
        "terminal. Each point should be concrete; vague statements don't help anyone.\n\n"
        f"Wait, could \"{k1}\" mean something else here? Words like that often have a technical sense and "
        "an everyday sense. Since they didn't give more context, I'll go with the most common reading "
        "and mention that the answer changes if they meant something more specific.\n\n"
        "I should also think about common misconceptions. People often assume the simplest explanation "
        "covers every case, but there are usually trade-offs: what works in one setting can be wrong in "
        "another. Pointing out one trade-off makes the answer more useful than a list of facts.\n\n"
        "Let me also consider what they might do next. A small practical tip, or a question they could "
        "ask themselves, would make this actionable.\n\n"
        "Hmm, I shouldn't make it too long either. A heading, a summary, four bullet points and a closing "
        "line should be enough. Let me check the plan once more: summary, key points, a trade-off, a next "
        "step. Yes, that covers it. I'm confident enough in the general picture, but I'll be honest that "
        "details depend on their situation.")
    closers = ("Want me to go deeper on any of these points?",
               "Tell me more about your situation and I can be more specific.",
               "Happy to expand on any of these.")
    answer = (
        f"## {k1[:1].upper() + k1[1:]}: a short overview\n\n"
        f"You asked: *{quoted}*. In short: it depends on context, but the core ideas are stable.\n\n"
        f"- **What it is** — \"{k1}\" in its most common sense, and how it connects to \"{k2}\".\n"
        "- **Why it matters** — the practical effect you'd notice day to day.\n"
        "- **Trade-offs** — what works well in one setting can backfire in another.\n"
        "- **Next step** — try the simplest version first, then refine.\n\n"
        f"{closers[variant % len(closers)]}\n")
    return Transcript("general", reasoning, answer, "think")


def pick(prompt: str, variant: int = 0) -> Transcript:
    """Choose the transcript for the last user message ``prompt``."""
    low = prompt.lower()
    if m := _MUL.search(prompt):
        return math(int(m.group(1)), int(m.group(2)), variant)
    if any(w in low for w in ("math", "multiply", "arithmetic", "calculate")):
        return math(variant=variant)
    if "rate limit" in low or "rate-limit" in low:
        return rate_limit(variant)
    if "fizz" in low:
        return fizzbuzz(variant)
    if any(w in low for w in ("python", "code", "reverse", "function", "script", "program")):
        return reverse_string(variant)
    if re.fullmatch(r"\W*(hi|hello|hey|hallo|good (morning|afternoon|evening))\b[\W\w]{0,20}", low.strip()):
        return greeting(variant)
    return general(prompt, variant)
