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
import gzip
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator, model_validator

from ..errors import FactorError, RowIssue, UnitError
from ..io.cache import cached, content_key
from ..printed import digits, parse_decimal, parse_printed
from .carriers import carriers
from .regions import region_within
from .units import GAS_DIMENSIONS, dims_of, parse_unit

__all__ = [
    "CALVER",
    "FIELDS",
    "REVIEW_STATUSES",
    "USES",
    "FactorLibrary",
    "FactorRow",
    "changes_text",
    "data_version",
    "default_library",
    "factors_dir",
    "file_sha256",
    "infer_use",
    "load_table",
    "manifest_files",
    "manifest_version",
    "placeholder_warnings",
    "snapshot_bytes",
    "verify",
]

FactorKind = Literal[
    "emission", "heating_value", "coal_equivalent", "density", "gwp", "carbon_content", "oxidation_rate",
]
#: ``placeholder``: a value seen only in a secondary source and kept so a method can run until
#: it is checked against its own document; a calculation that uses one warns (contract section 6)
ReviewStatus = Literal["verified", "derived", "unverified", "placeholder", "user-supplied"]
#: the review statuses of shipped rows, most trusted first
REVIEW_STATUSES: tuple[str, ...] = ("verified", "derived", "unverified", "placeholder")

#: what a factor row is for (its ``use`` column): a closed vocabulary, see :class:`FactorRow`
USES: tuple[str, ...] = (
    "combustion", "grid_location", "grid_residual", "grid_avoided", "lifecycle", "upstream", "conversion",
    "fugitive", "direct",
)

