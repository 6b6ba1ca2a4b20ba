"""Maintainer tool: release the shipped factor data (not part of the installed package).

``python tools/factor_release.py build-manifest VERSION [--root FACTORS_DIR]`` validates every
table, writes the release snapshot ``history/VERSION.json.gz`` (never rewriting one), moves
the factor changelog's ``[Unreleased]`` lines into a ``[VERSION]`` section with every id added,
changed and removed, and writes ``manifest.json`` (SHA-256 of every data file). Runtime code
(:mod:`ghgcalc.core.factors`) only reads what this writes.
"""

from __future__ import annotations

import datetime
import json
import re
import sys
from pathlib import Path
from typing import Any

from ghgcalc.core.factors import (
    CALVER,
    HISTORY_DIR,
    FactorDiff,
    FactorLibrary,
    FactorRow,
    calver_key,
    changes_text,
    diff_libraries,
    factors_dir,
    file_sha256,
    load_directory,
    manifest_files,
    manifest_version,
    read_snapshot,
    snapshot_bytes,
    snapshot_path,
    snapshot_versions,
)
from ghgcalc.errors import FactorError

__all__ = ["build_manifest", "changelog_rows_section", "main", "release", "write_snapshot"]


def build_manifest(root: Path, version: str) -> dict[str, Any]:
    """Write ``manifest.json`` with the SHA-256 of every data file under ``root``."""
    files = {p.relative_to(root).as_posix(): file_sha256(p) for p in manifest_files(root)}
    manifest = {"data_version": version, "files": files}
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def write_snapshot(root: Path, version: str, library: FactorLibrary | None = None) -> Path:
    """Write ``history/<version>.json.gz`` from the tables under ``root`` (or ``library``)."""
    calver_key(version)
    lib = library if library is not None else load_directory(root)
    path = snapshot_path(root, version)
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(snapshot_bytes(lib, version))
    return path


def changelog_rows_section(d: FactorDiff, old_version: str, new_version: str) -> str:
    """The generated part of a release's changelog section: every id added, changed, removed."""
    lines = [f"### Rows, {old_version} -> {new_version} (generated from the snapshots: {d.summary()})", ""]

    def by_file(rows: list[FactorRow], what: str) -> None:
        files: dict[str, list[str]] = {}
        for r in rows:
            files.setdefault(r.source_file or "?", []).append(f"`{r.id}`")
        for f, ids in sorted(files.items()):
            lines.append(f"- {what} in `{f}` ({len(ids)}): " + ", ".join(ids))

    by_file(d.added, "Added")
    for _, new, ch in d.changed:
        lines.append(f"- Changed `{new.id}`: {changes_text(ch)}")
    by_file(d.removed, "Removed")
    return "\n".join(lines) + "\n"


def _has_content(part: str) -> bool:
    s = part.strip()
    return bool(s) and (not s.startswith("### ") or len(s.splitlines()) > 1)


def _release_changelog(text: str, version: str, date: str, generated: str) -> str:
    """Turn ``## [Unreleased]`` into ``## [version] - date`` (its hand-written lines kept,
    empty subsections dropped, the generated id list appended) under a fresh Unreleased."""
    head = "## [Unreleased]"
    i = text.find(head)
    fresh = f"{head}\n\n### Added\n\n### Changed\n\n### Removed\n\n"
    if i < 0:
        j = text.find("\n## [")
        pre, body, rest = (text, "", "") if j < 0 else (text[: j + 1], "", text[j + 1:])
    else:
        pre = text[:i]
        after = text[i + len(head):]
        j = after.find("\n## [")
        body, rest = (after, "") if j < 0 else (after[: j + 1], after[j + 1:])
    parts = re.split(r"(?m)^(?=### )", body.strip("\n"))
    kept = [p.strip("\n") for p in parts if _has_content(p)]
    section = f"## [{version}] - {date}\n\n" + "".join(k + "\n\n" for k in kept) + generated + "\n"
    return pre + fresh + section + rest


def release(root: Path, version: str, today: str | None = None) -> list[str]:
    """Maintainer command behind ``python tools/factor_release.py build-manifest VERSION``.

    Loads (and so validates) every table under ``root``; if ``VERSION`` has no snapshot
    yet, writes ``history/VERSION.json.gz`` and, when an older snapshot exists, moves the
    changelog's ``[Unreleased]`` lines into a ``[VERSION]`` section with every id added,
    changed and removed; an existing snapshot is never rewritten (the rows changed since
    are reported as unreleased). Last, writes ``manifest.json``. Returns what it did.
    """
    key = calver_key(version)
    current = manifest_version(root)
    if current is not None and CALVER.match(current):
        if key < calver_key(current):
            raise FactorError(f"data version {version} is older than the current {current}: "
                              f"run build-manifest {current} (or a newer version)")
    lib = load_directory(root, require_use=True)
    msgs: list[str] = []
    snap = snapshot_path(root, version)
    if snap.is_file():
        d = diff_libraries(read_snapshot(snap), lib, version, "current")
        msgs.append(f"snapshot {HISTORY_DIR}/{snap.name} kept (a release snapshot is never rewritten)"
                    + (f"; unreleased changes since {version}: {d.summary()}" if d else ""))
    else:
        newer = [v for v in snapshot_versions(root) if calver_key(v) >= key]
        if newer:
            raise FactorError(f"data version {version} is not newer than the released {', '.join(newer)}")
        older = snapshot_versions(root)
        write_snapshot(root, version, lib)
        msgs.append(f"snapshot {HISTORY_DIR}/{snap.name}: {len(lib)} rows")
        if older:
            prev = older[-1]
            d = diff_libraries(read_snapshot(snapshot_path(root, prev)), lib, prev, version)
            cl = root / "CHANGELOG.md"
            if cl.is_file():
                date = today or datetime.datetime.now(datetime.UTC).date().isoformat()
                text = cl.read_text(encoding="utf-8")
                cl.write_text(_release_changelog(text, version, date, changelog_rows_section(d, prev, version)), encoding="utf-8")
                msgs.append(f"CHANGELOG.md: section [{version}] ({d.summary()} since {prev})")
    m = build_manifest(root, version)
    msgs.append(f"manifest.json: {len(m['files'])} files, data version {version}")
    return msgs


def main(argv: list[str] | None = None) -> int:
    """``python tools/factor_release.py build-manifest VERSION [--root FACTORS_DIR]``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) in (2, 4) and args[0] == "build-manifest" and (len(args) == 2 or args[2] == "--root"):
        for msg in release(Path(args[3]) if len(args) == 4 else factors_dir(), args[1]):
            print(msg)
    else:
        print("usage: python tools/factor_release.py build-manifest VERSION [--root FACTORS_DIR]")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
