"""Results: per-row results with provenance, totals, breakdowns, intensities and KPIs.

Totals are computed from per-key sums of the activity quantities (``bincount``), so a
breakdown or a total costs one pass over the rows. For reconciliation the same sums are
available in exact arithmetic (from the printed digits of the inputs) and as intervals
(from the precision the inputs were printed at).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import GhgcalcError, RowIssue, UnitError
from ..printed import exact as decimal_of
from ..printed import half_unit, parse_decimal
from .activities import categorical
from .carriers import carrier_aliases, carriers, metric_definitions, normalize_key
from .datacentre import RATIO_METRICS, ratio_exact, ratio_metric_ids, ratio_value, ratios_by_group
from .metrics import emission_metrics, metric_specs, metric_unit
from .resolution import MARKET_COLUMN, OUTPUT_COLUMNS, Resolution
from .uncertainty import uncertainty as _uncertainty_of
from .units import Q_, conversion_factor, parse_unit

if TYPE_CHECKING:
    from .activities import ActivityTable
    from .method import Method

__all__ = ["Denominator", "Result", "decimal_of", "normalize_denominators"]


@dataclass(frozen=True)
class Denominator:
    name: str
    value: Fraction
    unit: str
    text: str | None = None

    @property
    def suffix(self) -> str:
        return "per_capita" if self.name == "headcount" else f"per_{self.name}"


#: the group label of rows with no value in the column a breakdown is by (never "nan")
NO_GROUP = "(none)"


def is_blank_label(v: Any) -> bool:
    """A missing label: None, NaN/NaT/NA, or text that is empty or only whitespace."""
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, (float, np.floating)):
        return bool(v != v)
    return isinstance(v, str) and not v.strip()


def group_codes(col: pd.Series) -> tuple[np.ndarray, Any]:
    """Group codes and labels of a breakdown column (one factorize; the labels as factorize
    gives them, a Categorical for a categorical column): every missing or blank value is one
    group labelled :data:`NO_GROUP`, never "nan"."""
    codes, uniques = pd.factorize(col, use_na_sentinel=False)
    blank = [is_blank_label(u) for u in uniques]
    if any(blank):
        labels = [NO_GROUP if b else u for u, b in zip(uniques, blank, strict=True)]
        lcodes, lgroups = pd.factorize(pd.Index(labels, dtype=object), use_na_sentinel=False)
        return lcodes[codes].astype(np.intp, copy=False), pd.Index(lgroups, dtype=object)
    return codes.astype(np.intp, copy=False), uniques


#: the languages of the KPI labels (``data/metrics.yaml``)
_KPI_LANGUAGES = ("en", "zh_hant", "zh_hans")
_NUMBER_THEN_UNIT = re.compile(r"^\s*([+-]?\d[\d,_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*(.*?)\s*$")


def _check_denominator_unit(name: str, unit: str) -> None:
    try:
        parse_unit(unit)
    except UnitError as exc:
        raise GhgcalcError(f"denominator {name!r}: unit {unit!r}: {exc.reason}") from None


def normalize_denominators(denominators: Mapping[str, Any] | None) -> list[Denominator]:
    out: list[Denominator] = []
    for name, v in (denominators or {}).items():
        unit = "person" if name == "headcount" else ""
        text = None
        if isinstance(v, Mapping):
            unit = str(v.get("unit", unit) or "")
            v = v.get("value")
        elif isinstance(v, tuple) and len(v) == 2:
            v, unit = v
        elif hasattr(v, "magnitude") and hasattr(v, "units"):
            unit = format(v.units, "~") if str(v.units) != "dimensionless" else ""
            v = v.magnitude
        if isinstance(v, str):
            m = _NUMBER_THEN_UNIT.match(v)
            if m and m.group(2):  # "567.89 RMB million", "25000 m2": a number with its unit
                v, unit = m.group(1), m.group(2)
                _check_denominator_unit(str(name), unit)
            text = v
        try:
            val = decimal_of(v)
        except Exception:
            raise GhgcalcError(f"denominator {name!r}: {v!r} is not a number") from None
        if val <= 0:
            raise GhgcalcError(f"denominator {name!r} must be > 0, got {v!r}")
        if unit in ("dimensionless", "1"):
            unit = ""
        out.append(Denominator(name=str(name), value=val, unit=str(unit), text=text))
    return out


#: words that pick, from a row's notes, the reason a metric family has no value on that row
_REASON_WORDS: dict[str, tuple[str, ...]] = {
    "co2": ("not counted",), "ch4": ("not counted",), "n2o": ("not counted",),
    "energy": ("energy not computed", "heating value"), "tce": ("tce not computed", "coal_equivalent", "coal equivalent"),
}

#: breakdowns whose groups share the organisation's denominators (parts of one organisation-year)
_SHARED_DENOMINATOR_COLUMNS = frozenset({"carrier", "scope"})


def _group_key(label: Any) -> str:
    """A group label as text, for matching group denominators (``2022`` == ``"2022"``)."""
    if isinstance(label, (float, np.floating)) and float(label).is_integer():
        return str(int(label))
    return str(label)




#: rows per summation block (by input row number); see :class:`KeySums`
BLOCK_ROWS = 1 << 16


class KeySums:
    """Per-key sums of the activity quantities that do not depend on how the rows were cut.

    The rows are cut into blocks of :data:`BLOCK_ROWS` consecutive *input row numbers*;
    each block is summed per key in row order (``bincount``), and the block sums are added
    in block order with Neumaier's compensated summation (Neumaier 1974, ZAMM 54: 39-51).
    A table in memory, the same file streamed in chunks of any size and a Dask DataFrame
    in any partitions therefore give the same bits; and the rounding error is that of one
    block's running sum, however many rows there are.

    Feed pieces in increasing row order with :meth:`add`; a block that straddles two
    pieces is held back (at most ``BLOCK_ROWS`` rows) until it is complete.
    """

    def __init__(self, n_keys: int = 0) -> None:
        self.acc = np.zeros(n_keys)
        self.comp = np.zeros(n_keys)
        self.count = np.zeros(n_keys, dtype=np.int64)
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []
        self._pending_block = -1

    @property
    def n_keys(self) -> int:
        return len(self.acc)

    def grow(self, n_keys: int) -> None:
        """Make room for more keys (keys found in later pieces get higher codes)."""
        extra = n_keys - len(self.acc)
        if extra > 0:
            self.acc = np.concatenate([self.acc, np.zeros(extra)])
            self.comp = np.concatenate([self.comp, np.zeros(extra)])
            self.count = np.concatenate([self.count, np.zeros(extra, dtype=np.int64)])

    def _combine(self, part: np.ndarray) -> None:
        acc = self.acc
        t = acc + part
        big = np.abs(acc) >= np.abs(part)
        self.comp += np.where(big, (acc - t) + part, (part - t) + acc)
        self.acc = t

    def _flush(self) -> None:
        if not self._pending:
            return
        if len(self._pending) == 1:
            k, q = self._pending[0]
        else:
            k = np.concatenate([p[0] for p in self._pending])
            q = np.concatenate([p[1] for p in self._pending])
        self._combine(np.bincount(k, weights=q, minlength=self.n_keys))
        self._pending = []
        self._pending_block = -1

    def add(self, keys: np.ndarray, q: np.ndarray, *, start: int = 0, rows: np.ndarray | None = None) -> None:
        """Add rows with global key codes ``keys`` and quantities ``q``: either contiguous
        input rows from ``start``, or the (increasing) input row numbers ``rows``."""
        n = len(keys)
        if n == 0:
            return
        if int(keys.max()) >= self.n_keys:
            self.grow(int(keys.max()) + 1)
        self.count += np.bincount(keys, minlength=self.n_keys)
        B = BLOCK_ROWS
        if rows is None:
            first, last = start // B, (start + n - 1) // B
            bounds = [max(b * B - start, 0) for b in range(first, last + 1)] + [n]
            blocks = list(range(first, last + 1))
        else:
            blk = rows // B
            cut = np.flatnonzero(np.diff(blk)) + 1
            bounds = [0, *cut.tolist(), n]
            blocks = blk[[0, *cut.tolist()]].tolist()
        for j, b in enumerate(blocks):
            i0, i1 = bounds[j], bounds[j + 1]
            if b != self._pending_block:
                self._flush()
            if j == len(blocks) - 1:  # may continue in the next piece: hold back a copy
                self._pending.append((np.array(keys[i0:i1]), np.array(q[i0:i1], dtype="float64")))
                self._pending_block = b
            elif self._pending:
                self._pending.append((keys[i0:i1], q[i0:i1]))
                self._flush()
            else:
                self._combine(np.bincount(keys[i0:i1], weights=q[i0:i1], minlength=self.n_keys))

    def add_block(self, block: int, sums: np.ndarray, counts: np.ndarray) -> None:
        """A whole block's per-key sums and row counts, summed elsewhere (a Dask partition
        that holds every row of the block), in block order with the rows added by :meth:`add`."""
        if block == self._pending_block:
            raise ValueError(f"block {block} was already started by add()")
        self._flush()
        self.grow(len(sums))
        part = np.zeros(self.n_keys)
        part[: len(sums)] = sums
        self._combine(part)
        self.count[: len(counts)] += counts

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """(per-key sums, per-key row counts); the held-back block is added first."""
        self._flush()
        return self.acc + self.comp, self.count


class Result:
    """The outcome of :func:`ghgcalc.calculate`.

    Attributes
    ----------
    rows : DataFrame
        Every computed input row with ``co2_t, ch4_t, n2o_t, co2e_t`` [t], ``energy_mwh``
        [MWh], ``energy_tce`` [tce], ``amount`` (resource rows, in ``amount_unit``),
        ``scope``, ``factor_ids`` (every factor used, ``;``-separated), ``method_notes``
        (fallbacks, mismatches and literal factors, recorded) and ``profile``.
    errors : list of RowIssue
        The rows that could not be computed (``on_error="collect"``), with the reason.
    warnings : list of RowIssue
        Spreadsheet total rows dropped because they provably equal the rows they total.
    """

    def __init__(self) -> None:
        self.rows: pd.DataFrame = pd.DataFrame()
        self.errors: list[RowIssue] = []
        #: rows neither computed nor in error: spreadsheet total rows that provably equal the
        #: rows they total, dropped (never added), each with its line and why
        self.warnings: list[RowIssue] = []
        self.method: Method
        self.denominators: list[Denominator] = []
        self.n_input_rows = 0
        self.source: str | None = None
        self.encoding: str | None = None
        #: how the input was read (format, encoding, delimiter, header row, blank rows skipped)
        self.input_info: dict[str, Any] = {}
        self._inv = np.zeros(0, dtype=np.int64)
        self._q = np.zeros(0)
        self._qtext: np.ndarray | None = None
        self._res: list[Resolution] = []
        self._key_carrier: list[str] = []
        self._row_numbers: np.ndarray | None = None
        self._keys: pd.DataFrame | None = None
        self._rows_computed: int | None = None
        #: breakdown column -> group (as text) -> denominator name -> Denominator
        self.group_denominators: dict[str, dict[str, dict[str, Denominator]]] = {}
        self._key_totals: tuple[np.ndarray, np.ndarray] | None = None

    # -- construction ---------------------------------------------------------------
    @classmethod
    def empty(cls, method: Method, denominators: Mapping[str, Any] | None, issues: list[RowIssue],
              table: ActivityTable) -> Result:
        r = cls()
        r.method = method
        r.denominators = normalize_denominators(denominators)
        r.errors = list(issues)
        r.warnings = list(table.warnings)
        r.n_input_rows = table.n_input_rows
        r.source, r.encoding = table.source, table.encoding
        r.input_info = table.input_info()
        return r

    @classmethod
    def build(cls, frame: pd.DataFrame, ok: np.ndarray, inv: np.ndarray, resolutions: list[Resolution],
              method: Method, denominators: Mapping[str, Any] | None, issues: list[RowIssue],
              table: ActivityTable, keys: pd.DataFrame | None = None) -> Result:
        """Per-row results as ``quantity × coefficient[key]`` (one ``take`` and one multiply
        per output column, float64), provenance as key-indexed categoricals."""
        r = cls.empty(method, denominators, issues, table)
        all_ok = bool(ok.all())
        sub = frame if all_ok else frame[ok]
        inv_ok = inv if all_ok else inv[ok]
        q = sub["quantity"].to_numpy(dtype="float64")
        K = len(resolutions)
        out_cols = [c for c in OUTPUT_COLUMNS if not (c == MARKET_COLUMN and method.profile.market_based is None)]
        coef = np.zeros((len(out_cols), K))
        for k, res in enumerate(resolutions):
            for j, col in enumerate(out_cols):
                x = res.coef.get(col)
                if col == "amount":
                    coef[j, k] = float(x or 0) if res.category == "resource" else np.nan
                else:
                    coef[j, k] = np.nan if x is None else float(x)
        outputs: dict[str, Any] = {}
        for j, col in enumerate(out_cols):
            arr = np.take(coef[j], inv_ok)
            arr *= q
            outputs[col] = arr
        outputs["amount_unit"] = categorical(inv_ok, [res.amount_unit for res in resolutions])
        outputs["scope"] = np.take(np.array([res.scope for res in resolutions], dtype=np.int8), inv_ok)
        outputs["factor_ids"] = categorical(inv_ok, [";".join(res.factor_ids) for res in resolutions])
        outputs["method_notes"] = categorical(inv_ok, ["; ".join(res.notes) for res in resolutions])
        outputs["profile"] = pd.Categorical.from_codes(np.zeros(len(q), dtype=np.int8), categories=[method.profile.id])
        base = sub.drop(columns=["_bad"])
        for c in outputs:
            if c in base.columns:
                base = base.drop(columns=[c])
        r.rows = pd.concat([base, pd.DataFrame(outputs, index=base.index, copy=False)], axis=1)
        r._inv = inv_ok
        r._q = q
        r._row_numbers = None if all_ok and isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 \
            and frame.index.step == 1 else np.asarray(sub.index, dtype=np.int64)
        r._qtext = sub["quantity_text"].to_numpy(dtype=object) if "quantity_text" in sub.columns else None
        r._res = resolutions
        r._keys = keys
        if keys is not None:
            r._key_carrier = [str(c) for c in keys["carrier"].tolist()]
        else:
            r._key_carrier = [str(c) for c in pd.Series(frame["carrier"].to_numpy(dtype=object)).groupby(inv).first()
                              .reindex(range(K)).tolist()]
        return r

    # -- basic facts ----------------------------------------------------------------
    @property
    def profile(self) -> Any:
        return self.method.profile

    @property
    def data_version(self) -> str | None:
        """The factor data version the calculation used (``None`` for an unversioned library)."""
        return self.method.library.data_version

    @property
    def partial(self) -> bool:
        """True when some input rows are in ``errors`` rather than in ``rows``."""
        return bool(self.errors)

    @property
    def rows_computed(self) -> int:
        """How many input rows were computed (``len(rows)``; counted for a streamed result)."""
        return len(self.rows) if self._rows_computed is None else self._rows_computed

    @property
    def rows_accounted(self) -> bool:
        """Rows in == rows computed + rows with an error (every input row accounted for)."""
        bad_rows = {e.row for e in self.errors if e.row is not None}
        whole_table = any(e.row is None for e in self.errors)
        return whole_table or self.rows_computed + len(bad_rows) == self.n_input_rows

    def factors_used(self) -> list[Any]:
        """Every factor row the computed rows used, with its provenance."""
        ids: dict[str, None] = {}
        for k in self._present_keys():
            for fid in self._res[k].factor_ids:
                ids[fid] = None
        out = [self.method.factor(fid) for fid in ids]
        return [f for f in out if f is not None]

    # -- metrics --------------------------------------------------------------------
    def _key_weights(self, metric: str) -> tuple[list[Fraction | None], str]:
        cache = self.__dict__.setdefault("_weights_cache", {})
        if metric not in cache:
            cache[metric] = self._key_weights_uncached(metric)
        w, unit = cache[metric]
        return list(w), unit

    def _key_weights_float(self, metric: str) -> np.ndarray:
        """The weights as floats, NaN where a coefficient is undefined (e.g. no tce)."""
        cache = self.__dict__.setdefault("_weights_float_cache", {})
        if metric not in cache:
            w, _ = self._key_weights(metric)
            cache[metric] = np.array([np.nan if x is None else float(x) for x in w], dtype="float64")
        arr: np.ndarray = cache[metric]
        return arr

    def _key_weights_uncached(self, metric: str) -> tuple[list[Fraction | None], str]:
        specs = metric_specs()
        col, pred = specs[metric]
        w: list[Fraction | None] = []
        for res, carrier in zip(self._res, self._key_carrier, strict=True):
            if res.category != "error" and pred(res, carrier):
                w.append(res.coef.get(col))
            else:
                w.append(Fraction(0))
        unit = self._metric_unit(metric)
        return w, unit

    def _metric_unit(self, metric: str) -> str:
        return metric_unit(metric)

    def base_metrics(self) -> list[str]:
        """The metrics this result has (emission and energy metrics when any such row was
        computed; a resource metric when its carrier appears; tce metrics only when every
        energy row has a coal equivalent)."""
        present = self._present_keys()
        cats = {(self._res[k].category, self._key_carrier[k]) for k in present}
        out: list[str] = []
        if any(c in ("energy", "direct") for c, _ in cats):
            for m in emission_metrics():
                if m.endswith("_market") and self.method.profile.market_based is None:
                    continue  # market-based Scope 2 only when the profile has a [market_based] section
                if m.endswith("_tce"):
                    w, _ = self._key_weights(m)
                    if any(w[k] is None for k in present):
                        continue
                out.append(m)
        for cid, c in carriers().items():
            if c.type == "resource" and ("resource", cid) in cats:
                out.append(cid)
        return out

    def metric_ids(self) -> list[str]:
        base = self.base_metrics()
        return base + [f"{m}_{d.suffix}" for d in self.denominators for m in base] + ratio_metric_ids(base, self.rows)

    def _split(self, metric: str) -> tuple[str, Denominator | None]:
        if metric in RATIO_METRICS:
            return metric, None
        for d in self.denominators:
            suf = "_" + d.suffix
            if metric.endswith(suf) and metric[: -len(suf)] in metric_specs():
                return metric[: -len(suf)], d
        if metric in metric_specs():
            return metric, None
        raise KeyError(metric)

    def denominator_of(self, metric: str) -> Denominator | None:
        """The denominator of an intensity metric (``scope1_per_revenue`` -> ``revenue``), else None."""
        try:
            return self._split(metric)[1]
        except KeyError:
            return None

    def key_totals(self) -> tuple[np.ndarray, np.ndarray]:
        """(per-key sums of the quantities, per-key row counts) over every computed row,
        summed by :class:`KeySums` (the same bits as a streamed or Dask run of the same rows)."""
        if self._key_totals is None:
            ks = KeySums(len(self._res))
            ks.add(self._inv, self._q, rows=self._row_numbers)
            self._key_totals = ks.result()
        return self._key_totals

    def _present_keys(self) -> list[int]:
        return [int(k) for k in np.flatnonzero(self.key_totals()[1])]

    def _sums(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Per-key sums of the quantities (all rows, or the rows in ``mask``)."""
        if mask is None:
            return self.key_totals()[0]
        return np.bincount(self._inv[mask], weights=self._q[mask], minlength=len(self._res))

    def metric_value(self, metric: str, mask: np.ndarray | None = None) -> tuple[float, str]:
        """A metric as a float in its canonical unit, optionally over a subset of rows."""
        if metric in RATIO_METRICS:
            return ratio_value(self, metric, mask)
        base, den = self._split(metric)
        w, unit = self._key_weights(base)
        s = self._sums(mask)
        if any(x is None and s[k] != 0 for k, x in enumerate(w)):
            return float("nan"), (_per(unit, den) if den is not None else unit)
        # fsum: exactly rounded, so independent of the order of the keys (streamed runs number them differently)
        val = math.fsum(float(x) * float(s[k]) for k, x in enumerate(w) if x)
        if den is not None:
            val /= float(den.value)
            unit = _per(unit, den)
        return val, unit

    def _exact_parts(self, mask: np.ndarray | None) -> tuple[list[Fraction], list[Fraction], list[Fraction]]:
        """Per-key exact quantity sums and their rounding intervals (from printed digits)."""
        ck = "all" if mask is None else mask.tobytes()
        cache = self.__dict__.setdefault("_exact_cache", {})
        if ck not in cache:
            cache[ck] = self._exact_parts_uncached(mask)
        return cache[ck]  # type: ignore[no-any-return]

    def _exact_parts_uncached(self, mask: np.ndarray | None) -> tuple[list[Fraction], list[Fraction], list[Fraction]]:
        idx = np.arange(len(self._q)) if mask is None else np.flatnonzero(mask)
        K = len(self._res)
        s = [Fraction(0)] * K
        lo = [Fraction(0)] * K
        hi = [Fraction(0)] * K
        for i in idx:
            k = int(self._inv[i])
            text = self._qtext[i] if self._qtext is not None else repr(float(self._q[i]))
            d = parse_decimal(str(text))
            x, h = Fraction(d), half_unit(d)
            s[k] += x
            lo[k] += max(x - h, Fraction(0))
            hi[k] += x + h
        return s, lo, hi

    def metric_exact(self, metric: str, mask: np.ndarray | None = None) -> tuple[Fraction | None, Fraction | None, Fraction | None, str]:
        """(exact value, interval low, interval high, unit) of a metric from the printed inputs.

        The interval is what the rounding of the printed inputs allows: an input printed
        as ``300.638`` stands for [300.6375, 300.6385]. Factors are exact as printed."""
        if metric in RATIO_METRICS:
            return ratio_exact(self, metric, mask)
        base, den = self._split(metric)
        w, unit = self._key_weights(base)
        s, lo, hi = self._exact_parts(mask)
        if any(x is None and s[k] != 0 for k, x in enumerate(w)):
            return None, None, None, (_per(unit, den) if den is not None else unit)
        val = sum((x * s[k] for k, x in enumerate(w) if x), Fraction(0))
        vlo = sum((x * lo[k] for k, x in enumerate(w) if x), Fraction(0))
        vhi = sum((x * hi[k] for k, x in enumerate(w) if x), Fraction(0))
        if den is not None:
            val, vlo, vhi = val / den.value, vlo / den.value, vhi / den.value
            unit = _per(unit, den)
        return val, vlo, vhi, unit

    def contributions(self, metric: str, mask: np.ndarray | None = None) -> dict[str, tuple[Fraction, int]]:
        """Per factor id: the exact part of the metric that scales with that factor, and the
        exponent with which it enters (+1 multiplied, -1 divided). Empty for the data-centre ratios."""
        if metric in RATIO_METRICS:
            return {}
        base, den = self._split(metric)
        col, pred = metric_specs()[base]
        s, _, _ = self._exact_parts(mask)
        out: dict[str, tuple[Fraction, int]] = {}
        for k, (res, carrier) in enumerate(zip(self._res, self._key_carrier, strict=True)):
            if res.category == "error" or not pred(res, carrier) or not s[k]:
                continue
            coef = res.coef.get(col)
            if not coef:
                continue
            part = coef * s[k] / (den.value if den else 1)
            for fid, e in res.chains.get(col, {}).items():
                prev = out.get(fid, (Fraction(0), e))
                out[fid] = (prev[0] + part, e)
        return out

    def row_contributions(self, metric: str, mask: np.ndarray | None = None) -> list[tuple[int, str, Fraction, Fraction]]:
        """Per input row: (row label, printed quantity, exact quantity, metric per unit of quantity)."""
        if metric in RATIO_METRICS:
            return []
        base, den = self._split(metric)
        w, _ = self._key_weights(base)
        idx = np.arange(len(self._q)) if mask is None else np.flatnonzero(mask)
        out = []
        labels = self.rows.index.to_numpy()
        for i in idx:
            k = int(self._inv[i])
            if not w[k]:
                continue
            text = self._qtext[i] if self._qtext is not None else repr(float(self._q[i]))
            wk = w[k]
            assert wk is not None
            per = wk / (den.value if den else Fraction(1))
            out.append((int(labels[i]), str(text), decimal_of(text), per))
        return out

    # -- public summaries ----------------------------------------------------------------
    def totals(self, by: str | None = None, denominators: Any = None) -> Any:
        """Metric -> pint Quantity (contract section 4); with ``by``, a DataFrame of every
        metric per group of that column (``carrier``, ``facility``, ``period``, ``scope`` or
        any carried column), values in the units listed in ``df.attrs['units']``.

        Intensities in a breakdown use each group's own denominators: ``denominators`` (or
        :meth:`with_group_denominators`) gives them per group, e.g. ``{"Plant A": {"headcount":
        120}}``. A group without one shows n/a. By ``carrier`` or ``scope`` the groups share
        the organisation's denominators (their intensities add up to the organisation's)."""
        if by is None:
            out: dict[str, Any] = {}
            for m in self.metric_ids():
                v, u = self.metric_value(m)
                out[m] = Q_(v, u) if u else Q_(v, "dimensionless")
            return out
        if by not in self.rows.columns:
            raise KeyError(f"no column {by!r} in the results (have: {', '.join(self.rows.columns)})")
        res = self if denominators is None else self.with_group_denominators(by, denominators)
        codes, groups = group_codes(res.rows[by])
        return res._group_frame(codes, pd.Index(groups, name=by))

    def with_group_denominators(self, by: str, denominators: Any) -> Result:
        """A copy of this result with intensity denominators for the groups of column ``by``
        (``facility``, ``period`` or any carried column), used by ``totals(by=by)``.

        ``denominators`` is a mapping ``group -> {name: value}`` (values as for
        ``calculate(denominators=...)``: a number, ``"567.89 RMB million"``, ``(value, unit)``)
        or a DataFrame indexed by group with one column per denominator name. Groups are
        matched on their text (``2022`` and ``"2022"`` are one period). A group without a value
        for a denominator shows its intensities as n/a (NaN): an organisation's headcount is
        never divided into one facility's emissions (contract section 8)."""
        if isinstance(denominators, pd.DataFrame):
            table = {g: {str(c): v for c, v in row.items() if not (isinstance(v, float) and math.isnan(v))}
                     for g, row in denominators.to_dict(orient="index").items()}
        elif isinstance(denominators, Mapping):
            table = dict(denominators)
        else:
            raise GhgcalcError(f"group denominators for {by!r}: give a mapping group -> {{name: value}} or a DataFrame "
                               f"indexed by group, not {type(denominators).__name__}")
        import copy

        new = copy.copy(self)
        merged = {k: dict(v) for k, v in self.group_denominators.get(by, {}).items()}
        for g, dens in table.items():
            if not isinstance(dens, Mapping):
                raise GhgcalcError(f"group denominators for {by!r}: group {g!r} needs a mapping name -> value, not {dens!r}")
            merged.setdefault(_group_key(g), {}).update({d.name: d for d in normalize_denominators(dens)})
        new.group_denominators = {**self.group_denominators, by: merged}
        return new

    def _group_denominator_columns(self, by: str | None, labels: Sequence[Any]) -> dict[str, tuple[np.ndarray, str]]:
        """Denominator name -> (value per group, NaN where the group has none; unit) for a
        breakdown by ``by``. Groups of ``carrier`` or ``scope`` share the organisation's
        denominators (each group's intensity is its part of the organisation's, and they add
        up to it). Groups of any other column have only what :meth:`with_group_denominators`
        gave them; a ``period`` group of the profile's reporting year also has the
        organisation's denominators, which are that year's."""
        out: dict[str, tuple[np.ndarray, str]] = {}
        n = len(labels)
        if by in _SHARED_DENOMINATOR_COLUMNS:
            for d in self.denominators:
                out[d.name] = (np.full(n, float(d.value)), d.unit)
            return out
        table = self.group_denominators.get(by or "", {})
        keys = [_group_key(g) for g in labels]
        names = [d.name for d in self.denominators]
        for dens in table.values():
            names.extend(nm for nm in dens if nm not in names)
        ry = str(self.method.profile.reporting_year) if by == "period" else None
        org = {d.name: d for d in self.denominators}
        for nm in names:
            vals = np.full(n, np.nan)
            unit = org[nm].unit if nm in org else ""
            for i, k in enumerate(keys):
                given: Denominator | None = table.get(k, {}).get(nm) or (org.get(nm) if k == ry else None)
                if given is not None:
                    vals[i] = float(given.value)
                    unit = unit or given.unit
            out[nm] = (vals, unit)
        return out

    def _group_sums(self, codes: np.ndarray, n_groups: int) -> np.ndarray:
        """Per-(group, key) sums of the quantities, shape (groups, keys): one bincount."""
        K = len(self._res)
        if n_groups * K <= 4 * len(codes) + (1 << 22):
            g = codes * K
            g += self._inv
            return np.bincount(g, weights=self._q, minlength=n_groups * K).reshape(n_groups, K)
        out = np.zeros((n_groups, K))
        for k in range(K):  # very many groups and keys: one pass per key present
            m = self._inv == k
            if m.any():
                out[:, k] = np.bincount(codes[m], weights=self._q[m], minlength=n_groups)
        return out

    def _group_frame(self, codes: np.ndarray, index: pd.Index) -> pd.DataFrame:
        df = self._frame_of_group_sums(self._group_sums(codes, len(index)), index)
        ratios = [m for m in self.metric_ids() if m in RATIO_METRICS]  # data-centre ratios (datacentre.py)
        for m, col in (ratios_by_group(self, ratios, codes, len(index)) if ratios else {}).items():
            df[m] = col
            df.attrs["units"][m] = RATIO_METRICS[m].unit
        return df

    def _frame_of_group_sums(self, sums: np.ndarray, index: pd.Index) -> pd.DataFrame:
        """Every metric per group from per-(group, key) quantity sums (not the data-centre
        ratios, which need the rows' facilities)."""
        metrics = [m for m in self.metric_ids() if m not in RATIO_METRICS]
        bases = [self._split(m) for m in metrics]
        W = np.stack([self._key_weights_float(b) for b, _ in bases], axis=1) if metrics else np.zeros((sums.shape[1], 0))
        undefined = np.isnan(W)
        vals = sums @ np.where(undefined, 0.0, W)
        if undefined.any():  # a metric with an undefined coefficient is undefined where that key has rows
            used = sums != 0
            for jj in np.flatnonzero(undefined.any(axis=0)).tolist():
                vals[used[:, undefined[:, jj]].any(axis=1), jj] = np.nan
        data: dict[str, np.ndarray] = {}
        units: dict[str, str] = {}
        base_cols = {b: vals[:, j] for j, (b, den) in enumerate(bases) if den is None}
        for j, (m, (b, den)) in enumerate(zip(metrics, bases, strict=True)):
            if den is None:
                data[m] = vals[:, j]
                units[m] = self._metric_unit(b)
        # intensities: each group over its own denominator (n/a where it has none)
        for name, (per_group, dunit) in self._group_denominator_columns(index.name, list(index)).items():
            den = Denominator(name=name, value=Fraction(1), unit=dunit)
            for b, col in base_cols.items():
                m = f"{b}_{den.suffix}"
                data[m] = col / per_group
                units[m] = _per(self._metric_unit(b), den)
        df = pd.DataFrame(data, index=index)
        df.attrs["units"] = units
        return df

    def uncertainty(self, metric: str = "scope1_2", method: str = "approach2", *, n: int = 10_000, seed: int = 0,
                    confidence: float = 0.95, activity_uncertainty: Mapping[str, float] | None = None,
                    by: str | None = None) -> Any:
        """The 95 % (or ``confidence``) interval of a total from the factors' published ranges:
        IPCC 2006 Vol. 1 Ch. 3 Approach 1 (error propagation) or Approach 2 (Monte Carlo,
        reproducible from ``seed``). Conventions and parameters: :func:`ghgcalc.core.uncertainty.uncertainty`."""
        return _uncertainty_of(self, metric, method, n=n, seed=seed, confidence=confidence,  # type: ignore[arg-type]
                           activity_uncertainty=activity_uncertainty, by=by)

    def unavailable(self) -> dict[str, list[str]]:
        """Metrics with no value (NaN) and the carriers whose computed rows carry none for
        them (a fuel whose profile says ``heating_value = []``: no energy), so that a
        missing figure is never silent (the rows' ``method_notes`` say why)."""
        out: dict[str, list[str]] = {}
        present = self._present_keys()
        for m in self.metric_ids():
            if m in RATIO_METRICS:
                continue
            base, _den = self._split(m)
            try:
                w, _u = self._key_weights(base)
            except KeyError:
                continue
            cars = sorted({self._key_carrier[k] for k in present if w[k] is None})
            if cars:
                out[m] = cars
        return out

    def unavailable_reasons(self) -> dict[str, str]:
        """Metric -> why it has no value (``n/a``), for every metric of :meth:`unavailable`:
        the carriers whose rows carry none and the reasons recorded on those rows (a gas
        the method does not count, a fuel whose energy is not counted on purpose, a missing
        coal equivalent). Null in JSON and ``n/a`` in tables, never 0 (contract section 8)."""
        out: dict[str, str] = {}
        present = self._present_keys()
        for m, cars in self.unavailable().items():
            base, _den = self._split(m)
            w, _u = self._key_weights(base)
            words = _REASON_WORDS.get(base.rsplit("_", 1)[-1] if base.startswith("scope1_") else
                                      ("tce" if base.endswith("_tce") else "energy" if base.startswith("energy") else ""), ())
            notes: dict[str, None] = {}
            for k in present:
                if w[k] is None:
                    for n in self._res[k].notes:
                        if any(wd in n for wd in words):
                            notes[n] = None
            why = "; ".join(notes) if notes else "their method gives no coefficient for it (see the rows' method_notes)"
            out[m] = f"not available: rows of {', '.join(cars)} carry no value for it ({why})"
        return out

    def kpis(self, language: str = "en") -> pd.DataFrame:
        """The KPI table: metric, value, unit, ``label`` in ``language`` (``en``, ``zh_hant``
        or ``zh_hans``; ``zh-Hant`` spelt either way), the labels in every language
        (``label_en``, ``label_zh_hant``, ``label_zh_hans``) and the HKEX KPI the metric serves.
        An unknown language raises :class:`ValueError`."""
        lang = str(language).strip().lower().replace("-", "_")
        if lang not in _KPI_LANGUAGES:
            raise ValueError(f"kpis: unknown language {language!r}; the labels are in {', '.join(_KPI_LANGUAGES)}")
        defs = metric_definitions()
        mdefs = defs["metrics"]
        recs = []
        for m in self.metric_ids():
            v, u = self.metric_value(m)
            base, den = self._split(m)
            if base in mdefs:
                lab = dict(mdefs[base])
            else:
                c = carriers()[base]
                lab = {"en": c.labels.get("en", base), "zh_hant": c.labels.get("zh_hant", base),
                       "zh_hans": c.labels.get("zh_hans", base), "hkex": "A2.2" if "water" in base else "A1.3"}
            if den is not None:
                if den.name == "headcount":
                    lab = {"en": f"{lab['en']} per employee", "zh_hant": f"人均{lab['zh_hant']}",
                           "zh_hans": f"人均{lab['zh_hans']}", "hkex": lab.get("hkex")}
                else:
                    dl = defs.get("intensity", {}).get("denominators", {}).get(den.name, {})
                    lab = {"en": f"{lab['en']} per {dl.get('en', den.name)}",
                           "zh_hant": f"{lab['zh_hant']}（每{dl.get('zh_hant', den.name)}）",
                           "zh_hans": f"{lab['zh_hans']}（每{dl.get('zh_hans', den.name)}）", "hkex": lab.get("hkex")}
            recs.append({"metric": m, "value": v, "unit": u, "label": lab[lang], "label_en": lab["en"],
                         "label_zh_hant": lab["zh_hant"], "label_zh_hans": lab["zh_hans"], "hkex_kpi": lab.get("hkex")})
        return pd.DataFrame.from_records(recs, columns=["metric", "value", "unit", "label", "label_en", "label_zh_hant",
                                                        "label_zh_hans", "hkex_kpi"])

    def select_mask(self, carrier: str | None = None, facility: str | None = None, period: str | None = None) -> np.ndarray:
        """Boolean mask of the computed rows in one group of a breakdown."""
        mask = np.ones(len(self.rows), dtype=bool)
        if carrier is not None:
            cid = carrier_aliases().get(normalize_key(carrier), carrier)
            mask &= (self.rows["carrier"].astype(str) == cid).to_numpy()
        if facility is not None:
            mask &= (self.rows["facility"].astype(str) == str(facility)).to_numpy() if "facility" in self.rows else False
        if period is not None:
            per = self.rows["period"].astype(str).to_numpy()
            yr = self.rows["year"].astype(str).to_numpy()
            mask &= (per == str(period)) | (yr == str(period))
        return mask

    def with_denominators(self, denominators: Mapping[str, Any] | None) -> Result:
        """A copy of this result with more intensity denominators (existing names win)."""
        import copy

        new = copy.copy(self)
        have = {d.name for d in self.denominators}
        new.denominators = [*self.denominators, *(d for d in normalize_denominators(denominators) if d.name not in have)]
        return new

    def to_frame(self) -> pd.DataFrame:
        return self.rows

    def _repr_html_(self) -> str:
        return result_html(self)

    def __repr__(self) -> str:
        return f"<ghgcalc.Result profile={self.profile.id!r} rows={len(self.rows)} errors={len(self.errors)}>"


