"""`voice`, `email`, `sipEndpoint` and `media`: the channels around outbound, as checked
async calls returning what WWE sends (the docs give these answers no type)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import _args
from .errors import ArgumentTypeError, ArgumentValueError
from .service import Service


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must be a str, not {type(value).__name__}: {value!r}")
    if not value.strip():
        raise ArgumentValueError(f"{name} is empty")
    return value


def _data(name: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ArgumentTypeError(f"{name} must be a mapping or None, not {type(value).__name__}")
    return dict(_args.plain_data(name, value))


class VoiceService(Service):
    """Async client for ``genesys.wwe.service.voice``."""

    NAMESPACE = "voice"

    async def dial(self, destination: str, user_data: Mapping[str, Any] | None = None, *,
                   timeout: float | None = None) -> Any:
        """Dial *destination*, attaching *user_data* to the call."""
        return await self._fetch_or_none("dial", [_text("destination", destination), _data("user_data", user_data)], timeout)

    async def dial_ex(self, destination: str, user_data: Mapping[str, Any] | None = None,
                      extensions: Mapping[str, Any] | None = None, *, timeout: float | None = None) -> Any:
        """Dial with extensions."""
        args = [_text("destination", destination), _data("user_data", user_data), _data("extensions", extensions)]
        return await self._fetch_or_none("dialEx", args, timeout)

    async def _on_call(self, method: str, interaction_id: str, timeout: float | None) -> None:
        await self._call(method, [_args.interaction_id(interaction_id)], timeout)

    async def answer(self, interaction_id: str, *, timeout: float | None = None) -> None:
        """Answer a ringing call."""
        await self._on_call("answer", interaction_id, timeout)

    async def hold(self, interaction_id: str, *, timeout: float | None = None) -> None:
        """Put a call on hold."""
        await self._on_call("hold", interaction_id, timeout)

    async def resume(self, interaction_id: str, *, timeout: float | None = None) -> None:
        """Take a call off hold."""
        await self._on_call("resume", interaction_id, timeout)

    async def hang_up(self, interaction_id: str, *, timeout: float | None = None) -> None:
        """Release a call."""
        await self._on_call("hangUp", interaction_id, timeout)

    async def start_call_recording(self, interaction_id: str, *, timeout: float | None = None) -> None:
        """Start recording the call."""
        await self._on_call("startCallRecording", interaction_id, timeout)

    async def stop_call_recording(self, interaction_id: str, *, timeout: float | None = None) -> None:
        """Stop recording the call."""
        await self._on_call("stopCallRecording", interaction_id, timeout)

    async def pause_call_recording(self, interaction_id: str, *, timeout: float | None = None) -> None:
        """Pause the call's recording."""
        await self._on_call("pauseCallRecording", interaction_id, timeout)

    async def resume_call_recording(self, interaction_id: str, *, timeout: float | None = None) -> None:
        """Resume the call's recording."""
        await self._on_call("resumeCallRecording", interaction_id, timeout)

    async def _fetch_or_none(self, method: str, args: list[Any], timeout: float | None) -> Any:
        payload = await self._call(method, args, timeout)
        return payload.get("data") if isinstance(payload, Mapping) else None


class EmailService(Service):
    """Async client for ``genesys.wwe.service.email``."""

    NAMESPACE = "email"

    async def create(self, destination: str, user_data: Mapping[str, Any] | None = None, *,
                     timeout: float | None = None) -> Any:
        """Open a new outbound email to *destination*."""
        payload = await self._call("create", [_text("destination", destination), _data("user_data", user_data)], timeout)
        return payload.get("data") if isinstance(payload, Mapping) else None


class SipEndpointService(Service):
    """Async client for ``genesys.wwe.service.sipEndpoint`` (the agent's softphone)."""

    NAMESPACE = "sipEndpoint"

    async def mute_microphone(self, *, timeout: float | None = None) -> None:
        """Mute the microphone."""
        await self._call("muteMicrophone", (), timeout)

    async def unmute_microphone(self, *, timeout: float | None = None) -> None:
        """Unmute the microphone."""
        await self._call("unmuteMicrophone", (), timeout)

    async def mute_speaker(self, *, timeout: float | None = None) -> None:
        """Mute the speaker."""
        await self._call("muteSpeaker", (), timeout)

    async def unmute_speaker(self, *, timeout: float | None = None) -> None:
        """Unmute the speaker."""
        await self._call("unmuteSpeaker", (), timeout)

    async def is_microphone_mute(self, *, timeout: float | None = None) -> Any:
        """Whether the microphone is muted (as WWE answers)."""
        return await self._fetch("isMicrophoneMute", (), timeout)

    async def is_speaker_mute(self, *, timeout: float | None = None) -> Any:
        """Whether the speaker is muted (as WWE answers)."""
        return await self._fetch("isSpeakerMute", (), timeout)


class MediaService(Service):
    """Async client for ``genesys.wwe.service.media`` (the agent's channels and their states)."""

    NAMESPACE = "media"

    async def set_state(self, media_name: str, operation_name: str, *, timeout: float | None = None) -> None:
        """Change the agent's state on one medium (an operation name, as `AgentService.set_state`)."""
        await self._call("setState", [_text("media_name", media_name), _text("operation_name", operation_name)], timeout)

    async def get_media_list(self, *, timeout: float | None = None) -> Any:
        """The agent's media and their states (as WWE sends them)."""
        return await self._fetch("getMediaList", (), timeout)

    async def get_media_by_name(self, name: str, *, timeout: float | None = None) -> Any:
        """One medium and its state (as WWE sends it)."""
        return await self._fetch("getMediaByName", [_text("name", name)], timeout)
