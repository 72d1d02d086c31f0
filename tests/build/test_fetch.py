"""`make raw`'s fetch (analysis.build.fetch) against a local HTTP server on 127.0.0.1 serving real
raw files: downloads verified by SHA-256, a file already there not fetched again, a wrong checksum
and a 404 named, an interrupted download resumed, and files without an address listed for by hand."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from analysis import paths
from analysis.build import fetch
from analysis.build.sources import raw_files

REPORTS = [f for f in raw_files() if f.path.startswith("ofsted/reports/") and f.path.endswith(".pdf")][:3]


class Server:
    """Serves `files` (URL path -> bytes); paths in `cut_once` break off halfway the first time."""

    def __init__(self, files: dict[str, bytes], cut_once: set[str] = frozenset()) -> None:
        self.files, self.cut_once, self.requests = files, set(cut_once), []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path = urllib.parse.unquote(self.path)
                server.requests.append((path, self.headers.get("Range")))
                body = server.files.get(path)
                if body is None:
                    self.send_error(404, "Not Found")
                    return
                start = 0
                if self.headers.get("Range"):
                    start = int(self.headers["Range"].removeprefix("bytes=").rstrip("-"))
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(body) - start))
                self.end_headers()
                if path in server.cut_once:
                    server.cut_once.discard(path)
                    self.wfile.write(body[start : start + (len(body) - start) // 2])
                    self.wfile.flush()
                    self.connection.shutdown(2)  # the connection breaks off mid-file
                    return
                self.wfile.write(body[start:])

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _items(base: str) -> list[fetch.Item]:
    return [fetch.Item(f.path, f.sha256, f"{base}/{f.path}", f.url) for f in REPORTS]


@pytest.fixture()
def served(raw_dir: Path) -> dict[str, bytes]:
    return {f"/{f.path}": (raw_dir / f.path).read_bytes() for f in REPORTS}


def test_fetch_downloads_and_verifies_then_fetches_nothing_the_second_time(
    served, raw_dir: Path, tmp_path: Path
) -> None:
    with Server(served) as server:
        first = fetch.fetch(_items(server.base), tmp_path, progress=False)
        assert first.fetched == [f.path for f in REPORTS] and first.complete
        for f in REPORTS:
            assert (tmp_path / f.path).read_bytes() == (raw_dir / f.path).read_bytes()
        asked = len(server.requests)
        second = fetch.fetch(_items(server.base), tmp_path, progress=False)
    assert second.present == [f.path for f in REPORTS] and second.fetched == []
    assert len(server.requests) == asked == 3  # nothing asked for the second time
    assert not list(tmp_path.rglob("*.part"))


def test_a_wrong_checksum_and_a_404_are_named_and_leave_no_file(served, tmp_path: Path) -> None:
    bad, gone, good = REPORTS
    served[f"/{bad.path}"] = b"%PDF-1.4 not the report the project was built on"
    del served[f"/{gone.path}"]
    with Server(served) as server:
        outcome = fetch.fetch(_items(server.base), tmp_path, progress=False)
    assert outcome.fetched == [good.path]
    reasons = dict(outcome.failed)
    assert reasons[bad.path].startswith(f"checksum mismatch: expected sha256 {bad.sha256}, found ")
    assert f"{server.base}/{bad.path}" in reasons[bad.path]
    assert reasons[gone.path] == f"HTTP 404 Not Found from {server.base}/{gone.path}"
    assert not (tmp_path / bad.path).exists() and not (tmp_path / gone.path).exists()
    assert not list(tmp_path.rglob("*.part"))
    text = fetch.report(outcome, tmp_path)
    assert "1 downloaded, 0 already there, 2 failed, 0 to get by hand" in text
    assert f"FAILED {gone.path}: HTTP 404" in text and "run `make raw` again" in text


def test_an_interrupted_download_resumes_from_where_it_broke_off(served, raw_dir: Path, tmp_path: Path) -> None:
    cut = REPORTS[0]
    with Server(served, cut_once={f"/{cut.path}"}) as server:
        outcome = fetch.fetch(_items(server.base)[:1], tmp_path, progress=False)
    assert outcome.fetched == [cut.path], outcome.failed
    assert (tmp_path / cut.path).read_bytes() == (raw_dir / cut.path).read_bytes()
    ranges = [r for path, r in server.requests if path == f"/{cut.path}"]
    half = len(served[f"/{cut.path}"]) // 2
    assert ranges == [None, f"bytes={half}-"]  # the second request asked only for the rest


def test_files_without_a_download_address_are_listed_with_their_page_and_destination(tmp_path: Path) -> None:
    item = fetch.Item("dfe/example.csv", "0" * 64, None, "https://explore-education-statistics.service.gov.uk/x")
    outcome = fetch.fetch([item], tmp_path, progress=False)
    assert outcome.manual == [item] and not outcome.complete
    text = fetch.report(outcome, tmp_path)
    assert f"BY HAND dfe/example.csv: the publisher gives no download address; get it from {item.page}" in text
    assert f"put it at {tmp_path / 'dfe/example.csv'}" in text


def test_every_report_has_a_download_address_at_the_pinned_commit_and_the_rest_a_page() -> None:
    wanted = fetch.items()
    reports = [i for i in wanted if i.path.endswith(".pdf")]
    assert len(wanted) == 446 and len(reports) == 431
    assert all(i.url and i.url.startswith(fetch_base()) for i in reports)
    dorset = next(i for i in reports if i.path == "ofsted/reports/2532283_dorset_2021-11-19.pdf")
    assert dorset.url.endswith(
        "export_data/inspection_reports/2532283_dorset/children%27s%20services%20inspection%20-%2019%20november%202021.pdf"
    )
    by_hand = [i for i in wanted if i.url is None]
    assert len(by_hand) == 15 and all(i.page.startswith("http") or i.page.startswith("(") for i in by_hand)


def fetch_base() -> str:
    return "https://raw.githubusercontent.com/data-to-insight/ofsted-ilacs-scrape-tool/15af1ad55ef4ecf0c314cf9edef12bd5bc1230a3/"


def test_a_report_entry_without_its_archive_path_stops_the_fetch_naming_the_file(tmp_path: Path) -> None:
    record = yaml.safe_load(paths.SOURCES_YAML.read_text(encoding="utf-8"))
    del record["sources"]["ofsted_reports"]["files"][0]["archive_path"]
    bad = tmp_path / "sources.yaml"
    bad.write_text(yaml.safe_dump(record, sort_keys=False), encoding="utf-8")
    with pytest.raises(
        ValueError,
        match=r"every PDF needs its archive_path; none for \['ofsted/reports/2532283_dorset_2021-11-19.pdf'\]",
    ):
        fetch.items(bad)


def test_a_network_that_is_down_stops_the_fetch_after_a_few_files_and_says_so(tmp_path: Path) -> None:
    calls = []

    def no_network(request, timeout):
        calls.append(request.full_url)
        raise urllib.error.URLError("[Errno -2] Name or service not known")

    wanted = [
        fetch.Item(f"ofsted/reports/r{i}.pdf", "0" * 64, f"https://example.invalid/r{i}.pdf", "page") for i in range(10)
    ]
    outcome = fetch.fetch(wanted, tmp_path, opener=no_network, retries=2, progress=False)
    assert len(calls) == fetch.UNREACHABLE_AFTER * 2  # two attempts each for the first three files, then none
    reasons = [reason for _, reason in outcome.failed]
    assert len(reasons) == 10 and all(r.startswith("could not connect") for r in reasons[:3])
    assert all(r.startswith("not tried: the network looks down") for r in reasons[3:])