#: the columns of a factor table, in order (contract section 6 plus ``series`` and ``notes``)
FIELDS: tuple[str, ...] = (
    "id", "series", "carrier", "kind", "use", "gas", "value", "unit", "region", "valid_from",
    "valid_to", "gwp_set", "publisher", "document", "reference", "published", "url",
    "uncertainty_low", "uncertainty_high", "uncertainty_coverage", "review_status", "notes",
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
    try:
        return digits(str(v))
    except ValueError:
        raise ValueError(f"{field} must be a finite decimal number, got {v!r}") from None


def infer_use(kind: str, carrier: str | None) -> str:
    """The ``use`` of a row whose table has none (a user's own table, a snapshot of a data
    version before 2026.12): heating values, coal equivalents, densities and GWPs are
    ``conversion``; an emission factor on electricity, heat or steam is ``grid_location``;
    on a refrigerant/fugitive carrier ``fugitive``; any other emission factor, carbon content
    or oxidation rate is ``combustion``."""
    if kind in ("heating_value", "coal_equivalent", "density", "gwp"):
        return "conversion"
    if kind != "emission" or carrier is None:
        return "combustion"
    ctype = getattr(carriers().get(carrier), "type", None)
    if ctype in ("electricity", "heat") or carrier in ("electricity", "heat", "steam"):
        return "grid_location"
    if ctype == "fugitive":
        return "fugitive"
    return "combustion"


class FactorRow(BaseModel):
    """One factor value with its provenance (contract section 6).

    ``use`` says what the value is for, from a closed vocabulary (:data:`USES`):

    - ``combustion``: fuel emission factors per unit of fuel or energy (IPCC 2006, NDRC,
      GB/T 32151, MEE guideline defaults), and the carbon content / oxidation rate inputs
      of the carbon content method that feed them; Scope 1.
    - ``grid_location``: grid-average / location-based factors of purchased electricity
      and heat (MEE/NBS national, regional, provincial and fossil-generation factors, the
      ETS grid factor, NDRC regional grids, HK utility factors, purchased-heat defaults);
      Scope 2 location-based.
    - ``grid_residual``: residual-mix factors; Scope 2 market-based (rows without an instrument).
    - ``grid_avoided``: CDM/CCER operating/build-margin baselines: avoided-emission factors
      for claims, never a Scope 2 inventory factor.
    - ``lifecycle``: life-cycle / carbon-footprint factors (MEE electricity carbon footprint).
    - ``upstream``: emissions upstream of the user's own use (production and supply of a
      fuel, e.g. Towngas' per-unit carbon intensity; combustion on site is extra).
    - ``conversion``: heating values, densities, coal-equivalent coefficients, GWP values
      (refrigerant GWPs too: they turn a mass of gas into CO2e, they are not emission rates).
    - ``fugitive``: emission rates of leaks and releases (e.g. kg of gas per unit of charge).
    - ``direct``: other direct (process) emission factors, not from combustion.

    A row may serve two uses, written ``combustion|upstream`` (:meth:`serves`). Every
    shipped row has one; in a user's table without the column it is inferred from ``kind``
    and ``carrier`` (:func:`infer_use`) and ``use_inferred`` says so (shown by
    ``factors show``; a profile's check names it).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    series: str | None = None
    carrier: str | None = None
    kind: FactorKind
    use: str
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
    #: what the range is: blank = a 95 % confidence interval (2.5th-97.5th percentile, the
    #: IPCC convention); a number p = the central p % interval ("90" for a 5-95 % range);
    #: "range" = the source's span of admissible values, not a statistical interval
    uncertainty_coverage: str | None = None
    review_status: ReviewStatus = "unverified"
    notes: str | None = None
    source_file: str | None = None
    #: ``use`` was not given (a user's table or an old snapshot) and was inferred from ``kind``
    use_inferred: bool = False

    @model_validator(mode="before")
    @classmethod
    def _blanks(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = {k: _blank_to_none(v) for k, v in data.items()}
            if data.get("use") is None and isinstance(data.get("kind"), str):
                carrier = data.get("carrier")
                data["use"] = infer_use(data["kind"], carrier if isinstance(carrier, str) else None)
                data["use_inferred"] = True
        return data

    @field_validator("use", mode="before")
    @classmethod
    def _use(cls, v: Any) -> Any:
        if not isinstance(v, str):
            return v
        parts = [p.strip().lower() for p in v.split("|")]
        bad = [p for p in parts if p not in USES]
        if bad or not parts:
            raise ValueError(f"use {v!r}: each use must be one of {', '.join(USES)} (several separated by '|')")
        return "|".join(dict.fromkeys(parts))

    @property
    def uses(self) -> tuple[str, ...]:
        """The uses this row serves (one, or several written ``a|b``)."""
        return tuple(self.use.split("|"))

    def serves(self, *uses: str) -> bool:
        """Whether the row serves any of ``uses``."""
        return any(u in self.uses for u in uses)

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

    @field_validator("uncertainty_coverage", mode="before")
    @classmethod
    def _coverage(cls, v: Any) -> Any:
        if v is None:
            return None
        text = str(v).strip().rstrip("%").strip()
        if text.lower() == "range":
            return "range"
        try:
            p = parse_decimal(text)
        except ValueError:
            raise ValueError(f"uncertainty_coverage is a percentage (e.g. 90) or 'range', got {v!r}") from None
        if not 0 < p < 100:
            raise ValueError(f"uncertainty_coverage must lie strictly between 0 and 100, got {v!r}")
        return text

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
        if self.uncertainty_coverage is not None and (self.uncertainty_low is None or self.uncertainty_high is None):
            raise ValueError("uncertainty_coverage needs uncertainty_low and uncertainty_high")
        if self.kind == "carbon_content":
            # 单位热值含碳量 (GB/T 32151 Table C.1, NDRC guidelines): a mass of carbon per unit of heat
            if self.gas != "C":
                raise ValueError("a carbon_content row needs gas 'C'")
            if dims_of(self.unit).get("[carbon]") != 1:
                raise ValueError(f"a carbon_content unit must have carbon in its numerator, got {self.unit!r}")
        if self.kind == "oxidation_rate":
            # 碳氧化率: a fraction, printed as a percentage (98) or a ratio (0.98)
            if self.gas is not None:
                raise ValueError("an oxidation_rate row has no gas")
            if dims_of(self.unit):
                raise ValueError(f"an oxidation_rate unit must be 'percent' or 'dimensionless', got {self.unit!r}")
            if not 0 < self.quantity.to("dimensionless").magnitude <= 1:
                raise ValueError(f"an oxidation rate must lie in (0, 100 %], got {self.value} {self.unit}")
        return self

    @cached_property
    def exact(self) -> Fraction:
        """The value as an exact fraction of its printed decimal digits."""
        return parse_printed(self.value)

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
        if not self.use_inferred:
            d.pop("use_inferred", None)
        return d


def factors_dir() -> Path:
    """Where the shipped factor data lives: ``ghgcalc/data/factors`` in the package, one
    place for an installed wheel and a source checkout alike (in the repository it is a
    link to the top-level ``factors/`` folder, which the wheel carries as real files)."""
    d = Path(str(resources.files("ghgcalc"))) / "data" / "factors"
    if not (d / "manifest.json").is_file():
        raise FactorError(f"shipped factor data not found in {d} (a broken install: reinstall ghgcalc)")
    return d


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
    import yaml

    data = yaml.safe_load(text)
    if isinstance(data, dict):
        data = data.get("factors")
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise FactorError("a YAML factor table is a list of rows (or a mapping with a 'factors' list)", source=source)
    return data


def parse_table(text: str, source: str, fmt: str, *, require_use: bool = False) -> list[FactorRow]:
    """The rows of one table; ``require_use`` (the shipped tables): a row without ``use``
    is an error instead of having it inferred."""
    raw = _rows_from_yaml(text, source) if fmt in ("yaml", "yml") else _rows_from_csv(text, source)
    rows: list[FactorRow] = []
    for i, r in enumerate(raw):
        if require_use and isinstance(r, dict) and _blank_to_none(r.get("use")) is None:
            raise FactorError(f"row {i + 1}: use: missing (a shipped row names its use: one of {', '.join(USES)})",
                              factor_id=r.get("id"), source=source)
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

    def __init__(self, rows: Iterable[FactorRow], data_version: str | None = None) -> None:
        #: the factor data version these rows are (``None`` for a user's own table)
        self.data_version = data_version
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

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the rows' content (each row's :func:`row_digest`, by id) and the data
        version: two libraries with equal fingerprints hold the same factors. Caches key on
        this, never on ``id()`` (which Python reuses) or a file's modification time."""
        h = hashlib.sha256((self.data_version or "").encode("utf-8"))
        for fid in sorted(self._rows):
            h.update(b"\0" + fid.encode("utf-8") + b"\0" + row_digest(self._rows[fid]).encode("ascii"))
        return h.hexdigest()

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
        return FactorLibrary([*self._rows.values(), *rows], data_version=self.data_version)

    def select(
        self,
        *,
        carrier: str | None = None,
        kind: str | None = None,
        region: str | None = None,
        year: int | None = None,
        gas: str | None = None,
        gwp_set: str | None = None,
        within: bool = False,
    ) -> list[FactorRow]:
        """The rows matching every filter given; ``region`` is the row's own region, or with
        ``within`` that region and its sub-regions (:func:`~ghgcalc.core.regions.region_within`:
        ``HK`` lists ``HK-CLP`` and ``HK-HKE`` too)."""
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
            if region is not None and not (region_within(r.region, region) if within else (r.region or "").upper() == region.upper()):
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


def load_directory(root: Path, *, require_use: bool = False, cache: bool = False) -> FactorLibrary:
    """Every factor row in the tables (CSV/YAML) under ``root`` (``profiles/`` excluded),
    labelled with the data version of ``root/manifest.json`` when there is one.
    ``require_use``: every row must name its ``use`` (the shipped tables do).

    ``cache``: keep the validated rows in the user's cache folder (:mod:`ghgcalc.io.cache`),
    keyed by the SHA-256 of every table's bytes and of the code that validates them, so that a
    later process loads them without validating 1,000-odd rows again. Any change to a table or
    to the validation is a new key: a stale entry cannot be read."""
    texts = [(p.relative_to(root).as_posix(), p.read_bytes()) for p in _data_files(root)]

    def parse() -> list[FactorRow]:
        rows: list[FactorRow] = []
        for rel, data in texts:
            rows.extend(parse_table(data.decode("utf-8-sig"), rel, rel.rsplit(".", 1)[-1].lower(), require_use=require_use))
        return rows

    if cache:
        here = Path(__file__)
        key = content_key([pydantic.VERSION.encode(), str(require_use).encode(), *(r.encode() + b"\0" + d for r, d in texts)],
                          code=[here, here.with_name("units.py"), here.with_name("carriers.py"), here.parent.parent / "data" / "units.txt"])
        rows = cached("factors", key, parse, lambda v: isinstance(v, list) and all(isinstance(r, FactorRow) for r in v))
    else:
        rows = parse()
    return FactorLibrary(rows, data_version=manifest_version(root))


def manifest_version(root: Path) -> str | None:
    """The data version in ``root/manifest.json``; ``None`` if there is none or it is
    unreadable (e.g. a manifest with merge-conflict markers, about to be rebuilt)."""
    try:
        return data_version(root)
    except (OSError, ValueError, KeyError, TypeError):
        return None


@lru_cache(maxsize=1)
def default_library() -> FactorLibrary:
    """Every shipped factor row (loaded on first use, then cached); each must name its ``use``."""
    return load_directory(factors_dir(), require_use=True, cache=True)


#: the files the manifest covers: tables, profiles, the changelog and the release snapshots
_MANIFEST_SUFFIXES = (".csv", ".yaml", ".yml", ".toml", ".md", ".gz")


def manifest_files(root: Path) -> list[Path]:
    return [p for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "manifest.json" and p.suffix.lower() in _MANIFEST_SUFFIXES]


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_version(root: Path | None = None) -> str:
    """The version (CalVer) of the shipped factor data, from ``manifest.json``."""
    root = root or factors_dir()
    return str(json.loads((root / "manifest.json").read_text(encoding="utf-8"))["data_version"])


def verify(root: Path | None = None) -> list[str]:
    """Check the shipped data files against ``manifest.json``.

    Returns a list of problems (empty when intact): files changed, missing or not listed,
    and tables that do not load or have a row without ``use``.
    """
    root = root or factors_dir()
    problems: list[str] = []
    try:
        for r in load_directory(root):
            if r.use_inferred:
                problems.append(f"no use: {r.source_file} {r.id} (every shipped row names its use: {', '.join(USES)})")
    except FactorError as exc:
        problems.append(f"table does not load: {exc}")
    try:
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"manifest.json unreadable: {exc}"]
    listed: dict[str, str] = manifest.get("files", {})
    for rel, digest in sorted(listed.items()):
        p = root / rel
        if not p.is_file():
            problems.append(f"missing: {rel}")
        elif file_sha256(p) != digest:
            problems.append(f"changed: {rel} (checksum differs from the manifest)")
    for p in manifest_files(root):
        rel = p.relative_to(root).as_posix()
        if rel not in listed:
            problems.append(f"not in manifest: {rel}")
    return problems


