"""The namespaces beyond outbound, through FakeHost: what goes on the wire, what comes
back typed, what is refused before anything is sent."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from bridge import (
    Agent,
    AgentService,
    AgentState,
    ArgumentTypeError,
    ArgumentValueError,
    AuthService,
    BridgeTimeoutError,
    ConfigurationService,
    EmailService,
    Event,
    InteractionService,
    MalformedResponseError,
    MediaService,
    MessengerService,
    Outbound,
    OutboundError,
    QuarantinedError,
    RateLimit,
    Section,
    ServiceError,
    SipEndpointService,
    SystemService,
    VoiceService,
)
from bridge.testing import FakeFailure, FakeHost

from .helpers import run

TALKING = {"interactionId": "7", "state": "Talking", "previousState": "DIALING", "startDate": 1_700_000_000_000,
           "userData": {"GSW_CAMPAIGN_NAME": "Offer", "GSW_RECORD_HANDLE": 283}, "parties": [{"name": "x"}, "junk"],
           "isConsultation": False, "callType": "OUTBOUND", "direction": "OUT"}


def test_get_by_interaction_id_is_typed_and_none_when_wwe_has_none() -> None:
    host = FakeHost({"interaction.getByInteractionId": lambda args: TALKING if args == ["7"] else None})
    client = InteractionService(host)
    it = run(client.get_by_interaction_id("7"))
    assert it is not None
    assert (it.interaction_id, it.state, it.previous_state, it.phase) == ("7", "TALKING", "DIALING", "call")
    assert (it.campaign_name, it.record_handle, it.call_type, it.direction) == ("Offer", 283, "OUTBOUND", "OUT")
    assert it.parties == ({"name": "x"},) and it.start_date is not None and it.start_date.year == 2023
    assert run(client.get_by_interaction_id("8")) is None
    assert host.sent("interaction.getByInteractionId") == [["7"], ["8"]]


def test_get_interactions_refuses_malformed_answers_naming_the_request() -> None:
    host = FakeHost({"interaction.getInteractions": [TALKING, {"state": "PREVIEW"}]})
    with pytest.raises(MalformedResponseError, match="interaction.getInteractions.*no interactionId"):
        run(InteractionService(host).get_interactions())
    host.replies["interaction.getInteractions"] = {"not": "a list"}
    with pytest.raises(MalformedResponseError, match="expected a list"):
        run(InteractionService(host).get_interactions())


def test_user_data_and_mark_done_send_the_vendor_parameters() -> None:
    host = FakeHost({name: None for name in ("interaction.setUserData", "interaction.deleteUserData",
                                             "interaction.markdone", "interaction.blockMarkdone",
                                             "interaction.unblockMarkdone")})
    client = InteractionService(host)

    async def scenario() -> None:
        await client.set_user_data("7", {"Note": "call back", "Tries": 2})
        await client.delete_user_data("7", "Note")
        await client.block_mark_done("7", "2 unsaved changes in Phone, Note")
        await client.unblock_mark_done("7")
        await client.mark_done("7")

    run(scenario())
    assert [(c.method, c.args) for c in host.calls] == [
        ("interaction.setUserData", ["7", {"Note": "call back", "Tries": 2}]),
        ("interaction.deleteUserData", ["7", "Note"]),
        ("interaction.blockMarkdone", ["7", "2 unsaved changes in Phone, Note"]),
        ("interaction.unblockMarkdone", ["7"]),
        ("interaction.markdone", ["7"]),
    ]


@pytest.mark.parametrize(("call", "error"), [
    (lambda c: c.set_user_data("7", {}), ArgumentValueError),
    (lambda c: c.set_user_data("7", {"k": object()}), ArgumentTypeError),
    (lambda c: c.set_user_data("7", ["k"]), ArgumentTypeError),
    (lambda c: c.delete_user_data("7", ""), ArgumentValueError),
    (lambda c: c.block_mark_done("7", "  "), ArgumentValueError),
    (lambda c: c.mark_done(7), ArgumentTypeError),
    (lambda c: c.consult("7", 5001), ArgumentTypeError),
    (lambda c: c.set_user_data("7", {"k": float("nan")}), ArgumentValueError),
    (lambda c: c.set_user_data("7", {"k": 10**400}), ArgumentValueError),
])
def test_bad_arguments_are_refused_before_anything_is_sent(call: Any, error: type) -> None:
    host = FakeHost()
    with pytest.raises(error):
        run(call(InteractionService(host)))
    assert host.calls == []


def _self_containing() -> dict[str, Any]:
    data: dict[str, Any] = {}
    data["a"] = data
    return data


def test_a_handler_must_be_callable_when_it_is_given() -> None:
    with pytest.raises(ArgumentTypeError, match="handler must be a function"):
        MessengerService(FakeHost()).listen("team", "notcallable")  # type: ignore[arg-type]


@pytest.mark.parametrize(("call", "message"), [
    (lambda h: SystemService(h).popup_toast({"title": "x", "message": float("inf")}), "['message'] is inf"),
    (lambda h: SystemService(h).popup_toast({"title": 5}), "a toast's title is text, not int"),
    (lambda h: SystemService(h).open_dialog("/d.html", {"size": [1, float("nan")]}), "options['size'][1] is nan"),
    (lambda h: VoiceService(h).dial("5001", {"n": 2**60}), "beyond what a JS number holds exactly"),
    (lambda h: MessengerService(h).broadcast_message("team", {"at": {1: "x"}}), "has the key 1: keys must be str"),
    (lambda h: EmailService(h).create("a@b.c", {"f": {1, 2}}), "is a set: only plain data"),
    (lambda h: SystemService(h).open_dialog(" java\tscript:alert(1)"), "not a javascript: URL"),
    (lambda h: InteractionService(h).single_step_conference("1", "555", None, {"x": 2**60}), "extensions['x'] is"),
    (lambda h: InteractionService(h).consult("1", {"type": "AGENT", "destination": float("nan")}), "target['destination']"),
    (lambda h: MessengerService(h).broadcast_message("t", _self_containing()), "or contains itself"),
    (lambda h: InteractionService(h).block_mark_done("1", "x" * 100_000), "keep it under 2,000"),
    (lambda h: SystemService(h).open_dialog("data:text/html,<b>x</b>"), "not a data: URL"),
])
def test_data_that_json_or_js_numbers_cannot_carry_is_refused_naming_where(call: Any, message: str) -> None:
    host = FakeHost()
    with pytest.raises((ArgumentTypeError, ArgumentValueError), match=re.escape(message)):
        run(call(host))
    assert host.calls == []


def test_a_refusal_is_a_service_error_naming_the_request_and_outbound_stays_outbound_error() -> None:
    def refuse(args: list[Any]) -> None:
        raise FakeFailure("Interaction 7 is not live")

    host = FakeHost({"interaction.setUserData": refuse, "setDoNotCall": lambda args: (_ for _ in ()).throw(FakeFailure("no"))})
    with pytest.raises(ServiceError, match=r"^interaction.setUserData failed: Interaction 7 is not live") as info:
        run(InteractionService(host).set_user_data("7", {"k": "v"}))
    assert not isinstance(info.value, OutboundError) and info.value.method == "interaction.setUserData"
    with pytest.raises(OutboundError, match="^outbound.setDoNotCall failed: no"):
        run(Outbound(host).set_do_not_call("7"))


def test_clients_on_one_host_share_its_pending_calls_and_timeouts_name_the_request() -> None:
    host = FakeHost({"getCallResult": 6})
    host.hold("interaction.getByInteractionId")
    outbound, interaction = Outbound(host), InteractionService(host)

    async def scenario() -> None:
        waiting = asyncio.ensure_future(interaction.get_by_interaction_id("7", timeout=0.05))
        assert (await outbound.get_call_result("7")) is not None  # answered while the other waits
        with pytest.raises(BridgeTimeoutError, match="^interaction.getByInteractionId: WWE did not answer"):
            await waiting

    run(scenario())


def test_one_rate_limit_budget_for_every_namespace_of_the_view() -> None:
    host = FakeHost({"getCallResult": 6, "interaction.getByInteractionId": TALKING})
    limit = RateLimit(2, 30, pace=False)
    outbound, interaction = Outbound(host, rate_limit=limit), InteractionService(host, rate_limit=limit)

    async def scenario() -> None:
        await outbound.get_call_result("7")
        await interaction.get_by_interaction_id("7")
        with pytest.raises(QuarantinedError, match="^interaction.getInteractions was not sent"):
            await interaction.get_interactions()

    run(scenario())
    assert len(host.calls) == 2


@pytest.mark.parametrize("names", ["voice.auto-answer", "Section/option.x", "privilege.outbound.*", "MySection/*",
                                   ["privilege.*", "CustomSection/option.custom.customer.code"], "voice.auto*"])
def test_get_option_takes_every_documented_form(names: Any) -> None:
    host = FakeHost({"configuration.getOption": [{"name": "interaction-workspace", "options": {"voice.auto-answer": "true"}}]})
    sections = run(ConfigurationService(host).get_option(names))
    assert sections == [Section("interaction-workspace", {"voice.auto-answer": "true"})]
    assert host.sent("configuration.getOption") == [[names]]


@pytest.mark.parametrize("names", ["*.mark-done", "*", "voice.*.x", "", "Section/", [], [""], 5, "a b"])
def test_get_option_refuses_what_wwe_does_not_take_before_sending(names: Any) -> None:
    host = FakeHost()
    with pytest.raises((ArgumentValueError, ArgumentTypeError)):
        run(ConfigurationService(host).get_option(names))
    assert host.calls == []


def test_options_reads_sections_by_option_name_and_flags_as_wwe_does() -> None:
    host = FakeHost({"configuration.getOption": [
        {"name": "interaction-workspace", "options": {"privilege.outbound.can-use": "TRUE", "outbound.x": 5}},
        {"name": "Custom", "options": {"a": False}},
        {"name": "flat-section", "b": "1"},
    ]})
    options = run(ConfigurationService(host).options(["privilege.outbound.*", "Custom/*"]))
    assert options["outbound.x"] == "5" and options["Custom/a"] == "false" and options["flat-section/b"] == "1"
    assert options.flag("privilege.outbound.can-use") is True
    assert options.flag("privilege.outbound.can-reschedule") is False
    assert options.flag("privilege.outbound.can-reschedule", default=True) is True
    host.replies["configuration.getOption"] = "nope"
    with pytest.raises(MalformedResponseError):
        run(ConfigurationService(host).options("x"))


def test_system_answers_are_typed_and_toasts_need_something_to_show() -> None:
    host = FakeHost({"system.getAllowedServices": ["agent.*", "interaction.getInteractions"],
                     "system.amIVisible": {"visible": False}, "system.popupToast": "wweCustomToast0",
                     "system.isFrameLeading": "yes"})
    system = SystemService(host)
    assert run(system.get_allowed_services()) == ["agent.*", "interaction.getInteractions"]
    assert run(system.am_i_visible()) is False
    assert run(system.popup_toast({"title": "Save failed", "message": "Retry"})) == "wweCustomToast0"
    with pytest.raises(ArgumentValueError, match="title, subject or message"):
        run(system.popup_toast({"buttonShowDismiss": True}))
    with pytest.raises(MalformedResponseError, match="system.isFrameLeading.*true or false"):
        run(system.is_frame_leading())


def test_agent_and_its_states() -> None:
    host = FakeHost({
        "agent.get": {"employeeId": "E1", "firstname": "Ann", "lastname": "Lee", "username": "ann", "roles": ["ROLE_AGENT", 3]},
        "agent.getStateList": [{"operationName": "Ready", "displayName": "Ready"}, "NotReady"],
        "agent.getState": {"operationName": "Ready", "state": "READY"},
        "agent.setState": None,
    })
    agent = AgentService(host)
    assert run(agent.get()) == Agent("E1", "Ann", "Lee", "ann", ("ROLE_AGENT",))
    states = run(agent.get_state_list())
    assert [s.operation_name for s in states] == ["Ready", "NotReady"] and states[0].label == "Ready"
    assert run(agent.get_state()).state == "READY"
    run(agent.set_state(AgentState("NotReady")))
    assert host.sent("agent.setState") == [["NotReady"]]
    with pytest.raises(ArgumentValueError):
        run(agent.set_state(" "))


def test_the_other_namespaces_are_checked_calls_returning_wwes_data() -> None:
    host = FakeHost({"voice.dial": {"interactionId": "9"}, "voice.hold": None, "media.getMediaList": [{"name": "voice"}],
                     "media.setState": None, "email.create": None, "sipEndpoint.isMicrophoneMute": True,
                     "auth.getJwtToken": "eyJ..."})
    assert run(VoiceService(host).dial("5001", {"k": "v"})) == {"interactionId": "9"}
    run(VoiceService(host).hold("9"))
    assert run(MediaService(host).get_media_list()) == [{"name": "voice"}]
    run(MediaService(host).set_state("voice", "Ready"))
    run(EmailService(host).create("a@example.com"))
    assert run(SipEndpointService(host).is_microphone_mute()) is True
    assert run(AuthService(host).get_jwt_token()) == "eyJ..."
    assert host.sent("voice.dial") == [["5001", {"k": "v"}]] and host.sent("email.create") == [["a@example.com", {}]]
    with pytest.raises(ArgumentValueError):
        run(VoiceService(host).dial(""))
    with pytest.raises(ArgumentTypeError):
        run(VoiceService(host).dial("5001", ["not", "a", "mapping"]))  # type: ignore[arg-type]


def test_messenger_broadcasts_plain_data_and_listens_by_channel() -> None:
    host = FakeHost({"messenger.broadcastMessage": None})
    messenger = MessengerService(host)
    heard: list[Event] = []
    stop = messenger.listen("notes", heard.append)
    run(messenger.broadcast_message("notes", {"text": "hi"}))
    assert host.sent("messenger.broadcastMessage") == [["notes", {"text": "hi"}]]
    assert host.emit("messenger:notes", {"text": "hi"}) == 1 and heard[0].data == {"text": "hi"}
    stop()
    assert host.emit("messenger:notes", {}) == 0
    with pytest.raises(ArgumentTypeError, match="plain data"):
        run(messenger.broadcast_message("notes", {"f": object()}))
    with pytest.raises(ArgumentValueError, match="without 'messenger:'"):
        messenger.listen("messenger:notes", print)


def test_events_default_to_the_namespaces_own_and_async_handlers_are_kept_until_done() -> None:
    host = FakeHost()
    done: list[str] = []

    async def scenario() -> None:
        interaction = InteractionService(host)

        @interaction.on()
        async def changed(event: Event) -> None:
            await asyncio.sleep(0)
            done.append(event.event_type or "")

        host.emit("interaction", {"eventType": "CHANGED", "interaction": TALKING})
        import gc
        gc.collect()  # a task only the loop references would be collected here
        await asyncio.sleep(0.01)

    run(scenario())
    assert done == ["CHANGED"]
