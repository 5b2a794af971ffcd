"""What the widget's parts may ask of the sidebar around them, as protocols: the panels, the
page's and WWE's event handlers are given a `Sidebar` (the widget is one), never the `Widget`
class itself, so none of them imports app.py and each says what it uses.

(What the widget needs of the browser beyond drawing: browser.py.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol

from bridge import BridgeError, Outbound
from bridge.ui import Page

from .browser import Browser
from .config import Settings, WidgetConfig
from .desktop import Desktop
from .drafts import Drafts
from .markdone import MarkDoneGuard
from .rule_runner import RuleRunner
from .signals import Signals
from .state import Interaction, Session


class Sidebar(Protocol):
    """The sidebar around a panel: where it draws, whom it asks, what it tells."""

    page: Page
    browser: Browser
    outbound: Outbound
    desktop: Desktop | None
    config: WidgetConfig
    session: Session
    drafts: Drafts
    rules: RuleRunner
    signals: Signals
    guard: MarkDoneGuard | None
    clock: Callable[[], datetime]
    interactions: dict[str, Interaction]
    shown: Interaction | None

    def settings(self, it: Interaction | None) -> Settings:
        """The deployer's settings for *it*'s campaign."""
        ...

    def session_settings(self) -> Settings:
        """The settings of the campaign chosen in the picker (for what is about no customer)."""
        ...

    def touched(self, it: Interaction) -> None:
        """Something of *it* that mark done depends on changed."""
        ...

    def left_to_do(self, it: Interaction) -> str | None:
        """What mark done would lose of *it* now."""
        ...

    def spawn(self, coro: Awaitable[Any], it: Interaction | None = None, area: str | None = None) -> None:
        """Run *coro* as a task of the widget (its failure shown in *area*)."""
        ...

    def noted(self, exc: BridgeError) -> None:
        """A failed call the sidebar may have something to say about (WWE's rate limit)."""
        ...

    def unexpected(self, exc: BaseException, it: Interaction | None, area: str | None) -> None:
        """An exception nothing expected: said where it happened, logged."""
        ...

    def alert(self, it: Interaction, title: str, message: str) -> None:
        """Tell the agent something about *it* they may be looking away from (a toast)."""
        ...

    def remember(self, interaction_id: str, state: str | None = None, campaign: str | None = None) -> Interaction:
        """The state kept for an interaction (created on first sight)."""
        ...

    def forget(self, interaction_id: str, *, draw: bool = True) -> None:
        """Drop what is kept for an interaction that is gone."""
        ...

    async def show(self, interaction_id: str) -> None:
        """Show that interaction's record."""
        ...

    def render_state(self, it: Interaction) -> None:
        """Draw what depends on *it*'s state (the header, the actions offered)."""
        ...

    def render_notice(self) -> None:
        """Draw the notice line."""
        ...

    def render_all(self) -> None:
        """Draw every section for the shown interaction."""
        ...

    def render_header(self) -> None:
        """Draw the header (which interaction, its state)."""
        ...

    def rekey(self, old: str, new: str) -> None:
        """WWE gave an interaction a new ID (a preview that became a call): keep its state."""
        ...