# -- data versions: release snapshots, diffs, the changelog ---------------------------------
#
# A release of the factor data (CalVer ``YYYY.MM.PATCH``) is kept as a snapshot,
# ``factors/history/<version>.json.gz``: every row with every schema field and the SHA-256 of
# the row, gzip-compressed with a fixed header so the same data gives the same bytes (and
# the manifest's checksum stays put). A snapshot is written once, when its version is
# released, and never rewritten: the data may move on under the same ``data_version`` label
# until the next release, and ``verify`` says how far ("unreleased changes").

HISTORY_DIR = "history"
CALVER = re.compile(r"^(\d{4})\.(\d{1,2})\.(\d+)$")
#: the fields a diff compares (every schema field; ``source_file`` says where, not what)
DIFF_FIELDS: tuple[str, ...] = FIELDS


def calver_key(version: str) -> tuple[int, int, int]:
    """Sort key of a data version ``YYYY.MM.PATCH``; :class:`FactorError` for anything else."""
    m = CALVER.match(version.strip())
    if not m:
        raise FactorError(f"data version {version!r} is not CalVer YYYY.MM.PATCH (e.g. 2026.11.1)")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def _stored(row: FactorRow, field: str) -> bool:
    """Whether a field is part of the row's data (filled, and not an inferred ``use``)."""
    return getattr(row, field) is not None and not (field == "use" and row.use_inferred)


