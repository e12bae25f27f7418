"""The import directions of DESIGN.md, checked on every module's source."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _offenders(package: str, forbidden: tuple[str, ...], skip: str | None = None) -> list[str]:
    out = []
    for path in _modules(package):
        rel = path.relative_to(ROOT).as_posix()
        if skip and rel.startswith(skip):
            continue
        bad = sorted(n for n in _imports(path) if n.split(".")[0] in forbidden
                     or any(n == f or n.startswith(f + ".") for f in forbidden))
        if bad:
            out.append(f"{rel}: {', '.join(bad)}")
    return out


def test_checker_sees_every_form_of_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import PySide6.QtCore\nfrom sqlalchemy import text\n"
                      "def f():\n    from jjg_desktop.qt.shell import app\n", encoding="utf-8")
    assert _imports(sample) == {"PySide6.QtCore", "sqlalchemy", "jjg_desktop.qt.shell"}


def test_pyside6_only_inside_qt():
    assert _offenders("jjg_desktop", ("PySide6",), skip="jjg_desktop/qt/") == []


def test_rules_are_pure():
    forbidden = ("jjg_desktop.store", "jjg_desktop.services", "jjg_desktop.sync",
                 "jjg_desktop.reports", "jjg_desktop.qt", "sqlalchemy", "PySide6", "requests")
    assert _offenders("jjg_desktop/rules", forbidden) == []


def test_store_does_not_reach_up():
    forbidden = ("jjg_desktop.services", "jjg_desktop.sync", "jjg_desktop.reports",
                 "jjg_desktop.qt")
    assert _offenders("jjg_desktop/store", forbidden) == []


def test_services_do_not_reach_up():
    forbidden = ("jjg_desktop.sync", "jjg_desktop.reports", "jjg_desktop.qt")
    assert _offenders("jjg_desktop/services", forbidden) == []


SERVER_MAY_USE = ("jjg_desktop.rules", "jjg_desktop.sync.protocol", "jjg_desktop.sync.catalogue",
                  "jjg_desktop.store.synced_rows")
ADMIN_LOADERS = ("client_db.py", "demo_load.py")  # read a client database into the server


def test_server_uses_only_rules_protocol_and_row_format_of_the_client():
    bad = []
    for path in _modules("jjg_server"):
        if path.name in ADMIN_LOADERS:
            continue
        for name in _imports(path):
            if name.startswith("jjg_desktop") and not name.startswith(SERVER_MAY_USE):
                bad.append(f"{path.name}: {name}")
    assert bad == []


def test_test_modules_have_names_of_their_own():
    """Test folders have no __init__.py, so two modules of one name would not both load."""
    names = [p.name for p in (ROOT / "tests").rglob("*.py") if p.name != "conftest.py"]
    assert sorted({n for n in names if names.count(n) > 1}) == []


QT = ROOT / "jjg_desktop" / "qt"
SHARED = ("kit", "shell")


def _areas() -> list[str]:
    return sorted(p.name for p in QT.iterdir() if (p / "__init__.py").is_file())


def _qt_parts_used(path: Path) -> set[str]:
    """The parts of jjg_desktop.qt a module imports (kit, shell, an area), from every form of
    import: `from jjg_desktop.qt.cases.case_page import X`, `from jjg_desktop.qt.kit import
    labels`, `import jjg_desktop.qt.sync.sync_page`."""
    parts: set[str] = set()
    for name in _imports(path):
        pieces = name.split(".")
        if pieces[:2] == ["jjg_desktop", "qt"]:
            if len(pieces) == 2:
                parts.add("<qt itself>")
            else:
                parts.add(pieces[2])
    return parts


def test_the_window_is_a_map_of_areas():
    """Every module of the desktop layer lives in kit, shell or a feature area."""
    assert sorted(p.name for p in QT.glob("*.py")) == ["__init__.py"]
    assert {"kit", "shell"} <= set(_areas())
    assert set(_areas()) - set(SHARED) >= {"dashboard", "inspections", "registry", "cases",
                                            "sync", "settings"}


def test_an_area_uses_only_kit_shell_and_itself():
    bad = []
    for area in _areas():
        if area in SHARED:
            continue
        for path in sorted((QT / area).rglob("*.py")):
            for part in _qt_parts_used(path) - {area, *SHARED}:
                bad.append(f"{path.relative_to(ROOT).as_posix()}: {part}")
    assert bad == []


def test_kit_uses_no_area_and_not_the_shell():
    bad = [f"{path.relative_to(ROOT).as_posix()}: {part}"
           for path in sorted((QT / "kit").rglob("*.py"))
           for part in _qt_parts_used(path) - {"kit"}]
    assert bad == []


def test_area_checker_sees_a_crossing(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from jjg_desktop.qt.cases.case_page import CasePage\n"
                      "from jjg_desktop.qt.kit import labels\n", encoding="utf-8")
    assert _qt_parts_used(sample) == {"cases", "kit"}


def test_cli_and_settings_form_no_cycle():
    """The command line sits in its own package; config does not reach back into settings."""
    assert not (ROOT / "jjg_desktop" / "cli.py").exists()
    assert (ROOT / "jjg_desktop" / "cli" / "main.py").is_file()
    assert "jjg_desktop.settings" not in _imports(ROOT / "jjg_desktop" / "config.py")
