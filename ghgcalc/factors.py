"""Factor tables: the schema of a factor row, loading, selection and integrity checks.

Every shipped value lives in a CSV or YAML file under ``factors/`` (installed as
``ghgcalc/factors`` in the wheel), one row per value, with its publisher, document,
table/clause, publication date, the data years it applies to, its unit and its review
status (contract section 6). A new edition of a factor is a new file (or new rows with
a new id), never an edit of an old row. ``factors/manifest.json`` records the SHA-256 of
every data file and the data version; :func:`verify` checks the files against it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator, model_validator

from .errors import FactorError, UnitError
from .units import GAS_DIMENSIONS, dims_of, parse_unit

__all__ = [
    "FIELDS",
    "FactorLibrary",
    "FactorRow",
    "build_manifest",
    "data_version",
    "default_library",
    "factors_dir",
    "load_table",
    "verify",
]

FactorKind = Literal["emission", "heating_value", "coal_equivalent", "density", "gwp"]
ReviewStatus = Literal["verified", "derived", "unverified", "user-supplied"]

#: the columns of a factor table, in order (contract section 6 plus ``series`` and ``notes``)
FIELDS: tuple[str, ...] = (
    "id", "series", "carrier", "kind", "gas", "value", "unit", "region", "valid_from",
    "valid_to", "gwp_set", "publisher", "document", "reference", "published", "url",
    "uncertainty_low", "uncertainty_high", "review_status", "notes",
)


def _blank_to_none(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and v != v:  # NaN from pandas
        return None
    if isinstance(v, str) and not v.strip():
        return None
    return v


def _decimal_text(v: Any, field: str) -> str:
    text = str(v).strip().replace(",", "").replace("_", "")
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{field} must be a decimal number, got {v!r}") from None
    if not d.is_finite():
        raise ValueError(f"{field} must be finite, got {v!r}")
    return text


class FactorRow(BaseModel):
    """One factor value with its provenance (contract section 6)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    series: str | None = None
    carrier: str | None = None
    kind: FactorKind
    gas: str | None = None
    value: str
    unit: str
    region: str | None = None
    valid_from: int | None = None
    valid_to: int | None = None
    gwp_set: str | None = None
    publisher: str | None = None
    document: str | None = None
    reference: str | None = None
    published: str | None = None
    url: str | None = None
    uncertainty_low: str | None = None
    uncertainty_high: str | None = None
    review_status: ReviewStatus = "unverified"
    notes: str | None = None
    source_file: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _blanks(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: _blank_to_none(v) for k, v in data.items()}
        return data

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        v = v.strip()
        if not v or any(c.isspace() for c in v):
            raise ValueError("id must be non-empty and contain no spaces")
        return v

    @field_validator("value", "uncertainty_low", "uncertainty_high", mode="before")
    @classmethod
    def _decimal(cls, v: Any, info: ValidationInfo) -> Any:
        if v is None:
            return None  # a missing value is rejected by the type of ``value``; bounds are optional
        if isinstance(v, float):
            v = repr(v)
        return _decimal_text(v, str(info.field_name))

    @field_validator("valid_from", "valid_to", mode="before")
    @classmethod
    def _year(cls, v: Any) -> Any:
        if v is None:
            return None
        if isinstance(v, str):
            v = v.strip()
            if len(v) >= 4 and v[:4].isdigit():
                return int(v[:4])
        return v

    @field_validator("published", mode="before")
    @classmethod
    def _published(cls, v: Any) -> Any:
        return None if v is None else str(v)

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: str) -> str:
        try:
            parse_unit(v)
        except UnitError as exc:
            raise ValueError(f"unit {v!r}: {exc.reason}") from None
        return v

    @model_validator(mode="after")
    def _consistency(self) -> FactorRow:
        if self.valid_from is not None and self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} is before valid_from {self.valid_from}")
        if self.kind == "gwp" and not self.gwp_set:
            raise ValueError("a gwp row needs gwp_set")
        if self.kind in ("emission", "gwp") and not self.gas:
            raise ValueError(f"a {self.kind} row needs gas")
        if self.kind == "emission":
            gases = [GAS_DIMENSIONS[d] for d, p in dims_of(self.unit).items() if d in GAS_DIMENSIONS and p > 0]
            if len(gases) != 1:
                raise ValueError(f"an emission unit must have one gas in its numerator, got {self.unit!r}")
            if gases[0] != self.gas:
                raise ValueError(f"gas {self.gas!r} does not match the unit {self.unit!r}")
        return self

    @cached_property
    def exact(self) -> Fraction:
        """The value as an exact fraction of its printed decimal digits."""
        return Fraction(Decimal(self.value))

    @property
    def quantity(self) -> Any:
        """The value as an exact pint Quantity (ghgcalc's exact registry)."""
        return self.exact * parse_unit(self.unit)

    def covers_year(self, year: int) -> bool:
        lo = self.valid_from if self.valid_from is not None else -10**9
        hi = self.valid_to if self.valid_to is not None else 10**9
        return lo <= year <= hi

    def years_text(self) -> str:
        if self.valid_from is None and self.valid_to is None:
            return "any year"
        lo = str(self.valid_from) if self.valid_from is not None else "…"
        hi = str(self.valid_to) if self.valid_to is not None else "…"
        return lo if lo == hi else f"{lo}–{hi}"

    def covers_region(self, region: str | None) -> bool:
        """Whether the row applies to ``region`` (its own code, a sub-region ``CN-BJ`` of
        ``CN``, or any region for ``GLOBAL``/blank)."""
        if self.region is None or self.region.upper() == "GLOBAL":
            return True
        if region is None:
            return False
        r, own = region.upper(), self.region.upper()
        return r == own or r.startswith(own + "-")

    def citation(self) -> str:
        parts = [p for p in (self.publisher, self.document, self.reference, self.published) if p]
        return "; ".join(parts)

    def public_dict(self) -> dict[str, Any]:
        d = self.model_dump()
        d.pop("source_file", None)
        return d