def row_digest(row: FactorRow) -> str:
    """SHA-256 of a row's filled schema fields (canonical JSON): equal digests, equal rows.
    Blank fields are left out, so a new optional column does not change old rows' digests."""
    payload = json.dumps({f: getattr(row, f) for f in DIFF_FIELDS if _stored(row, f)}, sort_keys=True,
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def snapshot_path(root: Path, version: str) -> Path:
    return root / HISTORY_DIR / f"{version}.json.gz"


def snapshot_versions(root: Path | None = None) -> list[str]:
    """The released data versions that have a snapshot, oldest first."""
    d = (root or factors_dir()) / HISTORY_DIR
    found = [p.name[: -len(".json.gz")] for p in d.glob("*.json.gz")] if d.is_dir() else []
    return sorted((v for v in found if CALVER.match(v)), key=calver_key)


def snapshot_bytes(library: FactorLibrary, version: str) -> bytes:
    """A library as a deterministic gzip'd JSON snapshot (fixed mtime, sorted keys)."""
    rows: dict[str, dict[str, Any]] = {}
    for r in sorted(library, key=lambda r: r.id):
        d = {f: getattr(r, f) for f in FIELDS if f != "id" and _stored(r, f)}
        d["source_file"] = r.source_file
        d["sha256"] = row_digest(r)
        rows[r.id] = d
    data = {"format": 1, "data_version": version, "rows": rows}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


#: snapshots read in this process, keyed on the SHA-256 of the file's bytes (never its mtime)
_SNAPSHOTS: dict[str, FactorLibrary] = {}


def _parse_snapshot(raw: bytes, path: str) -> FactorLibrary:
    try:
        data = json.loads(gzip.decompress(raw).decode("utf-8"))
    except (OSError, ValueError, EOFError) as exc:
        raise FactorError(f"not a factor data snapshot: {exc}", source=path) from None
    if not isinstance(data, dict) or data.get("format") != 1 or not isinstance(data.get("rows"), dict):
        raise FactorError("not a factor data snapshot (format 1 with 'rows')", source=path)
    rows: list[FactorRow] = []
    for fid, d in data["rows"].items():
        fields = {k: v for k, v in d.items() if k != "sha256"}
        try:
            row = FactorRow(id=fid, **fields)
        except ValidationError as exc:
            raise FactorError(f"snapshot row invalid: {exc.errors()[0]['msg']}", factor_id=fid, source=path) from None
        if d.get("sha256") and d["sha256"] != row_digest(row):
            raise FactorError("snapshot row does not match its checksum", factor_id=fid, source=path)
        rows.append(row)
    version = data.get("data_version")
    return FactorLibrary(rows, data_version=str(version) if version else None)


def read_snapshot(path: str | Path) -> FactorLibrary:
    """The library stored in a snapshot file (each row checked against its SHA-256)."""
    p = Path(path)
    if not p.is_file():
        raise FactorError("snapshot not found", source=str(p))
    raw = p.read_bytes()
    key = hashlib.sha256(raw).hexdigest()
    lib = _SNAPSHOTS.get(key)
    if lib is None:
        lib = _parse_snapshot(raw, str(p))
        if len(_SNAPSHOTS) >= 8:
            _SNAPSHOTS.pop(next(iter(_SNAPSHOTS)))
        _SNAPSHOTS[key] = lib
    return lib


def release_library(version: str, root: Path | None = None) -> FactorLibrary | None:
    """The rows of a released data version from its snapshot (``None`` if there is none).

    A snapshot written before rows carried a ``use`` has none: each such row takes the
    ``use`` of the row with the same id in the current data (what a value is for does not
    change between editions: a life-cycle footprint stays one), and only a row the current
    data no longer has is inferred from its kind. Either way ``use_inferred`` stays set, so
    the snapshot's checksums are unchanged."""
    root = root or factors_dir()
    p = snapshot_path(root, version)
    if not p.is_file():
        return None
    lib = read_snapshot(p)
    if not any(r.use_inferred for r in lib):
        return lib
    current = default_library() if root == factors_dir() else load_directory(root)
    rows = [r.model_copy(update={"use": current.get(r.id).use}) if r.use_inferred and r.id in current else r for r in lib]
    return FactorLibrary(rows, data_version=lib.data_version)


def open_factor_data(ref: str | Path, root: Path | None = None) -> tuple[str, FactorLibrary]:
    """Factor data named by ``ref``, with a label saying what it is.

    ``ref`` is ``current`` (the shipped tables as they are), a released data version
    (``2026.11.0``: its snapshot; the version of the shipped tables if it has none yet), a
    factors directory (its tables, e.g. a user's copy), a snapshot file (``.json.gz``), or
    one table (``.csv``/``.yaml``).
    """
    shipped = root or factors_dir()
    text = str(ref)
    if text in ("current", "shipped"):
        lib = default_library() if root is None else load_directory(shipped)
        return f"current tables (data version {lib.data_version})", lib
    p = Path(text)
    if p.is_dir():
        return f"directory {p}", load_directory(p)
    if p.is_file():
        if p.name.endswith((".json.gz", ".json")):
            lib = read_snapshot(p)
            return f"snapshot {p} (data version {lib.data_version})", lib
        return f"table {p}", FactorLibrary(load_table(p))
    if CALVER.match(text):
        snap = snapshot_path(shipped, text)
        if snap.is_file():
            return f"{text} (snapshot history/{snap.name})", read_snapshot(snap)
        if text == data_version(shipped):
            lib = default_library() if root is None else load_directory(shipped)
            return f"{text} (current tables, no snapshot yet)", lib
    known = snapshot_versions(shipped)
    raise FactorError(f"{text!r} is not a released data version (snapshots: {', '.join(known) or 'none'}; "
                      f"current: {data_version(shipped)}), a factors directory, a snapshot or a table file")


@dataclass
class FactorDiff:
    """Rows added, removed and changed between two sets of factor data."""

    old: str
    new: str
    added: list[FactorRow]
    removed: list[FactorRow]
    changed: list[tuple[FactorRow, FactorRow, dict[str, tuple[Any, Any]]]]
    unchanged: int

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed, "
                f"{self.unchanged} unchanged")

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "added": [r.public_dict() for r in self.added],
            "removed": [r.public_dict() for r in self.removed],
            "changed": [{"id": new.id, "changes": {f: {"old": a, "new": b} for f, (a, b) in ch.items()}}
                        for _, new, ch in self.changed],
            "unchanged": self.unchanged,
        }

    def lines(self) -> list[str]:
        """Human-readable lines: ``+`` added, ``-`` removed, ``~`` changed (field old -> new)."""
        out = [f"factor data: {self.old} -> {self.new}: {self.summary()}"]
        for r in self.added:
            out.append(f"+ {r.id}  {r.value} {r.unit}  [{r.years_text()}, {r.review_status}]  {(r.document or '')[:60]}")
        for r in self.removed:
            out.append(f"- {r.id}  {r.value} {r.unit}  [{r.years_text()}, {r.review_status}]")
        for _, new, ch in self.changed:
            out.append(f"~ {new.id}: {changes_text(ch)}")
        return out


