"""Switch deployment: a name typed, or picked from what the endpoint lists (``GET /models``).

The dialog opens at once with a free-text field (the current deployment filled in); the
list is asked for in the background and shown under it when the endpoint answers, filtered
by what is typed. When the endpoint lists nothing (404, an error, no answer) the dialog
says why and the typed name is used. Every id is sanitised before it is shown.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.llm.models import ModelList
from tui.sanitize import one_line

Loader = Callable[[], Awaitable[ModelList]]


class DeploymentScreen(ModalScreen[str | None]):
    """Dismisses with the chosen deployment name, or None (Esc)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="deployment.cancel"),
        Binding("down", "to_list", "The listed deployments", show=False, id="deployment.list"),
    ]

    DEFAULT_CSS = """
    DeploymentScreen { align: center middle; }
    #deployment-dialog { width: 70; height: auto; max-height: 80%; }
    #deployment-list { height: auto; max-height: 14; border: none; }
    #deployment-status { color: $text-muted; }
    """

    def __init__(self, current: str, loader: Loader | None) -> None:
        super().__init__()
        self.current = current
        self.loader = loader
        self.ids: tuple[str, ...] = ()
        self.listed: ModelList | None = None  # the endpoint's answer, once it came

    def compose(self) -> ComposeResult:
        with Vertical(id="deployment-dialog", classes="r1-dialog"):
            yield Static(Text("Switch deployment", style="bold"), markup=False)
            yield Static(Text("Deployment name (on Azure: not the model name)"), markup=False)
            yield Input(value=self.current, id="deployment-input", compact=True)
            yield Static(Text("Asking the endpoint which deployments it serves…" if self.loader else ""),
                         id="deployment-status", markup=False)
            yield OptionList(id="deployment-list")
            yield Static(Text("Enter: use it · ↓ the list · Esc: cancel", style="dim"), markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.loader is not None:
            self.run_worker(self._load(self.loader), exclusive=True, group="list-models", exit_on_error=False)

    async def _load(self, loader: Loader) -> None:
        listed = await loader()
        self.listed = listed
        self.ids = listed.ids
        status = self.query_one("#deployment-status", Static)
        if not listed.ok:
            status.update(Text(one_line(f"No list from the endpoint ({listed.error}): type the name.", 200)))
        elif not listed.ids:
            status.update(Text("The endpoint lists no deployments: type the name."))
        else:
            count = len(listed.ids)
            status.update(Text(f"{count} deployment{'s' if count != 1 else ''} listed by the endpoint (GET /models)"))
        self._fill(self.query_one(Input).value)

    def _fill(self, typed: str) -> None:
        """The listed ids containing what is typed (all of them while it is the current name)."""
        words = typed.strip().lower()
        show_all = not words or typed.strip() == self.current
        shown = [i for i in self.ids if show_all or words in i.lower()]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(Text(one_line(i, 80)), id=str(n)) for n, i in enumerate(self.ids) if i in shown])

    @on(Input.Changed, "#deployment-input")
    def _typed(self, event: Input.Changed) -> None:
        if self.ids:
            self._fill(event.value)

    @on(Input.Submitted, "#deployment-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    @on(OptionList.OptionSelected, "#deployment-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.ids[int(event.option.id or 0)])

    def action_to_list(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.focus()
            options.highlighted = options.highlighted or 0

    def action_cancel(self) -> None:
        self.dismiss(None)
