"""Methodology profiles: every choice of a calculation, fixed in one TOML file.

A profile (contract section 7) names, per carrier, the factor ids (or literal
quantities) for emissions per gas, heating value, coal equivalent and density; the GWP
set; the energy basis; and extra factor tables. Two people running the same profile on
the same data get the same numbers. Built-in profiles ship in ``factors/profiles/``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import FactorError, InputError, ProfileError, UnitError
from ..io.headers import parse_column_mapping
from ..printed import digits
from .carriers import carriers, metric_definitions
from .factors import USES, FactorLibrary, FactorRow, calver_key, default_library, factors_dir, load_table, release_library
from .units import GAS_DIMENSIONS, dims_of, parse_unit

__all__ = [
    "CarrierMethod", "InputOptions", "MarketBased", "MarketMethod", "Profile", "ReportOptions", "UnitChoices", "builtin_profiles", "is_literal", "load_profile", "pin_purpose",
]

_LITERAL = re.compile(r"^\s*[-+]?(\d[\d,_]*\.?\d*|\.\d+)([eE][-+]?\d+)?\s+\S")


def is_literal(ref: str) -> bool:
    """Whether a profile reference is a literal quantity (``"0.032682 GJ/L"``) rather than an id."""
    return bool(_LITERAL.match(ref))


Ref = str | list[str]


def _check_uses(v: Any) -> Any:
    if isinstance(v, str):
        v = [v]
    if isinstance(v, list):
        bad = [u for u in v if not isinstance(u, str) or u.strip().lower() not in USES]
        if bad:
            raise ValueError(f"unknown use(s) {bad}: allow_uses lists uses of factor rows ({', '.join(USES)})")
        return [u.strip().lower() for u in v]
    return v


class CarrierMethod(BaseModel):
    """The factors a profile pins for one carrier."""

    model_config = ConfigDict(extra="forbid")

    emission: list[str] | None = None
    #: ``false`` says on purpose that this carrier's emissions are not computed here (an
    #: energy-only calculation, e.g. a GRI 302 / energy table): its CO2, CH4, N2O and CO2e are
    #: n/a with that reason on every row, never 0 (``emission = []`` is different: the rows
    #: carry no emissions, counted as 0, because they come in another way)
    count_emissions: bool = True
    #: ``[]`` (empty list) says on purpose: no heating value, energy not computed (recorded)
    heating_value: Ref | None = None
    coal_equivalent: Ref | None = None
    density: Ref | None = None
    #: carbon content method for CO2 (GB/T 32151.1-2015 formula 3; NDRC guidelines):
    #: CO2 = activity x heating value x carbon content x oxidation rate x 44/12
    carbon_content: Ref | None = None
    oxidation_rate: Ref | None = None
    #: how the row's region picks this carrier's factors: "as_given" (the row's region,
    #: a province code stays a province) or "grid" (a province is mapped to its MEE/NBS
    #: regional grid, ghgcalc/data/regions.yaml), recorded on the row
    region_level: Literal["as_given", "grid"] = "as_given"
    scope: Literal[1, 2] | None = None
    type: Literal["fuel", "electricity", "heat", "resource", "fugitive"] | None = None
    note: str | None = None
    #: factor uses this carrier may pin although they do not serve the purpose (e.g.
    #: ``["upstream"]`` to pin Towngas' per-unit intensity as a Scope 2 factor): the choice
    #: is recorded on every result row that uses such a row (:func:`pin_purpose`)
    allow_uses: list[str] = Field(default_factory=list)

    @field_validator("allow_uses", mode="before")
    @classmethod
    def _allow_uses(cls, v: Any) -> Any:
        return _check_uses(v)

    @field_validator("emission", mode="before")
    @classmethod
    def _emission(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _emissions_or_not(self) -> CarrierMethod:
        if not self.count_emissions and (self.emission is not None or self.carbon_content is not None
                                         or self.oxidation_rate is not None):
            raise ValueError("count_emissions = false says this carrier's emissions are not computed: "
                             "leave out emission, carbon_content and oxidation_rate (or drop count_emissions)")
        return self

    def refs(self, kind: str) -> list[str]:
        v = getattr(self, kind)
        if v is None:
            return []
        return [v] if isinstance(v, str) else list(v)


class MarketMethod(BaseModel):
    """Market-based Scope 2 factors for one carrier (GHG Protocol Scope 2 Guidance, 2015,
    ch. 6): the residual factor for rows without an instrument, and one factor (or list
    of editions/gases) per instrument (ids from ghgcalc/data/instruments.yaml)."""

    model_config = ConfigDict(extra="forbid")

    residual: list[str] | None = None
    instrument_factors: dict[str, list[str]] = Field(default_factory=dict)
    note: str | None = None

    @field_validator("residual", mode="before")
    @classmethod
    def _residual(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("instrument_factors", mode="before")
    @classmethod
    def _instruments(cls, v: Any) -> Any:
        if isinstance(v, Mapping):
            return {k: [x] if isinstance(x, str) else x for k, x in v.items()}
        return v


class MarketBased(MarketMethod):
    """The ``[market_based]`` section: its own ``residual`` and ``instrument_factors`` apply
    to electricity; ``[market_based.carriers.<id>]`` gives them for another Scope 2 carrier
    (heat, steam). A Scope 2 carrier without them is counted market-based as it is
    location-based, and that is recorded on its rows."""

    carriers: dict[str, MarketMethod] = Field(default_factory=dict)

    def for_carrier(self, carrier: str) -> MarketMethod | None:
        if carrier in self.carriers:
            return self.carriers[carrier]
        if carrier == "electricity" and (self.residual is not None or self.instrument_factors):
            return self
        return None


class UnitChoices(BaseModel):
    """The ``[units]`` section: how a unit whose size is a national convention is read
    (``ghgcalc/data/unit_choices.yaml``). ``therm``: ``"us"`` (the US therm, 105.4804 MJ) or
    ``"ec"`` (the EC/UK therm, 105.506 MJ); unset: a bare "therm" in the data is an error that
    asks, because the right one depends on who billed the gas (NIST SP 811, Appendix B.8)."""

    model_config = ConfigDict(extra="forbid")

    therm: Literal["us", "ec"] | None = None

    def chosen(self) -> dict[str, str]:
        """Unit name -> option, for the choices made."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