#: fields whose old and new values a text diff prints (the long provenance texts are only
#: named there; ``--format json`` has them in full)
_SHOWN_FIELDS = frozenset({"series", "carrier", "kind", "use", "gas", "value", "unit", "region", "valid_from", "valid_to",
                           "gwp_set", "published", "uncertainty_low", "uncertainty_high", "review_status"})


def _show(v: Any) -> str:
    return "(blank)" if v is None else str(v)


def changes_text(ch: dict[str, tuple[Any, Any]]) -> str:
    shown = [f"{f} {_show(a)} -> {_show(b)}" for f, (a, b) in ch.items() if f in _SHOWN_FIELDS]
    named = [f for f in ch if f not in _SHOWN_FIELDS]
    return "; ".join(shown + ([", ".join(named) + " edited"] if named else []))


def _value(row: FactorRow, field: str) -> Any:
    """A field as the table gives it (an inferred ``use`` is blank: the table has none)."""
    return getattr(row, field) if _stored(row, field) else None


def diff_libraries(old: FactorLibrary, new: FactorLibrary, old_label: str = "old", new_label: str = "new") -> FactorDiff:
    """Compare two sets of factor rows by id: every schema field, as printed (a ``use``
    inferred for a table or snapshot without the column counts as blank)."""
    old_ids = {r.id: r for r in old}
    new_ids = {r.id: r for r in new}
    added = [new_ids[i] for i in sorted(new_ids.keys() - old_ids.keys())]
    removed = [old_ids[i] for i in sorted(old_ids.keys() - new_ids.keys())]
    changed = []
    unchanged = 0
    for i in sorted(old_ids.keys() & new_ids.keys()):
        a, b = old_ids[i], new_ids[i]
        ch = {f: (_value(a, f), _value(b, f)) for f in DIFF_FIELDS if _value(a, f) != _value(b, f)}
        if ch:
            changed.append((a, b, ch))
        else:
            unchanged += 1
    return FactorDiff(old_label, new_label, added, removed, changed, unchanged)


