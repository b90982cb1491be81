"""Deterministic token streams for the benchmarks: a long ``<think>`` trace, then a Markdown answer.

Tokens are ~4 characters (a word piece, often with its leading space), like a BPE tokenizer's.
The reasoning is prose with sentences and single line breaks but NO blank lines (the worst case
for a Markdown or paragraph-based renderer); the answer (~10% of the tokens) is Markdown with
headings, a list and fenced code blocks, and ends with ``MARKER``.
"""

from __future__ import annotations

import random
import re

MARKER = "Zqxend"  # last word of every answer: seen on screen => the end was drawn

_SUBJECTS = ["the user", "the function", "this approach", "the second case", "the loop", "the total",
             "each step", "the result", "the previous estimate", "the edge case", "my first guess"]
_VERBS = ["depends on", "is consistent with", "contradicts", "reduces to", "should handle", "checks",
          "does not cover", "might overflow", "simplifies", "needs to match", "is bounded by"]
_OBJECTS = ["the input size", "an empty list", "the boundary values", "seventeen times twenty-three",
            "the cached value", "a negative index", "the expected answer", "the recursion depth",
            "the sorted order", "what the question asks", "a quadratic algorithm"]
_OPENERS = ["Wait,", "Hmm,", "Let me check:", "So", "Actually,", "Alternatively,", "Okay,", "But",
            "Let me think again:", "Right,", ""]
_TOKEN = re.compile(r"\n|[ ]?[^\s]{1,4}|[ ]")


def tokenize(text: str) -> list[str]:
    """Split ``text`` into ~4-character pieces that join back to ``text``."""
    pieces = _TOKEN.findall(text)
    assert "".join(pieces) == text
    return pieces


def _sentence(rng: random.Random) -> str:
    opener = rng.choice(_OPENERS)
    body = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}"
    if rng.random() < 0.3:
        body += f", so {rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}"
    if rng.random() < 0.15:
        body += f" ({rng.randint(2, 999)} * {rng.randint(2, 99)} = ?)"
    s = f"{opener} {body}" if opener else body[0].upper() + body[1:]
    return s + rng.choice([".", ".", ".", "?", "!"])


def reasoning_text(n_tokens: int, rng: random.Random) -> list[str]:
    out: list[str] = []
    while len(out) < n_tokens:
        line = " ".join(_sentence(rng) for _ in range(rng.randint(3, 9)))
        out.extend(tokenize(line + "\n"))
    return out[:n_tokens]


def _section(k: int, rng: random.Random) -> str:
    items = "\n".join(f"- step {i}: {_sentence(rng)}" for i in range(1, rng.randint(3, 5)))
    code = "\n".join(
        [f"def solve_{k}(values: list[int]) -> int:", '    """Sum the squares."""', "    total = 0",
         "    for v in values:", "        total += v * v  # square", "    return total"])
    return (f"## Part {k}\n\n{_sentence(rng)} {_sentence(rng)} Here is **the key idea** and `a = b`.\n\n"
            f"{items}\n\n```python\n{code}\n```\n\n{_sentence(rng)} {_sentence(rng)}\n\n")


def answer_text(n_tokens: int, rng: random.Random) -> list[str]:
    out: list[str] = []
    k = 1
    tail = tokenize(f"\n\nThat is the answer. {MARKER}")
    while len(out) < n_tokens - len(tail):
        out.extend(tokenize(_section(k, rng)))
        k += 1
    out = out[: max(0, n_tokens - len(tail))]
    # do not end inside an open code fence: close it if needed
    if "".join(out).count("```") % 2:
        out.extend(tokenize("\n```"))
    return out + tail


def _rich_section(k: int, rng: random.Random) -> str:
    """A section of an answer-heavy reply: heading, emphasis, numbered and nested lists, code, a table."""
    steps = "\n".join(f"{i}. **Step {i}**: {_sentence(rng)}" for i in range(1, rng.randint(3, 5)))
    bullets = "\n".join(f"- `item_{i}` {_sentence(rng)}\n  - detail: {_sentence(rng)}" for i in range(1, 3))
    code = "\n".join(
        [f"def solve_{k}(values: list[int], *, limit: int = 1_000_000) -> int:",
         '    """Sum the squares of the values that stay under the limit (a long line on purpose)."""',
         "    total = 0", "    for v in values:", "        if abs(v) > limit:", "            continue",
         "        total += v * v  # square", "    return total"])
    rows = "\n".join(f"| {name} | {rng.randint(1, 999)} | {rng.choice(['O(n)', 'O(n log n)', 'O(1)'])} |"
                      for name in ("`solve`", "*cached*", "naive"))
    return (f"## Part {k}: {rng.choice(_OBJECTS)}\n\n{_sentence(rng)} {_sentence(rng)} Here is **the key idea**, "
            f"*why it matters* and `a = b`.\n\n{steps}\n\n{bullets}\n\n```python\n{code}\n```\n\n"
            f"| name | runs | cost |\n|---|---:|---|\n{rows}\n\n{_sentence(rng)} {_sentence(rng)}\n\n")


