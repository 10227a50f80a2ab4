"""Housing's rules are data files: they load, and a broken one fails with the file and key."""

from pathlib import Path

import pytest

from housing.domain.geo import italian_municipalities
from housing.domain.rules import (
    PARTS,
    RulesError,
    default_funds,
    default_scoring,
    default_workflow,
    scoring_rules,
    workflow_rules,
)

pytestmark = pytest.mark.unit


def test_shipped_rules_load_with_every_part_weighted():
    s = default_scoring()
    assert len(s.weights) == len(PARTS) and all(w >= 0 for w in s.weights)
    assert s.income_share_ceiling == pytest.approx(0.40)  # Eurostat's overburden threshold
    assert default_funds().max_months == 6
    w = default_workflow()
    assert w.stalled_after_days == 7
    assert set(w.decline_reasons) == {"team", "person", "host", "administrative"}
    assert all(codes[-1] == "other" for codes in w.decline_reasons.values())
    assert w.move_out_reasons["autonomy_reached"].closes_goal and not w.move_out_reasons["conflict"].closes_goal


def test_a_missing_key_names_file_and_key(tmp_path: Path):
    (tmp_path / "scoring.yaml").write_text("weights: {affordability: 1}\nper_person: true\n")
    with pytest.raises(RulesError, match="weights.distance"):
        scoring_rules(tmp_path)


def test_a_reason_list_without_other_is_refused(tmp_path: Path):
    (tmp_path / "workflow.yaml").write_text(
        "stalled_after_days: 7\ndecline_reasons: {team: [a], person: [other], host: [other], administrative: [other]}\n"
        "move_out_reasons: {}\n")
    with pytest.raises(RulesError, match="decline_reasons.team must end with 'other'"):
        workflow_rules(tmp_path)


def test_the_path_statuses_that_end_matching_are_path_statuses(tmp_path: Path):
    assert default_workflow().path_closing_statuses == {"autonomy_reached", "transferred"}
    (tmp_path / "workflow.yaml").write_text(
        "stalled_after_days: 7\ndecline_reasons: {team: [other], person: [other], host: [other], "
        "administrative: [other]}\nmove_out_reasons: {}\npath_closing_statuses: [transfered]\n")
    with pytest.raises(RulesError, match="path_closing_statuses must be a list of path statuses"):
        workflow_rules(tmp_path)


def test_municipality_table_covers_italy_with_real_distances():
    geo = italian_municipalities()
    assert len(geo) > 7800
    assert geo.province_of("058091") == "RM" and geo.province_of("015146") == "MI"
    assert 470 < geo.distance_km("058091", "015146") < 490  # Roma - Milano, straight line
    assert geo.distance_km("058091", "058091") == 0
