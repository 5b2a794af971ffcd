"""What each wheel flavour adds to the browser packages (wwe_build/flavours.py), and that the
standard backend is the only author of the wheels' metadata."""

from __future__ import annotations

import tomllib
from pathlib import Path

from wwe_build import flavours


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x")
    return path


def test_the_host_flavour_adds_the_tools_and_the_site_without_caches_or_copies(tmp_path: Path) -> None:
    root, site = tmp_path / "root", tmp_path / "dist"
    plugin = touch(root / "wwe_testing" / "pytest_plugin.py")
    typed = touch(root / "wwe_testing" / "py.typed")
    touch(root / "wwe_testing" / "__pycache__" / "pytest_plugin.cpython-311.pyc")
    touch(root / "wwe_testing" / "notes.md")
    page = touch(site / "widget.html")
    wasm = touch(site / "pyodide" / "314.0.7" / "pyodide.asm.wasm")
    touch(site / "widget.html.br")
    touch(site / "widget.html.gz")
    touch(site / "wheels" / "deployer-1.0-py3-none-any.whl")
    assert flavours.host_files(root, site) == {
        str(plugin): "wwe_testing/pytest_plugin.py",
        str(typed): "wwe_testing/py.typed",
        str(page): "wwe_testing/site/widget.html",
        str(wasm): "wwe_testing/site/pyodide/314.0.7/pyodide.asm.wasm",
    }


def test_the_browser_flavour_adds_the_compiled_modules_of_the_modules_it_carries(tmp_path: Path) -> None:
    compiled = tmp_path / "pyc"
    ui = touch(compiled / "bridge" / "__pycache__" / "ui.cpython-314.pyc")
    init = touch(compiled / "bridge" / "__pycache__" / "__init__.cpython-314.pyc")
    touch(compiled / "outbound_widget" / "web" / "__pycache__" / "main.cpython-314.pyc")  # the page's, not a module
    assert flavours.compiled_files(compiled, ["bridge/__init__.py", "bridge/ui.py", "bridge/py.typed"]) == {
        str(init): "bridge/__pycache__/__init__.cpython-314.pyc",
        str(ui): "bridge/__pycache__/ui.cpython-314.pyc",
    }


def test_pyproject_is_the_only_source_of_the_wheels_metadata(root: Path) -> None:
    """No second list of requirements or entry points in the build: the backend reads pyproject.toml."""
    project = tomllib.loads((root / "pyproject.toml").read_text())
    assert project["build-system"]["build-backend"] == "hatchling.build"
    assert project["project"]["dependencies"] == ["pytest>=8", "playwright>=1.40"]
    sources = "".join(p.read_text() for p in (root / "wwe_build").glob("*.py"))
    for written_by_hand in ("Requires-Dist: ", "Wheel-Version: ", "Metadata-Version: ", "[console_scripts]"):
        assert written_by_hand not in sources, written_by_hand
