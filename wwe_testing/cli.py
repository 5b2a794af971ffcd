"""`wwe-bridge`: serve the WWE simulator with your own pages, and start a new Python view.

    wwe-bridge serve --pages DIR [--scenario FILE] [--port N] [--dist DIR]
    wwe-bridge new-view NAME [--dir DIR]

Installed with the package (a console script). The site it serves is the one the
wheel carries (`wwe_testing/site/`), or a built `dist/` given with ``--dist``.
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import keyword
import re
import sys
from pathlib import Path
from urllib.parse import quote

from .server import make_server, run_until_interrupted
from .locate import SiteError, find_site, widget_config_files

NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
# NAME.py lands beside the tests, where pytest puts it first on sys.path: it must not be a
# file pytest reads itself, nor shadow a module the tests or the tools import.
TAKEN = {"conftest", "playwright", "pytest", "_pytest", "pluggy", "iniconfig", "packaging", "pygments", "greenlet",
         "pyee", "typing_extensions", "bridge", "wwe_testing", "outbound_widget", "outbound_console", "js",
         "pyodide", "micropip", "setup",
         # what pytest and its usual plugins import (py.py would shadow pytest's own shim)
         "py", "hypothesis", "xdist", "tomli", "exceptiongroup", "attr", "attrs"}


class CliError(SiteError):
    """A mistake in the command line: printed with what to do, exit status 2."""


def cmd_serve(pages: str | None, scenario: str | None, port: int, dist: str | None,
              widget_config: str | None = None) -> int:
    site = find_site(dist, "--dist")
    config_files = widget_config_files(widget_config, "--widget-config") if widget_config else {}
    mounts: dict[str, Path] = {}
    query = ""
    if pages is not None:
        folder = Path(pages).expanduser().resolve()
        if not folder.is_dir():
            raise CliError(f"--pages {pages}: not a folder")
        mounts["/custom/"] = folder
        first = next(iter(sorted(folder.glob("*.html"))), None)
        if first is not None:
            query = "?view=" + quote(f"/custom/{first.name}", safe="")
    if scenario is not None:
        file = Path(scenario).expanduser().resolve()
        if not file.is_file():
            raise CliError(f"--scenario {scenario}: no such file")
        try:
            json.loads(file.read_text())
        except ValueError as exc:
            raise CliError(f"--scenario {scenario} is not JSON: {exc}") from None
        files = {f"/scenario/{file.name}": file}  # that file only, not its folder
        query += ("&" if query else "?") + "scenario=" + quote(f"/scenario/{file.name}", safe="")
    else:
        files = {}
    files.update(config_files)
    try:
        server, _ = make_server(site, port, mounts, files=files)
    except OSError as exc:
        raise CliError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc} (--port 0 picks a free one)") from None
    print(f"Serving the WWE simulator from {site}", flush=True)
    if pages is not None:
        print(f"Your pages: {mounts['/custom/']} at {server.url}custom/", flush=True)
    if config_files:
        print(f"Widget configuration: {config_files['/widget-config.toml']} at {server.url}widget-config.toml", flush=True)
    print(f"Open {server.url}index.html{query}  (Ctrl+C to stop)", flush=True)
    run_until_interrupted(server)
    return 0


VIEW_HTML = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; object-src 'none'; base-uri 'none'">
  <title>{title}</title>
  <script type="module" src="/bridge.js"></script>
  <script type="text/python" src="{name}.py"></script>
</head>
<body>
  <h1>{title}</h1>
  <p>Interaction <strong id="interaction"></strong>: <span id="phone"></span></p>
  <button type="button" id="busy">Customer was busy</button>
  <p id="status" role="status"></p>
</body>
</html>
"""

VIEW_PY = '''"""{title}: a Python custom view (docs/views.md)."""
from bridge import outbound
from bridge.ui import page, when

interaction = page.query.get("interaction", "1")


async def show():
    chain = await outbound.get_chained_records(interaction)
    page.text("interaction", interaction)
    page.text("phone", ", ".join(record.phone or "?" for record in chain))


@when("click", "#busy")
async def busy(event):
    await outbound.set_call_result(interaction, "BUSY")
    page.text("status", "Call result: Busy")


@outbound.on("outbound")
async def changed(event):
    await show()


await show()
'''

