"""What the widget asks of WWE beyond outbound: an interaction's state, mark-done blocks,
WWE's own options, whether the agent can see the widget, and toasts.

One object holds the four clients the widget uses besides `Outbound`, so the widget's
constructor names them and CPython tests pass fakes (`bridge.testing.FakeHost`) the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from bridge import (
    BridgeError,
    ConfigurationService,
    Interaction,
    InteractionService,
    Options,
    RateLimit,
    SystemService,
)
from bridge.host import Host

from .wwe_options import OPTION_NAMES

#: Seconds the widget waits at start for WWE's options and the first interaction's state:
#: a WWE that does not answer them delays the record this long, no longer (the file then applies).
START_TIMEOUT = 3.0


@dataclass(frozen=True)
class OptionsRead:
    """What reading WWE's options gave: the options, or why the file applies alone."""

    options: Options | None
    problem: str | None = None


@dataclass
class Desktop:
    """WWE's interaction, configuration and system namespaces, for the widget."""

    interaction: InteractionService
    configuration: ConfigurationService
    system: SystemService

    @classmethod
    def on(cls, host: Host | None = None, *, timeout: float | None = None, rate_limit: RateLimit | None = None) -> Desktop:
        """The three clients on *host* (None: the page's), sharing the outbound client's view budget."""
        kwargs: dict[str, object] = {"rate_limit": rate_limit}
        if timeout is not None:
            kwargs["timeout"] = timeout
        return cls(InteractionService(host, **kwargs),  # type: ignore[arg-type]
                   ConfigurationService(host, **kwargs),  # type: ignore[arg-type]
                   SystemService(host, **kwargs))  # type: ignore[arg-type]

    async def state_of(self, interaction_id: str) -> Interaction | None:
        """WWE's view of the interaction (None: WWE has none by that ID)."""
        return await self.interaction.get_by_interaction_id(interaction_id, timeout=START_TIMEOUT)

    async def read_options(self) -> OptionsRead:
        """WWE's outbound privileges and options, or why they cannot be read (then the
        file applies alone): the origin's filter in ``accepted-web-content-origins``
        leaves ``configuration.getOption`` out, or WWE refused or did not answer."""
        try:
            allowed = await self.system.get_allowed_services(timeout=START_TIMEOUT)
        except BridgeError:
            allowed = ["*"]  # a WWE without the method: asking is how to find out
        if not any(_matches(item, "configuration.getOption") for item in allowed):
            return OptionsRead(None, "WWE does not let this view read its options (accepted-web-content-origins "
                                     "leaves configuration out for this origin)")
        try:
            return OptionsRead(await self.configuration.options(list(OPTION_NAMES), timeout=START_TIMEOUT))
        except BridgeError as exc:
            return OptionsRead(None, f"WWE's options could not be read ({exc})")

    async def visible(self) -> bool:
        """Whether the agent can see the widget now (``system.amIVisible``); True when WWE cannot say."""
        try:
            return await self.system.am_i_visible(timeout=START_TIMEOUT)
        except BridgeError:
            return True

    async def toast(self, title: str, message: str) -> None:
        """A WWE toast the agent can dismiss (a failure to show one is not the agent's problem)."""
        try:
            await self.system.popup_toast({"title": title, "message": message, "buttonShowDismiss": True},
                                          timeout=START_TIMEOUT)
        except BridgeError:
            pass


def _matches(item: str, request: str) -> bool:
    """A filter item of getAllowedServices ("interaction.*", "*") against a request."""
    return item == "*" or item == request or (item.endswith("*") and request.startswith(item[:-1]))
