"""Raw intake: the provenance record covers every raw file, and bad raw folders stop the build clearly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from analysis import paths
from analysis.build import sources


def _small_record(tmp_path: Path, raw_dir: Path) -> Path:
    """A sources.yaml naming two real files (one report, the ODS) for quick intake tests."""
    record = sources.load_sources()
    small = {
        "sources": {
            "ofsted_reports": {**record["ofsted_reports"], "files": record["ofsted_reports"]["files"][:1]},
            "ofsted_outcomes_ods": record["ofsted_outcomes_ods"],
        }
    }
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(small, sort_keys=False))
    return path


def test_record_lists_every_raw_file_once(raw_dir: Path) -> None:
    listed = [f.path for f in sources.raw_files()]
    on_disk = sorted(p.relative_to(raw_dir).as_posix() for p in raw_dir.rglob("*") if p.is_file())
    assert sorted(listed) == on_disk
    assert len(listed) == len(set(listed)) == 446
    assert sum(f.path.endswith(".pdf") for f in sources.raw_files()) == 431


def test_record_has_provenance_for_each_source() -> None:
    for source_id, source in sources.load_sources().items():
        for key in ("title", "publisher", "url", "licence", "accessed", "files"):
            assert source.get(key), f"{source_id} lacks {key}"


def test_report_hashes_agree_with_collector_manifest(raw_dir: Path) -> None:
    import csv

    with (raw_dir / "ofsted/reports/MANIFEST.csv").open(newline="") as handle:
        manifest = {"ofsted/reports/" + r["file"]: r["sha256"] for r in csv.DictReader(handle)}
    recorded = {f.path: f.sha256 for f in sources.raw_files() if f.path.endswith(".pdf")}
    assert recorded == manifest


def test_intake_copies_and_verifies(tmp_path: Path, raw_dir: Path) -> None:
    record = _small_record(tmp_path, raw_dir)
    copied = sources.intake(raw_dir, tmp_path / "raw", record)
    assert [p.name for p in copied] == [
        sources.raw_files(record)[0].path.split("/")[-1],
        "LA_Inspection_Outcomes_as_at_31_March_2025.ods",
    ]
    assert all(sources.sha256_of(p) == f.sha256 for p, f in zip(copied, sources.raw_files(record)))


def test_missing_raw_folder_names_it(tmp_path: Path) -> None:
    with pytest.raises(sources.RawDataError, match=r"Raw data folder not found: .*nowhere[\s\S]*RAW_DATA_DIR"):
        sources.intake(tmp_path / "nowhere", tmp_path / "raw")


def test_checksum_mismatch_names_file_and_both_hashes(tmp_path: Path, raw_dir: Path) -> None:
    record = _small_record(tmp_path, raw_dir)
    bad_raw = tmp_path / "bad"
    for item in sources.raw_files(record):
        (bad_raw / item.path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(raw_dir / item.path, bad_raw / item.path)
    ods = bad_raw / "ofsted/LA_Inspection_Outcomes_as_at_31_March_2025.ods"
    ods.write_bytes(ods.read_bytes() + b"tampered")
    expected = sources.raw_files(record)[1].sha256
    with pytest.raises(sources.RawDataError) as error:
        sources.intake(bad_raw, tmp_path / "raw", record)
    message = str(error.value)
    assert "Checksum mismatch" in message and ods.name in message
    assert expected in message and sources.sha256_of(ods) in message
    assert "gov.uk" in message  # where to get it
    # nothing was copied: all files are verified before any is written
    assert not (tmp_path / "raw").exists()


def test_missing_file_names_it(tmp_path: Path, raw_dir: Path) -> None:
    record = _small_record(tmp_path, raw_dir)
    partial = tmp_path / "partial"
    first = sources.raw_files(record)[0]
    (partial / first.path).parent.mkdir(parents=True)
    shutil.copyfile(raw_dir / first.path, partial / first.path)
    with pytest.raises(sources.RawDataError, match=r"Raw file missing: .*LA_Inspection_Outcomes"):
        sources.intake(partial, tmp_path / "raw", record)


def test_paths_do_not_depend_on_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert paths.SOURCES_YAML.is_file()
    assert sources.load_sources()["imd2019"]["files"]


def test_a_report_file_names_its_own_ofsted_page_not_a_url_template() -> None:
    reports = [f for f in sources.raw_files() if f.source_id == "ofsted_reports" and f.path.endswith(".pdf")]
    assert len(reports) == 431
    norfolk = next(f for f in reports if f.path == "ofsted/reports/80418_norfolk_2015-10-20.pdf")
    assert norfolk.url == "https://reports.ofsted.gov.uk/provider/44/80418"
    assert not [f.url for f in sources.raw_files() if "{" in f.url]
    manifest = next(f for f in sources.raw_files() if f.path == "ofsted/reports/MANIFEST.csv")
    assert manifest.url == "https://reports.ofsted.gov.uk/provider/44"
