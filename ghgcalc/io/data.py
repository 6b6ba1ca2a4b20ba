"""The package's data files (``ghgcalc/data/*.yaml``) and the one text folding used to match
words in them (carrier labels, header words, region names)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Any

from .cache import cached, content_key

__all__ = ["carrier_alias_map", "carrier_words", "column_words", "load_yaml", "normalize_key"]


def normalize_key(text: str) -> str:
    """Fold a carrier name for matching: NFKC, lower case, no spaces/hyphens/underscores."""
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return re.sub(r"[\s_\-]+", "", s)


def load_yaml(name: str) -> Any:
    """A shipped YAML file, read with libyaml's safe loader when PyYAML has it (the same
    safe schema as ``yaml.safe_load``, about ten times faster than the pure-Python one)."""
    data = resources.files("ghgcalc").joinpath(f"data/{name}").read_bytes()

    def parse() -> Any:
        import yaml  # only when the cache has no entry for these bytes

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(data.decode("utf-8"), Loader=loader)

    return cached(f"yaml-{name.replace('/', '_')}", content_key([data]), parse, lambda v: True)


@lru_cache(maxsize=1)
def column_words() -> dict[str, Any]:
    """The activity table's header spellings and scope words (``ghgcalc/data/columns.yaml``)."""
    data: dict[str, Any] = load_yaml("columns.yaml")
    return data


@lru_cache(maxsize=1)
def carrier_alias_map() -> dict[str, str]:
    """Every carrier id, alias and label of ``ghgcalc/data/carriers.yaml``, folded, -> the
    carrier id (the first carrier to name a word keeps it)."""
    out: dict[str, str] = {}
    for cid, spec in load_yaml("carriers.yaml")["carriers"].items():
        for a in [cid, *(spec.get("aliases") or []), *(spec.get("labels") or {}).values()]:
            out.setdefault(normalize_key(str(a)), cid)
    return out


@lru_cache(maxsize=1)
def carrier_words() -> frozenset[str]:
    """The folded words of :func:`carrier_alias_map`: what a reader counts to tell a
    well-decoded table from a mis-decoded one."""
    return frozenset(carrier_alias_map())
