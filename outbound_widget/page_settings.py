"""What the widget's page tells it, read as plain data: WWE's rate limit the deployer wrote on
the page (``<html data-wwe-rate-limit=...>``), ``?timeout=`` per call, and the deployment's
files (UTF-8 only, fetched fresh). _dom.py reads the page; every decision is here, tested
in CPython.
"""

from __future__ import annotations

from collections.abc import Mapping

from bridge import DEFAULT_TIMEOUT, BridgeError, RateLimit, _args
from bridge.tree import Node, h

from .config import ConfigError

#: The deployer's configuration, beside the widget's page (docs/configuring.md).
CONFIG_FILE = "widget-config.toml"

#: The page's containers, each drawn by one part of the widget (widget.html).
SLOTS = ("slot-header", "slot-notice", "slot-summary", "slot-record", "slot-call-result", "slot-reschedule",
         "slot-done", "slot-chain", "slot-preview")


def rate_limit(data: Mapping[str, str | None]) -> tuple[RateLimit | None, str | None]:
    """WWE's rate limit from the page's ``data-wwe-rate-limit`` attributes (*data*: the
    ``<html>`` element's dataset: ``wweRateLimit``, ``wweRateLimitQuarantineDelay``,
    ``wweRateLimitPace``; pacing is on unless ``"off"``), and a warning for a value it
    cannot use (then None: no limit).

    Examples
    --------
    >>> rate_limit({"wweRateLimit": "5", "wweRateLimitQuarantineDelay": "10"})[0]
    RateLimit(per_second=5, quarantine_s=10.0, pace=True)
    >>> rate_limit({"wweRateLimit": "five"})
    (None, "ignoring data-wwe-rate-limit='five': invalid literal for int() with base 10: 'five'")
    """
    per_second = data.get("wweRateLimit")
    if not per_second:
        return None, None
    try:
        limit = RateLimit(int(per_second), float(data.get("wweRateLimitQuarantineDelay") or 30),
                          pace=data.get("wweRateLimitPace") != "off")
    except (ValueError, BridgeError) as exc:
        return None, f"ignoring data-wwe-rate-limit={per_second!r}: {exc}"
    return limit, None


def call_timeout(text: str | None) -> tuple[float | None, str | None]:
    """Seconds per WWE call from ``?timeout=`` (checked as every client checks it), and a
    warning for a value it cannot use (then None: the clients' default).

    Examples
    --------
    >>> call_timeout("2.5")
    (2.5, None)
    >>> call_timeout("soon")[1]
    "ignoring ?timeout='soon': could not convert string to float: 'soon'"
    """
    if not text:
        return None, None
    try:
        return _args.timeout(float(text), DEFAULT_TIMEOUT), None
    except (ValueError, TypeError, BridgeError) as exc:
        return None, f"ignoring ?timeout={text!r}: {exc}"


def http_failure(what: str, status: int, source: str, missing: str = "") -> ConfigError:
    """The error for a deployment file the site answered with HTTP *status*; *missing*: what
    to do when it is absent (404)."""
    hint = f" ({missing})" if missing and status == 404 else ""
    return ConfigError([f"{what} could not be read: HTTP {status}{hint}"], source)


def decode_file(data: bytes, what: str, source: str) -> str:
    """A deployment file's text: UTF-8, as TOML and Python must be (the browser's ``text()``
    would put U+FFFD in a label and say nothing).

    Raises
    ------
    ConfigError
        Naming the byte that is not UTF-8.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{what} is not UTF-8 text, as TOML and Python must be ({exc.reason} at byte {exc.start})"],
                          source) from None


def config_error_view(exc: BridgeError) -> dict[str, Node | str]:
    """What the page shows instead of the widget when the deployment is broken: slot → tree
    (every other slot empty), the problems as text."""
    shown: dict[str, Node | str] = dict.fromkeys(SLOTS, "")
    shown["slot-record"] = h(
        "section", {"id": "w-config-error", "class": "config-error", "role": "alert"},
        h("h2", {}, "The widget is not configured correctly"),
        h("p", {}, "Nothing was sent to WWE. Tell whoever deploys the widget; the details:"),
        h("pre", {}, str(exc)))
    return shown
