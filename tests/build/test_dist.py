"""build.py: a complete, pinned, reproducible and incremental dist/."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import subprocess
import urllib.error
import urllib.request
import zipfile
from html import unescape
from pathlib import Path

import pytest

import bridge
from wwe_build import common, fetch, layout, pipeline, render, stage
from wwe_testing.server import serving


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built() -> str:
    """Build (a no-op when `build.py test` just did) and return the build id."""
    return pipeline.build()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def build_dir(root: Path, built: str) -> Path:
    return root / "dist" / "b" / built


def test_every_file_the_lock_names_exists_with_its_hash(build_dir: Path) -> None:
    lock = json.loads((build_dir / "pyodide-lock.json").read_text())
    assert set(lock["packages"]) == {"micropip", "packaging", "wwe-outbound-bridge"}
    for name, entry in lock["packages"].items():
        wheel = build_dir / entry["file_name"]
        assert wheel.exists(), name
        assert sha256(wheel) == entry["sha256"], name
    for name, (version, file_name, pinned) in fetch.PINNED_WHEELS.items():
        assert lock["packages"][name]["version"] == version
        assert lock["packages"][name]["file_name"] == file_name
        assert lock["packages"][name]["sha256"] == pinned
    assert lock["info"]["python"].startswith("3.14")


def test_runtime_is_the_pinned_pyodide(root: Path, built: str) -> None:
    runtime = root / "dist" / "pyodide" / fetch.PYODIDE_VERSION
    # ours (the compiled library, the snapshot) and the precompressed copies: see below
    shipped = sorted(p.name for p in runtime.iterdir() if not p.name.endswith((".pyc.zip", ".bin", ".br", ".gz")))
    assert shipped == sorted(fetch.PYODIDE_RUNTIME_FILES)
    for name in shipped:
        assert sha256(runtime / name) == sha256(root / "node_modules" / "pyodide" / name)
    package = json.loads((root / "node_modules/pyodide/package.json").read_text())
    assert package["version"] == fetch.PYODIDE_VERSION
    assert json.loads((root / "package.json").read_text())["dependencies"]["pyodide"] == fetch.PYODIDE_VERSION


def test_compiled_stdlib_is_content_named_and_complete(root: Path, built: str) -> None:
    runtime = root / "dist" / "pyodide" / fetch.PYODIDE_VERSION
    (compiled,) = runtime.glob("python_stdlib-*.pyc.zip")
    assert compiled.name == f"python_stdlib-{sha256(compiled)[:12]}.pyc.zip"
    with zipfile.ZipFile(runtime / "python_stdlib.zip") as source, zipfile.ZipFile(compiled) as pyc:
        modules = {n[:-3] for n in source.namelist() if n.endswith(".py")}
        assert modules == {n[:-4] for n in pyc.namelist() if n.endswith(".pyc")}
        # stored, so that HTTP compression works across files (its .br is a third of it)
        assert {info.compress_type for info in pyc.infolist()} == {zipfile.ZIP_STORED}
        # CPython 3.14's magic number, unchecked-hash flags (PEP 552)
        header = pyc.read("json/__init__.pyc")[:8]
        assert header[2:4] == b"\r\n" and int.from_bytes(header[4:8], "little") == 0b01
    html = (root / "dist" / "widget.html").read_text()
    assert f'data-stdlib-url="pyodide/{fetch.PYODIDE_VERSION}/{compiled.name}"' in html


def test_snapshot_is_content_named_and_its_pages_say_what_it_needs(root: Path, built: str) -> None:
    runtime = root / "dist" / "pyodide" / fetch.PYODIDE_VERSION
    (snapshot,) = runtime.glob("python_snapshot-*.bin")
    assert snapshot.name == f"python_snapshot-{sha256(snapshot)[:12]}.bin"
    data = snapshot.read_bytes()
    # the sparse format boot.js reads: header, page indices, the pages themselves
    assert data[:8] == b"WWESNAP1"
    length, page_size, count = (int.from_bytes(data[i:i + 4], "little") for i in (8, 12, 16))
    assert len(data) == 20 + 4 * count + count * page_size
    assert 16_000_000 < length < 64_000_000 and count * page_size < length  # zero pages are left out
    html = (root / "dist" / "widget.html").read_text()
    assert f'data-snapshot-url="pyodide/{fetch.PYODIDE_VERSION}/{snapshot.name}"' in html
    features = re.search(r'data-snapshot-features="([^"]*)"', html)
    assert features and json.loads(unescape(features.group(1))) == {"gc": True, "jspi": "new", "typeReflection": False}


def test_own_wheel_carries_compiled_modules(build_dir: Path) -> None:
    wheel = next(build_dir.glob("wwe_outbound_bridge-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for source in [n for n in names if n.endswith(".py")]:
        folder, _, module = source.rpartition("/")
        assert f"{folder}/__pycache__/{module[:-3]}.cpython-314.pyc" in names, source


def test_pages_reference_only_files_that_exist(root: Path, built: str) -> None:
    dist = root / "dist"
    pages = list(dist.glob("**/*.html"))
    assert dist / "index.html" in pages
    for page in pages:
        html = page.read_text()
        assert "{{" not in html, f"unfilled placeholder in {page}"
        for ref in re.findall(r'(?:src|href|data-[a-z-]+-url)="([^"#?:]+)"', html):
            assert (page.parent / ref).exists(), f"{page.name} refers to missing {ref}"
        assert f"b/{built}" in html


def test_own_wheel_holds_only_the_browser_packages(root: Path, build_dir: Path) -> None:
    wheel = next(build_dir.glob("wwe_outbound_bridge-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "bridge/__init__.py" in names and "bridge/py.typed" in names
    assert "outbound_widget/__init__.py" in names
    # host-side code (build tools, wwe_testing) never goes to the browser
    allowed = tuple(f"{package}/" for package in layout.OWN_PACKAGES) + ("wwe_outbound_bridge-",)
    assert all(n.startswith(allowed) for n in names), names
    metadata = zipfile.ZipFile(wheel).read(f"wwe_outbound_bridge-{bridge.__version__}.dist-info/METADATA")
    assert f"Version: {bridge.__version__}".encode() in metadata
    # pyproject.toml's readme is the long description: the wheel is rebuilt when it changes
    assert (root / "README.md").read_bytes().strip() in metadata
    # no entry points: they name host-side code (pytest inside Pyodide would load the plugin's)
    assert not [n for n in names if n.endswith("entry_points.txt")]
    record = zipfile.ZipFile(wheel).read(f"wwe_outbound_bridge-{bridge.__version__}.dist-info/RECORD").decode()
    assert sorted(line.split(",")[0] for line in record.splitlines()) == sorted(names)


def test_second_build_changes_nothing(root: Path, built: str, capsys) -> None:  # type: ignore[no-untyped-def]
    before = {p: p.stat().st_mtime_ns for p in (root / "dist" / "b").rglob("*")}
    assert pipeline.build() == built
    after = {p: p.stat().st_mtime_ns for p in (root / "dist" / "b").rglob("*")}
    assert before == after
    out = capsys.readouterr().out
    assert f"build {built} unchanged" in out and "0 copied" in out and "downloading" not in out


def test_content_change_gives_a_new_build_id(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("one")
    first = stage.content_id(tmp_path)
    (tmp_path / "a.js").write_text("two")
    assert stage.content_id(tmp_path) != first


def test_hash_mismatch_fails_with_a_clear_error(tmp_path: Path) -> None:
    wheel = tmp_path / "micropip-0.11.1-py3-none-any.whl"
    wheel.write_bytes(b"tampered")
    with pytest.raises(common.BuildError, match=r"sha256 mismatch for micropip-0\.11\.1-py3-none-any\.whl: expected 768de1"):
        fetch.verify_sha256(wheel, fetch.PINNED_WHEELS["micropip"][2])


def test_missing_tool_is_one_clear_line() -> None:
    with pytest.raises(common.BuildError) as info:
        common.require_tool("no-such-tool-xyz", "install it with: apt-get install -y xyz")
    assert str(info.value) == "'no-such-tool-xyz' was not found on PATH: install it with: apt-get install -y xyz"


def test_server_sends_mime_types_and_cache_headers(root: Path, built: str) -> None:
    dist = root / "dist"
    with serving(dist) as (server, _):
        def head(path: str) -> tuple[str, str]:
            with urllib.request.urlopen(server.url + path) as response:
                return response.headers["Content-Type"], response.headers["Cache-Control"]

        assert head("pyodide/314.0.7/pyodide.asm.wasm") == ("application/wasm", "public, max-age=31536000, immutable")
        assert head("pyodide/314.0.7/pyodide.mjs")[0].startswith("text/javascript")
        assert head(f"b/{built}/pyodide-lock.json")[0] == "application/json"
        (snapshot,) = (dist / "pyodide" / "314.0.7").glob("python_snapshot-*.bin")
        assert head(f"pyodide/314.0.7/{snapshot.name}") == ("application/octet-stream", "public, max-age=31536000, immutable")
        assert head("index.html") == ("text/html; charset=utf-8", "no-cache")
    assert server.server_address[0] == "127.0.0.1"


def test_big_files_have_precompressed_copies_that_decode_to_them(root: Path, built: str) -> None:
    dist = root / "dist"
    runtime = dist / "pyodide" / fetch.PYODIDE_VERSION
    (snapshot,) = runtime.glob("python_snapshot-*.bin")
    (compiled,) = runtime.glob("python_stdlib-*.pyc.zip")
    wheel = next((dist / "b" / built).glob("wwe_outbound_bridge-*.whl"))
    for big in (runtime / "pyodide.asm.wasm", runtime / "pyodide.asm.mjs", snapshot, compiled, wheel, dist / "widget.html"):
        for suffix, most in ((".br", 0.35), (".gz", 0.5)):
            sibling = big.with_name(big.name + suffix)
            assert sibling.exists(), sibling
            assert sibling.stat().st_size < big.stat().st_size * most, (sibling, sibling.stat().st_size)
    # gzip decodes here; brotli (not in Python's standard library) is decoded by Node
    assert gzip.decompress((runtime / "pyodide.asm.wasm.gz").read_bytes()) == (runtime / "pyodide.asm.wasm").read_bytes()
    script = ("const z=require('zlib'),f=require('fs');"
              "process.stdout.write(require('crypto').createHash('sha256')"
              ".update(z.brotliDecompressSync(f.readFileSync(process.argv[1]))).digest('hex'))")
    decoded = subprocess.run(["node", "-e", script, str(snapshot) + ".br"], capture_output=True, text=True, check=True)
    assert decoded.stdout == sha256(snapshot)
    # a file compression does not shrink (the deflated .py library) gets no copy, and none is left orphaned
    assert not (runtime / "python_stdlib.zip.br").exists()
    for sibling in [*dist.rglob("*.br"), *dist.rglob("*.gz")]:
        assert sibling.with_suffix("").exists(), sibling


def test_server_sends_precompressed_files_to_browsers_that_accept_them(root: Path, built: str) -> None:
    wasm = "pyodide/314.0.7/pyodide.asm.wasm"
    dist = root / "dist"
    with serving(dist) as (server, _):
        def get(path: str, accept: str | None) -> tuple[dict[str, str], bytes]:
            request = urllib.request.Request(server.url + path, headers={"Accept-Encoding": accept} if accept else {})
            with urllib.request.urlopen(request) as response:
                return dict(response.headers), response.read()

        headers, body = get(wasm, "gzip, deflate, br, zstd")
        assert headers["Content-Encoding"] == "br" and headers["Vary"] == "Accept-Encoding"
        assert headers["Content-Type"] == "application/wasm"
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert body == (dist / (wasm + ".br")).read_bytes() and int(headers["Content-Length"]) == len(body)
        headers, body = get(wasm, "gzip;q=1, br;q=0")
        assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == (dist / wasm).read_bytes()
        for refused in (None, "identity", "br;q=0, gzip;q=0", "*;q=0"):
            headers, body = get(wasm, refused)
            assert "Content-Encoding" not in headers and body == (dist / wasm).read_bytes(), refused
            assert headers["Vary"] == "Accept-Encoding"  # a cache must not hand this to a browser that accepts br
        headers, _ = get(wasm, "*")
        assert headers["Content-Encoding"] == "br"
        headers, _ = get("build-info.json", "br")  # small: sent as it is, no Vary
        assert "Content-Encoding" not in headers and "Vary" not in headers
    with serving(dist, compress=False) as (server, _):
        headers, body = get(wasm, "br, gzip")
        assert "Content-Encoding" not in headers and body == (dist / wasm).read_bytes()


def test_server_never_sends_a_stale_copy_lists_nothing_and_caches_by_resolved_path(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "b" / "x").mkdir(parents=True)
    page = site / "widget.html"
    page.write_text("<!doctype html><title>v1</title>" + "x" * 4000)
    copy = site / "widget.html.gz"
    copy.write_bytes(gzip.compress(page.read_bytes()))
    stamp = page.stat().st_mtime_ns
    os.utime(copy, ns=(stamp, stamp))  # as compress_site leaves them
    (site / "b" / "x" / "a.js").write_text("1")

    def get(server, path: str, accept: str = "gzip, br"):  # type: ignore[no-untyped-def]
        # (headers as the case-insensitive message: http.server writes "Content-type")
        request = urllib.request.Request(server.url + path, headers={"Accept-Encoding": accept})
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, b""

    with serving(site) as (server, _):
        status, headers, body = get(server, "widget.html")
        assert headers.get("Content-Encoding") == "gzip" and b"v1" in gzip.decompress(body)
        # a deployer edits the page after the build: the copy is stale and never sent
        page.write_text("<!doctype html><title>v2</title>" + "x" * 4000)
        os.utime(page, ns=(stamp + 10**9, stamp + 10**9))
        status, headers, body = get(server, "widget.html")
        assert "Content-Encoding" not in headers and b"v2" in body
        # a copy asked for by name is opaque bytes; no listings; no crash on a NUL byte
        assert get(server, "widget.html.gz")[1]["Content-Type"] == "application/octet-stream"
        assert get(server, "b/x/")[0] == 404 and get(server, "b/")[0] == 404
        assert get(server, "widget.html%00.gz")[0] == 404
        # immutable only for what really lies under b/ (not b/../widget.html)
        assert get(server, "b/x/a.js")[1]["Cache-Control"] == "public, max-age=31536000, immutable"
        assert get(server, "b/..%2fwidget.html")[1]["Cache-Control"] == "no-cache"


def test_server_keeps_to_the_folders_and_files_it_was_given(tmp_path: Path) -> None:
    site, pages, outside = tmp_path / "site", tmp_path / "pages", tmp_path / "home"
    for folder in (site, pages, outside / ".ssh"):
        folder.mkdir(parents=True)
    (site / "index.html").write_text("sim")
    (pages / "view.html").write_text("mine")
    (pages / ".env").write_text("SECRET=1")
    (pages / "etc").symlink_to(outside)
    (outside / "scenario.json").write_text("{}")
    (outside / ".ssh" / "id_rsa").write_text("key")
    (outside / "notes.txt").write_text("private")

    def get(server, path: str, host: str | None = None) -> int:  # type: ignore[no-untyped-def]
        request = urllib.request.Request(server.url + path, headers={"Host": host} if host else {})
        try:
            with urllib.request.urlopen(request) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    with serving(site, mounts={"/custom/": pages}, files={"/scenario/scenario.json": outside / "scenario.json"}) \
            as (server, _):
        assert get(server, "custom/view.html") == 200 and get(server, "scenario/scenario.json") == 200
        assert get(server, "scenario/notes.txt") == 404 and get(server, "scenario/.ssh/id_rsa") == 404
        assert get(server, "custom/.env") == 404 and get(server, "custom/%2eenv") == 404
        assert get(server, "custom/etc/notes.txt") == 404  # a symlink out of the folder
        assert get(server, "custom/../index.html") in (200, 404)  # resolved inside the site, never outside
        assert get(server, "index.html", host=f"localhost:{server.server_address[1]}") == 200
        assert get(server, "index.html", host="attacker.example") == 421  # DNS rebinding


def test_versions_agree() -> None:
    assert common.project_metadata()["version"] == bridge.__version__


def test_serve_command_prints_a_working_url(root: Path, built: str) -> None:
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, str(root / "build.py"), "serve", "--port", "0"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert proc.stdout is not None
        url = None
        for line in proc.stdout:
            match = re.search(r"Open (http://127\.0\.0\.1:\d+/\S*)", line)
            if match:
                url = match.group(1)
                break
        assert url, "serve printed no URL"
        with urllib.request.urlopen(url) as response:
            assert b"data-sim-state" in response.read()  # the simulator is the default page
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_builds_in_one_checkout_take_turns(root: Path, built: str) -> None:
    """Two builds at once shared the stage folder and broke each other: the second waits."""
    import fcntl
    import subprocess
    import sys

    (root / ".cache").mkdir(exist_ok=True)
    with open(root / ".cache" / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a build is running
        proc = subprocess.Popen([sys.executable, str(root / "build.py")], cwd=root,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert proc.stdout is not None
        assert "another build is running in this checkout: waiting" in proc.stdout.readline()
        assert proc.poll() is None  # still waiting
        fcntl.flock(lock, fcntl.LOCK_UN)
        out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0 and f"build {built}" in out
    # and two started together both succeed
    pair = [subprocess.Popen([sys.executable, str(root / "build.py")], cwd=root, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0] for p in pair]
    assert [p.returncode for p in pair] == [0, 0], outputs


def test_wwe_origins_are_checked_and_written_on_the_pages() -> None:
    attribute = render.wwe_origin_attribute(["https://wwe.example.com", "https://wwe2.example.com:8443/"])
    assert attribute == 'data-wwe-origins="https://wwe.example.com https://wwe2.example.com:8443"'
    assert render.wwe_origin_attribute([]) == ""
    for bad in ("https://wwe.example.com/path", "*", "wwe.example.com", "https://*.example.com", "javascript:alert(1)"):
        with pytest.raises(common.BuildError, match="is not an origin"):
            render.wwe_origin_attribute([bad])


def test_a_deployment_build_can_leave_the_simulator_out() -> None:
    pages = {rel for _, rel in render.web_pages(simulator=False)}
    assert "widget.html" in pages and "console.html" in pages
    assert "index.html" not in pages and not [p for p in pages if p.startswith("sim/")]
    assets = {rel for _, rel in stage.web_assets(simulator=False)}
    assert "client/service-client.js" in assets and not [a for a in assets if a.startswith("sim/")]
    assert {rel for _, rel in render.web_pages()} >= {"index.html", "sim/panel.html"}
    assert {"widget/widget.css", "widget/widget.py", "console/console.js", "loader/views.js"} <= assets
    assert "loader/bridge.js" not in assets  # a template: dist/bridge.js is made from it
