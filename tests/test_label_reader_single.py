"""One carrier-label reader (:func:`ghgcalc.core.labels.read_label`) instead of two.

Until commit b6b11ec the activity reader asked two readers: the words-based ``read_label`` (issue 15 item 2)
and, when it named nothing, older part readers that cut qualifier words off the folded label
("dieselcombustion", "柴油消耗量") or split it at brackets. A brute-force comparison of both on
the same labels (every carrier id, alias and label of ``ghgcalc/data/carriers.yaml`` with every
qualifier, flag and ambiguous word of it, before and after, with and without separators, in four
cases, two qualifiers around a name, two names, and the strings of the test suite and examples:
about a million labels) found what only the old readers read:

- words written together with a qualifier ("dieselcombustion", "mainsCoke", "Gas oilconsumption"):
  now read by :func:`read_label` itself, which cuts a Latin word inside where it is known phrases
  written together;
- Chinese names longer than twelve characters with qualifiers ("城市废弃物（生物质部分，作燃料）消耗量"):
  the reader no longer bounds a phrase by a word count;

and what they read wrongly, which is now an error with did-you-mean:

- "indirect" cut as "in" + "direct" ("Petroleum cokeindirect", "dieselindirect energy"): a fuel with
  indirect-energy words (HKEX ESG Reporting Guide KPI A2.1: indirect energy is purchased electricity,
  heat, steam);
- exported electricity run together ("electricityto the grid"): never a grid purchase (GHG Protocol
  Scope 2 Guidance, 2015, ch. 5);
- a label made only of qualifier words that contain a carrier name ("for heating", "CLP Power": a
  use, a supplier's name);
- a gas beside the fuel ("Sulphite lyes (black liquor) CH4"): read as the fuel, the row would count
  the fuel's whole emission from what may be a mass of methane;
- the word "True" (YAML read the qualifier ``on`` as a boolean).

``tests/data/labels/old_reader_labels.csv`` keeps 240 labels that only the old readers read (with
the carrier they read), sampled from that comparison; :func:`read_label` alone must read each the
same. The properties below run the comparison's shapes with hypothesis.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import ghgcalc
from ghgcalc.core.carriers import carrier_aliases, carriers, load_yaml, normalize_key
from ghgcalc.core.labels import MAX_SUGGESTIONS, label_words, read_label
from ghgcalc.core.regions import instruments

DATA = Path(__file__).parent / "data" / "labels"

_YAML = load_yaml("carriers.yaml")
_ALIASES = carrier_aliases()
#: (name as written, the carrier it names): ids, aliases and labels, where the name is that carrier's
_NAMES = sorted({(str(a), cid) for cid, spec in _YAML["carriers"].items()
                 for a in [cid, *(spec.get("aliases") or []), *(spec.get("labels") or {}).values()]
                 if _ALIASES.get(normalize_key(str(a))) == cid})
_QUALIFIER_TYPES: dict[str, frozenset[str]] = {}
for _entry in _YAML["label_qualifiers"]:
    for _w in _entry["words"]:
        _QUALIFIER_TYPES[str(_w)] = _QUALIFIER_TYPES.get(str(_w), frozenset()) | frozenset(_entry["types"])
_QUALIFIERS = sorted(_QUALIFIER_TYPES)
_TYPES = sorted({c.type for c in carriers().values()})
_FITTING = {t: [q for q in _QUALIFIERS if t in _QUALIFIER_TYPES[q]] for t in _TYPES}
_NOT_FITTING = {t: [q for q in _QUALIFIERS if t not in _QUALIFIER_TYPES[q]] for t in _TYPES}
#: every phrase the reader knows, folded: where one spans the joint of a qualifier and a name the
#: label can be cut two ways ("mains gas oil": mains + gas oil, or mains gas + oil)
_PHRASES = frozenset(label_words(str(w)) for w in [
    *(a for a, _ in _NAMES), *_QUALIFIERS,
    *(w for f in _YAML["label_flags"].values() for w in f["words"]), *_YAML["label_ambiguous"],
    *(a for iid in _YAML["label_instruments"]["instruments"]
      for a in [iid, *(instruments()[iid].get("aliases") or []), *(instruments()[iid].get("labels") or {}).values()])])
_SEPARATORS = ["", " ", " - ", " – ", "-", "_", "/", ":", "：", ", ", "()", " ()", "（）", "【】"]
_CASES = [str, str.lower, str.upper, str.title, str.capitalize]


def _join(first: str, second: str, sep: str) -> str:
    if sep.strip() in ("()", "（）", "【】"):
        return f"{first}{' ' if sep.startswith(' ') else ''}{sep.strip()[0]}{second}{sep.strip()[1]}"
    return f"{first}{sep}{second}"


def _spans_the_joint(first: str, second: str) -> bool:
    a, b = label_words(first), label_words(second)
    return any(a[i:] + b[:j] in _PHRASES for i in range(len(a)) for j in range(1, len(b) + 1))


# --- the comparison's shapes, as properties ---------------------------------------------------------


def _name_and_qualifier(qualifiers: dict[str, list[str]]) -> st.SearchStrategy[tuple[tuple[str, str], str]]:
    """A carrier name and a qualifier word from ``qualifiers[its carrier type]``."""
    return st.sampled_from(_NAMES).flatmap(
        lambda nc: st.tuples(st.just(nc), st.sampled_from(qualifiers[carriers()[nc[1]].type] or [""])))


@settings(max_examples=300)
@given(_name_and_qualifier(_FITTING), st.sampled_from(_SEPARATORS), st.booleans(), st.sampled_from(_CASES))
def test_a_qualifier_that_fits_never_changes_the_carrier(nq: tuple[tuple[str, str], str], sep: str, before: bool,
                                                          case: Any) -> None:
    """A name with a qualifier word that fits its carrier type, before or after it, with or without a
    separator, in any case, reads as that carrier; or, where a known phrase spans the joint of the
    two, is refused: never another carrier."""
    (name, cid), qualifier = nq
    assume(qualifier)
    first, second = (qualifier, name) if before else (name, qualifier)
    label = case(_join(first, second, sep))
    r = read_label(label)
    assert r.carrier in (cid, None), (label, r)
    if not _spans_the_joint(case(first), case(second)) and case(first).strip() and case(second).strip():
        assert (r.kind, r.carrier) == ("resolved", cid), (label, r)


@settings(max_examples=200)
@given(_name_and_qualifier(_NOT_FITTING), st.sampled_from(["", " ", "_", " - ", "（）"]), st.booleans())
def test_a_qualifier_that_does_not_fit_is_never_ignored(nq: tuple[tuple[str, str], str], sep: str, before: bool) -> None:
    """"Indirect energy" written onto a fuel ("dieselindirect energy", never "in" + "direct"), "direct
    energy" onto electricity: not read as the carrier (unless the word is a carrier name too: "heating")."""
    (name, cid), qualifier = nq
    assume(qualifier and normalize_key(qualifier) not in _ALIASES)
    label = _join(qualifier, name, sep) if before else _join(name, qualifier, sep)
    r = read_label(label)
    assert r.kind != "resolved" or r.carrier != cid or _spans_the_joint(*((qualifier, name) if before else (name, qualifier))), (label, r)


