"""Open a report page in headless Chromium and fail if it does not show properly.

Used by ``nox -s browser`` on the demo report: the page must load without a console error, a
JavaScript error or a failed request, and every figure (``<img>``) must have loaded with a
non-zero size. A full-page screenshot is written beside the page (``screenshot.png``).

Run: ``python tools/check_report_in_browser.py REPORT/index.html`` (needs ``playwright`` and
a Chromium executable: Debian's ``chromium`` package; no browser is downloaded).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

#: Executables tried, in order, when CHROMIUM is not set.
CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def chromium() -> str:
    import os

    found = os.environ.get("CHROMIUM") or next(filter(None, map(shutil.which, CANDIDATES)), None)
    if not found:
        sys.exit("no Chromium found: apt-get install chromium (or set CHROMIUM=/path)")
    return found


def check(page_path: Path) -> list[str]:
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    url = page_path.resolve().as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on(
            "console",
            lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
        page.goto(url, wait_until="load")
        images = page.evaluate(
            """() => Array.from(document.images).map(img => ({
                src: img.getAttribute('src'), complete: img.complete,
                width: img.naturalWidth, height: img.naturalHeight}))"""
        )
        n_figures = page.evaluate("() => document.querySelectorAll('figure').length")
        if not images:
            problems.append("the page shows no figure")
        if len(images) != n_figures:
            problems.append(f"{n_figures} figures but {len(images)} images")
        for image in images:
            if not image["complete"] or image["width"] == 0 or image["height"] == 0:
                problems.append(f"figure did not load: {image['src']}")
        page.screenshot(path=str(page_path.parent / "screenshot.png"), full_page=True)
        print(f"{len(images)} figures loaded in {page_path}")
        browser.close()
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    problems = check(Path(argv[0]))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
