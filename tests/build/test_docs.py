"""The documentation site (mkdocs.yml, docs/): it builds with warnings as errors, its links
and anchors resolve, its API reference is generated from the code, and every Python block
in its guides runs.

A guide's Python block is one of:

- an include of a file under docs/example/ (``--8<-- "docs/example/..."``): the examples'
  own tests run it (tests/e2e/test_plugin.py, and test_package.py from a fresh virtualenv);
- code written as a view writes it (``from bridge import outbound``, top-level ``await``),
  run here with the page's clients on a `FakeHost` answering the vendor reference's samples
  and `bridge.ui.page` on a `FakePage`, as the docstrings' examples run (test_doctests.py).

External links are listed, not fetched: CI reaches only the package registries.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from bridge.testing import FakeHost, FakePage, page_clients

from .test_doctests import FLAGS, wwe

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
FENCE = re.compile(r"^```python([^\n]*)\n(.*?)^```$", re.DOTALL | re.MULTILINE)
INCLUDE = re.compile(r'^--8<-- "([^"]+)"$', re.MULTILINE)


def python_blocks() -> list[tuple[str, str]]:
    """(page:line, code) of every ```python block of the guides and the README."""
    blocks = []
    for page in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
        text = page.read_text()
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            blocks.append((f"{page.name}:{line}", match.group(2)))
    return blocks


BLOCKS = python_blocks()

TALKING = {"interactionId": "1", "state": "Talking", "previousState": "DIALING", "callType": "OUTBOUND",
           "userData": {"GSW_CAMPAIGN_NAME": "Spring Sale", "GSW_RECORD_HANDLE": 283}}


def guides_wwe() -> FakeHost:
    """WWE as the guides' tours use it: the reference's samples (test_doctests.wwe), and an
    answer of WWE's shape to every other request they make."""
    host = wwe()

    def dial(args: list[object]) -> None:  # WWE announces the call as a new interaction
        host.emit("interaction", {"eventType": "ADDED", "interaction": {"interactionId": "C7", "previousInteractionId": args[0]}})

    host.replies.update({
        "getCampaigns": [{"name": "Sales", "mode": "Preview", "status": "Running"}],
        "getPreviewRecord": {"interactionId": "p-1", "campaignName": "Sales",
                             "records": host.replies["getChainedRecords"][0]["records"]},
        "getListOfCallResults": {"OK": 0, "BUSY": 6, "NO_ANSWER": 7},
        "callPreviewRecord": dial,
        **dict.fromkeys(["rejectPreviewRecord", "cancelPreviewRecord", "startDirectPushPreview", "stopDirectPushPreview",
                         "setDoNotCall", "removeDoNotCall", "rescheduleRecord", "cancelReschedule"]),
        "interaction.getByInteractionId": TALKING,
        **dict.fromkeys(["interaction.setUserData", "interaction.blockMarkdone", "interaction.unblockMarkdone",
                         "interaction.markdone", "system.popupToast", "agent.setState",
                         "messenger.broadcastMessage"]),
        "configuration.getOption": [{"name": "interaction-workspace", "options": {"privilege.outbound.can-use": "true"}}],
        "system.getAllowedServices": ["*"],
        "system.amIVisible": True,
        "agent.getState": {"operationName": "Ready", "displayName": "Ready"},
    })
    return host


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)], cwd=ROOT,
                            capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr, result.stdout + result.stderr
    return out


def test_the_docs_build_with_warnings_as_errors_and_the_reference_is_the_codes(site: Path) -> None:
    reference = (site / "reference" / "bridge" / "index.html").read_text()
    for documented in ("get_record_fields", "set_call_result", "reschedule_record", "FieldType"):
        assert documented in reference, documented
    rules = (site / "reference" / "rules" / "index.html").read_text()
    assert "before_save" in rules and "Veto" in rules


def test_the_performance_charts_are_drawn_from_the_benchmarks_output(site: Path) -> None:
    import json

    data = json.loads((DOCS / "data" / "boot.json").read_text())
    html = (site / "performance" / "index.html").read_text()
    assert html.count('<figure class="chart">') == 2 and "<!-- chart:" not in html
    start = html.index('<figure class="chart">')
    ratios = html[start:html.index("</svg>", start)]
    rows = [r for r in data["rows"] if r["values"].get("bare+pyc")]
    assert ratios.count("<rect") == 2 * len(rows)  # the widget's and the view's bar per row
    first = rows[0]
    for subject in ("widget", "view"):
        assert f"{subject} {first['values'][subject] / first['values']['bare+pyc']:.2f}" in ratios
    for stage in data["stages"]:
        assert f"{stage}: {data['stages'][stage]['cold']:.0f} ms" in html


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if value and (name == "href" and tag == "a" or name == "src" and tag == "img"):
                self.links.append(value)


def test_every_link_and_anchor_between_pages_resolves(site: Path) -> None:
    pages = {}
    for html in site.rglob("*.html"):
        if html.name == "404.html":  # served for any missing path: its links are absolute on purpose
            continue
        parser = _Links()
        parser.feed(html.read_text())
        pages[html] = parser
    external, checked = set(), 0
    for html, parser in pages.items():
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                external.add(link)
                continue
            target = (html.parent / unquote(parts.path)).resolve() if parts.path else html
            if target.is_dir():
                target = target / "index.html"
            assert target.exists(), f"{html.relative_to(site)} links to missing {link}"
            if parts.fragment and target in pages:
                assert unquote(parts.fragment) in pages[target].ids, f"{html.relative_to(site)}: no #{parts.fragment} in {link}"
            checked += 1
    assert checked > 200, checked
    assert all(link.startswith("https://") for link in external), sorted(link for link in external if not link.startswith("https://"))


def test_the_guides_python_is_included_or_runs() -> None:
    assert len(BLOCKS) >= 8, BLOCKS


@pytest.mark.parametrize(("where", "code"), BLOCKS, ids=[where for where, _ in BLOCKS])
def test_a_guides_python_block(where: str, code: str) -> None:
    included = INCLUDE.findall(code)
    if included:
        for path in included:
            file = ROOT / path.split(":")[0]
            assert file.is_file() and file.is_relative_to(DOCS / "example"), f"{where} includes {path}: not an example the suite runs"
        return
    assert "def test_" not in code, f"{where}: a test belongs in docs/example/ (its tests run there), included with --8<--"
    compiled = compile(code, where, "exec", flags=FLAGS, dont_inherit=True)
    loop = asyncio.new_event_loop()
    try:
        asyncio.set_event_loop(loop)
        with page_clients(guides_wwe(), FakePage(query={"interaction": "1"})):
            result = eval(compiled, {"__name__": "__docs__", "iid": "1"})  # noqa: S307 (the guide's own code)
            if inspect.iscoroutine(result):
                loop.run_until_complete(result)
    finally:
        asyncio.set_event_loop(None)
        loop.close()
