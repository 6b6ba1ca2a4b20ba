"""Pins for the rows of the first factor release (0.1.0) that no other pin file covered.

Each tuple: (factor_id, value as the document prints it, citation). Values typed from the
documents (IPCC 2006 Vol. 2 Ch. 1 Tables 1.2/1.4; GB/T 2589 Annex A; the China default NCV
table of the NDRC guidelines / GB/T 32151; the IPCC GWP tables), not read from the CSVs.
"""
from __future__ import annotations

import pytest

from ghgcalc.core.factors import default_library

_T12 = "IPCC 2006 Vol. 2 Ch. 1 Table 1.2 (default NCV, TJ/Gg)"
_T14 = "IPCC 2006 Vol. 2 Ch. 1 Table 1.4 (default effective CO2 EF, kg/TJ)"
_G20 = "GB/T 2589-2020 Annex A 各种能源折标准煤参考系数"
_G08 = "GB/T 2589-2008 Annex A 各种能源折标准煤参考系数"
_NCV = "China default NCV table 常用化石燃料相关参数的缺省值 (NDRC guidelines; GB/T 32151 Table C.1)"

PINS = [
    ("cn-default-ncv-fuel-oil", "41.816", _NCV + ": 燃料油 41.816 GJ/t"),
    ("cn-default-ncv-gasoline", "43.070", _NCV + ": 汽油 43.070 GJ/t"),
    ("cn-default-ncv-kerosene", "43.070", _NCV + ": 煤油 43.070 GJ/t"),
    ("cn-default-ncv-lpg", "50.179", _NCV + ": 液化石油气 50.179 GJ/t"),
    ("cn-gbt32150-2025-heat", "0.11", "GB/T 32150-2025 clauses 7.5.6-7.5.7: 0.11 tCO2/GJ"),
    ("gbt2589-2008-diesel", "1.4571", _G08 + ": 柴油 1.4571 kgce/kg"),
    ("gbt2589-2008-electricity-calorific", "0.1229", _G08 + ": 电力(当量值) 0.1229 kgce/(kW·h) (unverified: nimonik.com.cn FAQ#B7013 quote; NBS yearbook 2001 notes agree)"),
    ("gbt2589-2008-natural-gas-gasfield", "1.2143", _G08 + ": 气田天然气 1.2143 kgce/m3"),
    ("gbt2589-2008-natural-gas-oilfield", "1.3300", _G08 + ": 油田天然气 1.3300 kgce/m3"),
    ("gbt2589-2020-coke", "0.9714", _G20 + ": 焦炭 0.9714 kgce/kg"),
    ("gbt2589-2020-fuel-oil", "1.4286", _G20 + ": 燃料油 1.4286 kgce/kg"),
    ("gbt2589-2020-gasoline", "1.4714", _G20 + ": 汽油 1.4714 kgce/kg"),
    ("gbt2589-2020-kerosene", "1.4714", _G20 + ": 煤油 1.4714 kgce/kg"),
    ("gbt2589-2020-lpg", "1.7143", _G20 + ": 液化石油气 1.7143 kgce/kg"),
    ("gbt2589-2020-raw-coal", "0.7143", _G20 + ": 原煤 0.7143 kgce/kg"),
    ("ipcc-2006-v2-t1.2-diesel-ncv", "43.0", _T12 + ": Gas/Diesel Oil 43.0 (41.4-43.3)"),
    ("ipcc-2006-v2-t1.2-fuel-oil-ncv", "40.4", _T12 + ": Residual Fuel Oil 40.4 (39.8-41.7)"),
    ("ipcc-2006-v2-t1.2-gasoline-ncv", "44.3", _T12 + ": Motor Gasoline 44.3 (42.5-44.8)"),
    ("ipcc-2006-v2-t1.2-kerosene-ncv", "43.8", _T12 + ": Other Kerosene 43.8 (42.4-45.2)"),
    ("ipcc-2006-v2-t1.2-lpg-ncv", "47.3", _T12 + ": Liquefied Petroleum Gases 47.3 (44.8-52.2)"),
    ("ipcc-2006-v2-t1.2-natural-gas-ncv", "48.0", _T12 + ": Natural Gas 48.0 (46.5-50.4)"),
    ("ipcc-2006-v2-t1.4-fuel-oil-co2", "77400", _T14 + ": Residual Fuel Oil 77 400 (75 500-78 800)"),
    ("ipcc-2006-v2-t1.4-gasoline-co2", "69300", _T14 + ": Motor Gasoline 69 300 (67 500-73 000)"),
    ("ipcc-2006-v2-t1.4-kerosene-co2", "71900", _T14 + ": Other Kerosene 71 900 (70 800-73 700)"),
    ("ipcc-2006-v2-t1.4-lpg-co2", "63100", _T14 + ": Liquefied Petroleum Gases 63 100 (61 600-65 600)"),
    ("ipcc-sar-gwp100-co2", "1", "IPCC SAR WG1 Table 2.9: CO2 is the reference gas; SAR (100-yr) column of AR4 Table 2.14 repost TS.2 (studylib.net/doc/6704789)"),
    ("ipcc-sar-gwp100-ch4", "21", "IPCC SAR WG1 Table 2.9: methane 21"),
    ("ipcc-sar-gwp100-n2o", "310", "IPCC SAR WG1 Table 2.9: nitrous oxide 310"),
    ("ipcc-ar4-gwp100-co2", "1", "IPCC AR4 WG1 Table 2.14: CO2 1 (repost TS.2, studylib.net/doc/6704789)"),
    ("ipcc-ar4-gwp100-n2o", "298", "IPCC AR4 WG1 Table 2.14: nitrous oxide 298"),
    ("ipcc-ar5-gwp100-co2", "1", "IPCC AR5 WG1 Table 8.A.1: CO2 1 (reference gas); verified in the Australian NGER Regulations 2008 reg. 2.02 table item 1, attributed to AR5 (austlii)"),
    ("ipcc-ar5-gwp100-ch4", "28", "IPCC AR5 WG1 Table 8.A.1: methane 28 (no climate-carbon feedback)"),
    ("ipcc-ar6-gwp100-co2", "1", "IPCC AR6 WG1 Table 7.15: CO2 1.000 (IPCC web edition via petermr/amilib de_gatsby.html, commit 8d71ec7c)"),
    ("ipcc-ar6-gwp100-ch4", "27.9", "IPCC AR6 WG1 Table 7.SM.7: methane 27.9 (no fossil/non-fossil split)"),
    ("ipcc-ar6-gwp100-n2o", "273", "IPCC AR6 WG1 Table 7.15: nitrous oxide 273 ± 130 (IPCC web edition via petermr/amilib de_gatsby.html, commit 8d71ec7c)"),
]


@pytest.mark.parametrize(("factor_id", "value", "citation"), PINS)
def test_factor_value_matches_its_document(factor_id: str, value: str, citation: str) -> None:
    assert default_library().get(factor_id).value == value, citation
