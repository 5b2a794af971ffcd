"""The deployer's configuration file: read, merged per campaign, every problem named by its key,
and the published JSON Schema agreeing with the checks."""

from __future__ import annotations

import pytest

from outbound_widget.config import PANELS, PRIVILEGES, ConfigError, parse_config


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    return caught.value.problems


def test_nothing_set_is_wwe_defaults_everything_allowed() -> None:
    for text in ("", "[privilege.outbound]\n[outbound]\n[widget]\n[layout]\n"):
        settings = parse_config(text).defaults
        assert all(settings.allows(p) for p in PRIVILEGES) and settings.panels == frozenset(PANELS)
        assert settings.call_result_values is None and settings.call_result_selected is None
        assert settings.auto_dial_s == -1 and settings.max_previews == -1 and settings.direct_push


def test_wwe_names_and_both_spellings_of_call_results() -> None:
    config = parse_config("""
[privilege.outbound]
can-reschedule-before-call = false
[outbound]
call-result-values = ["Answer", "NO_ANSWER", "AnsweringMachine"]
call-result-automatically-selected = "NoAnswer"
timed-preview-auto-dial = 5
preview.max-simultaneous-preview-record = 2
[widget]
panels = { chain = false }
direct-push = false
""")
    s = config.defaults
    assert not s.allows("can-reschedule-before-call") and s.allows("can-reschedule")
    assert s.call_result_values == ("ANSWER", "NO_ANSWER", "ANSWERING_MACHINE") and s.call_result_selected == "NO_ANSWER"
    assert (s.auto_dial_s, s.max_previews, s.direct_push) == (5, 2, False)
    assert not s.shows("chain") and s.shows("reschedule")


def test_a_campaign_section_overrides_key_by_key_and_merges_labels() -> None:
    config = parse_config("""
[privilege.outbound]
can-reschedule = false
can-reject-record = false
[layout]
hidden = ["A"]
labels = { A = "Alpha", B = "Beta" }
[campaign."Spring Sale".privilege.outbound]
can-reschedule = true
[campaign."Spring Sale".layout]
labels = { B = "Bravo" }
order = ["B"]
""")
    spring, other = config.for_campaign("Spring Sale"), config.for_campaign("Autumn")
    assert spring.allows("can-reschedule") and not spring.allows("can-reject-record")
    assert dict(spring.layout.labels) == {"A": "Alpha", "B": "Bravo"} and spring.layout.hidden == {"A"}
    assert spring.layout.order == ("B",) and other is config.defaults and config.for_campaign(None) is config.defaults
    assert not other.allows("can-reschedule")


def test_every_problem_is_named_by_its_key_with_what_to_do() -> None:
    found = problems("""
rules = "../evil.py"
[privilege.outbound]
can-reshedule = false
can-reject-record = "no"
[outbound]
call-result-values = ["answer", "Bussy", 3]
treatment-mode = "personal"
timed-preview-auto-dial = -5
[layout]
order = ["A", "A"]
colour = "red"
[campaign."X y".layout]
groups = [{ title = "" }]
""")
    expected = [
        ("rules:", "a .py file name beside this file"),
        ("privilege.outbound.can-reshedule:", "did you mean 'can-reschedule'?"),
        ("privilege.outbound.can-reject-record:", "expected true or false, got the text 'no'"),
        ("outbound.call-result-values[0]:", "did you mean 'Answer'?"),
        ("outbound.call-result-values[1]:", "did you mean 'Busy'?"),
        ("outbound.call-result-values[2]:", "expected text, got the number 3"),
        ("outbound.treatment-mode:", "none of the 17 outbound methods marks a record processed"),
        ("outbound.timed-preview-auto-dial:", "use -1 to 3600"),
        ("layout.order[1]:", "'A' is listed twice"),
        ("layout.colour:", "unknown key"),
        ('campaign."X y".layout.groups[0].title:', "must not be empty"),
        ('campaign."X y".layout.groups[0].fields:', "is required"),
    ]
    assert len(found) == len(expected), found
    for (key, words), problem in zip(expected, found):
        assert problem.startswith(key) and words in problem, (key, problem)


def test_what_one_key_cannot_say_alone() -> None:
    found = problems("""
[outbound]
call-result-values = ["Answer", "Busy"]
call-result-automatically-selected = "NoAnswer"
[[layout.groups]]
title = "One"
fields = ["A"]
[[layout.groups]]
title = "Two"
fields = ["A"]
[campaign.Sales.outbound]
call-result-values = ["Busy"]
""")
    assert found[0].startswith("outbound.call-result-automatically-selected:") and "'NoAnswer' is not among Answer, Busy" in found[0]
    assert found[1].startswith("layout.groups:") and "'A' in more than one group" in found[1]
    # the campaign inherits the default's NO_ANSWER pick, which its own list no longer has: said where it wrote
    assert found[2].startswith("campaign.Sales.outbound.call-result-values:") and "inherited from the defaults" in found[2]


def test_the_same_call_result_twice_and_odd_names_are_said_as_written() -> None:
    found = problems('[outbound]\ncall-result-values = ["Busy", "BUSY"]\ntimed-preview-auto-dial = 5.0\n'
                     '[campaign."A \\"B\\"".layout]\nhidden = 3\n')
    assert found == ["outbound.call-result-values[1]: 'BUSY' is the same as 'Busy' (outbound.call-result-values[0])",
                     "outbound.timed-preview-auto-dial: expected a whole number, got the number 5.0",
                     'campaign."A \\"B\\"".layout.hidden: expected a list, got the number 3']
    assert problems('rules = "widget_rules.py\\n"')[0].startswith("rules: ")


def test_not_toml_says_where() -> None:
    found = problems("[privilege.outbound\ncan-reschedule = false")
    assert found[0].startswith("not valid TOML: ") and "line 1" in found[0]
    error = ConfigError(found, "/widget-config.toml")
    assert str(error).startswith("/widget-config.toml has 1 problem(s); fix them and reload the widget:")
