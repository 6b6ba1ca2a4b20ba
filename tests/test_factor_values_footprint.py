"""MEE/NBS/NEA electricity carbon-footprint factors (factors/cn-mee-electricity-footprint/): value pins
and the checks that keep them apart from the Scope 2 grid factors.

These are life-cycle factors (kg CO2e per kWh) published "供各行业产品核算电力生产和消费产生的碳足迹使用"
(for product carbon footprint accounting), not the location-based Scope 2 factors of the MEE/NBS
"电力二氧化碳排放因子" (cn-mee-nbs-grid-*).

Sources:
- 2024: 《关于发布2024年电力碳足迹因子数据的公告》 (MEE/NBS/NEA, signed 2025-09-28, printed 2025-10-23),
  附件《2024年全国电力碳足迹因子》 表1-表3, read in a copy of the attachment PDF: GitHub
  leo21468/CarbonCalculator data/2024.pdf at commit bebed06283f1b353e8206c0728b715129d2b88a9
  (sha256 68aa11ae...e7718).
- 2023: 《关于发布2023年电力碳足迹因子数据的公告》 (公告2025年第3号, signed 2025-01-17); the attachment was
  not found, values from the CPCD core database copy (leo21468/CarbonCalculator data/core.csv), so
  `unverified`; 输配电（含线损） 2023 not found and not shipped.

Each pin: (factor_id, value string as printed by the source, citation). The values are typed from the
sources, not read from the CSV files, so a silent edit of a CSV value fails here.
"""
from __future__ import annotations

import pytest

from ghgcalc.core.factors import FactorRow, default_library
from ghgcalc.core.profiles import builtin_profiles

_PDF24 = ("MEE/NBS/NEA 2024 electricity carbon-footprint factors, 附件 PDF "
          "(leo21468/CarbonCalculator data/2024.pdf @ bebed06, sha256 68aa11ae...e7718)")
_T1 = _PDF24 + " 表1 2024年全国电力平均碳足迹因子"
_T2 = _PDF24 + " 表2 2024年主要发电类型电力碳足迹因子"
_T3 = _PDF24 + " 表3 2024年输配电碳足迹因子"
_CPCD23 = ("MEE/NBS/NEA 2023 electricity carbon-footprint factors (公告2025年第3号), CPCD core database copy "
           "(leo21468/CarbonCalculator data/core.csv @ bebed06); unverified")
_NENGY = "; same value in nengy.net/a/xinnenyuanzixun/2025/0124/1821.html (summary)"

PINS = [
    # --- 2024 (verified in the attachment PDF)
    ("cn-mee-footprint-national-2024", "0.5777", _T1 + ": 全国"),
    ("cn-mee-footprint-coal-2024", "0.9240", _T2 + ": 燃煤发电"),
    ("cn-mee-footprint-gas-2024", "0.4503", _T2 + ": 燃气发电"),
    ("cn-mee-footprint-hydro-2024", "0.0141", _T2 + ": 水力发电"),
    ("cn-mee-footprint-nuclear-2024", "0.0065", _T2 + ": 核能发电"),
    ("cn-mee-footprint-wind-2024", "0.0324", _T2 + ": 风力发电"),
    ("cn-mee-footprint-solar-pv-2024", "0.0520", _T2 + ": 光伏发电"),
    ("cn-mee-footprint-solar-thermal-2024", "0.0312", _T2 + ": 光热发电"),
    ("cn-mee-footprint-biomass-2024", "0.0404", _T2 + ": 生物质发电"),
    ("cn-mee-footprint-td-2024", "0.0046", _T3 + ": 输配电（不含线损）"),
    ("cn-mee-footprint-td-losses-2024", "0.0327", _T3 + ": 输配电（含线损）"),
    # --- 2023 (transcription; the attachment was not read)
    ("cn-mee-footprint-national-2023", "0.6205", _CPCD23 + ": 2023年全国电力平均碳足迹因子" + _NENGY),
    ("cn-mee-footprint-coal-2023", "0.944", _CPCD23 + ": 燃煤发电 (as CPCD prints it; document precision not seen)"),
    ("cn-mee-footprint-gas-2023", "0.4792", _CPCD23 + ": 燃气发电"),
    ("cn-mee-footprint-hydro-2023", "0.0143", _CPCD23 + ": 水力发电"),
    ("cn-mee-footprint-nuclear-2023", "0.0065", _CPCD23 + ": 核能发电"),
    ("cn-mee-footprint-wind-2023", "0.0336", _CPCD23 + ": 风力发电" + _NENGY),
    ("cn-mee-footprint-solar-pv-2023", "0.0545", _CPCD23 + ": 光伏发电" + _NENGY),
    ("cn-mee-footprint-solar-thermal-2023", "0.0313", _CPCD23 + ": 光热发电"),
    ("cn-mee-footprint-biomass-2023", "0.0457", _CPCD23 + ": 生物质发电" + _NENGY),
    ("cn-mee-footprint-td-2023", "0.0036", _CPCD23 + ": 输配电（不含线损）"),
]

LIB = default_library()
PDF24_SHA256 = "68aa11aea4c3d14d2ee1c4859ae03552a986fad529bf7bf59136fa2e078e7718"


def footprint_rows() -> list[FactorRow]:
    return [r for r in LIB if r.id.startswith("cn-mee-footprint-")]


@pytest.mark.parametrize("factor_id, value, citation", PINS)
def test_footprint_value_matches_its_document(factor_id: str, value: str, citation: str) -> None:
    row = LIB.get(factor_id)
    assert row.value == value, citation


def test_every_footprint_row_is_pinned_and_shaped_alike() -> None:
    rows = footprint_rows()
    assert {r.id for r in rows} == {p[0] for p in PINS}
    for r in rows:
        year = int(r.id.rsplit("-", 1)[1])
        assert (r.carrier, r.kind, r.gas, r.unit, r.region) == ("electricity", "emission", "CO2e", "kg CO2e/kWh", "CN"), r.id
        assert r.valid_from == r.valid_to == year, r.id
        assert r.series == r.id.rsplit("-", 1)[0], r.id
        assert r.source_file is not None and r.source_file.endswith(f"cn-mee-electricity-footprint/{year}.csv"), r.id


def test_notes_keep_footprint_apart_from_scope2() -> None:
    for r in footprint_rows():
        notes = r.notes or ""
        assert "Life-cycle carbon-footprint factor" in notes and "product carbon footprint" in notes, r.id
        assert "NOT the location-based Scope 2 factor (use cn-mee-nbs-grid-* for that)" in notes, r.id
        assert "boundary:" in notes, r.id


def test_review_status_is_honest() -> None:
    for r in footprint_rows():
        if r.id.endswith("-2024"):
            # read in the attachment PDF: the notes name the copy by commit, path and sha256
            assert r.review_status == "verified", r.id
            assert PDF24_SHA256 in (r.notes or "") and "data/2024.pdf" in (r.notes or ""), r.id
            assert r.published == "2025-09-28", r.id
        else:
            # the 2023 attachment was not read: transcriptions and summaries only
            assert r.review_status == "unverified", r.id
            assert "公告2025年第3号" in (r.document or "") and r.published == "2025-01-17", r.id


def test_no_builtin_profile_uses_a_footprint_row() -> None:
    profiles = builtin_profiles()
    assert profiles, "no built-in profiles found"
    for name, path in profiles.items():
        assert "cn-mee-footprint" not in path.read_text(encoding="utf-8"), name
