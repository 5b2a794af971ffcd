"""`system` (WWE's desktop around the view: allowed services, toasts, dialogs,
visibility, tabs) and `auth`.

The shapes of most answers are not documented (see the contract's assumptions): a
boolean answer is taken as ``true``/``false`` or an object with one boolean; an ID as
text; anything else is returned as WWE sent it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from . import _args
from .errors import ArgumentTypeError, ArgumentValueError, MalformedResponseError
from .service import Service


def _flag(method: str, data: Any) -> bool:
    if isinstance(data, bool):
        return data
    if isinstance(data, Mapping):
        flags = [v for v in data.values() if isinstance(v, bool)]
        if len(flags) == 1:
            return flags[0]
    raise MalformedResponseError(method, f"expected true or false, not {data!r}", data)


def _mapping(name: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ArgumentTypeError(f"{name} must be a mapping, not {type(value).__name__}")
    return dict(_args.plain_data(name, value))


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must be a str, not {type(value).__name__}: {value!r}")
    if not value.strip():
        raise ArgumentValueError(f"{name} is empty")
    return value


def _dialog_url(value: Any) -> str:
    """A page for WWE to frame: http(s) or relative to the view. A javascript: or data: URL
    would run in WWE's dialog, not in a page of the deployment's."""
    url = _text("url", value)
    # (urlsplit drops what browsers drop too: leading spaces, and tabs and newlines within)
    scheme = urlsplit(url.strip()).scheme.lower()
    if scheme not in ("", "http", "https"):
        raise ArgumentValueError(f"url must be an http(s) page or one relative to this view, not a {scheme}: URL")
    return url


def _toast(parameters: Any) -> dict[str, Any]:
    toast = _mapping("parameters", parameters)
    for key in ("title", "subject", "message"):
        if key in toast and not isinstance(toast[key], str):
            raise ArgumentTypeError(f"a toast's {key} is text, not {type(toast[key]).__name__}: {toast[key]!r}")
    if not any(isinstance(toast.get(k), str) and toast[k] for k in ("title", "subject", "message")):
        raise ArgumentValueError("a toast needs a title, subject or message to show")
    return toast


class SystemService(Service):
    """Async client for ``genesys.wwe.service.system``.

    Examples
    --------
    >>> from bridge.testing import FakeHost
    >>> import asyncio
    >>> host = FakeHost({"system.amIVisible": True})
    >>> asyncio.run(SystemService(host).am_i_visible())
    True
    """

    NAMESPACE = "system"

    async def get_allowed_services(self, *, timeout: float | None = None) -> list[str]:
        """The requests this view's origin may make (``accepted-web-content-origins``'s
        filter for it), e.g. ``["agent.*", "interaction.getInteractions"]``; ``["*"]``: all."""
        data = await self._fetch("getAllowedServices", (), timeout)
        if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
            raise MalformedResponseError("system.getAllowedServices", f"expected a list of request names, not {data!r}", data)
        return list(data)

    async def trigger_activity(self, *, timeout: float | None = None) -> None:
        """Tell WWE the agent is active (keeps an idle session from timing out)."""
        await self._call("triggerActivity", (), timeout)

    async def popup_toast(self, parameters: Mapping[str, Any], *, timeout: float | None = None) -> str | None:
        """Show a toast (``title``, ``subject``, ``message``, ``buttons`` or ``buttonShowDismiss``,
        ``autoCloseTimeout`` ms, ...); returns its ID when WWE gives one."""
        data = await self._fetch("popupToast", [_toast(parameters)], timeout)
        return data if isinstance(data, str) else None

    async def update_toast(self, toast_id: str, parameters: Mapping[str, Any], *, timeout: float | None = None) -> None:
        """Change a toast that is shown."""
        await self._call("updateToast", [_text("toast_id", toast_id), _mapping("parameters", parameters)], timeout)

    async def close_toast(self, toast_id: str, *, timeout: float | None = None) -> None:
        """Close a toast."""
        await self._call("closeToast", [_text("toast_id", toast_id)], timeout)

    async def open_dialog(self, url: str, options: Mapping[str, Any] | None = None, *,
                          timeout: float | None = None) -> str | None:
        """Open a dialog framing *url* (``$Dialog.Id$`` in it is replaced by WWE); its ID."""
        data = await self._fetch("openDialog", [_dialog_url(url), _mapping("options", options or {})], timeout)
        return data if isinstance(data, str) else None

    async def close_dialog(self, dialog_id: str, *, timeout: float | None = None) -> None:
        """Close a dialog."""
        await self._call("closeDialog", [_text("dialog_id", dialog_id)], timeout)

    async def update_view_in_application_menu_bar(self, parameters: Mapping[str, Any], *,
                                                  timeout: float | None = None) -> None:
        """Add or change a view in WWE's application menu bar."""
        await self._call("updateViewInApplicationMenuBar", [_mapping("parameters", parameters)], timeout)

    async def close_view_in_application_menu_bar(self, name: str, *, timeout: float | None = None) -> None:
        """Remove a view from WWE's application menu bar."""
        await self._call("closeViewInApplicationMenuBar", [_text("name", name)], timeout)

    async def _flag(self, method: str, timeout: float | None) -> bool:
        return _flag(f"system.{method}", await self._fetch(method, (), timeout))

    async def am_i_visible(self, *, timeout: float | None = None) -> bool:
        """Whether the agent can see this view now."""
        return await self._flag("amIVisible", timeout)

    async def is_frame_leading(self, *, timeout: float | None = None) -> bool:
        """Whether this browser tab leads WWE's multi-tab session."""
        return await self._flag("isFrameLeading", timeout)

    async def is_frame_following(self, *, timeout: float | None = None) -> bool:
        """Whether this browser tab follows another."""
        return await self._flag("isFrameFollowing", timeout)

    async def is_frame_negotiating(self, *, timeout: float | None = None) -> bool:
        """Whether WWE's tabs are electing a leader."""
        return await self._flag("isFrameNegotiating", timeout)

    async def is_frame_leading_or_negotiating(self, *, timeout: float | None = None) -> bool:
        """Leading, or electing a leader."""
        return await self._flag("isFrameLeadingOrNegotiating", timeout)

    async def is_last_active_frame(self, *, timeout: float | None = None) -> bool:
        """Whether this tab is the one the agent used last."""
        return await self._flag("isLastActiveFrame", timeout)


class AuthService(Service):
    """Async client for ``genesys.wwe.service.auth``."""

    NAMESPACE = "auth"

    async def get_jwt_token(self, *, timeout: float | None = None) -> Any:
        """A JSON Web Token for the agent's session (as WWE sends it)."""
        return await self._fetch("getJwtToken", (), timeout)
