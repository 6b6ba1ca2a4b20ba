"""Factor data versions: manifest checks, release snapshots, diffs, the changelog, pinning."""

from __future__ import annotations

import gzip
import itertools
import json
import re
import shutil
from pathlib import Path

import pytest

from ghgcalc import calculate
from ghgcalc.cli import main
from ghgcalc.core.factors import (
    FactorLibrary,
    calver_key,
    data_version,
    default_library,
    diff_libraries,
    factors_dir,
    open_factor_data,
    read_snapshot,
    row_digest,
    snapshot_bytes,
    snapshot_path,
    snapshot_versions,
    verify,
)
from ghgcalc.core.profiles import load_profile, pinned_library
from ghgcalc.errors import FactorError, ProfileError
from tools.factor_release import release

FIRST = "2026.11.0"  # the first released data version (factors/history/2026.11.0.json.gz)


@pytest.fixture
def factors_copy(tmp_path: Path) -> Path:
    root = tmp_path / "factors"
    shutil.copytree(factors_dir(), root)
    return root


# -- verify ------------------------------------------------------------------------------
def test_verify_reports_missing_and_unlisted_files(factors_copy: Path) -> None:
    assert verify(factors_copy) == []
    (factors_copy / "hk" / "hk.csv").unlink()
    (factors_copy / "hk" / "extra.csv").write_text("id,kind,value,unit\n", encoding="utf-8")
    (factors_copy / "history" / "2099.1.0.json.gz").write_bytes(b"x")
    problems = verify(factors_copy)
    assert "missing: hk/hk.csv" in problems
    assert "not in manifest: hk/extra.csv" in problems
    assert "not in manifest: history/2099.1.0.json.gz" in problems


