"""The Markdown view's styles: component classes in CSS (theme variables), read as Rich styles.

Colours come from the theme like Textual's own Markdown and ``textual.highlight`` (same
variables), through the public ``get_component_rich_style``. Plain names, operators and
punctuation keep the code colour: fewer colour changes per row is fewer bytes per frame. Text styles keep only their
foreground and attributes, so they sit on whatever background the answer has (focused or
not); the code block, inline code and search-match styles keep their own background.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pygments.token import Token, _TokenType
from rich.style import Style


if TYPE_CHECKING:
    from textual.widget import Widget

@dataclass(frozen=True)
class Palette:
    """The styles of the rendered Markdown (from the widget's CSS; plain defaults for tests)."""

    strong: Style = Style(bold=True)
    em: Style = Style(italic=True)
    strike: Style = Style(strike=True)
    code_inline: Style = Style(bold=True)
    link: Style = Style(underline=True)
    headings: tuple[Style, ...] = (Style(bold=True, underline=True),) * 2 + (Style(bold=True),) * 4
    bullet: Style = Style(bold=True)
    quote: Style = Style(dim=True)
    rule: Style = Style(dim=True)
    table_header: Style = Style(bold=True)
    table_border: Style = Style(dim=True)
    code: Style = Style()
    code_mark: Style = Style(dim=True)
    code_current: Style = Style(reverse=True)
    math: Style = Style(italic=True)
    highlight: Style = Style(reverse=True)
    tokens: dict[_TokenType, Style] = field(default_factory=dict)


TOKENS: dict[str, _TokenType] = {
    "comment": Token.Comment, "keyword": Token.Keyword, "constant": Token.Keyword.Constant,
    "namespace": Token.Keyword.Namespace, "type": Token.Keyword.Type, "string": Token.Literal.String,
    "doc": Token.Literal.String.Doc, "number": Token.Literal.Number, "attribute": Token.Name.Attribute, "builtin": Token.Name.Builtin, "class": Token.Name.Class,
    "decorator": Token.Name.Decorator, "function": Token.Name.Function, "tag": Token.Name.Tag,
    "word": Token.Operator.Word,
    "error": Token.Error, "heading": Token.Generic.Heading, "inserted": Token.Generic.Inserted,
    "deleted": Token.Generic.Deleted,
}
_TEXT = ("strong", "em", "strike", "link", "h1", "h2", "h3", "h4", "h5", "h6", "bullet", "quote", "rule",
         "table-header", "table-border", "math")
_WITH_BACKGROUND = ("code", "code-mark", "code-current", "code-inline", "highlight")
COMPONENT_CLASSES = {f"md--{name}" for name in (*_TEXT, *_WITH_BACKGROUND)} | {f"md--tok-{t}" for t in TOKENS}

PALETTE_CSS = """
MarkdownView > .md--strong { text-style: bold; }
MarkdownView > .md--em { text-style: italic; }
MarkdownView > .md--strike { text-style: strike; }
MarkdownView > .md--link { color: $text-primary; text-style: underline; }
MarkdownView > .md--h1 { color: $markdown-h1-color; text-style: $markdown-h1-text-style; }
MarkdownView > .md--h2 { color: $markdown-h2-color; text-style: $markdown-h2-text-style; }
MarkdownView > .md--h3 { color: $markdown-h3-color; text-style: $markdown-h3-text-style; }
MarkdownView > .md--h4 { color: $markdown-h4-color; text-style: $markdown-h4-text-style; }
MarkdownView > .md--h5 { color: $markdown-h5-color; text-style: $markdown-h5-text-style; }
MarkdownView > .md--h6 { color: $markdown-h6-color; text-style: $markdown-h6-text-style; }
MarkdownView > .md--bullet { color: $text-primary; text-style: bold; }
MarkdownView > .md--quote { color: $text-primary; }
MarkdownView > .md--rule { color: $text-muted; }
MarkdownView > .md--table-header { text-style: bold; }
MarkdownView > .md--table-border { color: $text-muted; }
MarkdownView > .md--math { color: $text-secondary; text-style: italic; }
MarkdownView > .md--code { background: $surface; color: $text; }
MarkdownView > .md--code-mark { background: $surface; color: $text-warning; text-style: bold; }
MarkdownView > .md--code-current { background: $surface; color: $warning; text-style: bold; }
MarkdownView > .md--code-inline { background: $warning 10%; color: $text-warning; }
MarkdownView > .md--highlight { background: yellow; color: black; text-style: bold; }  /* as HIGHLIGHT_STYLE */
MarkdownView > .md--tok-comment { color: $text 60%; }
MarkdownView > .md--tok-keyword { color: $text-accent; }
MarkdownView > .md--tok-constant { color: $text-success; text-style: bold; }
MarkdownView > .md--tok-namespace { color: $text-error; }
MarkdownView > .md--tok-type { text-style: bold; }
MarkdownView > .md--tok-string { color: $text-success; }
MarkdownView > .md--tok-doc { color: $text-success; text-style: italic; }
MarkdownView > .md--tok-number { color: $text-warning; }
MarkdownView > .md--tok-attribute { color: $text-warning; }
MarkdownView > .md--tok-builtin { color: $text-accent; }
MarkdownView > .md--tok-class { color: $text-warning; text-style: bold; }
MarkdownView > .md--tok-decorator { color: $text-primary; text-style: bold; }
MarkdownView > .md--tok-function { color: $text-warning; }
MarkdownView > .md--tok-tag { color: $text-primary; text-style: bold; }
MarkdownView > .md--tok-word { color: $text-error; text-style: bold; }
MarkdownView > .md--tok-error { color: $text-error; }
MarkdownView > .md--tok-heading { color: $text-primary; text-style: underline; }
MarkdownView > .md--tok-inserted { color: $text-success; }
MarkdownView > .md--tok-deleted { color: $text-error; }
"""


def _foreground(style: Style) -> Style:
    """``style`` without its background (it takes the answer's)."""
    return Style(color=style.color, bold=style.bold, dim=style.dim, italic=style.italic,
                 underline=style.underline, strike=style.strike, reverse=style.reverse)


def palette_of(widget: Widget) -> Palette:
    """The palette of ``widget`` (a MarkdownView) under the current theme."""

    def text(name: str) -> Style:
        return _foreground(widget.get_component_rich_style(f"md--{name}"))

    def own(name: str) -> Style:
        return widget.get_component_rich_style(f"md--{name}")

    code = own("code")
    tokens = {ttype: _foreground(widget.get_component_rich_style(f"md--tok-{name}"))
              for name, ttype in TOKENS.items()}
    return Palette(
        strong=text("strong"), em=text("em"), strike=text("strike"), code_inline=own("code-inline"),
        link=text("link"), headings=tuple(text(f"h{level}") for level in range(1, 7)),
        bullet=text("bullet"), quote=text("quote"), rule=text("rule"), table_header=text("table-header"),
        table_border=text("table-border"), code=code, code_mark=own("code-mark"),
        code_current=own("code-current"), math=text("math"), highlight=own("highlight"), tokens=tokens)
