"""Measure the UI headless: Step click to re-rendered status (median of N clicks) and Play's
days per second at one day per update, 3,000 crew.

Usage: .venv/bin/python experiments/ui_benchmark.py [--clicks 15] [--twin STRATEGY]
(needs Debian's chromium; ``--twin silent`` opens the page with ship B on, two ships of 3,000)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.ui.conftest import CHROMIUM_ARGS, chromium_path, free_port  # noqa: E402

DAY_JS = "(document.querySelector('.status-day') || {dataset: {day: -1}}).dataset.day"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=15)
    parser.add_argument("--twin", default=None, help="ship B's strategy (a twin of 3,000)")
    args = parser.parse_args()
    import subprocess
    import urllib.request

    from playwright.sync_api import sync_playwright

    repo = Path(__file__).resolve().parents[1]
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("solara")),
            "run",
            "app.py",
            "--no-check-version",
            "--production",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=repo,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(url + (f"?seed=1&day=0&twin={args.twin}" if args.twin else ""))
            page.wait_for_selector(".charts canvas", timeout=60_000)
            times = []
            for i in range(args.clicks):
                start = time.perf_counter()
                page.locator(".crew-step").click()
                page.wait_for_function(f"() => Number({DAY_JS}) === {i + 1}", timeout=30_000)
                page.wait_for_timeout(0)
                times.append(time.perf_counter() - start)
            print(
                f"Step re-render: median {statistics.median(times):.3f} s, "
                f"max {max(times):.3f} s over {len(times)} clicks"
            )
            page.locator(".crew-speed").click()
            page.locator(".v-menu__content .v-list-item", has_text="1").first.click()
            first = int(page.evaluate(f"() => {DAY_JS}"))
            page.locator(".crew-play").click()
            start = time.perf_counter()
            page.wait_for_timeout(8000)
            last = int(page.evaluate(f"() => {DAY_JS}"))
            elapsed = time.perf_counter() - start
            page.locator(".crew-play").click()
            print(f"Play at 1 day per update: {(last - first) / elapsed:.2f} days/s")
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
