"""datapackage.json describes data/processed as it is: every file's hash and size, every foreign key
holding, and the version, creation date, sources and licences a reuser needs."""

from __future__ import annotations

import json

import pandas as pd

import analysis
from analysis import paths
from analysis.checksums import sha256_of


def _package() -> dict:
    return json.loads((paths.DATA_PROCESSED / "datapackage.json").read_text(encoding="utf-8"))


def test_every_resource_has_its_files_hash_and_size() -> None:
    for resource in _package()["resources"]:
        path = paths.DATA_PROCESSED / resource["path"]
        assert resource["hash"] == f"sha256:{sha256_of(path)}", resource["path"]
        assert resource["bytes"] == path.stat().st_size


def test_every_foreign_key_holds_in_the_committed_tables() -> None:
    package = _package()
    by_name = {r["name"]: r for r in package["resources"]}
    checked = 0
    for resource in package["resources"]:
        table = pd.read_csv(paths.DATA_PROCESSED / resource["path"], dtype=str, keep_default_na=False)
        for key in resource["schema"]["foreignKeys"]:
            other = by_name[key["reference"]["resource"]]
            target = pd.read_csv(paths.DATA_PROCESSED / other["path"], dtype=str, keep_default_na=False)
            values = set(table[key["fields"]]) - {""}
            missing = values - set(target[key["reference"]["fields"]])
            assert not missing, f"{resource['path']}.{key['fields']}: {sorted(missing)[:5]} not in {other['path']}"
            checked += 1
    assert checked == 9


def test_the_package_states_version_creation_sources_licences_and_the_true_date_range() -> None:
    package = _package()
    assert package["version"] == analysis.__version__
    assert package["created"] == "2026-11-23T00:00:00Z"  # the newest access date in sources.yaml
    assert "inspections 2009-2025" in package["title"]
    inspections = pd.read_csv(paths.DATA_PROCESSED / "inspections.csv")
    assert inspections["start_date"].min().startswith("2009") and inspections["start_date"].max().startswith("2025")
    resources = {r["name"]: r for r in package["resources"]}
    assert [s["title"][:24] for s in resources["judgements"]["sources"]] == [
        "Ofsted inspection report",
        "Local authority inspecti",
        "SIF judgements of the fi",
    ]
    assert {lic["name"] for lic in resources["local-authorities"]["licenses"]} == {"MIT", "OGL-UK-3.0"}
    assert {lic["name"] for lic in resources["judgements"]["licenses"]} == {"OGL-UK-3.0", "other"}


def test_the_wide_table_is_inspections_and_judgements_joined_one_row_per_inspection() -> None:
    wide = pd.read_csv(paths.DATA_PROCESSED / "inspections_wide.csv", dtype=str, keep_default_na=False)
    inspections = pd.read_csv(paths.DATA_PROCESSED / "inspections.csv", dtype=str, keep_default_na=False)
    judgements = pd.read_csv(paths.DATA_PROCESSED / "judgements.csv", dtype=str, keep_default_na=False)
    assert list(wide["inspection_id"]) == list(inspections["inspection_id"])
    long = wide.melt(
        id_vars="inspection_id", value_vars=[c for c in wide if c.startswith("grade_")], value_name="grade"
    )
    long = long[long["grade"] != ""].assign(area=lambda f: f["variable"].str.removeprefix("grade_"))
    merged = long.merge(judgements, on=["inspection_id", "area"], how="outer", indicator=True, suffixes=("", "_long"))
    assert (merged["_merge"] == "both").all() and (merged["grade"] == merged["grade_long"]).all()
    assert len(long) == len(judgements)
    birmingham = wide[wide["inspection_id"] == "80429_birmingham_2014-05-23"].iloc[0]
    assert birmingham["grade_overall"] == "Inadequate" and birmingham["report_page"].endswith("/provider/44/80429")


def test_the_citation_file_names_the_package_version() -> None:
    import yaml

    citation = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0" and citation["version"] == analysis.__version__
    assert (
        citation["references"][0]["type"] == "dataset" and citation["references"][0]["version"] == analysis.__version__
    )
