"""`messenger`: views of the same WWE talking to each other (the widget and the console,
two widgets), through WWE: ``broadcastMessage(channel, message)`` reaches every view
subscribed to the event ``messenger:<channel>``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import _args
from .errors import ArgumentTypeError, ArgumentValueError
from .events import Event
from .service import EventStream, Service

#: The event name prefix of a channel's messages.
PREFIX = "messenger:"


def channel_name(channel: Any) -> str:
    if not isinstance(channel, str):
        raise ArgumentTypeError(f"channel must be a str, not {type(channel).__name__}: {channel!r}")
    if not channel.strip() or channel.startswith(PREFIX):
        raise ArgumentValueError(f"channel must be a name such as 'my-app' (without {PREFIX!r}), not {channel!r}")
    return channel


class MessengerService(Service):
    """Async client for ``genesys.wwe.service.messenger``.

    Examples
    --------
    >>> from bridge import messenger
    >>> stop = messenger.listen("notes", lambda event: print(event.data))
    >>> await messenger.broadcast_message("notes", {"text": "hi"})
    >>> stop()
    """

    NAMESPACE = "messenger"

    async def broadcast_message(self, channel: str, message: Any, *, timeout: float | None = None) -> None:
        """Send *message* (plain data: JSON types) to every view listening to *channel*."""
        await self._call("broadcastMessage", [channel_name(channel), _args.plain_data("message", message)], timeout)

    def listen(self, channel: str, handler: Callable[[Event], Any]) -> Callable[[], None]:
        """Call *handler* with each message of *channel* (``event.data`` is the message);
        returns the function that stops listening."""
        return self.subscribe(PREFIX + channel_name(channel), handler)

    def messages(self, channel: str) -> EventStream:
        """The messages of *channel* as an async stream (see `Service.events`)."""
        return self.events(PREFIX + channel_name(channel))
