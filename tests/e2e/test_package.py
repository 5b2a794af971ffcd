"""The integrator's path with no checkout: `pip install` the wheel into a fresh virtualenv
outside the repository, write a view with `wwe-bridge new-view`, serve it, and run its
tests and the docs' examples against the site the wheel carries."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from wwe_build.wheel import build_host_wheel

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "example"
# the plugin's own dependencies, as the wheel's metadata asks for them (pinned as our suite's)
HOST_DEPENDENCIES = ["pytest==9.0.3", "playwright==1.65.2"]

pytestmark = pytest.mark.e2e


def clean_env(venv: Path | None = None, **extra: str) -> dict[str, str]:
    """This environment minus what would point at the checkout; with *venv*, a PATH of
    only the virtualenv's bin/ (no Node, no npm: the integrator's path needs neither)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "WWE_DIST", "PYTEST_ADDOPTS")}
    if venv is not None:
        env["PATH"] = str(venv / "bin")
    return {**env, **extra}


@pytest.fixture(scope="module")
def wheel() -> Path:
    path: Path = build_host_wheel()
    return path


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv outside the repository with the wheel installed by pip (its
    dependencies from a local folder: PyPI once, then offline)."""
    deps = ROOT / ".cache" / "host-wheels"
    if not list(deps.glob("playwright-*.whl")):
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "-d", str(deps), *HOST_DEPENDENCIES], check=True)
    home = tmp_path_factory.mktemp("integrator")
    env = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index", "--find-links", str(deps),
                    str(wheel)], check=True, cwd=home, env=clean_env())
    return env


def test_the_wheel_holds_the_packages_the_tools_and_the_site(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert tops == {"bridge", "outbound_widget", "outbound_console", "wwe_testing", "wwe_outbound_bridge-0.1.0.dist-info"}
    for needed in ("wwe_testing/site/index.html", "wwe_testing/site/bridge.js", "wwe_testing/site/widget.html",
                   "wwe_testing/cli.py", "wwe_testing/pytest_plugin.py", "bridge/ui.py", "outbound_widget/panels/record.py"):
        assert needed in names, needed
    assert any(re.fullmatch(r"wwe_testing/site/pyodide/[\d.]+/pyodide\.asm\.wasm", n) for n in names)
    assert not [n for n in names if n.endswith((".br", ".gz")) or "__pycache__" in n or n.startswith("outbound_widget/web/")]
    meta = zipfile.ZipFile(wheel).read("wwe_outbound_bridge-0.1.0.dist-info/METADATA").decode()
    assert "Requires-Dist: pytest>=8" in meta and "Requires-Dist: playwright>=1.40" in meta
    entry = zipfile.ZipFile(wheel).read("wwe_outbound_bridge-0.1.0.dist-info/entry_points.txt").decode()
    assert "wwe-bridge = wwe_testing.cli:main" in entry and "wwe = wwe_testing.pytest_plugin" in entry
    print(f"wheel: {wheel.stat().st_size / 1e6:.1f} MB")


def test_pip_install_of_the_checkout_installs_what_build_py_wheel_builds(wheel: Path, root: Path,
                                                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    """`pip install .` (pip's own isolated build through the standard backend and its hook) installs
    the files of `build.py wheel`'s wheel, with its metadata and entry points byte for byte; and the
    browser wheel the site serves shares that metadata (pyproject.toml's, the only source of it)."""
    home = tmp_path_factory.mktemp("checkout-install")
    env = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "--disable-pip-version-check",
                    str(root)], check=True, cwd=home, env=clean_env())
    site_packages = next((env / "lib").glob("python3*/site-packages"))
    info = site_packages / "wwe_outbound_bridge-0.1.0.dist-info"
    built = zipfile.ZipFile(wheel)
    for name in ("METADATA", "entry_points.txt", "WHEEL"):
        assert (info / name).read_bytes() == built.read(f"wwe_outbound_bridge-0.1.0.dist-info/{name}"), name
    installed = {line.split(",")[0] for line in (info / "RECORD").read_text().splitlines()}
    installed = {n for n in installed if "__pycache__" not in n and not n.startswith("../")
                 and n.rpartition("/")[2] not in ("INSTALLER", "REQUESTED", "direct_url.json")}
    assert installed == set(built.namelist())
    assert (site_packages / "wwe_testing" / "site" / "widget.html").is_file()
    browser = next((root / "dist" / "b").glob("*/wwe_outbound_bridge-0.1.0-py3-none-any.whl"))
    assert zipfile.ZipFile(browser).read("wwe_outbound_bridge-0.1.0.dist-info/METADATA") == \
        built.read("wwe_outbound_bridge-0.1.0.dist-info/METADATA")


