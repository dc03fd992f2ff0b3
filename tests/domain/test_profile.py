import json
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest

from domain.calendar import BusinessCalendar
from domain.profile import PROFILES_DIR, CaseRules, ProfileError, available_profiles, load_profile

SOURCE = (PROFILES_DIR / "koganei.toml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str, name: str = "broken.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_default_profile_loads() -> None:
    p = load_profile("koganei")
    assert p.municipality == "小金井市"
    assert p.count_first_day is False
    assert p.kind("public_records").period_days == 14
    assert p.kind("public_records").extension_limit_days == 60
    assert p.kind("personal_info_disclosure").basis == "個人情報保護法第83条"
    assert {k: r.extension_limit_days for k, r in p.request_kinds.items()} == {
        "public_records": 60,
        "personal_info_disclosure": 60,
        "personal_info_correction": 60,
        "personal_info_suspension": 60,
    }
    assert {d.code for d in p.departments} >= {"somu", "shimin", "kankyo", "kyoiku", "fukushi", "toshi"}
    assert p.department("kyoiku").body == "board_of_education"  # type: ignore[union-attr]
    assert p.department("nope") is None
    assert p.exemption("9-4-ウ").article == "第9条第4号ウ"  # type: ignore[union-attr]
    assert p.exemption("99") is None
    assert p.report_ncnd_to_council is True
    assert p.fees.copy_mono_yen_per_page == 10 and p.fees.copy_colour_yen_per_page == 20
    assert len(p.council.members) == 5 and p.quorum() == 3
    assert p.calendar() == BusinessCalendar()


def test_unverified_values_are_recorded() -> None:
    items = load_profile("koganei").confirm_items()
    assert "mayor" in items
    assert "council" in items
    assert "exemptions[9-4-ウ]" in items
    assert "request_kinds.public_records" in items


def test_unknown_kind_is_a_profile_and_key_error() -> None:
    p = load_profile("koganei")
    with pytest.raises(ProfileError, match="public_records"):
        p.kind("bogus")
    with pytest.raises(KeyError):
        p.kind("bogus")


def test_case_rules_snapshot() -> None:
    rules = load_profile("koganei").case_rules("personal_info_disclosure")
    assert rules == CaseRules(
        kind="personal_info_disclosure",
        period_days=30,
        extension_limit_days=60,
        count_first_day=False,
        reminder_lead_days=3,
        third_party_response_days=7,
        third_party_hold_days=15,
        uncollected_days=30,
        report_ncnd_to_council=True,
        extra_closures=(),
        basis="個人情報保護法第83条",
    )
    assert json.loads(json.dumps(asdict(rules)))["period_days"] == 30


def test_extra_closures_reach_calendar_and_case_rules(tmp_path: Path) -> None:
    text = SOURCE.replace("extra_closures = []", 'extra_closures = ["2025-03-17", 2025-12-26]')
    p = load_profile(str(write(tmp_path, text, "closures.toml")))
    assert p.extra_closures == (date(2025, 3, 17), date(2025, 12, 26))
    assert p.calendar().closed_reason(date(2025, 3, 17)) == "臨時閉庁日"
    rules = p.case_rules("public_records")
    assert rules.extra_closures == ("2025-03-17", "2025-12-26")
    assert not rules.calendar().is_open(date(2025, 12, 26))


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        pytest.param(
            "period_days = 14",
            "period_days = 0",
            "request_kinds.public_records.period_days",
            "greater than 0",
            id="period-zero",
        ),
        pytest.param(
            'extension_limit_days = 60\nbasis = "小金井市',
            'extension_limit_days = 10\nbasis = "小金井市',
            "request_kinds.public_records",
            "extension_limit_days (10) must be >= period_days (14)",
            id="limit-below-period",
        ),
        pytest.param(
            'code = "9-2"', 'code = "9-1"', "exemptions", "duplicate code '9-1'", id="duplicate-exemption"
        ),
        pytest.param(
            'code = "shimin"', 'code = "somu"', "departments", "duplicate code 'somu'", id="duplicate-dept"
        ),
        pytest.param(
            'body = "board_of_education"',
            'body = "nobody"',
            "departments[3].body",
            "unknown",
            id="unknown-body",
        ),
        pytest.param(
            "reminder_lead_days = 3", "reminder_lead_dayz = 3", "reminder_lead_dayz", "Extra", id="typo"
        ),
        pytest.param('"mayor",', '"mayr",', "unconfirmed", "'mayr'", id="unconfirmed-typo"),
        pytest.param(
            "third_party_hold_days = 15",
            "third_party_hold_days = 14",
            "third_party_hold_days",
            "15",
            id="hold",
        ),
        pytest.param('id = "m2"', 'id = "m1"', "council.members", "duplicate id", id="dup-member"),
        pytest.param(
            'name = "委員3 ○○ ○○"', 'name = ""', "council.members[2].name", "at least 1", id="empty-name"
        ),
    ],
)
def test_malformed_profile_names_file_and_field(
    tmp_path: Path, old: str, new: str, path: str, message: str
) -> None:
    assert old in SOURCE
    bad = write(tmp_path, SOURCE.replace(old, new, 1))
    with pytest.raises(ProfileError) as info:
        load_profile(str(bad))
    text = str(info.value)
    assert "broken.toml" in text
    assert f": {path}" in text
    assert message in text


def test_council_members_must_not_be_empty(tmp_path: Path) -> None:
    head = SOURCE[: SOURCE.index("[[council.members]]")]
    bad = write(tmp_path, head + "members = []\n")
    with pytest.raises(ProfileError, match=r"broken\.toml: council\.members: .*at least 1"):
        load_profile(str(bad))


def test_invalid_toml(tmp_path: Path) -> None:
    bad = write(tmp_path, SOURCE + "\nthis is not toml\n")
    with pytest.raises(ProfileError, match=r"broken\.toml: invalid TOML"):
        load_profile(str(bad))


def test_unknown_name_lists_available_profiles() -> None:
    assert "koganei" in available_profiles()
    with pytest.raises(ProfileError, match=r"unknown profile 'atlantis'; available profiles: .*koganei"):
        load_profile("atlantis")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="not found"):
        load_profile(str(tmp_path / "absent.toml"))


def test_profile_is_frozen() -> None:
    p = load_profile("koganei")
    with pytest.raises(ValueError):
        p.mayor = "x"  # type: ignore[misc]
