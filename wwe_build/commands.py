"""`python3 build.py [serve|test|wheel]`: the commands the README and docs/contributing.md name."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from wwe_testing.provision import ProvisionError

from .common import BuildError, step
from .layout import DIST, ROOT
from .pipeline import build
from .wheel import build_host_wheel


def cmd_serve(port: int, wwe_origins: Sequence[str] = ()) -> None:
    build(wwe_origins)
    from wwe_testing.server import serve_forever

    serve_forever(DIST, port)


def cmd_test(pytest_args: list[str]) -> int:
    from wwe_testing import provision

    python = provision.ensure_test_venv(ROOT)
    if Path(python).resolve() != Path(sys.executable).resolve():
        # Re-run inside the venv so the tests see the installed dependencies.
        return subprocess.call([python, str(ROOT / "build.py"), "test", *pytest_args])
    provision.ensure_test_dependencies(ROOT)
    os.environ["CHROMIUM_PATH"] = provision.ensure_chromium()
    build()
    step("$ pytest " + " ".join(pytest_args))
    return subprocess.call([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description="Build, serve and test wwe-outbound-bridge.")
    sub = parser.add_subparsers(dest="command")
    origin_help = ("an origin WWE may have (repeatable), e.g. https://wwe.example.com: our views bind only to a "
                   "parent or opener of these origins or of their own; without one, only to their own origin")
    parser.add_argument("--wwe-origin", action="append", default=[], metavar="ORIGIN", help=origin_help)
    parser.add_argument("--no-simulator", action="store_true",
                        help="leave the WWE simulator (index.html, sim/) out: for a deployment, where it does not belong")
    serve = sub.add_parser("serve", help="build if needed, then serve dist/ on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="port (0 picks a free one)")
    serve.add_argument("--wwe-origin", action="append", default=[], metavar="ORIGIN", dest="serve_origins",
                       help=origin_help)
    sub.add_parser("test", help="install test dependencies, build, run pytest", add_help=False)
    sub.add_parser("wheel", help="build dist/, then the pip-installable wheel (with the site) in build/wheel/")
    if argv[:1] == ["test"]:
        args, rest = parser.parse_args(argv[:1]), argv[1:]
    else:
        args, rest = parser.parse_args(argv), []
    try:
        if args.command == "serve":
            cmd_serve(args.port, args.wwe_origin + args.serve_origins)
            return 0
        if args.command == "test":
            return cmd_test(rest)
        if args.command == "wheel":
            build_host_wheel()
            return 0
        build(args.wwe_origin, simulator=not args.no_simulator)
        return 0
    except (BuildError, ProvisionError) as exc:
        print(f"[build] error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