def test_a_new_view_and_the_examples_pass_from_a_fresh_virtualenv(venv: Path) -> None:
    home = venv.parent
    bin_ = venv / "bin"
    where = subprocess.run([str(bin_ / "python"), "-c", "import wwe_testing; print(wwe_testing.__file__)"],
                           cwd=home, env=clean_env(), capture_output=True, text=True, check=True).stdout
    assert str(venv) in where and str(ROOT) not in where  # the installed copy, not this checkout

    project = home / "project"
    made = subprocess.run([str(bin_ / "wwe-bridge"), "new-view", "my_view", "--dir", str(project)],
                          cwd=home, env=clean_env(venv), capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert {p.name for p in project.iterdir()} == {"my_view.html", "my_view.py", "test_my_view.py"}
    again = subprocess.run([str(bin_ / "wwe-bridge"), "new-view", "my_view", "--dir", str(project)],
                           cwd=home, env=clean_env(), capture_output=True, text=True)
    assert again.returncode == 2 and "not overwriting" in again.stderr
    bad = subprocess.run([str(bin_ / "wwe-bridge"), "new-view", "My-View"], cwd=home, env=clean_env(),
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "Python module name" in bad.stderr
    for taken in ("conftest", "playwright", "test_view", "json"):
        refused = subprocess.run([str(bin_ / "wwe-bridge"), "new-view", taken, "--dir", str(home / "x")],
                                 cwd=home, env=clean_env(venv), capture_output=True, text=True)
        assert refused.returncode == 2 and "choose another name" in refused.stderr, taken

    examples = home / "examples"
    shutil.copytree(EXAMPLE, examples, ignore=shutil.ignore_patterns("__pycache__"))
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    assert shutil.which("node", path=clean_env(venv)["PATH"]) is None
    # the examples: two Python views, and the record widget under a deployer's configuration and rules
    for folder, options, expected in ((project, ["--wwe-pages=."], "1 passed"),
                                      (examples, ["--wwe-pages=custom", "--wwe-widget-config=widget/widget-config.toml"],
                                       "14 passed")):
        (folder / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
        result = subprocess.run([str(bin_ / "python"), "-m", "pytest", *options, "-q"], cwd=folder,
                                env=clean_env(venv, CHROMIUM_PATH=chromium), capture_output=True, text=True, timeout=600)
        assert result.returncode == 0 and expected in result.stdout, result.stdout[-3000:] + result.stderr[-2000:]


def test_wwe_bridge_serve_frames_your_pages(venv: Path, tmp_path: Path) -> None:
    (tmp_path / "hello.html").write_text("<!doctype html><title>hello</title><p>hello</p>")
    scenario = tmp_path / "scenario.json"
    scenario.write_text((ROOT / "web" / "sim" / "scenarios" / "default.json").read_text())
    config = EXAMPLE / "widget" / "widget-config.toml"
    broken = tmp_path / "broken.toml"
    broken.write_text("[privilege.outbound]\ncan-reshedule = false\n")
    refused = subprocess.run([str(venv / "bin" / "wwe-bridge"), "serve", "--widget-config", str(broken), "--port", "0"],
                             cwd=tmp_path, env=clean_env(venv), capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "privilege.outbound.can-reshedule: unknown key (did you mean 'can-reschedule'?)" \
        in refused.stderr, refused.stderr
    server = subprocess.Popen([str(venv / "bin" / "wwe-bridge"), "serve", "--pages", str(tmp_path), "--scenario",
                               str(scenario), "--widget-config", str(config), "--port", "0"], cwd=tmp_path,
                              env=clean_env(venv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline() for _ in range(4)]
        url = next(line.split()[1] for line in lines if line.startswith("Open "))
        assert "view=%2Fcustom%2Fhello.html" in url and "scenario=%2Fscenario%2Fscenario.json" in url
        base = url.split("index.html")[0]
        for path in ("index.html", "bridge.js", "custom/hello.html", "scenario/scenario.json"):
            with urllib.request.urlopen(base + path) as response:
                assert response.status == 200, path
        for path, source in (("widget-config.toml", config), ("widget_rules.py", config.parent / "widget_rules.py")):
            with urllib.request.urlopen(base + path) as response:
                assert response.read() == source.read_bytes(), path
        # the scenario's folder is not served, only the file
        (tmp_path / "private.txt").write_text("not for the browser")
        with pytest.raises(urllib.error.HTTPError, match="404"):
            urllib.request.urlopen(base + "scenario/private.txt")
    finally:
        server.terminate()
        server.wait(10)
    missing = subprocess.run([str(venv / "bin" / "wwe-bridge"), "serve", "--pages", str(tmp_path / "nope")],
                             env=clean_env(), capture_output=True, text=True)
    assert missing.returncode == 2 and "not a folder" in missing.stderr