@settings(max_examples=100)
@given(st.sampled_from(_NAMES), st.sampled_from(_NAMES), st.sampled_from(["", " ", " and ", "/", "（）"]))
def test_two_carriers_are_never_one(a: tuple[str, str], b: tuple[str, str], sep: str) -> None:
    """A label naming two carriers is refused, with at most three suggestions; unless one covers the
    other in a label (heat covers steam: "Purchased heat/steam"), one name is also a qualifier word
    ("heating": "Natural gas for heating" is natural gas) or the two names written together are a
    third phrase."""
    covers = {c: set(cs) for c, cs in _YAML["label_covers"].items()}
    qualifiers = {label_words(q) for q in _QUALIFIERS}
    assume(a[1] != b[1] and b[1] not in covers.get(a[1], set()) and a[1] not in covers.get(b[1], set()))
    assume(label_words(a[0]) not in qualifiers and label_words(b[0]) not in qualifiers and not _spans_the_joint(a[0], b[0]))
    r = read_label(_join(a[0], b[0], sep))
    assert r.kind != "resolved", (a, b, r)
    assert len(r.suggestions) <= MAX_SUGGESTIONS


# --- what only the old readers read -----------------------------------------------------------------


def _old_reader_labels() -> list[tuple[str, str]]:
    with (DATA / "old_reader_labels.csv").open(encoding="utf-8", newline="") as f:
        return [(row["label"], row["carrier"]) for row in csv.DictReader(f)]


