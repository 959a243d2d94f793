"""Fixtures for the UI tests: a ``solara run app.py`` server on a free port and headless
Debian Chromium driven by Playwright.

Browser tests skip locally when Chromium is missing, and fail in CI (``CI`` set), where
``./run test`` installs it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """Debian's chromium, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: the browser tests must run in CI")
        pytest.skip("chromium is not installed (apt-get install chromium); browser tests skipped")
    return path


@dataclass
class UIServer:
    """The running UI server: its URL, process and the file its output goes to."""

    url: str
    process: subprocess.Popen
    log: Path


@pytest.fixture(scope="session")
def ui_server_process(chromium) -> Iterator[UIServer]:
    """``solara run app.py`` serving the UI from the repository on a free port.

    ``--production`` switches off hot reload, so edits elsewhere in the checkout during the
    run cannot reload the page under the test. stdout and stderr go to
    ``artifacts/ui-server.log`` (Solara prints tracebacks to stdout).
    """
    with serve() as server:
        yield server


@contextmanager
def serve(env: dict[str, str] | None = None, log_name: str = "ui-server.log") -> Iterator[UIServer]:
    """A UI server (see :func:`ui_server_process`) with ``env`` added to its environment,
    its output in ``artifacts/<log_name>``; stopped on leaving."""
    port = free_port()
    solara = Path(sys.executable).with_name("solara")
    log = ARTIFACTS / log_name
    ARTIFACTS.mkdir(exist_ok=True)
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [
                str(solara),
                "run",
                "app.py",
                "--no-check-version",
                "--production",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", **(env or {})},
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the UI server did not start; see {log}")
            time.sleep(0.3)
        yield UIServer(url=url, process=server, log=log)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="session")
def ui_server(ui_server_process) -> str:
    """URL of the UI server."""
    return ui_server_process.url


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def ui_page(browser, ui_server):
    """A fresh tab on the UI, loaded; ``page.failed_requests`` lists failed asset requests."""
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    page.failed_requests = []
    page.on("requestfailed", lambda r: page.failed_requests.append(f"failed {r.url}"))
    page.on(
        "response",
        lambda r: page.failed_requests.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    page.goto(ui_server)
    page.wait_for_selector(".status-day", timeout=60_000)
    yield page
    context.close()