def _per(unit: str, den: Denominator) -> str:
    if not den.unit:
        return unit
    u = f"({unit})" if "/" in unit else unit
    d = f"({den.unit})" if any(ch in den.unit for ch in "/* ") else den.unit
    return f"{u} / {d}"


def convert_exact(value: Fraction, from_unit: str, to_unit: str) -> Fraction:
    return value * conversion_factor(from_unit, to_unit)


def result_html(result: Result) -> str:
    """Jupyter display of a result: the KPI table and a provenance summary (profile, rows
    computed, rows not computed, every factor used with its source)."""
    kp = result.kpis()
    rows = []
    for r in kp.to_dict("records"):
        rows.append(f"<tr><td>{_esc(r['hkex_kpi'] if r['hkex_kpi'] == r['hkex_kpi'] else '')}</td><td><code>{_esc(r['metric'])}</code></td>"
                    f"<td>{_esc(r['label'])}</td><td>{_esc(r['label_zh_hant'])}</td><td>{_esc(r['label_zh_hans'])}</td>"
                    f'<td style="text-align:right">{_esc(r["value"])}</td><td>{_esc(r["unit"])}</td></tr>')
    prof = result.profile
    facts = "".join(f"<tr><td><code>{_esc(f.id)}</code></td><td>{_esc(f.value)} {_esc(f.unit)}</td><td>{_esc(f.publisher)}</td>"
                    f"<td>{_esc(f.document)}</td><td>{_esc(f.reference)}</td><td>{_esc(f.review_status)}</td></tr>"
                    for f in result.factors_used())
    errs = ""
    if result.errors:
        items = "".join(f"<li>{_esc(str(e))}</li>" for e in result.errors[:20])
        more = f"<li>… {len(result.errors) - 20} more</li>" if len(result.errors) > 20 else ""
        errs = f"<p><b>{len(result.errors)} row(s) not computed (partial totals):</b></p><ul>{items}{more}</ul>"
    return (f"<div><p><b>ghgcalc result</b> — profile <code>{_esc(prof.id)}</code> {_esc(getattr(prof, 'title', '') or '')}; "
            f"{len(result.rows)} of {result.n_input_rows} input rows computed; GWP {_esc(getattr(prof, 'gwp_set', ''))}, "
            f"energy basis {_esc(getattr(prof, 'energy_basis', ''))}</p>"
            "<table><thead><tr><th>HKEX</th><th>metric</th><th>label</th><th>繁體</th><th>简体</th><th>value</th><th>unit</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>{errs}"
            "<details><summary>factors used (" + str(len(result.factors_used())) + ")</summary><table><thead><tr><th>id</th>"
            "<th>value</th><th>publisher</th><th>document</th><th>reference</th><th>review</th></tr></thead>"
            f"<tbody>{facts}</tbody></table></details></div>")


def _esc(v: Any) -> str:
    return html.escape(str(v))