def test_verify_covers_snapshots_and_changelog(factors_copy: Path) -> None:
    listed = json.loads((factors_copy / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert f"history/{FIRST}.json.gz" in listed
    assert "CHANGELOG.md" in listed
    snap = factors_copy / "history" / f"{FIRST}.json.gz"
    data = bytearray(snap.read_bytes())
    data[100] ^= 0xFF
    snap.write_bytes(bytes(data))
    assert f"changed: history/{FIRST}.json.gz (checksum differs from the manifest)" in verify(factors_copy)


def test_unreadable_manifest(factors_copy: Path) -> None:
    (factors_copy / "manifest.json").write_text("{", encoding="utf-8")
    assert verify(factors_copy)[0].startswith("manifest.json unreadable")


# -- snapshots -----------------------------------------------------------------------------
def test_first_release_snapshot_reads_back() -> None:
    assert FIRST in snapshot_versions()
    lib = read_snapshot(snapshot_path(factors_dir(), FIRST))
    assert lib.data_version == FIRST
    assert len(lib) == 388  # factors/CHANGELOG.md, section [2026.11.0]: 388 rows in 19 tables
    assert lib.get("cn-mee-grid-national-2022").value == "0.5703"  # 环办气候函〔2023〕43号
    assert lib.get("ipcc-2006-v2-t1.4-diesel-co2").uncertainty_low == "72600"  # IPCC 2006 V2 T1.4


def test_snapshot_is_deterministic_and_checksummed(tmp_path: Path) -> None:
    lib = default_library()
    a = snapshot_bytes(lib, "2030.1.0")
    assert a == snapshot_bytes(lib, "2030.1.0")
    data = json.loads(gzip.decompress(a))
    fid = "cn-mee-grid-national-2022"
    assert data["rows"][fid]["sha256"] == row_digest(lib.get(fid))
    data["rows"][fid]["value"] = "0.5704"  # tampered without updating the row checksum
    p = tmp_path / "bad.json.gz"
    p.write_bytes(gzip.compress(json.dumps(data).encode()))
    with pytest.raises(FactorError, match="does not match its checksum"):
        read_snapshot(p)
    p.write_bytes(b"not gzip")
    with pytest.raises(FactorError, match="not a factor data snapshot"):
        read_snapshot(p)


def check_changelog_matches_snapshots(root: Path) -> int:
    """Every release has a changelog section, and each section after the first names every
    id its snapshot adds, changes or removes; returns the number of releases compared."""
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in text
    versions = snapshot_versions(root)
    for v in versions:
        assert re.search(rf"^## \[{re.escape(v)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", text, re.M), v
    for prev, v in itertools.pairwise(versions):
        section = text.split(f"## [{v}]", 1)[1].split("\n## [", 1)[0]
        d = diff_libraries(read_snapshot(snapshot_path(root, prev)), read_snapshot(snapshot_path(root, v)))
        for fid in [r.id for r in d.added + d.removed] + [new.id for _, new, _ in d.changed]:
            assert f"`{fid}`" in section, (v, fid)
    return len(versions) - 1


def test_changelog_has_a_section_per_release() -> None:
    check_changelog_matches_snapshots(factors_dir())


# -- a release, end to end, on a copy of the factors directory ------------------------------
def _edit(root: Path) -> None:
    """A synthetic change: one row added, one value corrected, one row removed."""
    p = root / "cn-mee-ets-grid" / "national.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    row_2022 = next(r for r in rows if r.startswith("cn-mee-grid-national-2022,"))
    added = row_2022.replace("cn-mee-grid-national-2022,", "cn-mee-grid-national-test-2099,", 1)
    changed = row_2022.replace(",0.5703,", ",0.5704,", 1)
    kept = [changed if r is row_2022 else r for r in rows if not r.startswith("cn-mee-grid-national-2019-2020,")]
    p.write_text("\n".join([header, *kept, added]) + "\n", encoding="utf-8")
    cl = root / "CHANGELOG.md"
    cl.write_text(cl.read_text(encoding="utf-8").replace(
        "## [Unreleased]\n\n### Added\n", "## [Unreleased]\n\n### Added\n- A test row (hand-written line).\n", 1), encoding="utf-8")


def _next_version() -> str:
    """A version newer than every shipped release (so the test runs after future releases too)."""
    y, m, p = calver_key(snapshot_versions()[-1])
    return f"{y}.{m}.{p + 1}"


def test_release_writes_snapshot_changelog_and_manifest(factors_copy: Path) -> None:
    _edit(factors_copy)
    nxt = _next_version()
    msgs = release(factors_copy, nxt, today="2026-12-01")
    assert any(f"snapshot history/{nxt}.json.gz" in m for m in msgs)
    assert verify(factors_copy) == []
    assert data_version(factors_copy) == nxt

    old_label, old = open_factor_data(FIRST, factors_copy)
    new_label, new = open_factor_data(nxt, factors_copy)
    assert "snapshot" in old_label and "snapshot" in new_label
    d = diff_libraries(old, new)
    assert "cn-mee-grid-national-test-2099" in [r.id for r in d.added]
    assert "cn-mee-grid-national-2019-2020" in [r.id for r in d.removed]
    ch = {new_row.id: fields for _, new_row, fields in d.changed}
    # only the value is edited here; provenance fields of the row may differ from the first release
    assert ch["cn-mee-grid-national-2022"]["value"] == ("0.5703", "0.5704")

    text = (factors_copy / "CHANGELOG.md").read_text(encoding="utf-8")
    unreleased, rest = text.split(f"## [{nxt}] - 2026-12-01", 1)
    assert "## [Unreleased]" in unreleased and "hand-written" not in unreleased
    section = rest.split("\n## [", 1)[0]
    assert "- A test row (hand-written line)." in section
    assert "`cn-mee-grid-national-test-2099`" in section
    # other fields may change with it when the shipped data has unreleased changes (e.g. a new column)
    changed = re.search(r"^- Changed `cn-mee-grid-national-2022`: (.*)$", section, re.M)
    assert changed is not None and "value 0.5703 -> 0.5704" in changed.group(1).split("; ")
    assert "- Added in `cn-mee-ets-grid/national.csv` (1): `cn-mee-grid-national-test-2099`" in section
    assert "- Removed in `cn-mee-ets-grid/national.csv` (1): `cn-mee-grid-national-2019-2020`" in section
    assert "### Changed\n\n### Removed" not in section  # empty hand-written subsections dropped
    assert check_changelog_matches_snapshots(factors_copy) >= 1

    # releasing the same version again keeps its snapshot byte for byte
    snap = snapshot_path(factors_copy, nxt)
    before = snap.read_bytes()
    p = factors_copy / "hk" / "hk.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("\n", "\n", 1), encoding="utf-8")
    msgs = release(factors_copy, nxt)
    assert snap.read_bytes() == before
    assert any("kept" in m for m in msgs)
    with pytest.raises(FactorError, match="older than the current " + re.escape(nxt)):
        release(factors_copy, FIRST)  # a stale build-manifest command never moves the label back
    assert data_version(factors_copy) == nxt
    with pytest.raises(FactorError, match="older than the current"):
        release(factors_copy, "2026.10.9")
    with pytest.raises(FactorError, match="CalVer"):
        release(factors_copy, "v2")


def test_cli_verify_names_the_releases(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["factors", "verify"]) == 0
    out = capsys.readouterr().out
    assert f"data version {data_version()}" in out
    assert "released versions with a snapshot: " in out and FIRST in out


def test_unreleased_changes_keep_the_label_but_not_the_snapshot(factors_copy: Path) -> None:
    from ghgcalc.core.factors import unreleased_changes

    _edit(factors_copy)
    msgs = release(factors_copy, data_version(factors_copy))  # what a helper runs after adding rows
    assert any("unreleased changes" in m for m in msgs)
    d = unreleased_changes(factors_copy)
    assert d is not None and "cn-mee-grid-national-test-2099" in [r.id for r in d.added]
    assert verify(factors_copy) == []
    # a snapshot newer than the version asked for: refused, nothing written
    newer = snapshot_path(factors_copy, "2099.1.0")
    newer.write_bytes(snapshot_path(factors_copy, FIRST).read_bytes())
    y, m, p = calver_key(data_version(factors_copy))
    with pytest.raises(FactorError, match=r"not newer than the released 2099\.1\.0"):
        release(factors_copy, f"{y}.{m}.{p + 1}")
    assert not snapshot_path(factors_copy, f"{y}.{m}.{p + 1}").exists()


# -- the CLI -------------------------------------------------------------------------------
def test_cli_diff_json_and_exit_codes(factors_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = tmp_path / "before"
    shutil.copytree(factors_copy, before)
    _edit(factors_copy)
    assert main(["factors", "diff", str(before), str(factors_copy), "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in out["added"]] == ["cn-mee-grid-national-test-2099"]
    assert [r["id"] for r in out["removed"]] == ["cn-mee-grid-national-2019-2020"]
    assert out["changed"] == [{"id": "cn-mee-grid-national-2022", "changes": {"value": {"old": "0.5703", "new": "0.5704"}}}]

    assert main(["factors", "diff", str(before), str(before)]) == 0
    assert "0 added, 0 changed, 0 removed" in capsys.readouterr().out
    table = before / "cn-mee-ets-grid" / "national.csv"
    assert main(["factors", "diff", str(table), str(factors_copy / "cn-mee-ets-grid" / "national.csv")]) == 1
    text = capsys.readouterr().out
    assert "+ cn-mee-grid-national-test-2099" in text and "~ cn-mee-grid-national-2022: value 0.5703 -> 0.5704" in text
    assert main(["factors", "diff", "2001.1.1"]) == 2
    assert "not a released data version" in capsys.readouterr().err


def test_cli_diff_first_release_against_current(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["factors", "diff", FIRST, "current", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == (1 if (out["added"] or out["removed"] or out["changed"]) else 0)
    assert out["unchanged"] + len(out["changed"]) + len(out["removed"]) == 388


# -- pinning a version in a profile -------------------------------------------------------
def _kuaishou(**extra: object) -> dict[str, object]:
    d = load_profile("kuaishou-2022").model_dump(exclude={"base_dir"})
    d.update(extra)
    return d


def test_pin_equal_to_shipped_version(example_dir: Path) -> None:
    r = calculate(example_dir / "activity.csv", _kuaishou(factor_data_version=data_version()))
    assert r.data_version == data_version()
    from ghgcalc.reports.reporting import result_json

    assert result_json(r)["profile"]["data_version"] == data_version()
    assert result_json(r)["profile"]["factor_data_version"] == data_version()


def test_pin_on_an_older_release_uses_its_snapshot(monkeypatch: pytest.MonkeyPatch, example_dir: Path) -> None:
    import ghgcalc.core.profiles as profiles

    moved_on = FactorLibrary(list(default_library()), data_version="2027.1.0")
    monkeypatch.setattr(profiles, "default_library", lambda: moved_on)
    lib = pinned_library(load_profile(_kuaishou(factor_data_version=FIRST)))
    assert lib.data_version == FIRST and len(lib) == 388
    r = calculate(example_dir / "activity.csv", _kuaishou(factor_data_version=FIRST))
    assert r.data_version == FIRST
    monkeypatch.undo()
    # the pinned rows are those of the 2026.11.0 release: the Kuaishou figures as in the example
    r_now = calculate(example_dir / "activity.csv", "kuaishou-2022")
    assert r.data_version == FIRST
    assert round(r.totals()["scope2"].magnitude / 1e4, 2) == 87.82  # printed 87.82 x10^4 t (Kuaishou 2022 ESG report)
    if r_now.data_version == FIRST:
        assert r.totals() == r_now.totals()


def test_pin_without_snapshot_raises_naming_both(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ProfileError, match=r"pins factor data version 2001\.1\.0.*version " + re.escape(data_version())):
        pinned_library(load_profile(_kuaishou(factor_data_version="2001.1.0")))
    with pytest.raises(ProfileError, match="unversioned"):
        pinned_library(load_profile(_kuaishou(factor_data_version=FIRST)), FactorLibrary(list(default_library())))
    with pytest.raises(ProfileError, match="factor_data_version"):
        load_profile(_kuaishou(factor_data_version="latest"))


def test_profiles_show_names_the_data_version(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = (factors_dir() / "profiles" / "kuaishou-2022.toml").read_text(encoding="utf-8")
    p = tmp_path / "pinned.toml"
    p.write_text(f'factor_data_version = "{data_version()}"\n' + src, encoding="utf-8")
    assert main(["profiles", "show", str(p)]) == 0
    out = capsys.readouterr().out
    assert f"factor data version: {data_version()} (pinned by factor_data_version = '{data_version()}')" in out
    p.write_text('factor_data_version = "2001.1.0"\n' + src, encoding="utf-8")
    assert main(["profiles", "show", str(p)]) == 2
    assert "pins factor data version 2001.1.0" in capsys.readouterr().err


def test_build_manifest_over_a_conflicted_manifest(factors_copy: Path) -> None:
    # what a helper meets in a rebase: both sides edited manifest.json; rebuilding fixes it
    version = data_version(factors_copy)
    m = factors_copy / "manifest.json"
    text = m.read_text(encoding="utf-8")
    m.write_text("<<<<<<< HEAD\n" + text + "=======\n" + text + ">>>>>>> theirs\n", encoding="utf-8")
    assert verify(factors_copy)[0].startswith("manifest.json unreadable")
    release(factors_copy, version)
    assert verify(factors_copy) == [] and data_version(factors_copy) == version
