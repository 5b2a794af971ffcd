"""What the widget's page tells it (outbound_widget/page_settings.py), decided in plain Python:
the rate limit on the page, ?timeout=, the deployment's files, the broken-deployment view."""

from __future__ import annotations

import pytest

from bridge import RateLimit
from bridge.testing import FakePage
from bridge.ui import Page
from outbound_widget.config import ConfigError
from outbound_widget.page_settings import SLOTS, call_timeout, config_error_view, decode_file, http_failure, rate_limit


def test_the_rate_limit_the_deployer_wrote_on_the_page() -> None:
    assert rate_limit({}) == (None, None)
    assert rate_limit({"wweRateLimit": "5"}) == (RateLimit(5, 30.0, pace=True), None)
    assert rate_limit({"wweRateLimit": "3", "wweRateLimitQuarantineDelay": "0.5", "wweRateLimitPace": "off"}) == (
        RateLimit(3, 0.5, pace=False), None)
    limit, warning = rate_limit({"wweRateLimit": "0"})
    assert limit is None and warning is not None and warning.startswith("ignoring data-wwe-rate-limit='0': ")
    assert rate_limit({"wweRateLimit": "5", "wweRateLimitQuarantineDelay": "soon"})[0] is None


@pytest.mark.parametrize(("text", "seconds"), [(None, None), ("", None), ("2.5", 2.5), ("60", 60.0)])
def test_timeout_per_call_from_the_url(text: str | None, seconds: float | None) -> None:
    assert call_timeout(text) == (seconds, None)


@pytest.mark.parametrize("text", ["soon", "-1", "nan", "inf", "0"])
def test_a_timeout_the_clients_would_refuse_is_ignored_with_a_warning(text: str) -> None:
    seconds, warning = call_timeout(text)
    assert seconds is None and warning is not None and warning.startswith(f"ignoring ?timeout={text!r}: ")


def test_deployment_files_are_utf8_or_a_precise_error() -> None:
    assert decode_file("Téléphone".encode(), "widget-config.toml", "/widget-config.toml") == "Téléphone"
    with pytest.raises(ConfigError, match=r"rules\.py is not UTF-8 text, as TOML and Python must be "
                                          r"\(invalid continuation byte at byte 1\)"):
        decode_file(b"T\xe9l", "rules.py", "/widget-config.toml")
    missing = http_failure("rules = 'rules.py'", 404, "/widget-config.toml", "serve rules.py beside widget-config.toml")
    assert "could not be read: HTTP 404 (serve rules.py beside widget-config.toml)" in str(missing)
    assert "(serve" not in str(http_failure("widget-config.toml", 500, "/widget-config.toml", "serve it"))


def test_a_broken_deployment_shows_its_problems_as_text_and_nothing_else() -> None:
    fake = FakePage()
    page = Page(fake)
    for slot, tree in config_error_view(ConfigError(["<b>rules</b> = 5: must be a file name"], "/x.toml")).items():
        page.render(slot, tree)
    assert set(fake.rendered) == set(SLOTS)
    assert all(fake.rendered[slot] == [] for slot in SLOTS if slot != "slot-record")
    assert fake.attr("w-config-error", "role") == "alert"
    assert "<b>rules</b> = 5: must be a file name" in fake.text_of("w-config-error")
