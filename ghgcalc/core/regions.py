"""Regions and contractual instruments: the names reports print, folded to canonical codes.

Data in ``ghgcalc/data/regions.yaml`` (ISO 3166-2:CN province codes, the seven MEE/NBS
regional grids, Hong Kong and Macao, with the province -> grid mapping) and
``ghgcalc/data/instruments.yaml`` (market-based Scope 2 instruments, GHG Protocol Scope 2
Guidance 2015, ch. 6). Pure lookups; which factor a region or instrument gets is the
profile's choice (:mod:`ghgcalc.core.method`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..io.data import load_yaml, normalize_key

__all__ = ["Region", "canonical_instrument", "canonical_region", "grid_of", "instruments", "region_names", "region_within", "regions",
           "split_grids", "supplier_areas"]


@dataclass(frozen=True)
class Region:
    code: str
    kind: str  # "grid" | "province" | "other"
    labels: dict[str, str]
    grid: str | None = None
    #: the sub-regions of a region split between grids (Inner Mongolia: CN-NM-W, CN-NM-E)
    parts: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def regions() -> dict[str, Region]:
    """Every known region by canonical code."""
    data: dict[str, Any] = load_yaml("regions.yaml")
    out: dict[str, Region] = {}
    for section, kind in (("grids", "grid"), ("provinces", "province"), ("others", "other")):
        for code, spec in (data.get(section) or {}).items():
            out[code] = Region(code=code, kind=kind, labels=dict(spec.get("labels") or {}), grid=spec.get("grid"),
                             parts=tuple(spec.get("parts") or ()))
    return out


@lru_cache(maxsize=1)
def _region_aliases() -> dict[str, str]:
    data: dict[str, Any] = load_yaml("regions.yaml")
    out: dict[str, str] = {}
    for section in ("grids", "provinces", "others"):
        for code, spec in (data.get(section) or {}).items():
            for a in [code, *(spec.get("aliases") or []), *(spec.get("districts") or []), *(spec.get("labels") or {}).values()]:
                key = normalize_key(a)
                if out.get(key, code) != code:
                    raise ValueError(f"regions.yaml: alias {a!r} names both {out[key]} and {code}")
                out[key] = code
    return out


def region_names(code: str) -> list[str]:
    """The names a region is printed under (``aliases`` in regions.yaml), without the district
    names of a supply area (``districts``): "CLP", "中電", not "Kowloon"."""
    data: dict[str, Any] = load_yaml("regions.yaml")
    for section in ("grids", "provinces", "others"):
        spec = (data.get(section) or {}).get(code)
        if spec is not None:
            return list(spec.get("aliases") or [])
    return []


@lru_cache(maxsize=1)
def _admin_suffix() -> re.Pattern[str]:
    """A region name's kind at its end ("Province", "省", "特別行政區"): ``admin_suffixes`` in regions.yaml."""
    words = load_yaml("regions.yaml")["admin_suffixes"]
    alt = "|".join(r"\s+".join(re.escape(w) for w in str(word).split()) for word in words)
    return re.compile(rf"\s*(?:{alt})\s*$", re.I)


@lru_cache(maxsize=1)
def supplier_areas() -> dict[str, tuple[str, ...]]:
    """Carrier id -> the supply areas a label of that carrier can name by its supplier
    (``supplier_areas`` in regions.yaml: electricity -> HK-CLP, HK-HKE)."""
    data: dict[str, Any] = load_yaml("regions.yaml")
    return {cid: tuple(codes) for cid, codes in (data.get("supplier_areas") or {}).items()}


def split_grids(code: str) -> list[tuple[str, str, str | None]]:
    """(label, part code, its grid) for each part of a region split between regional grids
    (``parts`` in regions.yaml: CN-NM -> 蒙西 CN-NM-W -> CN-NORTH, 蒙东 CN-NM-E -> CN-NORTHEAST)."""
    known = regions()
    r = known.get(code)
    out = []
    for p in (r.parts if r is not None else ()):
        part = known[p]
        out.append((part.labels.get("zh_hans", p), p, grid_of(p)))
    return out


@lru_cache(maxsize=4096)
def canonical_region(text: str) -> str:
    """The canonical code of a region as printed (``广东省``, ``Guangdong``, ``cn-gd`` ->
    ``CN-GD``); a text that is no known region is returned as given (stripped), so a
    user's own region codes (in their own factor tables) keep working."""
    s = str(text).strip()
    found = _region_aliases().get(normalize_key(s))
    if found is None:   # "Guangdong Province", "Shanghai Municipality", "北京市": the name without its kind
        bare = _admin_suffix().sub("", s)
        found = _region_aliases().get(normalize_key(bare)) if bare and bare != s else None
    return found or s


def region_within(code: str | None, region: str) -> bool:
    """Whether region ``code`` is ``region`` or lies inside it: the code hierarchy of
    regions.yaml, a sub-region's code extending its parent's (``HK-CLP`` and ``HK-HKE`` in
    ``HK``; ``CN-GD``, ``CN-NORTH`` in ``CN``). Codes compare case-insensitively; None (a
    factor for any region) lies in none."""
    if not code:
        return False
    own, want = code.upper(), region.upper()
    return own == want or own.startswith(want + "-")


def grid_of(code: str) -> str | None:
    """The MEE/NBS regional grid of a canonical region code: itself for a grid, the
    province's grid, a sub-region's parent's grid (``CN-NM-W``), else None (national,
    Hong Kong, an unknown code, or Inner Mongolia as a whole, which spans two grids)."""
    r = regions().get(code)
    if r is None:
        return None
    if r.kind == "grid":
        return r.code
    return r.grid


@lru_cache(maxsize=1)
def instruments() -> dict[str, dict[str, Any]]:
    """Market-based Scope 2 instruments by id, with labels and aliases."""
    data: dict[str, Any] = load_yaml("instruments.yaml")["instruments"]
    return data


@lru_cache(maxsize=1)
def _instrument_aliases() -> dict[str, str]:
    out: dict[str, str] = {"": "none"}
    for iid, spec in instruments().items():
        for a in [iid, *(spec.get("aliases") or []), *(spec.get("labels") or {}).values()]:
            out.setdefault(normalize_key(a), iid)
    return out


def canonical_instrument(text: Any) -> str | None:
    """The instrument id of a cell as printed (``绿证``, ``GEC``, ``PPA``; empty -> ``none``),
    or None when it names no known instrument."""
    if text is None or (isinstance(text, float) and text != text):
        return "none"
    return _instrument_aliases().get(normalize_key(str(text)))
