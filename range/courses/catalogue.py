"""Shipped courses (`scenarios/courses/`) and their scripted shooters by name, or files
by path."""

from __future__ import annotations

from pathlib import Path

from range.courses.model import Course, parse_course
from range.courses.shooter import ShooterScript, parse_shooter
from range.errors import ScenarioError
from range.scenario.catalogue import is_path, shipped_dir, shipped_names
from range.scenario.validation import read_text, suggest


def course_names() -> list[str]:
    return shipped_names("courses")


def course_source(name_or_path: str) -> tuple[str, str]:
    """(text, source) of a course file by path or shipped name."""
    if is_path(name_or_path):
        return read_text(Path(name_or_path)), name_or_path
    return _shipped(name_or_path, "courses", "course")


def load_course(name_or_path: str) -> Course:
    return parse_course(*course_source(name_or_path))


def load_shooter(name_or_path: str, course: Course) -> ShooterScript:
    """A scripted shooter by path, or by its short name for the course ('good', 'poor')."""
    if is_path(name_or_path):
        return parse_shooter(read_text(Path(name_or_path)), name_or_path, course)
    return parse_shooter(*_shipped(f"{course.id}-{name_or_path}", "courses/inputs",
                                   "shooter script", name_or_path, f"{course.id}-"), course)


def _shipped(name: str, kind: str, what: str, given: str = "", prefix: str = ""
             ) -> tuple[str, str]:
    """A shipped file by name; `prefix` keeps the names listed in an error to one
    course's (its shooter scripts)."""
    names = shipped_names(kind)
    if name not in names:
        shown = [n for n in names if n.startswith(prefix)] or names
        given = given or name
        raise ScenarioError(f"{given}: expected a file path or a shipped {what} name "
                            f"{shown}, found {given!r}{suggest(name, names)}")
    return (shipped_dir(kind) / f"{name}.toml").read_text(encoding="utf-8"), \
        f"scenarios/{kind}/{name}.toml"