def factors_dir() -> Path:
    """Where the shipped factor data lives: inside the installed package, or the
    source tree's ``factors/`` in a development checkout."""
    pkg = Path(str(resources.files("ghgcalc"))) / "factors"
    if (pkg / "manifest.json").exists():
        return pkg
    src = Path(__file__).resolve().parent.parent / "factors"
    if src.is_dir():
        return src
    raise FactorError(f"shipped factor data not found (looked in {pkg} and {src})")


def _rows_from_csv(text: str, source: str) -> list[dict[str, Any]]:
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    if "id" not in header:
        raise FactorError("a factor table needs an 'id' column", source=source)
    unknown = [h for h in header if h not in FIELDS]
    if unknown:
        raise FactorError(f"unknown column(s) {unknown}; the schema is {list(FIELDS)}", source=source)
    return [dict(r) for r in reader]


def _rows_from_yaml(text: str, source: str) -> list[dict[str, Any]]:
    data = yaml.safe_load(text)
    if isinstance(data, dict):
        data = data.get("factors")
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise FactorError("a YAML factor table is a list of rows (or a mapping with a 'factors' list)", source=source)
    return data


def parse_table(text: str, source: str, fmt: str) -> list[FactorRow]:
    raw = _rows_from_yaml(text, source) if fmt in ("yaml", "yml") else _rows_from_csv(text, source)
    rows: list[FactorRow] = []
    for i, r in enumerate(raw):
        try:
            rows.append(FactorRow(**{**r, "source_file": source}))
        except ValidationError as exc:
            fid = r.get("id") if isinstance(r, dict) else None
            msgs = "; ".join(f"{'.'.join(str(x) for x in e['loc']) or 'row'}: {e['msg']}" for e in exc.errors())
            raise FactorError(f"row {i + 1}: {msgs}", factor_id=fid, source=source) from None
    return rows


def load_table(path: str | Path) -> list[FactorRow]:
    """Read a user's factor table (CSV or YAML) in the shipped schema."""
    p = Path(path)
    if not p.is_file():
        raise FactorError("factor table not found", source=str(p))
    fmt = p.suffix.lower().lstrip(".")
    if fmt not in ("csv", "yaml", "yml"):
        raise FactorError("a factor table is a .csv, .yaml or .yml file", source=str(p))
    return parse_table(p.read_text(encoding="utf-8-sig"), str(p), fmt)


def _data_files(root: Path) -> Iterator[Path]:
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix.lower() in (".csv", ".yaml", ".yml") and "profiles" not in p.relative_to(root).parts:
            yield p


