"""The shared usage, timing and price types."""

from __future__ import annotations

import pytest

from tui.metrics import Prices, Timing, Usage


def test_usage_and_timing_default_to_unknown() -> None:
    assert Usage() == Usage(None, None, None, None, False, False)
    assert Timing() == Timing(None, None, None)


@pytest.mark.parametrize(("estimated", "reasoning_estimated", "any_estimated"), [
    (False, False, False), (True, False, True), (False, True, True), (True, True, True)])
def test_any_estimated(estimated: bool, reasoning_estimated: bool, any_estimated: bool) -> None:
    assert Usage(1, 2, 3, 0, estimated, reasoning_estimated).any_estimated is any_estimated


def test_cost_per_million_tokens() -> None:
    prices = Prices(input_per_mtok=2.0, output_per_mtok=8.0, currency="EUR")
    assert prices.cost(Usage(prompt_tokens=1_000_000, completion_tokens=500_000)) == 6.0
    assert prices.cost(Usage(prompt_tokens=3, completion_tokens=0)) == 6e-6
    assert prices.cost(Usage(prompt_tokens=0, completion_tokens=5)) == 4e-5
    assert prices.cost(None) is None
    assert prices.cost(Usage(prompt_tokens=None, completion_tokens=5)) is None
    assert prices.cost(Usage(prompt_tokens=5, completion_tokens=None)) is None
    assert Prices(1.0, 1.0).currency == ""