def test_read_label_alone_reads_what_only_the_old_readers_read() -> None:
    rows = _old_reader_labels()
    assert len(rows) == 240 and len({c for _, c in rows}) > 60          # many shapes, many carriers
    wrong = [(label, cid, read_label(label)) for label, cid in rows
             if (read_label(label).kind, read_label(label).carrier) != ("resolved", cid)]
    assert wrong == []


# (label, carrier, a word the reading sets aside)
RUN_TOGETHER: list[tuple[str, str, str | None]] = [
    ("dieselcombustion", "diesel", "combustion"),
    ("Dieselcombustion (litres)", "diesel", "litres (unit)"),
    ("ElectricityConsumption", "electricity", "Consumption"),
    ("electricityconsumption", "electricity", "consumption"),
    ("mainsCoke", "coke", "mains"),
    ("Gas oilconsumption", "diesel", "consumption"),
    ("purchasedelectricity", "electricity", None),
    ("naturalgasforheating", "natural_gas", "forheating"),
    ("Petrolforcompanyvehicles", "gasoline", "forcompanyvehicles"),
    ("LPGusage", "lpg", "usage"),
    ("城市废弃物（生物质部分，作燃料）消耗量", "municipal_waste_biomass", "消耗量"),
    ("城市廢棄物（非生物質部分，作燃料） - 用量", "municipal_waste_fossil", "用量"),
    ("直接能源消耗 - 柴油", "diesel", "直接能源消耗"),
    ("柴油消耗量", "diesel", "消耗量"),
    ("外購電力（Purchased electricity）", "electricity", None),
    ("天然氣 Natural gas", "natural_gas", None),
    ("柴油（噸）", "diesel", "噸 (unit)"),
    ("fuel（oil shale）", "oil_shale", "fuel"),
    ("Generator - Gas_Works_Gas", "gas_works_gas", "Generator"),
    ("for power generationother coal products", "other_coal_products", None),
    ("Mains supplied natural gas", "natural_gas", "Mains supplied"),
]


@pytest.mark.parametrize(("label", "carrier", "ignored"), RUN_TOGETHER)
def test_words_written_together_read_as_their_carrier(label: str, carrier: str, ignored: str | None) -> None:
    r = read_label(label)
    assert (r.kind, r.carrier) == ("resolved", carrier), r
    if ignored is not None:
        assert ignored in r.ignored, r


@pytest.mark.parametrize(("label", "carrier"), [("purchased electricityrenewables", "electricity"), ("greenelectricity", "electricity"),
                                              ("gridelectricityguaranteesoforigin", "electricity"), ("purchasedsteamzerocarbon", "steam")])
def test_renewable_written_together_still_needs_its_instrument(label: str, carrier: str) -> None:
    """Before, such a label was an unknown carrier; now it is read as what it says: renewable
    electricity (or heat), which needs its instrument on the row (GHG Protocol Scope 2 Guidance, ch. 6)."""
    r = read_label(label)
    assert (r.kind, r.carrier) == ("needs_instrument", carrier), r
    assert "renewable" in (r.reason or "")


# (label, what the old readers read, the reason or hint words of the refusal now)
WRONG_BEFORE = [
    ("Petroleum cokeindirect", "petroleum_coke", "do not fit petroleum_coke"),
    ("dieselindirect energy", "diesel", "do not fit diesel"),
    ("lubricantsindirect energy use", "lubricants", "do not fit lubricants"),
    ("shale_oilindirect energy consumption", "shale_oil", "do not fit shale_oil"),
    ("Indirect energy - Diesel", "diesel", "do not fit diesel"),
    ("purchased electricityto the grid", "electricity", "exported or sold"),
    ("electricitytogrid", "electricity", "exported or sold"),
    ("for heating", "heat", "did you mean 'heat'"),
    ("for【heating】", "heat", "did you mean 'heat'"),
    ("CLP Power", "electricity", "did you mean 'electricity'"),
    ("clp【power】", "electricity", "did you mean 'electricity'"),
    ("Sulphite lyes (black liquor) CH4", "sulphite_lyes", "'CH4' are not carrier or qualifier words"),
    ("Sulphite lyes (black liquor) N2O", "sulphite_lyes", "'N2O' are not carrier or qualifier words"),
    ("pipeline natural gaspurchased heating", "natural_gas", "2 carriers"),
    ("diesel True", "diesel", "'True' are not carrier or qualifier words"),
]