def answer_heavy_tokens(n: int, seed: int = 1) -> list[str]:
    """``n`` tokens: a short ``<think>``, then a Markdown answer of all the rest (code, lists, tables)."""
    rng = random.Random(seed)
    head = ["<think>\n", *tokenize(" ".join(_sentence(rng) for _ in range(4))), "\n</think>\n\n"]
    tail = tokenize(f"\n\nThat is the answer. {MARKER}")
    out: list[str] = []
    k = 1
    while len(out) < n - len(head) - len(tail):
        out.extend(tokenize(_rich_section(k, rng)))
        k += 1
    out = out[: max(0, n - len(head) - len(tail))]
    if "".join(out).count("```") % 2:
        out.extend(tokenize("\n```"))
    return head + out + tail


def single_block_tokens(n: int, kind: str, seed: int = 1) -> list[str]:
    """``n`` tokens whose answer is ONE block: a paragraph with no line break at all, or a code block
    that never closes (the worst cases for a block-by-block renderer)."""
    rng = random.Random(seed)
    head = ["<think>\n", *tokenize("Just write it."), "\n</think>\n\n"]
    out: list[str] = []
    if kind not in ("paragraph", "code"):
        raise ValueError(kind)
    tail = tokenize(f" {MARKER}" if kind == "paragraph" else f"\n{MARKER}")
    room = n - len(head) - len(tail)
    if kind == "paragraph":
        while len(out) < room:
            out.extend(tokenize(" " + _sentence(rng).replace("*", "x")))
        return head + out[:room] + tail
    out.extend(tokenize("```python\n"))
    i = 0
    while len(out) < room:
        out.extend(tokenize(f"    value_{i} = compute({i}, {rng.randint(1, 99)})  # {rng.choice(_OBJECTS)}\n"))
        i += 1
    return head + out[:room] + tail


def _math_section(k: int, rng: random.Random) -> str:
    """A section of a math-heavy reply: inline and display LaTeX, fractions, roots, Greek, a boxed result."""
    a, b = rng.randint(2, 99), rng.randint(2, 99)
    return (f"### Case {k}\n\n{_sentence(rng)} Let $x_{k} = \\frac{{{a}}}{{{b}}}$ and \\(\\alpha \\leq \\sqrt{{{a}}}\\), "
            f"so $x^2 + y^2 \\neq {a * b}$ for every $n \\in \\mathbb{{N}}$.\n\n"
            f"$$\n\\sum_{{i=1}}^{{{a}}} i^2 = \\frac{{{a}({a}+1)(2\\cdot {a}+1)}}{{6}}\n$$\n\n"
            f"{_sentence(rng)} Hence \\[ \\theta \\approx \\pi / {b} \\] and the result is "
            f"$\\boxed{{{a + b}}}$.\n\n")


def math_tokens(n: int, seed: int = 1) -> list[str]:
    """``n`` tokens: reasoning with inline math (no blank lines), then an answer of math-heavy sections."""
    rng = random.Random(seed)
    reasoning = " ".join(f"{_sentence(rng)} Wait, $\\frac{{{i}}}{{2}} + \\sqrt{{{i}}} \\geq \\beta$?"
                         for i in range(max(1, n // 60)))
    head = ["<think>\n", *tokenize(reasoning), "\n</think>\n\n"]
    tail = tokenize(f"\n\nThat is the answer. {MARKER}")
    out: list[str] = []
    k = 1
    while len(out) < n - len(head) - len(tail):
        out.extend(tokenize(_math_section(k, rng)))
        k += 1
    return head + out[: max(0, n - len(head) - len(tail))] + tail


def tokens_for(workload: str, n: int) -> list[str]:
    """The token stream of a named workload (see bench_stream --workload)."""
    if workload == "default":
        return make_tokens(n)
    if workload == "answer":
        return answer_heavy_tokens(n)
    if workload == "math":
        return math_tokens(n)
    return single_block_tokens(n, workload)


def make_tokens(n: int, answer_share: float = 0.10, seed: int = 1) -> list[str]:
    """``n`` tokens: ``<think>``, reasoning, ``</think>``, then the Markdown answer."""
    rng = random.Random(seed)
    n_answer = max(20, int(n * answer_share))
    n_reason = max(1, n - n_answer - 2)
    return ["<think>\n", *reasoning_text(n_reason, rng), "\n</think>\n\n", *answer_text(n_answer, rng)]


if __name__ == "__main__":
    toks = make_tokens(2000)
    text = "".join(toks)
    print(len(toks), "tokens", len(text), "chars", f"{len(text) / len(toks):.2f} chars/token",
          "blank lines in reasoning:", text.split("</think>")[0].count("\n\n"))
    print(text[:600], "\n....\n", text[-900:])
