"""analysis.claims: the registry's rules, the comparisons, verdicts computed (never stored), and every
registered computation run on the real processed data."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import claims, paths, snapshots

RI, INADEQUATE, GOOD, OUTSTANDING = "Requires improvement to be good", "Inadequate", "Good", "Outstanding"
HAS_DATA = (paths.DATA_PROCESSED / "inspections.csv").exists() and (paths.DATA_PROCESSED / "judgements.csv").exists()


@pytest.fixture(scope="module")
def registry() -> list[dict]:
    return claims.load_registry()


@pytest.fixture(scope="module")
def raw_registry() -> dict:
    return yaml.safe_load(claims.REGISTRY.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data() -> snapshots.Data:
    assert HAS_DATA, "data/processed is committed and must be present (make data rebuilds it)"
    return snapshots.load()


# --- the registry ----------------------------------------------------------------------------


def _keys(node, found=None) -> set[str]:
    found = set() if found is None else found
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(str(key).lower())
            _keys(value, found)
    elif isinstance(node, list):
        for value in node:
            _keys(value, found)
    return found


def test_no_verdict_is_stored_in_the_registry(raw_registry: dict) -> None:
    assert not (_keys(raw_registry) & claims.FORBIDDEN_KEYS), "verdicts must be computed, not stored in claims.yaml"


def test_a_stored_verdict_is_refused(registry: list[dict]) -> None:
    entries = copy.deepcopy(registry)
    entries[0]["figures"][0]["verdict"] = "reproduced"
    with pytest.raises(claims.RegistryError, match="stored verdict"):
        claims.validate_registry(entries)
    entries = copy.deepcopy(registry)
    entries[0]["verdict"] = "reproduced"
    with pytest.raises(claims.RegistryError, match="stored verdict"):
        claims.validate_registry(entries)


def test_every_claim_of_the_brief_is_registered(registry: list[dict]) -> None:
    ids = {entry["id"] for entry in registry}
    expected = {f"C{i:02d}" for i in range(1, 25)} | {f"H{i:02d}" for i in range(1, 10)} | {"R01"}
    assert expected <= ids, sorted(expected - ids)


def test_entries_are_complete(registry: list[dict]) -> None:
    for entry in registry:
        assert entry["kind"] in claims.KINDS
        assert {"article", "outlet", "date"} <= set(entry["source"])
        assert entry["quote"] and len(entry["quote"]) < 300, entry["id"]
        for figure in entry["figures"]:
            assert figure["computation"]["function"] in claims.COMPUTATIONS
            if entry["kind"] == "hypothesis":
                assert figure["computation"]["function"] == "model_verdict"
                assert figure["computation"]["args"]["notebook"] == entry["test_notebook"]
            else:
                assert figure["justification"], f"{entry['id']}: tolerance needs a justification"


def test_quotes_longer_than_a_sentence_are_refused(registry: list[dict]) -> None:
    entries = copy.deepcopy(registry)
    entries[0]["quote"] = "One sentence. And another one."
    with pytest.raises(claims.RegistryError, match="more than one sentence"):
        claims.validate_registry(entries)


def test_unknown_computation_is_refused(registry: list[dict]) -> None:
    entries = copy.deepcopy(registry)
    entries[0]["figures"][0]["computation"]["function"] = "typed_in_result"
    with pytest.raises(claims.RegistryError, match="not in analysis.claims.COMPUTATIONS"):
        claims.validate_registry(entries)


# --- comparisons -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("computed", "published", "how", "tolerance", "ok"),
    [
        (30, 30, "within", 0, True),
        (31, 30, "within", 0, False),
        (44.4, 44, "within", 1, True),
        (45.2, 44, "within", 1, False),
        (70.6, 66.7, "greater", None, True),
        (66.7, 66.7, "greater", None, False),
        (["Westminster", "Kensington and Chelsea"], ["Kensington and Chelsea", "Westminster"], "same_set", None, True),
        (["Westminster"], ["Kensington and Chelsea", "Westminster"], "same_set", None, False),
        ({"overall": GOOD, "adoption": OUTSTANDING, "x": 1}, {"overall": "good", "adoption": "Outstanding"}, "equal", None, True),
        ({"overall": "Requires improvement"}, {"overall": RI}, "equal", None, True),
        ({"overall": INADEQUATE}, {"overall": GOOD}, "equal", None, False),
        ("2016-03", "2016-03", "equal", None, True),
    ],
)
def test_compare(computed, published, how, tolerance, ok) -> None:
    assert claims.compare(computed, published, how, tolerance)[0] is ok


def test_compare_reports_the_difference() -> None:
    assert claims.compare(27, 30, "within", 0) == (False, -3.0)
    ok, diff = claims.compare(["A", "C"], ["A", "B"], "same_set")
    assert diff == {"missing": ["B"], "extra": ["C"]}


# --- verdicts computed, on small made-up tables -----------------------------------------------


def small_data() -> snapshots.Data:
    """Three authorities; E3 is known only from a secondary source; E1 was re-inspected."""
    rows = [
        ("a", "E1", "SIF", "SIF", "2014-01-06", "2014-03-01", "primary", INADEQUATE),
        ("b", "E2", "SIF", "SIF", "2014-10-06", "2015-01-10", "primary", GOOD),
        ("c", "E3", "SIF", "SIF", "2014-05-01", None, "secondary", RI),
        ("d", "E1", "SIF", "SIF re-inspection", "2016-01-04", "2016-03-01", "primary", RI),
    ]
    inspections = pd.DataFrame(rows, columns=["inspection_id", "la_code", "framework", "inspection_type", "start_date", "published_date", "source_quality", "grade"])
    judgements = inspections[["inspection_id", "grade", "source_quality"]].assign(area="overall")
    inspections = inspections.drop(columns="grade").assign(la_name=lambda f: f["la_code"].map({"E1": "One", "E2": "Two", "E3": "Three"}))
    inspections["end_date"] = inspections["start_date"]
    for column in ("start_date", "end_date", "published_date"):
        inspections[column] = pd.to_datetime(inspections[column])
    las = pd.DataFrame({"la_code": ["E1", "E2", "E3"], "la_name": ["One", "Two", "Three"], "region": ["R", "R", "S"]})
    return snapshots.Data(inspections, judgements, las)


def figure_entry(published, **args) -> dict:
    return {
        "id": "T01", "kind": "figure", "source": {"article": "a", "outlet": "o", "date": "d"}, "quote": "q",
        "figures": [{"name": "n", "computation": {"function": "grade_count", "args": args}, "published": published,
                     "compare": "within", "tolerance": 0, "justification": "test"}],
    }


def test_verdict_follows_the_data_not_the_registry() -> None:
    data = small_data()
    args = dict(framework="SIF", year=2014, date_basis="published", measure="count")
    good = claims.evaluate([figure_entry(2, **args)], data)[0]  # a (2014-03) and c (estimated 2014)
    bad = claims.evaluate([figure_entry(5, **args)], data)[0]
    assert good.verdict == "reproduced" and good.computed == 2
    assert bad.verdict == "differs" and bad.difference == -3


def test_a_difference_is_explained_by_the_basis_that_reproduces_it() -> None:
    data = small_data()
    # Three SIF results in all; "2" is reproduced without the secondary row, naming it.
    entry = figure_entry(2, framework="SIF", measure="count", selection="first")
    evaluation = claims.evaluate([entry], data, {"include_secondary": True})[0]
    assert evaluation.verdict == "differs"
    assert "without the press-sourced" in evaluation.explanation and "Three" in evaluation.explanation
    # Counting re-inspections explains "4 inspections" against a first-per-council count of 3.
    entry = figure_entry(4, framework="SIF", measure="count", selection="first")
    evaluation = claims.evaluate([entry], data)[0]
    assert "counting every inspection" in evaluation.explanation and "One (SIF re-inspection)" in evaluation.explanation


def test_missing_publication_dates_are_estimated_and_flagged() -> None:
    frame = snapshots.judgements_for(small_data(), framework="SIF")
    row = frame.set_index("inspection_id").loc["c"]
    assert bool(row["published_estimated"]) and row["date"] > pd.Timestamp("2014-05-01")
    frame = snapshots.judgements_for(small_data(), framework="SIF", estimate_missing_dates=False)
    assert snapshots.undated(frame)["inspection_id"].tolist() == ["c"]


def test_not_testable_carries_the_reason() -> None:
    data = small_data()
    entry = figure_entry(1, framework="SIF", measure="las", min_las=152, min_las_reason="coverage")
    evaluation = claims.evaluate([entry], data)[0]
    assert evaluation.verdict == "not testable" and "3 authorities" in evaluation.explanation


def test_hypothesis_verdict_comes_from_the_model_notebook(tmp_path: Path) -> None:
    data = small_data()
    args = {"notebook": "notebooks/01_cited_figures", "hypothesis": "H99", "reports_dir": str(tmp_path)}
    absent = claims.model_verdict(data, notebook="notebooks/99_no_such_notebook", hypothesis="H99")
    assert absent.value == claims.NOT_YET_TESTED and "does not exist" in absent.note
    assert claims.model_verdict(data, **args).value == claims.NOT_YET_TESTED  # not run
    (tmp_path / "executed").mkdir()
    records = tmp_path / "executed" / "01_cited_figures.record.json"
    records.write_text(json.dumps({"other": 1}))
    assert "recorded no result" in claims.model_verdict(data, **args).note
    records.write_text(json.dumps({"hypothesis.H99": {"verdict": "supported", "evidence": "slope > 0"}}))
    found = claims.model_verdict(data, **args)
    assert found.value == "supported" and found.note == "slope > 0"


# --- the registry on the real data -------------------------------------------------------------


def test_every_registered_computation_runs_on_the_real_data(registry: list[dict], data: snapshots.Data) -> None:
    evaluations = claims.evaluate(registry, data, {"include_secondary": True, "date_basis": "published"})
    assert len(evaluations) == sum(len(e["figures"]) for e in registry)
    for evaluation in evaluations:
        allowed = claims.FIGURE_VERDICTS if evaluation.kind != "hypothesis" else (claims.NOT_YET_TESTED, *claims.HYPOTHESIS_VERDICTS)
        assert evaluation.verdict in allowed, evaluation
        if evaluation.verdict in ("differs", "not testable"):
            assert evaluation.explanation, f"{evaluation.claim_id}.{evaluation.figure} has no computed explanation"
    table = claims.verdict_table(evaluations, registry)
    assert list(table.columns)[:3] == ["claim", "figure", "kind"]


def test_registry_runs_without_secondary_sources(registry: list[dict], data: snapshots.Data) -> None:
    evaluations = claims.evaluate(registry, data, {"include_secondary": False, "date_basis": "inspected"})
    assert all(e.verdict for e in evaluations)
    councils = next(e for e in evaluations if (e.claim_id, e.figure) == ("C01", "councils"))
    assert councils.computed == 147  # the five councils whose SIF reports are missing drop out
    assert councils.verdict == "differs" and "with the press-sourced (secondary) rows" in councils.explanation
