"""MEE/NBS/NEA electricity carbon-footprint factors (factors/cn-mee-electricity-footprint/): the checks
that keep them apart from the Scope 2 grid factors.

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

Their values are pinned, with these sources, in tests/data/factor_pins.csv (tests/test_factor_pins.py).
"""
from __future__ import annotations

from factor_pins import load_pins

import ghgcalc
from ghgcalc.core.profiles import builtin_profiles

LIB = ghgcalc.default_library()
PDF24_SHA256 = "68aa11aea4c3d14d2ee1c4859ae03552a986fad529bf7bf59136fa2e078e7718"


def footprint_rows() -> list[ghgcalc.FactorRow]:
    return [r for r in LIB if r.id.startswith("cn-mee-footprint-")]


def test_every_footprint_row_is_pinned_and_shaped_alike() -> None:
    rows = footprint_rows()
    assert {r.id for r in rows} == {fid for fid in load_pins() if fid.startswith("cn-mee-footprint-")}
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