VIEW_TEST = '''"""Tests of {name}.html, against the WWE simulator: `pytest --wwe-pages=.`"""
from playwright.sync_api import expect


def test_shows_the_record_and_sets_busy(wwe):
    view = wwe.open_view("/custom/{name}.html?interaction=1")
    expect(view.locator("#interaction")).to_have_text("1")
    view.click("#busy")
    expect(view.locator("#status")).to_have_text("Call result: Busy")
    assert wwe.requests("setCallResult") == [["1", 6]]
'''


def _collected_by_pytest(name: str) -> bool:
    """Whether pytest would collect NAME.py as a test module (its default python_files:
    test_*.py and *_test.py)."""
    return name.startswith("test_") or name.endswith("_test")


def _refused(name: str) -> bool:
    """Whether NAME.py beside the tests would break them: collected by pytest, a module they
    import, or a dunder module (``__init__.py`` makes the folder a package and runs the view)."""
    return (name in TAKEN or name in sys.stdlib_module_names or _collected_by_pytest(name)
            or (name.startswith("__") and name.endswith("__")))


def _another_name(name: str) -> str:
    """A name like *name* that is free: a module name, neither collected by pytest nor a module
    the tests use."""
    base = name.strip("_").removeprefix("test_").removesuffix("_test").strip("_") or "my"
    candidate = f"{base}_view"
    while not NAME.match(candidate) or _refused(candidate):
        candidate = f"my_{candidate}"
    return candidate


def cmd_new_view(name: str, folder: str) -> int:
    if not NAME.match(name) or keyword.iskeyword(name):
        raise CliError(f"{name!r}: a view's name is a Python module name (lowercase letters, digits, _), e.g. my_view")
    collected = _collected_by_pytest(name)
    if _refused(name):
        raise CliError(f"{name!r} would {'be collected by pytest' if collected else 'shadow a module'}"
                       f" (its {name}.py sits beside your tests): choose another name, e.g. {_another_name(name)}")
    target = Path(folder).expanduser().resolve()
    target.mkdir(parents=True, exist_ok=True)
    title = name.replace("_", " ").capitalize()
    files = {f"{name}.html": VIEW_HTML.format(name=name, title=title), f"{name}.py": VIEW_PY.format(title=title),
             f"test_{name}.py": VIEW_TEST.format(name=name)}
    existing = [n for n in files if (target / n).exists()]
    if existing:
        raise CliError(f"not overwriting {', '.join(existing)} in {target}: choose another name or folder")
    for file_name, text in files.items():
        (target / file_name).write_text(text)
        print(f"wrote {target / file_name}")
    go = "" if target == Path.cwd() else f"cd {folder} && "
    print(f"\nTry it:   wwe-bridge serve --pages {folder}\nTest it:  {go}pytest --wwe-pages=. test_{name}.py")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wwe-bridge", description="The WWE simulator and Python custom views.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the WWE simulator on 127.0.0.1, with your pages under /custom/")
    serve.add_argument("--pages", metavar="DIR", help="a folder of your pages, served under /custom/ "
                                                      "(the first .html is framed in the sidebar)")
    serve.add_argument("--scenario", metavar="FILE", help="a scenario (JSON, web/sim/scenario.schema.json) to start with")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    serve.add_argument("--dist", metavar="DIR", help="a built site to serve instead of the packaged one")
    serve.add_argument("--widget-config", metavar="FILE", help="a widget-config.toml (and the rules it names, beside "
                                                               "it) served to the record widget instead of the defaults")
    new = sub.add_parser("new-view", help="write NAME.html, NAME.py and test_NAME.py: a Python view to start from")
    new.add_argument("name", help="the view's name, a Python module name (e.g. my_view)")
    new.add_argument("--dir", default=".", help="where to write them (default: here)")
    args = parser.parse_args(argv)
    try:
        if args.command == "serve":
            return cmd_serve(args.pages, args.scenario, args.port, args.dist, args.widget_config)
        return cmd_new_view(args.name, args.dir)
    except SiteError as exc:
        print(f"wwe-bridge: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
