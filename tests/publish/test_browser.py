"""The rendered reports in a real browser: headless Chromium (Debian's /usr/bin/chromium) via playwright.

The index and the reports must open from disk with no network: no console errors, every image
decoded, every link on the index resolving to a page that loads. The reports are built into a
temporary folder (the checkout's reports/ is left alone), and the screenshots are saved under that
folder's reports/: <tmp>/reports/screenshot-index.png and <tmp>/reports/screenshot-report.png.

Without /usr/bin/chromium the test is skipped, except in CI (CI=true) where it fails: install it
with .ci/install-browser.sh.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pandas as pd
import pytest
import yaml

from analysis.paths import DATA_PROCESSED
from analysis.publish import runner

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
IN_CI = os.environ.get("CI", "").lower() == "true"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "notebooks"


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium, or a skip (outside CI) / failure (in CI) when it is not installed."""
    if not CHROMIUM.exists():
        message = "/usr/bin/chromium is not installed; run .ci/install-browser.sh"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def built_reports(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's reports, built like `make reports` but into <tmp>/reports (not the checkout's
    reports/): the session's one build (tests/publish/conftest.py).

    Before data/processed exists (outside CI) the fixture notebooks are built instead, so the
    browser checks still run.
    """
    if (DATA_PROCESSED / "judgements.csv").exists() or IN_CI:
        out, result = request.getfixturevalue("project_reports")
        assert result.ok, f"report build failed: {result.failed}"
        return out
    tmp = tmp_path_factory.mktemp("browser")
    params = tmp / "params.yaml"
    params.write_text(yaml.safe_dump({"runs": [{"notebook": str(FIXTURES / "hello.ipynb")}]}))
    result = runner.run_reports(params, tmp / "reports", data_dir=tmp)
    assert result.ok
    return tmp / "reports"


class PageWatch:
    """Console errors, uncaught exceptions and network requests of one page."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        self.network: list[str] = []
        page.on(
            "console",
            lambda msg: self.errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("requestfailed", lambda req: self.errors.append(f"request failed: {req.url}"))

        def route(route_) -> None:
            url = route_.request.url
            if url.startswith(("file:", "data:", "about:")):
                route_.continue_()
            else:
                self.network.append(url)
                route_.abort()

        page.route("**/*", route)


def images(page) -> list[dict]:
    """Every <img> of the page with its decoded width and alt text."""
    return page.evaluate(
        "() => Array.from(document.images).map(i => ({src: i.src.slice(0, 60), complete: i.complete,"
        " width: i.naturalWidth, alt: i.getAttribute('alt')}))"
    )


#: nbconvert's alt text for an image output that has none.
NO_ALT = "No description has been provided for this image"
FRAMEWORK_RANK = {"pre-SIF": 0, "SIF": 1, "ILACS": 2, "ILACS standard": 2, "ILACS short": 3}


def figure_problems(page) -> list[str]:
    """What is wrong with the report's figures: an image without real alt text, or outside a numbered
    <figure> whose caption gives n and a source, or figures not numbered 1, 2, 3 ... in order."""
    found = page.evaluate(
        """() => Array.from(document.images).map(i => {
            const f = i.closest('figure.report-figure');
            const c = f ? f.querySelector('figcaption') : null;
            return {alt: i.getAttribute('alt') || '', caption: c ? c.innerText : ''};
        })"""
    )
    problems = []
    for k, image in enumerate(found, start=1):
        if len(image["alt"].strip()) < 20 or image["alt"].strip() == NO_ALT:
            problems.append(f"image {k}: alt text {image['alt']!r}")
        if not image["caption"].startswith(f"Figure {k}."):
            problems.append(f"image {k}: caption {image['caption'][:40]!r} is not 'Figure {k}.'")
        elif " n = " not in image["caption"] or "Source: " not in image["caption"]:
            problems.append(f"image {k}: caption without n or source: {image['caption']!r}")
    return problems


def table_problems(page) -> list[str]:
    """Text cells right-aligned, or frameworks out of time order in a table's header or row labels."""
    cells = page.evaluate(
        """() => Array.from(document.querySelectorAll('.table-wrap td')).map(td => (
            {text: td.innerText.trim(), align: getComputedStyle(td).textAlign}))"""
    )
    number = re.compile(r"^<?[-+]?[\d,]*\.?\d+%?$|^-$|^$|^(True|False)$")
    problems = [
        f"text cell right-aligned: {c['text'][:40]!r}"
        for c in cells
        if not number.match(c["text"]) and c["align"] == "right"
    ]
    sequences = page.evaluate(
        """() => Array.from(document.querySelectorAll('.table-wrap table')).flatMap(t => [
            ...Array.from(t.querySelectorAll('thead tr')).map(r => Array.from(r.cells).map(c => c.innerText.trim())),
            Array.from(t.querySelectorAll('tbody th.level0')).map(c => c.innerText.trim())])"""
    )
    for labels in sequences:
        ranks = [FRAMEWORK_RANK[label] for label in labels if label in FRAMEWORK_RANK]
        if ranks != sorted(ranks):
            problems.append(f"frameworks out of time order: {[x for x in labels if x in FRAMEWORK_RANK]}")
    return problems


def open_page(browser, path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = PageWatch(page)
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page, watch


def test_index_and_reports_open_offline_in_chromium(browser, built_reports: Path) -> None:
    index = built_reports / "index.html"
    page, watch = open_page(browser, index)
    assert "reports" in page.title().lower()
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    report_links = [href for href in links if href.startswith("html/")]
    assert report_links, "the index links to no report"
    page.screenshot(path=str(built_reports / "screenshot-index.png"), full_page=True)
    assert watch.errors == [] and watch.network == []
    assert all(img["width"] > 0 for img in images(page))

    for href in links:
        assert not urlparse(href).scheme, f"index links off-disk: {href}"
        target = (index.parent / unquote(href)).resolve()
        assert target.exists(), f"index link {href} points at a missing file"

    for n, href in enumerate(report_links):
        report_page, report_watch = open_page(browser, index.parent / unquote(href))
        found = images(report_page)
        assert found, f"{href}: no figures"
        assert all(img["complete"] and img["width"] > 0 for img in found), f"{href}: images not loaded: {found}"
        assert report_page.locator("header.report-header table").count() == 1, f"{href}: no parameters table"
        assert report_page.locator("nav.toc a").count() >= 2, f"{href}: no table of contents"
        assert figure_problems(report_page) == [], href
        assert table_problems(report_page) == [], href
        # The contents stay in view at the bottom of the page, and every header link resolves.
        report_page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        box = report_page.locator("nav.toc").bounding_box()
        assert box is not None and 0 <= box["y"] < 100, f"{href}: contents not kept in view: {box}"
        for link in report_page.eval_on_selector_all(
            "header.report-header a[href]", "els => els.map(e => e.getAttribute('href'))"
        ):
            target = (index.parent / "html" / unquote(link)).resolve()
            assert target.exists(), f"{href}: header link {link} points at a missing file"
        # Code is hidden until the reader asks for it.
        code = report_page.locator(".jp-CodeCell .jp-Cell-inputWrapper").first
        if code.count():
            assert not code.is_visible()
            report_page.click("#toggle-code")
            assert code.is_visible()
            report_page.click("#toggle-code")
        if n == 0:
            report_page.screenshot(path=str(built_reports / "screenshot-report.png"), full_page=True)
        assert report_watch.errors == [], f"{href}: {report_watch.errors}"
        assert report_watch.network == [], f"{href} fetched from the network: {report_watch.network}"
        # The "all reports" link leads back to the index.
        back = report_page.get_attribute("header.report-header a", "href")
        assert (index.parent / "html" / back).resolve() == index.resolve()
        report_page.close()
    page.close()
    assert (built_reports / "screenshot-index.png").stat().st_size > 0
    assert (built_reports / "screenshot-report.png").stat().st_size > 0


def test_long_tables_keep_their_header_in_view_and_the_documents_open_offline(browser, built_reports: Path) -> None:
    scrolled = 0
    for path in sorted((built_reports / "html").glob("*.html")):
        page, _ = open_page(browser, path)
        boxes = page.locator('.table-wrap[style*="overflow"]')
        for k in range(boxes.count()):
            box = boxes.nth(k)
            box.scroll_into_view_if_needed()
            box.evaluate("el => { el.scrollTop = el.scrollHeight; }")
            top = box.bounding_box()["y"]
            head = box.locator("thead").bounding_box()
            assert abs(head["y"] - top) < 2, f"{path.name}: table header scrolled away ({head['y']} vs {top})"
            scrolled += 1
        page.close()
    if (DATA_PROCESSED / "judgements.csv").exists():
        assert scrolled >= 1, "no report has a long table"
    for name in ("validation.html", "data-dictionary.html"):
        if not (built_reports / name).exists():
            assert not (DATA_PROCESSED / "README.md").exists(), f"{name} was not written"
            continue
        page, watch = open_page(browser, built_reports / name)
        assert watch.errors == [] and watch.network == [], name
        assert page.locator("table").count() >= 1 and page.locator("nav.toc a").count() >= 3, name
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            if href.startswith("#"):
                assert page.locator(f"[id='{href[1:]}']").count() == 1, f"{name}: anchor {href}"
            elif not urlparse(href).scheme:
                assert (built_reports / unquote(href.partition("#")[0])).resolve().exists(), f"{name}: {href}"
        page.close()


def test_the_checks_catch_a_page_that_needs_the_network(browser, tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<html><head><script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"></script>'
        '</head><body><img src="missing.png"><script>undefinedFunction()</script></body></html>'
    )
    page, watch = open_page(browser, bad)
    assert watch.network == ["https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"]
    assert any("undefinedFunction" in e for e in watch.errors)
    assert [img["width"] for img in images(page)] == [0]
    page.close()


def test_authority_pages_open_offline_link_locally_and_the_filter_narrows_by_typing(
    browser, built_reports: Path
) -> None:
    folder = built_reports / "authorities"
    if not (DATA_PROCESSED / "local_authorities.csv").exists():
        pytest.skip("no processed data: the fixture build has no authority pages")
    authorities = pd.read_csv(DATA_PROCESSED / "local_authorities.csv", dtype=str)
    pages = sorted(folder.glob("E*.html"))
    assert len(pages) == len(authorities) == 158
    index, watch = open_page(browser, folder / "index.html")
    assert index.locator("#authorities tr").count() == 158
    index.fill("#filter", "birm")
    visible = index.locator("#authorities tr:not([hidden])")
    assert visible.count() == 1 and visible.first.inner_text().startswith("Birmingham")
    assert index.inner_text("#count") == "1 of 158 shown"
    index.fill("#filter", "")
    index.select_option("#region", "London")
    assert index.locator("#authorities tr:not([hidden])").count() == 33
    index.screenshot(path=str(built_reports / "screenshot-authorities.png"), full_page=True)
    assert watch.errors == [] and watch.network == []
    for path in pages:
        page, page_watch = open_page(browser, path)
        assert page_watch.errors == [] and page_watch.network == [], path.name
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            if urlparse(href).scheme:
                assert href.startswith("https://reports.ofsted.gov.uk/provider/44/"), f"{path.name}: {href}"
                continue
            target = (path.parent / unquote(href.partition("#")[0])).resolve()
            assert target.exists(), f"{path.name}: link {href} points at a missing file"
        if path.name == "E08000025.html":  # Birmingham
            page.screenshot(path=str(built_reports / "screenshot-authority.png"), full_page=True)
            text = page.inner_text("body")
            assert "Every inspection" in text and "Inadequate" in text and "Statistical neighbours" in text
        page.close()
