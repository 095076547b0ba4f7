"""The layout rules from docs/architecture.md, enforced."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from tests.conftest import REPO_ROOT

PACKAGES = ("range", "hardware", "scenarios", "assets", "tests")


def python_files(*packages: str) -> list[Path]:
    return sorted(p for pkg in packages for p in (REPO_ROOT / pkg).rglob("*.py"))


@functools.cache
def parsed(source: str) -> ast.Module:
    """Each file is parsed once a session, however many rules read it."""
    return ast.parse(source)


def imported_modules(source: str) -> list[tuple[int, str, bool]]:
    """(line, module, binds the top-level name) for each absolute import."""
    found = []
    for node in ast.walk(parsed(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name, a.asname is None) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module, False))
    return found


def offenders(
    paths: list[Path], bad: str, only_binding: bool, root: Path = REPO_ROOT
) -> list[str]:
    return [
        f"{path.relative_to(root)}:{line}"
        for path in paths
        for line, module, binds in imported_modules(path.read_text())
        if module.split(".")[0] == bad and (binds or not only_binding)
    ]


def test_there_are_files_to_check() -> None:
    assert len(python_files(*PACKAGES)) > 5


def test_no_module_binds_the_name_range() -> None:
    """`import range` or `import range.x` shadows the builtin `range` in that module."""
    assert offenders(python_files(*PACKAGES), "range", only_binding=True) == []


def test_hardware_never_imports_range() -> None:
    assert offenders(python_files("hardware"), "range", only_binding=False) == []


def test_the_checks_catch_offenders(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import range.engine\nfrom range import cli\nimport range as r\n")
    assert offenders([bad], "range", only_binding=True, root=tmp_path) == ["bad.py:1"]
    assert len(offenders([bad], "range", only_binding=False, root=tmp_path)) == 3


def test_every_room_says_in_its_docstring_what_belongs_in_it() -> None:
    rooms = sorted(p.parent for p in (REPO_ROOT / "range").glob("*/__init__.py"))
    assert {r.name for r in rooms} >= {"scenario", "world", "run", "analysis", "views", "cli",
                                       "bench"}
    for room in rooms:
        docstring = ast.get_docstring(ast.parse((room / "__init__.py").read_text()))
        assert docstring, f"{room.name}/__init__.py has no docstring"


def test_modules_and_classes_stay_small() -> None:
    """About 400 lines is the signal to split a module, about 200 a class."""
    too_long = []
    for path in python_files("range", "hardware"):
        source = path.read_text()
        if source.count("\n") > 420:
            too_long.append(f"{path.relative_to(REPO_ROOT)}: {source.count(chr(10))} lines")
        for node in ast.walk(parsed(source)):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                length = node.end_lineno - node.lineno + 1
                if length > 210:
                    too_long.append(f"{path.relative_to(REPO_ROOT)}: class {node.name} "
                                    f"{length} lines")
    assert too_long == []