def unreleased_changes(root: Path | None = None) -> FactorDiff | None:
    """Rows changed since the snapshot of the current data version (``None`` without one)."""
    root = root or factors_dir()
    version = data_version(root)
    snap = snapshot_path(root, version)
    if not snap.is_file():
        return None
    current = default_library() if root == factors_dir() else load_directory(root)
    return diff_libraries(read_snapshot(snap), current, version, "current")


def placeholder_warnings(rows: Iterable[FactorRow]) -> list[RowIssue]:
    """A warning for each placeholder factor among ``rows`` (review_status ``placeholder``: a
    value seen only in a secondary source, kept so a method can run; contract section 6), for
    ``result.warnings``: its figures are provisional until the value is checked against its
    own document, or replaced by the user's."""
    out = []
    for r in rows:
        if r.review_status != "placeholder":
            continue
        where = f"region {r.region}, " if r.region else ""
        out.append(RowIssue(
            row=None, column="factor", value=r.id,
            reason=(f"factor {r.id} ({r.value} {r.unit}, {where}data years {r.years_text()}) is a placeholder: seen only in "
                    f"a secondary source, not checked against {r.document or 'its document'}; the figures that use it "
                    f"are provisional"),
            hint=("check the value against that document, or pin your own in the profile (a literal such as "
                  f"\"{r.value} {r.unit}\", or a row of your own factor table)")))
    return out
