"""First-run setup: endpoint, deployment and auth, checked like ``r1-tui doctor``, saved as a profile.

The API key itself is never asked for unless the user ticks "save the key in the config
file" (the file is then written 0600); otherwise only the NAME of the environment
variable holding it is saved (``api_key_env``).

Auth follows README's table as the endpoint is typed (``key`` when the key variable is
set, ``entra`` for Azure hosts, ``none`` otherwise) until the user picks one; the check's
messages never name a config file that does not exist yet.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static

from tui.checks.model import TITLES
from tui.config import ConfigError, Overrides, PartialConfigError
from tui.config_write import load_document, save_document, update_profile
from tui.llm.endpoint import EndpointError, is_azure_host, normalize_endpoint
from tui.sanitize import for_display, one_line

AUTH_MODES = ("entra", "key", "none")
TITLE_WIDTH = max(len(title) for title in TITLES.values())  # the checks' details start in one column
INTRO = (
    "Nothing is configured yet: history is browsable read-only. Fill in your endpoint to chat. "
    "To try r1-tui without an account, quit (Ctrl+Q) and run `r1-tui --demo`."
)


def default_auth(endpoint: str, key_found: bool) -> str:
    """README's default: ``key`` when a key is found, ``entra`` for Azure hosts, ``none`` otherwise."""
    if key_found:
        return "key"
    host = endpoint.split("://", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
    return "entra" if is_azure_host(host.lower()) else "none"


def _row(label: str, widget: Any) -> Horizontal:
    return Horizontal(Label(label, classes="field-label"), widget, classes="field-row")


class SetupScreen(ModalScreen[str | None]):
    """Dismisses with the saved profile name, or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", show=False, priority=True, id="setup.save"),
        Binding("ctrl+t", "check", "Check connection", show=False, priority=True, id="setup.check"),
        Binding("escape", "cancel", "Cancel", show=False, id="setup.cancel"),
    ]

    def __init__(self, config_path: Path, *, first_run: bool = False, known: PartialConfigError | None = None) -> None:
        super().__init__()
        self.config_path = config_path
        self.first_run = first_run
        self.known = known  # a configuration with an endpoint and no deployment: filled in, the rest asked for
        self.check_lines: list[str] = []
        self._trial = ""
        self._auto_auth = "entra"  # what the dialog chose; once the user picks another, it stays theirs
        self._auth_chosen = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="setup-dialog", classes="r1-dialog"):
            yield Static(Text("Set up an endpoint", style="bold"), markup=False)
            yield Static(Text(self._intro()), id="setup-intro", markup=False)
            known = self.known
            yield _row("Profile", Input(value=(known.profile if known else None) or "default",
                                        id="setup-profile", compact=True))
            yield _row("Endpoint", Input(value=known.endpoint if known else "", placeholder="https://NAME.openai.azure.com/openai/v1/", id="setup-endpoint", compact=True))
            yield _row("Deployment", Input(placeholder="DeepSeek-R1 (deployment name, not model name)", id="setup-deployment", compact=True))
            yield _row("Auth", RadioSet(*(RadioButton(m, value=m == "entra") for m in AUTH_MODES), id="setup-auth", compact=True))
            yield _row("Key env var", Input(value="AZURE_OPENAI_API_KEY", id="setup-key-env", compact=True))
            yield Checkbox("Save the key itself in config.toml (written 0600)", id="setup-save-key", compact=True)
            yield _row("API key", Input(password=True, id="setup-key", compact=True, disabled=True))
            yield Static(Text("Ctrl+T check connection · Ctrl+S save · Esc cancel", style="dim"), markup=False)
            yield Static("", id="setup-checks", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Check (^T)", id="setup-check-button", compact=True)
                yield Button("Save (^S)", id="setup-save-button", variant="primary", compact=True)
                yield Button("Cancel (Esc)", id="setup-cancel-button", compact=True)

    def _intro(self) -> str:
        if self.known is not None:
            known = self.known
            return (f"Endpoint {one_line(known.endpoint, 120)} (from {one_line(known.endpoint_from, 60)}) has no "
                    f"{' and no '.join(known.missing)}: fill in what is missing, check (Ctrl+T) and save.")
        return INTRO if self.first_run else INTRO.split(": ", 1)[1]

    def on_mount(self) -> None:
        first_empty = "#setup-deployment" if self.known is not None else "#setup-endpoint"
        self.query_one(first_empty, Input).focus()
        if self.known is not None:
            self._follow_endpoint(endpoint_changed=True)

    # -- form ------------------------------------------------------------------------

    @property
    def auth(self) -> str:
        pressed = self.query_one("#setup-auth", RadioSet).pressed_index
        return AUTH_MODES[pressed] if 0 <= pressed < len(AUTH_MODES) else "entra"

    def _value(self, field: str) -> str:
        return self.query_one(f"#setup-{field}", Input).value.strip()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.query_one("#setup-key", Input).disabled = not event.value

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("setup-endpoint", "setup-key-env"):
            self._follow_endpoint(endpoint_changed=event.input.id == "setup-endpoint")

    def _follow_endpoint(self, *, endpoint_changed: bool) -> None:
        """The usual key variable for the host, and README's default auth (until the user picks one)."""
        endpoint = self._value("endpoint")
        env = self.query_one("#setup-key-env", Input)
        if endpoint_changed and env.value in ("AZURE_OPENAI_API_KEY", "OPENAI_API_KEY"):
            host = endpoint.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]  # the usual key variable
            env.value = "AZURE_OPENAI_API_KEY" if is_azure_host(host) else "OPENAI_API_KEY"
        if endpoint and not self._auth_chosen:
            self._auto_auth = default_auth(endpoint, bool(os.environ.get(env.value.strip())))
            buttons = list(self.query_one("#setup-auth", RadioSet).query(RadioButton))
            buttons[AUTH_MODES.index(self._auto_auth)].value = True

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        if AUTH_MODES[event.index] != self._auto_auth:  # the user's choice, kept from now on
            self._auth_chosen = True

    def profile_values(self) -> tuple[str, dict[str, Any]]:
        """The profile name and its keys; raises ConfigError for a missing or bad field."""
        name = self._value("profile") or "default"
        if not name.replace("-", "").replace("_", "").isalnum():
            raise ConfigError("the profile name may use letters, digits, - and _ only")
        endpoint, deployment = self._value("endpoint"), self._value("deployment")
        if not endpoint or not deployment:
            raise ConfigError("endpoint and deployment are both needed")
        try:
            normalize_endpoint(endpoint)
        except EndpointError as exc:
            raise ConfigError(str(exc)) from exc
        values: dict[str, Any] = {"endpoint": endpoint, "deployment": deployment, "auth": self.auth,
                                  "api_key_env": None, "api_key": None}
        if self.auth == "key":
            if self.query_one("#setup-save-key", Checkbox).value:
                key = self.query_one("#setup-key", Input).value.strip()
                if not key:
                    raise ConfigError("type the key, or untick saving it and name its environment variable")
                values["api_key"] = key
            else:
                values.pop("api_key")  # keep whatever the file has; the variable wins
                values["api_key_env"] = self._value("key-env") or None
        return name, values

    def _error(self, message: str) -> None:
        self.query_one("#setup-checks", Static).update(Text("✗ " + one_line(message, 400)))

    # -- actions -----------------------------------------------------------------------

    def action_save(self) -> None:
        try:
            name, values = self.profile_values()
            update_profile(self.config_path, name, values, make_default=True)
        except (ConfigError, OSError) as exc:
            self._error(str(exc))
            return
        self.dismiss(name)

    def action_check(self) -> None:
        try:
            name, values = self.profile_values()
        except ConfigError as exc:
            self._error(str(exc))
            return
        self.check_lines = []
        self.query_one("#setup-checks", Static).update(Text("checking…"))
        self.run_checks(name, values)

    @work(exclusive=True, group="setup-check")
    async def run_checks(self, name: str, values: dict[str, Any]) -> None:
        """The doctor's checks against a private temporary copy of the config with this profile."""
        from tui.checks.runner import run_checks

        with tempfile.TemporaryDirectory(prefix="r1-tui-setup-") as tmp:
            trial = Path(tmp) / "config.toml"
            self._trial = str(trial)
            try:
                save_document(trial, load_document(self.config_path))
                update_profile(trial, name, values, make_default=True)
            except (ConfigError, OSError) as exc:
                self._error(str(exc))
                return
            report = await run_checks(Overrides(profile=name), env=os.environ, config_path=trial, on_check=self._show)
        self.check_lines.append("All checks passed: Ctrl+S saves." if report.ok else "Fix what failed, then check again.")
        self._render_checks()

    def _show(self, check: Any) -> None:
        mark = "–" if check.skipped else "✓" if check.ok else "✗"
        # name the real file, not the trial copy; before the first save there is no file to name
        real = str(self.config_path) if self.config_path.exists() else "this form (not saved yet)"
        detail = check.detail.replace(self._trial, real)
        self.check_lines.append(f"{mark} {check.title:<{TITLE_WIDTH}} {for_display(detail)}")
        if not check.ok and not check.skipped and check.fix:
            self.check_lines.append(f"{'':{TITLE_WIDTH + 2}}fix: {for_display(check.fix)}")
        self._render_checks()

    def _render_checks(self) -> None:
        """Each check on its row: mark, title, then the detail wrapped in its own column (aligned)."""
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True, width=TITLE_WIDTH)
        grid.add_column(ratio=1)
        rest = []
        for line in self.check_lines:
            if line[:1] in "✓✗–" and line[1:2] == " ":
                grid.add_row(line[0], line[2 : 2 + TITLE_WIDTH].rstrip(), line[3 + TITLE_WIDTH :])
            elif line.startswith(" " * (TITLE_WIDTH + 2) + "fix: "):
                grid.add_row("", "", line.lstrip())
            else:
                rest.append(line)
        self.query_one("#setup-checks", Static).update(Group(grid, Text("\n".join(rest))) if rest else grid)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"setup-check-button": self.action_check, "setup-save-button": self.action_save,
         "setup-cancel-button": self.action_cancel}[event.button.id or "setup-cancel-button"]()