@pytest.mark.parametrize(("label", "old", "why"), WRONG_BEFORE)
def test_what_the_old_readers_read_wrongly_is_an_error(label: str, old: str, why: str) -> None:
    r = read_label(label)
    assert r.kind in ("refused", "unknown") and r.carrier is None and old, r
    assert why in f"{r.reason} {r.hint}", r
    assert len(r.suggestions) <= MAX_SUGGESTIONS


def test_errors_name_line_column_and_reason_and_the_rows_record_how(tmp_path: Path) -> None:
    body = ("carrier,quantity,unit\n"
            "dieselcombustion,100,L\n"
            "for heating,5,GJ\n"
            "Petroleum cokeindirect,3,t\n"
            "城市废弃物（生物质部分，作燃料）消耗量,2,t\n"
            "ElectricityConsumption,10,MWh\n")
    (tmp_path / "a.csv").write_text(body, encoding="utf-8")
    profile = {"id": "p", "reporting_year": 2023, "gwp_set": "AR5",
               "carriers": {"diesel": {"emission": ["2.6 kg CO2/L"], "heating_value": []},
                            "electricity": {"emission": ["0.5 t CO2/MWh"]},
                            "municipal_waste_biomass": {"emission": [], "heating_value": [], "note": "biogenic"}}}
    r = ghgcalc.calculate(tmp_path / "a.csv", profile, on_error="collect")
    errs = sorted(((e.line, e.column, e.reason, e.hint or "") for e in r.errors if e.column == "carrier"), key=lambda e: e[0] or 0)
    assert [(line, col) for line, col, _, _ in errs] == [(3, "carrier"), (4, "carrier")]
    assert errs[0][2] == "unknown carrier" and "did you mean 'heat'" in errs[0][3]
    assert "do not fit petroleum_coke" in errs[1][3]
    labels = r.input_info["carrier_labels"]
    assert labels["dieselcombustion"] == {"carrier": "diesel", "how": "words", "ignored": ["combustion"]}
    assert labels["ElectricityConsumption"]["how"] == "words"
    assert labels["城市废弃物（生物质部分，作燃料）消耗量"]["carrier"] == "municipal_waste_biomass"
    assert "for heating" not in labels and "Petroleum cokeindirect" not in labels
    rows = r.rows.set_index("carrier_input")
    assert rows.loc["dieselcombustion", "carrier"] == "diesel"
    # 100 L x 2.6 kg + 10 MWh x 0.5 t
    assert r.metric_exact("scope1")[0] == pytest.approx(0.26) and r.metric_exact("scope2")[0] == 5


def test_a_profile_carrier_written_together_with_a_qualifier() -> None:
    prof = {"id": "p", "reporting_year": 2023, "gwp_set": "AR5",
            "carriers": {"biomethane": {"type": "fuel", "scope": 1, "emission": ["0.2 kg CO2/m^3"], "heating_value": []}}}
    df = pd.DataFrame({"carrier": ["Biomethaneconsumption", "biomethane (boilers)"], "quantity": ["10", "10"], "unit": ["m^3", "m^3"]})
    r = ghgcalc.calculate(df, prof)
    assert list(r.rows["carrier"]) == ["biomethane", "biomethane"]


def test_label_words_of_the_data_are_text() -> None:
    """Every word the reader knows is a string in the YAML (a bare ``on`` or ``no`` is a boolean)."""
    lists = [e["words"] for e in _YAML["label_qualifiers"]] + [f["words"] for f in _YAML["label_flags"].values()]
    assert all(isinstance(w, str) for ws in lists for w in ws)
    assert all(isinstance(w, str) for w in _YAML["label_ambiguous"])
    assert "on" in _QUALIFIERS
