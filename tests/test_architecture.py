"""The layout shows the architecture (issue "One core", Part B): no module of the package is
in an import cycle, counting imports inside functions (a deferred import is still a
dependency) and leaving out ``if TYPE_CHECKING:`` blocks; no private name is imported from
another module; the layers import only downward (checked by import-linter in CI, and here
directly so that a plain ``pytest`` run catches it too)."""

from __future__ import annotations

import ast
from pathlib import Path

import ghgcalc

PKG = Path(ghgcalc.__file__).parent
LAYERS = ["io", "core", "analysis", "reports", "cli"]   # lowest first


def _modules() -> dict[str, Path]:
    out = {}
    for p in PKG.rglob("*.py"):
        parts = list(p.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _imports(mod: str, path: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING":
            skip |= {id(n) for sub in node.body for n in ast.walk(sub)}
    base_parts = mod.split(".") if path.name == "__init__.py" else mod.split(".")[:-1]
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(base_parts[: len(base_parts) - (node.level - 1)] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names = [a.name for a in node.names]
            found.append((base, names))
            found += [(f"{base}.{n}", []) for n in names]
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
    return found


def _graph() -> tuple[dict[str, set[str]], list[str]]:
    files = _modules()
    graph: dict[str, set[str]] = {m: set() for m in files}
    private: list[str] = []
    for mod, path in files.items():
        for tgt, names in _imports(mod, path):
            while tgt and tgt not in files and "." in tgt:
                tgt = tgt.rsplit(".", 1)[0]
            if tgt in files and tgt != mod and tgt.startswith("ghgcalc"):
                graph[mod].add(tgt)
                private += [f"{mod} <- {tgt}.{n}" for n in names if n.startswith("_") and not n.startswith("__")]
    return graph, private


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def _layer(mod: str) -> int | None:
    parts = mod.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def test_the_checker_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]


def test_no_module_is_in_an_import_cycle() -> None:
    graph, _ = _graph()
    assert len(graph) > 25
    assert _cycles(graph) == []


def test_no_private_name_crosses_modules() -> None:
    _, private = _graph()
    assert private == []


def test_layers_import_only_downward() -> None:
    graph, _ = _graph()
    upward = [f"{m} -> {t}" for m, ts in graph.items() for t in ts
              if _layer(m) is not None and _layer(t) is not None and _layer(t) > _layer(m)]  # type: ignore[operator]
    assert upward == []
    # the base modules import no layer
    assert not {t for t in graph["ghgcalc.errors"] if _layer(t) is not None}


def test_tests_import_no_private_name() -> None:
    """Tests use public names (issue "One core", Part B): no ``from ghgcalc... import _x``."""
    found = []
    for p in sorted(Path(__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ghgcalc"):
                found += [f"{p.name}: {node.module}.{a.name}" for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
    assert found == []
