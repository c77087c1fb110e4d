"""Cohort numbers on known stored sessions, the CSV export, and the page drawing them."""

from __future__ import annotations

import csv
import io

from hotseat.store import Store
from hotseat.studio import cohort
from tests.studio.cohort_data import fill


def test_session_rows_and_averages(store: Store) -> None:
    fill(store)
    rows = cohort.session_rows(store)
    assert [(r["trainee"], r["scenario"], r["empathy"], r["empowerment"]) for r in rows] == [
        ("Ana", "double-charge", 3.0, 3.0), ("Ana", "card-fraud", 0.0, 0.0),
        ("Ben", "double-charge", 1.0, 0.5)]
    assert rows[2]["anti_patterns"] == {"transfer": 2}
    by_scenario = {r["scenario"]: r for r in cohort.averages_by(rows, "scenario")}
    assert by_scenario["double-charge"] == {"scenario": "double-charge", "sessions": 2,
                                            "empathy": 2.0, "empowerment": 1.75,
                                            "resolved": 0.5}
    assert by_scenario["card-fraud"]["sessions"] == 1
    by_trainee = {r["trainee"]: r for r in cohort.averages_by(rows, "trainee")}
    assert (by_trainee["Ana"]["empathy"], by_trainee["Ben"]["empowerment"]) == (1.5, 0.5)
    assert cohort.top_anti_patterns(rows) == [
        {"anti_pattern": "transfer", "replies": 3, "trainees": 2},
        {"anti_pattern": "policy_wall", "replies": 1, "trainees": 1}]
    trend = cohort.trend_rows(rows)
    assert {t["axis"] for t in trend} == {"empathy", "empowerment"}
    assert sum(t["sessions"] for t in trend if t["axis"] == "empathy") == 3


def test_csv_export(store: Store) -> None:
    fill(store)
    text = cohort.to_csv(cohort.session_rows(store))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(cohort.CSV_COLUMNS)
    assert [(r["trainee"], r["empowerment"], r["anti_patterns"]) for r in rows] == [
        ("Ana", "3.0", ""), ("Ana", "0.0", "policy_wall:1;transfer:1"),
        ("Ben", "0.5", "transfer:2")]
    assert rows[1]["outcome"] == "hangs_up" and rows[0]["replies"] == "2"


def test_cohort_page_renders_the_numbers(make_page, tmp_path) -> None:
    with Store(f"sqlite:///{tmp_path / 'app.db'}") as s:  # the app's database (app_env)
        fill(s)
    at = make_page("pages/5_Cohort.py", signed_in=True)
    at.run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 4
    by_scenario = at.dataframe[0].value
    assert by_scenario["empowerment"].tolist() == [0.0, 1.75]  # card-fraud, double-charge
    anti = at.dataframe[2].value
    assert anti["anti_pattern"].tolist()[0] == "transfer"
    assert "3 graded sessions by 2 trainees" in "\n".join(c.value for c in at.caption)
