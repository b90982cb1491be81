"""Settings: profile, deployment, max_tokens, stop sequences, n and the system prompt.

Saved into ``[profiles.NAME]`` of config.toml through tui.config_write (comments and
other profiles kept) and applied to the running app as the profile's RequestDefaults
with those fields replaced (its extra_body, thinking switch and context window kept).
In ``--demo`` nothing is written: the settings apply to the session only, and say so.
The deployment's context window is shown (it is the profile's ``context_window`` key).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from tui.config import ConfigError
from tui.config_write import profile_names, update_profile
from tui.llm.request import RequestDefaults
from tui.sanitize import one_line

SESSION_ONLY = "--demo: these settings apply to this session only; config.toml is not written."
SYSTEM_NOTE = (
    "R1 follows system prompts loosely: DeepSeek advises putting instructions in the user prompt "
    "and leaving the system prompt empty."
)


@dataclass(frozen=True)
class SettingsValues:
    """What the dialog edits."""

    profile: str
    deployment: str
    defaults: RequestDefaults


def _int(text: str, name: str, low: int, high: int | None = None) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {one_line(text, 20)!r}") from None
    if value < low or (high is not None and value > high):
        raise ConfigError(f"{name} must be between {low} and {high}" if high else f"{name} must be at least {low}")
    return value


class SettingsScreen(ModalScreen[SettingsValues | None]):
    """Dismisses with the saved values, or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", show=False, priority=True, id="settings.save"),
        Binding("escape", "cancel", "Cancel", show=False, id="settings.cancel"),
    ]

    def __init__(self, config_path: Path, current: SettingsValues, *, session_only: bool = False) -> None:
        super().__init__()
        self.config_path = config_path
        self.current = current
        self.session_only = session_only  # --demo: apply, never write config.toml

    def compose(self) -> ComposeResult:
        d = self.current.defaults
        try:
            known = ", ".join(profile_names(self.config_path)) or "none yet"
        except ConfigError:
            known = "?"

        def row(label: str, widget: Input) -> Horizontal:
            return Horizontal(Label(label, classes="field-label"), widget, classes="field-row")

        with VerticalScroll(id="settings-dialog", classes="r1-dialog"):
            yield Static(Text("Settings", style="bold"), markup=False)
            if self.session_only:
                yield Static(Text(SESSION_ONLY, style="bold"), id="settings-where", markup=False)
            else:
                yield Static(Text(f"Saved to {one_line(str(self.config_path), 200)} · profiles: {one_line(known, 120)}",
                                  style="dim"), id="settings-where", markup=False)
            yield row("Profile", Input(self.current.profile, id="settings-profile", compact=True))
            yield row("Deployment", Input(self.current.deployment, id="settings-deployment", compact=True))
            yield row("max_tokens", Input("" if d.max_tokens is None else str(d.max_tokens), placeholder="not sent",
                                          id="settings-max-tokens", compact=True, restrict=r"\d*"))
            yield row("n", Input("" if d.n is None else str(d.n), placeholder="1", id="settings-n", compact=True,
                                 restrict=r"\d*"))
            yield Horizontal(Label("Context", classes="field-label"),
                             Static(Text(d.context.describe()), id="settings-context", markup=False),
                             classes="field-row")
            yield Label("Stop sequences (one per line)")
            yield TextArea("\n".join(d.stop), id="settings-stop", compact=True, soft_wrap=False, tab_behavior="focus")
            yield Label("System prompt")
            yield Static(Text(SYSTEM_NOTE, style="italic"), id="settings-note", markup=False)
            yield TextArea(d.system or "", id="settings-system", compact=True, tab_behavior="focus")
            yield Static("", id="settings-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply (^S)" if self.session_only else "Save (^S)", id="settings-save-button", variant="primary", compact=True)
                yield Button("Cancel (Esc)", id="settings-cancel-button", compact=True)

    def on_mount(self) -> None:
        self.query_one("#settings-max-tokens", Input).focus()

    def values(self) -> SettingsValues:
        """The edited values; raises ConfigError for a bad one."""
        profile = self.query_one("#settings-profile", Input).value.strip() or "default"
        if not profile.replace("-", "").replace("_", "").isalnum():
            raise ConfigError("the profile name may use letters, digits, - and _ only")
        max_tokens = _int(self.query_one("#settings-max-tokens", Input).value, "max_tokens", 1)
        n = _int(self.query_one("#settings-n", Input).value, "n", 1, 16)
        stop = tuple(s for s in self.query_one("#settings-stop", TextArea).text.split("\n") if s)
        if len(stop) > 4:
            raise ConfigError("at most 4 stop sequences")
        system = self.query_one("#settings-system", TextArea).text.strip() or None
        deployment = self.query_one("#settings-deployment", Input).value.strip()
        defaults = replace(self.current.defaults, system=system, max_tokens=max_tokens, stop=stop, n=n)
        return SettingsValues(profile, deployment, defaults)

    def action_save(self) -> None:
        try:
            result = self.values()
            d = result.defaults
            if not self.session_only:
                update_profile(self.config_path, result.profile, {
                    "deployment": result.deployment or None, "max_tokens": d.max_tokens, "stop": list(d.stop),
                    "n": d.n, "system_prompt": d.system,
                })
        except (ConfigError, OSError) as exc:
            self.query_one("#settings-error", Static).update(Text("✗ " + one_line(str(exc), 300)))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "settings-save-button":
            self.action_save()
        else:
            self.action_cancel()