class FactorLibrary:
    """A set of factor rows indexed by id, with the selections a calculation needs."""

    def __init__(self, rows: Iterable[FactorRow]) -> None:
        self._rows: dict[str, FactorRow] = {}
        for r in rows:
            if r.id in self._rows:
                other = self._rows[r.id]
                raise FactorError(
                    f"duplicate id (also in {other.source_file})", factor_id=r.id, source=r.source_file
                )
            self._rows[r.id] = r

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[FactorRow]:
        return iter(self._rows.values())

    def __contains__(self, factor_id: object) -> bool:
        return factor_id in self._rows

    def get(self, factor_id: str) -> FactorRow:
        """The row with this id; :class:`FactorError` (with close matches) if none."""
        try:
            return self._rows[factor_id]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(factor_id, list(self._rows), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise FactorError(f"unknown factor id{hint}", factor_id=factor_id) from None

    def extended(self, rows: Sequence[FactorRow]) -> FactorLibrary:
        """A new library with ``rows`` added (ids must not clash with existing ones)."""
        return FactorLibrary([*self._rows.values(), *rows])

    def select(
        self,
        *,
        carrier: str | None = None,
        kind: str | None = None,
        region: str | None = None,
        year: int | None = None,
        gas: str | None = None,
        gwp_set: str | None = None,
    ) -> list[FactorRow]:
        out = []
        for r in self._rows.values():
            if carrier is not None and r.carrier != carrier:
                continue
            if kind is not None and r.kind != kind:
                continue
            if gas is not None and (r.gas or "").upper() != gas.upper():
                continue
            if gwp_set is not None and (r.gwp_set or "").upper() != gwp_set.upper():
                continue
            if region is not None and (r.region or "").upper() != region.upper():
                continue
            if year is not None and not r.covers_year(year):
                continue
            out.append(r)
        return out

    def gwp(self, gwp_set: str, gas: str) -> FactorRow:
        """The GWP100 row of ``gas`` in ``gwp_set`` (exactly one must exist)."""
        rows = self.select(kind="gwp", gwp_set=gwp_set, gas=gas)
        if len(rows) != 1:
            sets = sorted({r.gwp_set for r in self.select(kind="gwp") if r.gwp_set})
            raise FactorError(
                f"{'no' if not rows else 'more than one'} GWP row for {gas} in set {gwp_set!r} (sets shipped: {sets})"
            )
        return rows[0]


@lru_cache(maxsize=1)
def default_library() -> FactorLibrary:
    """Every shipped factor row (loaded on first use, then cached)."""
    root = factors_dir()
    rows: list[FactorRow] = []
    for p in _data_files(root):
        rel = p.relative_to(root).as_posix()
        rows.extend(parse_table(p.read_text(encoding="utf-8-sig"), rel, p.suffix.lower().lstrip(".")))
    return FactorLibrary(rows)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_version(root: Path | None = None) -> str:
    """The version (CalVer) of the shipped factor data, from ``manifest.json``."""
    root = root or factors_dir()
    return str(json.loads((root / "manifest.json").read_text(encoding="utf-8"))["data_version"])


def build_manifest(root: Path, version: str) -> dict[str, Any]:
    """Write ``manifest.json`` with the SHA-256 of every data file under ``root``."""
    files = {p.relative_to(root).as_posix(): _sha256(p) for p in sorted(root.rglob("*"))
             if p.is_file() and p.name != "manifest.json" and p.suffix.lower() in (".csv", ".yaml", ".yml", ".toml", ".md")}
    manifest = {"data_version": version, "files": files}
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def verify(root: Path | None = None) -> list[str]:
    """Check the shipped data files against ``manifest.json``.

    Returns a list of problems (empty when intact): files changed, missing or not listed.
    """
    root = root or factors_dir()
    problems: list[str] = []
    try:
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"manifest.json unreadable: {exc}"]
    listed: dict[str, str] = manifest.get("files", {})
    for rel, digest in sorted(listed.items()):
        p = root / rel
        if not p.is_file():
            problems.append(f"missing: {rel}")
        elif _sha256(p) != digest:
            problems.append(f"changed: {rel} (checksum differs from the manifest)")
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.name != "manifest.json" and p.suffix.lower() in (".csv", ".yaml", ".yml", ".toml", ".md"):
            rel = p.relative_to(root).as_posix()
            if rel not in listed:
                problems.append(f"not in manifest: {rel}")
    return problems


if __name__ == "__main__":  # pragma: no cover - maintainer tool: python -m ghgcalc.factors build-manifest 2026.11.0
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "build-manifest":
        m = build_manifest(factors_dir(), sys.argv[2])
        print(f"manifest.json: {len(m['files'])} files, data version {sys.argv[2]}")
    else:
        print("usage: python -m ghgcalc.factors build-manifest VERSION")
