"""``build_app``: the one way to make the app, for ``tui/cli.py`` and for the tests."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tui.config import PartialConfigError
from tui.llm.client import ChatClient
from tui.llm.request import RequestDefaults
from tui.metrics import Prices
from tui.store import HistoryStore
from tui.ui.app import R1App
from tui.ui.context import DEFAULT_SETUP_HINT, AppContext, ClientFactory


def build_app(
    *,
    client: ChatClient | None,
    store: HistoryStore,
    defaults: RequestDefaults | None = None,
    read_only: bool = False,
    setup_hint: str | None = None,
    low_bandwidth: bool = False,
    client_factory: ClientFactory | None = None,
    keymap: Mapping[str, object] | None = None,
    theme: object = None,
    profile: str | None = None,
    config_path: Path | None = None,
    prices: Prices | None = None,
    demo: bool = False,
    partial: PartialConfigError | None = None,
    warnings: tuple[str, ...] = (),
    pivots: tuple[str, ...] | None = None,
) -> R1App:
    """The app over ``store``, talking to ``client`` (None: browse the history only).

    ``read_only`` is ``--offline``; ``client_factory`` builds clients for a profile or
    deployment switch and for first-run setup; ``keymap`` and ``theme`` are the config's
    ``[keys]`` table and ``theme`` value (validated when the app starts); ``prices`` is the
    profile's price table (answers and the conversation then show a cost). ``demo``
    (``--demo``): settings and themes apply to the session only, config.toml is never written.
    ``partial``: an endpoint was configured without a deployment; setup opens with it filled in.
    ``warnings``: the configuration's warnings (e.g. "temperature is ignored"), shown at start.
    ``pivots``: config.toml's ``[trace] pivots`` (None: the defaults of tui/trace/steps.py).
    """
    hint = setup_hint or (
        "History is read-only: composing is disabled." if read_only and client else DEFAULT_SETUP_HINT
    )
    context = AppContext(
        store=store,
        client=client,
        defaults=defaults or RequestDefaults(),
        read_only=read_only,
        setup_hint=hint,
        low_bandwidth=low_bandwidth,
        client_factory=client_factory,
        keys=dict(keymap or {}),
        theme=theme,
        profile_name=profile,
        config_file=config_path,
        prices=prices,
        demo=demo,
        partial=partial,
        warnings=tuple(warnings),
        pivots=pivots,
    )
    return R1App(context)
