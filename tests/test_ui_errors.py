"""The last error is readable in full: the status line names the key, the key opens the whole text (#11)."""

from __future__ import annotations

from pathlib import Path

try:
    from tests.loopback import ErrorResponse
    from tests.uihelpers import make_app, send_and_wait, wait_for
except ImportError:  # tests/ itself on sys.path
    from loopback import ErrorResponse  # type: ignore[no-redef]
    from uihelpers import make_app, send_and_wait, wait_for  # type: ignore[no-redef]

from tui.ui.screens.error import ErrorScreen

TAIL = "THE-END-OF-THE-MESSAGE"
LONG = "The request was refused because " + "of a very long explanation " * 12 + TAIL


async def test_a_long_error_opens_in_full_from_the_status_line(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(ErrorResponse(400, {"error": {"code": "invalid_request", "message": LONG}}))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+o")
        assert "No error so far." in "\n".join(str(n.message) for n in app._notifications)
        await send_and_wait(pilot, app, "hello")
        status = app.main_screen.panes.status
        await wait_for(pilot, lambda: status.model.error)
        shown = status.build_text().plain
        assert "Ctrl+O details · " in shown and TAIL not in shown  # cut on the bar, the key named
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, ErrorScreen))
        text = str(app.screen.query_one("#error-text").render())
        assert TAIL in " ".join(text.split())
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ErrorScreen))
        await pilot.press("ctrl+n")  # another conversation: the line is cleared, the last error stays readable
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, ErrorScreen))
    await client.aclose()
    store.close()
