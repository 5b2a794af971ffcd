"""The widget configuration's files as shipped: the defaults build.py serves, the
docs' example, and the published JSON Schema agreeing with the widget's own checks
(checked by an independent validator, jsonschema)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest

from outbound_widget.config import ConfigError, json_schema, parse_config

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "outbound_widget/web/widget-config.toml"
EXAMPLE = ROOT / "docs/example/widget/widget-config.toml"
DIST = ROOT / "dist"


def test_the_shipped_file_sets_nothing() -> None:
    assert parse_config(SHIPPED.read_text()) == parse_config("")


def test_the_shipped_file_names_every_key_of_its_sections_commented_out() -> None:
    # what a deployer can set is all there to uncomment (a new key once went unlisted)
    schema, text = json_schema()["properties"], SHIPPED.read_text()
    for section in ("privilege", "outbound", "widget"):
        node = schema[section]["properties"]
        keys = node["outbound"]["properties"] if section == "privilege" else node
        for key in keys:
            if key not in ("treatment-mode", "preview"):  # (refused; a table of its own)
                assert f"# {key} = " in text, f"[{section}] {key} is not in {SHIPPED.name}"


def test_the_build_serves_the_defaults_and_the_schema_beside_the_widget() -> None:
    if not (DIST / "widget.html").exists():
        pytest.fail("dist/ is not built: run python3 build.py first")
    assert (DIST / "widget-config.toml").read_text() == SHIPPED.read_text()
    assert json.loads((DIST / "widget-config.schema.json").read_text()) == json_schema()


def test_the_json_schema_agrees_with_the_checks() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    jsonschema.Draft202012Validator.check_schema(json_schema())
    good = [SHIPPED.read_text(), EXAMPLE.read_text(), '[outbound]\ncall-result-values = ["ANSWER", "WrongParty"]']
    for text in good:
        parse_config(text)
        assert not list(validator.iter_errors(tomllib.loads(text))), text
    bad = ['rules = "a/b.py"', "[privilege.outbound]\ncan-reshedule = false", '[outbound]\ntreatment-mode = "none"',
           "[outbound]\ntimed-preview-auto-dial = -2", '[outbound]\ncall-result-values = ["Bussy"]',
           '[layout]\nhidden = ["A", "A"]', "[[layout.groups]]\ntitle = \"T\"", "[widget.panels]\nrecord = false",
           '[campaign.X.layout]\nlabels = { A = 1 }', '[[layout.groups]]\ntitle = "  "\nfields = ["A"]',
           'rules = "widget_rules.py\\n"']
    for text in bad:
        with pytest.raises(ConfigError):
            parse_config(text)
        assert list(validator.iter_errors(tomllib.loads(text))), text