class InputOptions(BaseModel):
    """The ``[input]`` section: how the activity tables this profile is used with are read.

    ``columns`` maps a header of the table to a contract column (``{"能源品种" = "carrier",
    "耗电量" = "quantity"}``); it wins over the header words of ghgcalc/data/columns.yaml, and a
    header it names that a table lacks is an error for that table (the mapping is never
    ignored silently). The command line's ``--columns`` adds to it and wins."""

    model_config = ConfigDict(extra="forbid")

    columns: dict[str, str] = Field(default_factory=dict)

    @field_validator("columns", mode="before")
    @classmethod
    def _columns(cls, v: Any) -> Any:
        if isinstance(v, Mapping):
            try:
                return parse_column_mapping({str(k): str(x) for k, x in v.items()})
            except InputError as exc:
                raise ValueError(exc.reason + (f" ({exc.hint})" if exc.hint else "")) from None
        return v


#: the languages a footnote override may name (those of the disclosure pack)
_FOOTNOTE_LANGS = ("en", "zh_hant", "zh_hans")


class ReportOptions(BaseModel):
    """The ``[report]`` section: wording of the disclosure pack.

    ``footnotes`` replaces the wording of the KPI table's footnotes, by footnote key
    (``report_footnotes`` in ghgcalc/data/metrics.yaml: ``grid``, ``emission``, ``gwp``,
    ``heating_value``, ``coal_equivalent``, ``kwh000``, ``not_available``, ``not_in_data``,
    ``rows_not_computed``, ``no_denominator``; under the table by facility ``group_not_available``): one text for every language
    (``[report.footnotes] grid = "..."``) or one per language (``[report.footnotes.grid]
    en = "..."``, ``zh_hant``, ``zh_hans``; a language not given keeps the built-in wording).
    The same ``{fields}`` as the built-in wording are filled in (``{factors}``, ``{sources}``,
    ...). A footnote is replaced, never removed: the method choice it states stays visible."""

    model_config = ConfigDict(extra="forbid")

    footnotes: dict[str, str | dict[str, str]] = Field(default_factory=dict)

    @field_validator("footnotes")
    @classmethod
    def _footnotes(cls, v: dict[str, str | dict[str, str]]) -> dict[str, str | dict[str, str]]:
        known = metric_definitions().get("report_footnotes", {})
        for key, text in v.items():
            if key not in known:
                raise ValueError(f"unknown footnote {key!r} (known: {', '.join(known)})")
            texts = {"all": text} if isinstance(text, str) else text
            bad = [lg for lg in texts if lg != "all" and lg not in _FOOTNOTE_LANGS]
            if bad:
                raise ValueError(f"footnote {key!r}: unknown language {bad[0]!r} (known: {', '.join(_FOOTNOTE_LANGS)})")
            if not texts or any(not str(t).strip() for t in texts.values()):
                raise ValueError(f"footnote {key!r}: empty wording (a footnote can be reworded, not removed)")
        return v

    def footnote(self, key: str, lang: str) -> str | None:
        """The profile's wording of footnote ``key`` in ``lang``, None to keep the built-in one."""
        text = self.footnotes.get(key)
        if isinstance(text, str):
            return text
        return text.get(lang) if text else None


