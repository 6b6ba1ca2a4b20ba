"""Carriers: what was consumed (electricity, diesel, fresh water...), their default scope,
their labels in Chinese and English, and the aliases reports print. Data in
``ghgcalc/data/carriers.yaml``."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..io.data import carrier_alias_map, column_words, load_yaml, normalize_key

__all__ = ["BillingUnit", "Carrier", "billing_units", "carrier_aliases", "carriers", "column_words", "load_yaml", "metric_definitions", "normalize_key"]


class BillingUnit(BaseModel):
    """A carrier's own billing unit (``billing_unit`` in carriers.yaml): its unit name in
    units.txt, its size as printed, its name in messages and its other spellings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    unit: str
    size: str
    name: str
    also: list[str] = []


class Carrier(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    type: Literal["fuel", "electricity", "heat", "resource", "fugitive"]
    scope: Literal[1, 2] | None = None
    own_mwh: bool = False
    #: biomass: its CO2 is biogenic, reported outside the scopes (IPCC 2006 Vol. 2 Ch. 1-2, an
    #: information item; GHG Protocol Corporate Standard ch. 9), so its Scope 1 CO2 is 0 by rule
    biogenic: bool = False
    density: dict[str, str] | None = None
    metric_unit: str | None = None
    labels: dict[str, str] = {}
    aliases: list[str] = []
    #: unit spellings that mean a carrier-specific unit on this carrier's rows only
    #: (Towngas "unit" = towngas_unit, 48 MJ); folded as :func:`normalize_key` folds
    unit_aliases: dict[str, str] = {}
    #: coal by rank: the carriers a report can name instead (raw coal -> anthracite, ...)
    ranks: list[str] = []
    #: a billing unit that 度 means on this carrier's rows, not a kWh (Towngas: 48 MJ)
    billing_unit: BillingUnit | None = None


@lru_cache(maxsize=1)
def carriers() -> dict[str, Carrier]:
    """The shipped carriers by id."""
    data = load_yaml("carriers.yaml")["carriers"]
    return {cid: Carrier(id=cid, **spec) for cid, spec in data.items()}


@lru_cache(maxsize=1)
def carrier_aliases() -> dict[str, str]:
    """Folded alias -> carrier id (ids themselves included): the words of carriers.yaml
    (:func:`ghgcalc.io.data.carrier_alias_map`, which the readers use too)."""
    return carrier_alias_map()


@lru_cache(maxsize=1)
def metric_definitions() -> dict[str, Any]:
    """Metric ids with their canonical unit and labels (``ghgcalc/data/metrics.yaml``)."""
    data: dict[str, Any] = load_yaml("metrics.yaml")
    return data


@lru_cache(maxsize=1)
def billing_units() -> dict[str, BillingUnit]:
    """Carrier id -> the billing unit 度 means on its rows (``billing_unit`` in carriers.yaml)."""
    return {cid: c.billing_unit for cid, c in carriers().items() if c.billing_unit is not None}


