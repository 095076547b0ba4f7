"""Shared steps of the records tests."""

from __future__ import annotations

from range.courses.catalogue import course_source, load_shooter
from range.courses.model import parse_course
from range.courses.qualify import shoot_scripted
from range.records.agency import NOT_LIVE_FIRE
from range.records.store import Records

PASSWORD = "correct horse"


def qualify(records: Records, badge: str = "B100", course_name: str = "fbi-2019",
            who: str = "good", seed: int = 0) -> int:
    text, source = course_source(course_name)
    course = parse_course(text, source)
    attempt = shoot_scripted(course, load_shooter(who, course), seed)
    return records.record_attempt(badge, course, text, attempt, f"script {who}",
                                  NOT_LIVE_FIRE)


def filled(records: Records) -> tuple[int, int]:
    """An officer, a certifier, a range master, one passed and one failed attempt."""
    records.add_officer("B100", "Dana Reyes")
    records.add_user("cert", "certifier", PASSWORD)
    records.add_user("rm", "range_master", PASSWORD)
    return qualify(records), qualify(records, who="poor")


def footprint(records: Records) -> tuple[int, int]:
    """(audit entries, rows): what a refused write must leave as it was."""
    verdict = records.verify()
    assert verdict.intact, verdict.problems
    return verdict.entries, verdict.rows