class Profile(BaseModel):
    """A methodology profile (contract section 7)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str | None = None
    description: str | None = None
    reporting_year: int
    #: the region of rows that give none; None: no region is invented (contract section 8):
    #: the pinned factors then apply by period, and several pinned regions is an error
    region: str | None = None
    gwp_set: str = "AR5"
    gwp: dict[str, str] = Field(default_factory=dict)
    energy_basis: Literal["coal_equivalent", "heating_value"] = "heating_value"
    mwh_coal_equivalent: str | None = None
    factor_tables: list[str] = Field(default_factory=list)
    edition_mismatch: Literal["error", "record"] = "error"
    #: the data year of a period that is not a calendar year (a financial year "2023/24",
    #: "year ended 31 March 2024"): the year it starts in, ends in, or holds most of its months
    #: in (ghgcalc.core.periods); recorded under ``input.periods`` of the result
    period_year: Literal["start", "end", "most_months"] = "start"
    #: the month (1-12) a financial year written without months ("2023/24", "FY2023") starts in
    fiscal_year_start_month: int | None = Field(default=None, ge=1, le=12)
    #: which year a one-year fiscal label ("FY2023") names: its start or its end year (conventions differ)
    fiscal_year_label: Literal["start", "end"] | None = None
    #: pin the factor data version (CalVer, ``factors/manifest.json``); see :func:`pinned_library`
    factor_data_version: str | None = None
    carriers: dict[str, CarrierMethod] = Field(default_factory=dict)
    market_based: MarketBased | None = None
    #: how units whose size is a convention are read ([units] therm = "us" | "ec")
    units: UnitChoices = Field(default_factory=UnitChoices)
    notes: dict[str, str] = Field(default_factory=dict)
    #: factor uses every carrier may pin although they do not serve the purpose (see
    #: :attr:`CarrierMethod.allow_uses`); empty: a pinned row must serve its purpose
    allow_uses: list[str] = Field(default_factory=list)
    #: the profile this one starts from (a built-in id or a TOML path, relative to this
    #: file): its settings and per-carrier factors apply unless this profile sets them
    #: (:func:`load_profile`); recorded as given
    extends: str | None = None
    #: how activity tables are read (``[input] columns``: header -> contract column)
    input: InputOptions = Field(default_factory=InputOptions)
    #: wording of the disclosure pack (``[report.footnotes] grid = "..."``)
    report: ReportOptions = Field(default_factory=ReportOptions)
    # set by the loader, not by the file
    base_dir: str | None = Field(default=None, exclude=True)
    #: factor tables of the profiles extended, as absolute paths already checked against
    #: their own profile's directory
    inherited_tables: list[str] = Field(default_factory=list, exclude=True)

    def method(self, carrier: str) -> CarrierMethod | None:
        return self.carriers.get(carrier)

    def with_columns(self, columns: Mapping[str, str]) -> Profile:
        """This profile with more header mappings (``--columns``), which win over its own
        (an entry of its own for the same column or header is replaced)."""
        if not columns:
            return self
        given = parse_column_mapping(columns)
        keep = {h: c for h, c in self.input.columns.items() if c not in given.values() and h not in given}
        return self.model_copy(update={"input": InputOptions(columns={**keep, **given})})

    @field_validator("allow_uses", mode="before")
    @classmethod
    def _allow_uses(cls, v: Any) -> Any:
        return _check_uses(v)

    @field_validator("factor_data_version")
    @classmethod
    def _calver(cls, v: str | None) -> str | None:
        if v is not None:
            v = v.strip()
            calver_key(v)
        return v


def builtin_dir() -> Path:
    return factors_dir() / "profiles"


def builtin_profiles() -> dict[str, Path]:
    """Built-in profile ids and their files."""
    d = builtin_dir()
    return {p.stem: p for p in sorted(d.glob("*.toml"))} if d.is_dir() else {}


def _format_validation(exc: ValidationError) -> tuple[str, str]:
    e = exc.errors()[0]
    key = ".".join(str(x) for x in e["loc"])
    msg = e["msg"]
    if e["type"] == "extra_forbidden":
        msg = "unknown key (check its spelling against contract section 7)"
    more = f" (and {len(exc.errors()) - 1} more problem(s))" if len(exc.errors()) > 1 else ""
    return key, msg + more


def load_profile(profile: str | Path | Mapping[str, Any] | Profile) -> Profile:
    """A profile from a built-in id, a TOML path or a dict; validated.

    Raises
    ------
    ProfileError
        Naming the key that is wrong and why.
    """
    if isinstance(profile, Profile):
        return profile
    data, name, base = _read_profile_data(profile, None)
    inherited: list[str] = []
    if data.get("extends") is not None:
        data, inherited = _extend(data, name, base, seen=())
    try:
        prof = Profile.model_validate(data)
    except ValidationError as exc:
        key, msg = _format_validation(exc)
        raise ProfileError(msg, key=key, profile=name) from None
    prof.base_dir = str(base) if base else None
    prof.inherited_tables = inherited
    return prof


def _read_profile_data(profile: str | Path | Mapping[str, Any], relative_to: Path | None) -> tuple[dict[str, Any], str, Path | None]:
    """The raw data of a profile (dict, built-in id or TOML path; a relative path is taken
    relative to ``relative_to`` when given), its name for messages, and its directory."""
    if isinstance(profile, Mapping):
        return dict(profile), str(profile.get("id", "<dict>")), None
    text_ref = str(profile)
    builtins = builtin_profiles()
    path = Path(text_ref)
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    if text_ref in builtins and not path.is_file():
        path = builtins[text_ref]
    if not path.is_file():
        raise ProfileError(
            f"not a built-in profile id ({', '.join(builtins) or 'none shipped'}) nor a file", profile=text_ref
        )
    name = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"not valid TOML: {exc}", profile=name) from None
    return data, name, path.resolve().parent


#: keys merged entry by entry when a profile extends another; every other key is replaced
_MERGED_KEYS = ("gwp", "notes", "units")


def _extend(data: dict[str, Any], name: str, base_dir: Path | None, seen: tuple[str, ...]) -> tuple[dict[str, Any], list[str]]:
    """A profile's data on top of the profile it ``extends`` (recursively).

    Top-level settings of the extending profile replace the base's; ``carriers`` are merged
    per carrier and, within a carrier, per kind (``[carriers.gasoline] density = "0.74 kg/L"``
    adds a density and keeps the base's emission factors and heating value); ``gwp`` and
    ``notes`` per entry; ``factor_tables`` of both apply (the base's relative to its own
    file). ``id``, ``title`` and ``description`` are not inherited: they name the base."""
    ref = data["extends"]
    if not isinstance(ref, str) or not ref.strip():
        raise ProfileError("extends must name a built-in profile id or a TOML file", key="extends", profile=name)
    if ref in seen or len(seen) > 8:
        raise ProfileError(f"profiles extend each other in a cycle ({' -> '.join((*seen, ref))})", key="extends", profile=name)
    try:
        bdata, bname, bdir = _read_profile_data(ref, base_dir)
    except ProfileError as exc:
        raise ProfileError(f"extends {ref!r}: {exc.reason}", key="extends", profile=name) from None
    inherited: list[str] = []
    if bdata.get("extends") is not None:
        bdata, inherited = _extend(bdata, bname, bdir, (*seen, ref))
    try:  # the base must be a valid profile on its own; its tables are checked against its own directory
        bprof = Profile.model_validate(bdata)
    except ValidationError as exc:
        key, msg = _format_validation(exc)
        raise ProfileError(f"extends {ref!r}: {msg}", key=f"extends:{key}", profile=name) from None
    bprof.base_dir = str(bdir) if bdir else None
    inherited = inherited + [str(table_path(bprof, t, key=f"extends:factor_tables.{i}")) for i, t in enumerate(bprof.factor_tables)]
    # id, title and description name and describe the base: the extending profile gives its own id
    merged: dict[str, Any] = {k: v for k, v in bdata.items() if k not in ("id", "title", "description", "factor_tables", "extends")}
    for k, v in data.items():
        if k == "carriers" and isinstance(v, Mapping):
            cars = {c: dict(m) for c, m in (merged.get("carriers") or {}).items()}
            for c, m in v.items():
                cars[c] = {**cars.get(c, {}), **m} if isinstance(m, Mapping) else m
            merged["carriers"] = cars
        elif k in _MERGED_KEYS and isinstance(v, Mapping):
            merged[k] = {**(merged.get(k) or {}), **v}
        else:
            merged[k] = v
    return merged, inherited


def table_path(profile: Profile, table: str, *, key: str) -> Path:
    """Where a profile's factor table is, refusing paths outside the user's intent.

    A profile read from a file names tables relative to its own directory, and only
    inside it: an absolute path or one that climbs out with ``..`` (or a symlink that
    leads out) is a :class:`ProfileError`, so a profile received from someone else cannot
    read arbitrary files. A profile built in code (a dict or :class:`Profile`) is the
    user's own explicit choice and may name absolute paths."""
    p = Path(table)
    if profile.base_dir is None:
        if not p.is_absolute():
            raise ProfileError("a relative table path needs a profile loaded from a file (or give an absolute path)",
                               key=key, profile=profile.id)
        return p
    base = Path(profile.base_dir).resolve()
    if p.is_absolute():
        raise ProfileError(f"table path {table!r} is absolute: a profile file may only name tables in its own directory "
                           f"({base})", key=key, profile=profile.id)
    full = (base / p).resolve()
    if not full.is_relative_to(base):
        raise ProfileError(f"table path {table!r} leads outside the profile's directory ({base})", key=key, profile=profile.id)
    return full


def profile_library(profile: Profile, base: FactorLibrary | None = None) -> FactorLibrary:
    """The shipped factors plus the profile's own tables (paths relative to the profile)."""
    lib = pinned_library(profile, base)
    extra: list[FactorRow] = []
    for i, t in enumerate(profile.inherited_tables):
        try:
            extra.extend(load_table(Path(t)))
        except FactorError as exc:
            raise ProfileError(str(exc), key=f"extends:factor_tables.{i}", profile=profile.id) from None
    for i, t in enumerate(profile.factor_tables):
        p = table_path(profile, t, key=f"factor_tables.{i}")
        try:
            extra.extend(load_table(p))
        except FactorError as exc:
            raise ProfileError(str(exc), key=f"factor_tables.{i}", profile=profile.id) from None
    try:
        return lib.extended(extra) if extra else lib
    except FactorError as exc:
        raise ProfileError(str(exc), key="factor_tables", profile=profile.id) from None


def pinned_library(profile: Profile, base: FactorLibrary | None = None) -> FactorLibrary:
    """The factor data a profile's ``factor_data_version`` pin asks for.

    No pin, or the pin equals the data version of the library in use: that library. A pin
    on another version: the shipped snapshot of that release
    (``factors/history/<version>.json.gz``), so a calculation pinned to a version gives the
    same numbers after the shipped data has moved on; the version used is recorded on the
    result (``Result.data_version``, ``calc --format json`` ``profile.data_version``). A pin
    with no snapshot shipped, or on a library passed in explicitly with another version,
    raises :class:`ProfileError` naming both versions (``ghgcalc factors diff`` shows what
    changed between them).
    """
    lib = base if base is not None else default_library()
    pin = profile.factor_data_version
    if pin is None or lib.data_version == pin:
        return lib
    if base is None:
        try:
            snap = release_library(pin)
        except FactorError as exc:
            raise ProfileError(str(exc), key="factor_data_version", profile=profile.id) from None
        if snap is not None:
            return snap
    have = lib.data_version or "unversioned (a library passed in)"
    raise ProfileError(
        f"the profile pins factor data version {pin}, but the factor data in use is version {have} and no snapshot of {pin} "
        f"ships with this ghgcalc; compare them with `ghgcalc factors diff {pin} current` (if {pin} is released) and update "
        "factor_data_version, or install the ghgcalc release that ships it",
        key="factor_data_version", profile=profile.id)


def literal_row(ref: str, *, profile: Profile, carrier: str | None, kind: str, key: str, use: str | None = None) -> FactorRow:
    """A user-supplied literal quantity (``"0.032682 GJ/L"``) as a factor row."""
    m = re.match(r"^\s*(\S+)\s+(.+)$", ref)
    if not m:
        raise ProfileError(f"cannot read literal quantity {ref!r}", key=key, profile=profile.id)
    unit = m.group(2).strip()
    try:
        num = digits(m.group(1))
    except ValueError:
        raise ProfileError(f"literal {ref!r} does not start with a number", key=key, profile=profile.id) from None
    try:
        parse_unit(unit)
    except UnitError as exc:
        raise ProfileError(f"literal {ref!r}: {exc.reason}", key=key, profile=profile.id) from None
    gas = None
    if kind == "emission":
        gases = [GAS_DIMENSIONS[d] for d, p in dims_of(unit).items() if d in GAS_DIMENSIONS and p > 0]
        if len(gases) != 1:
            raise ProfileError(f"an emission literal needs one gas in its unit (e.g. 'kg CO2/L'), got {ref!r}", key=key, profile=profile.id)
        gas = gases[0]
    if kind == "gwp":
        gas = carrier
        carrier = None
    if kind == "carbon_content":
        gas = "C"
    try:
        return FactorRow(
            id=f"literal:{profile.id}:{key}",
            carrier=carrier,
            kind=kind,
            use=use or pin_purpose(profile, carrier, kind, key)[1][0],
            gas=gas,
            value=num,
            unit=unit,
            gwp_set=profile.gwp_set if kind == "gwp" else None,
            publisher=f"user-supplied in profile {profile.id}",
            document=f"profile {profile.id}",
            reference=key,
            review_status="user-supplied",
        )
    except ValidationError as exc:
        raise ProfileError(exc.errors()[0]["msg"], key=key, profile=profile.id) from None


_SCOPE1_USES = ("combustion", "fugitive", "direct")


def _carrier_scope(profile: Profile, carrier: str | None) -> int | None:
    method = profile.carriers.get(carrier) if carrier else None
    if method is not None and method.scope:
        return method.scope
    shipped = carriers().get(carrier) if carrier else None
    if shipped is not None and shipped.scope:
        return int(shipped.scope)
    ctype = (method.type if method is not None else None) or (shipped.type if shipped is not None else None)
    return 2 if ctype in ("electricity", "heat") else 1 if ctype in ("fuel", "fugitive") else None


def pin_purpose(profile: Profile, carrier: str | None, kind: str, key: str) -> tuple[str, tuple[str, ...]]:
    """What a profile pins a row for, and the uses (:data:`ghgcalc.factors.USES`) that serve it.

    Heating values, coal equivalents, densities and GWPs: ``conversion``. Carbon content and
    oxidation rate: ``combustion``. Emission factors: of a Scope 1 carrier ``combustion``,
    ``fugitive`` or ``direct``; of a Scope 2 carrier ``grid_location``; the market-based
    residual ``grid_residual`` (or ``grid_location``, the GHG Protocol's fallback where no
    residual mix is published); an instrument's factor any inventory rate (``grid_residual``,
    ``grid_location``, ``combustion``, ``direct``). ``lifecycle``, ``upstream`` and
    ``grid_avoided`` rows serve no inventory purpose: a profile pins them only with
    ``allow_uses``."""
    if kind in ("heating_value", "coal_equivalent", "density", "gwp"):
        return f"a {kind}", ("conversion",)
    if kind in ("carbon_content", "oxidation_rate"):
        return f"the {kind} of the carbon content method (Scope 1 combustion)", ("combustion",)
    if key.startswith("market_based"):
        if ".residual" in key:
            return "the market-based Scope 2 residual factor", ("grid_residual", "grid_location")
        return "a market-based Scope 2 instrument factor", ("grid_residual", "grid_location", "combustion", "direct")
    scope = _carrier_scope(profile, carrier)
    if scope == 2:
        return "a Scope 2 (location-based) emission factor", ("grid_location",)
    if scope == 1:
        return "a Scope 1 emission factor", _SCOPE1_USES
    return "a Scope 1/2 emission factor", (*_SCOPE1_USES, "grid_location")


def _allowed_uses(profile: Profile, carrier: str | None) -> list[str]:
    method = profile.carriers.get(carrier) if carrier else None
    return [*profile.allow_uses, *(method.allow_uses if method is not None else [])]


def use_allowance(row: FactorRow, *, profile: Profile, carrier: str | None, kind: str, key: str) -> str | None:
    """The provenance note of a row the profile pins for a purpose its use does not serve,
    admitted by ``allow_uses`` (None when the row serves the purpose)."""
    purpose, serving = pin_purpose(profile, carrier, kind, key)
    if row.serves(*serving):
        return None
    where = f"[carriers.{carrier}]" if carrier and carrier in profile.carriers and any(
        row.serves(u) for u in profile.carriers[carrier].allow_uses) else "the profile's top level"
    return (f"{row.id} (use {row.use}) pinned as {purpose} for {carrier or 'the profile'}: allowed by allow_uses in "
            f"{where} ({key})")


def resolve_ref(ref: str, *, profile: Profile, library: FactorLibrary, carrier: str | None, kind: str, key: str) -> FactorRow:
    """A profile reference (id or literal) as a factor row of the expected kind, dimension
    and use: a row whose ``use`` does not serve what it is pinned for (:func:`pin_purpose`)
    is a :class:`ProfileError` naming the row, its use and the purpose, unless the profile
    lists that use in ``allow_uses`` (top level or the carrier's)."""
    if is_literal(ref):
        row = literal_row(ref, profile=profile, carrier=carrier, kind=kind, key=key)
    else:
        try:
            row = library.get(ref)
        except FactorError as exc:
            raise ProfileError(exc.reason, key=key, profile=profile.id) from None
        if row.kind != kind:
            raise ProfileError(f"factor {ref!r} is a {row.kind} factor, not {kind}", key=key, profile=profile.id)
        purpose, serving = pin_purpose(profile, carrier, kind, key)
        if not row.serves(*serving) and not row.serves(*_allowed_uses(profile, carrier)):
            inferred = " (inferred from its kind: its table has no use column)" if row.use_inferred else ""
            target = f"[carriers.{carrier}]" if carrier and carrier in profile.carriers else "the profile's top level"
            raise ProfileError(
                f"factor {ref!r} has use {row.use!r}{inferred}, which does not serve {purpose} for "
                f"{carrier or 'this profile'} (that needs use {' or '.join(repr(u) for u in serving)}); pin a row "
                f"of that use, or set allow_uses = [{', '.join(repr(u) for u in row.uses)}] under {target} to use it on "
                "purpose (recorded on every result row)", key=key, profile=profile.id)
    problem = dimension_problem(row.unit, kind)
    if problem is None and kind == "emission" and carrier is not None:
        problem = _energy_only_problem(row.unit, carrier, profile)
    if problem:
        raise ProfileError(f"{ref!r} [{row.unit}]: {problem}", key=key, profile=profile.id)
    return row


_ENERGY = {"[length]": Fraction(2), "[mass]": Fraction(1), "[time]": Fraction(-2)}
_PER_ACTIVITY = {  # what a factor may be "per": one unit of energy, mass or volume of the activity
    "energy": {k: -v for k, v in _ENERGY.items()},
    # energy on the gross calorific value basis (units.txt gross_cv: "kg CO2e/kWh (Gross CV)")
    "gross_energy": {**{k: -v for k, v in _ENERGY.items()}, "[gross_calorific_value]": Fraction(-1)},
    "mass": {"[mass]": Fraction(-1)},
    "volume": {"[length]": Fraction(-3)},
}


def _minus(d: dict[str, Fraction], e: dict[str, Fraction]) -> dict[str, Fraction]:
    out = dict(d)
    for k, v in e.items():
        out[k] = out.get(k, Fraction(0)) - v
    return {k: v for k, v in out.items() if v != 0}


def dimension_problem(unit: str, kind: str) -> str | None:
    """Why a factor unit cannot serve as ``kind`` (None when it can).

    heating_value: energy per mass or volume; density: mass per volume; coal_equivalent:
    coal equivalent per energy, mass or volume; emission: one gas per energy, mass or
    volume; gwp: CO2e per mass of gas (or a pure number)."""
    d = {k: Fraction(v) for k, v in dims_of(unit).items() if v != 0}
    per = _PER_ACTIVITY
    if kind == "heating_value":
        ok = any(_minus(d, _ENERGY) == p for k, p in per.items() if k != "energy")
        return None if ok else "a heating value is an energy per mass or volume (GJ/t, GJ/(10^4 m^3), btu/scf)"
    if kind == "density":
        return None if d == {"[mass]": 1, "[length]": -3} else "a density is a mass per volume (t/m^3, kg/L)"
    if kind == "coal_equivalent":
        rest = _minus(d, {"[coal_equivalent]": Fraction(1)})
        ok = d.get("[coal_equivalent]") == 1 and any(rest == p for p in per.values())
        return None if ok else "a coal equivalent is coal equivalent per energy, mass or volume (kgce/kg, kgce/kWh)"
    if kind == "emission":
        gases = [g for g in d if g in GAS_DIMENSIONS and d[g] == 1]
        ok = len(gases) == 1 and any(_minus(d, {gases[0]: Fraction(1), "[mass]": Fraction(1)}) == p for p in per.values())
        return None if ok else "an emission factor is a mass of one gas per energy, mass or volume (t CO2/MWh, kg CH4/TJ)"
    if kind == "gwp":
        ok = not d or d.get("[co2_equivalent]") == 1
        return None if ok else "a GWP is CO2e per mass of the gas (t CO2e/t CH4) or a pure number"
    return None


def _energy_only_problem(unit: str, carrier: str, profile: Profile) -> str | None:
    """Electricity is always measured as energy: without a heating value or density in the
    profile, an emission factor per mass or volume could never apply to it."""
    shipped = carriers().get(carrier)
    method = profile.carriers.get(carrier)
    if shipped is None or shipped.type != "electricity" or (method and (method.heating_value or method.density)):
        return None
    d = {k: Fraction(v) for k, v in dims_of(unit).items() if v != 0 and k not in GAS_DIMENSIONS}
    if _minus(d, {"[mass]": Fraction(1)}) == _PER_ACTIVITY["energy"]:
        return None
    return f"{carrier} is measured as energy, so its emission factor must be per energy (t CO2/MWh)"
