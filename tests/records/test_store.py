"""The records on SQLite and on a real PostgreSQL server: migrations, writing, sign-off,
corrections and the audit chain that finds every altered, inserted or deleted row."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from range.records import migrate
from range.records.errors import AccessError, RecordsError
from range.records.schema import AUDITED, Base
from range.records.store import Records
from tests.records.helpers import PASSWORD, filled, footprint, qualify


def test_migrations_run_up_from_empty_and_down_again(db_url: str) -> None:
    engine = create_engine(db_url)
    assert inspect(engine).get_table_names() == []
    migrate.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {m.__tablename__ for m in AUDITED} | {"audit", "alembic_version"} == tables
    with engine.connect() as connection:
        assert migrate.current(connection) == migrate.head()
        # the migration builds exactly the schema the models describe
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    migrate.downgrade(engine)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert "shots" in inspect(engine).get_table_names()
    engine.dispose()


def test_an_attempt_is_kept_whole_with_every_shot(records: Records) -> None:
    passed, failed = filled(records)
    view = records.attempt(passed)
    assert (view.attempt.points, view.attempt.max_points, view.attempt.passed) == (100, 100,
                                                                                   True)
    assert len(view.stages) == 11 and len(view.shots) == 50
    assert sum(s.points for s in view.stages) == view.attempt.points
    assert [s.stage for s in view.stages] == list(range(1, 12))
    assert view.course.name == "fbi-2019" and len(view.course.sha256) == 64
    poor = records.attempt(failed)
    assert not poor.attempt.passed and poor.attempt.points < 90
    assert "par time 8 s not confirmed" in poor.attempt.unconfirmed
    # one frozen copy of the course for both attempts
    assert view.course.id == poor.course.id
    assert records.verify().intact


def test_only_a_certifier_signs_off_and_a_wrong_password_is_refused(records: Records) -> None:
    passed, _ = filled(records)
    before = footprint(records)
    with pytest.raises(AccessError, match="only a certifier signs off"):
        records.sign(passed, "rm", PASSWORD)
    with pytest.raises(AccessError, match="wrong password for user 'cert'"):
        records.sign(passed, "cert", "not the password")
    with pytest.raises(AccessError, match="no user 'nobody'"):
        records.sign(passed, "nobody", PASSWORD)
    assert footprint(records) == before
    records.sign(passed, "cert", PASSWORD)
    assert [u for u, _ in records.attempt(passed).signoffs] == ["cert"]
    with pytest.raises(RecordsError, match="already signed off"):
        records.sign(passed, "cert", PASSWORD)


def test_passwords_are_stored_as_argon2_hashes(records: Records) -> None:
    records.add_user("cert", "certifier", PASSWORD)
    with records.engine.connect() as connection:
        stored = str(connection.execute(text("SELECT password_hash FROM users")).scalar())
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_correction_is_a_new_attempt_and_the_old_one_stays(records: Records) -> None:
    _, failed = filled(records)
    old = records.attempt(failed)
    stage = next(s for s in old.stages if s.points < s.max_points)
    new = records.correct(failed, stage.stage, stage.max_points, "timer fault, alibi",
                          "rm", PASSWORD)
    corrected = records.attempt(new)
    assert corrected.attempt.corrects_id == failed
    assert corrected.attempt.points == old.attempt.points - stage.points + stage.max_points
    assert "timer fault" in corrected.attempt.correction_reason
    again = records.attempt(failed)
    assert again.attempt.points == old.attempt.points and again.corrected_by == [new]
    with pytest.raises(RecordsError, match="was corrected by attempt"):
        records.sign(failed, "cert", PASSWORD)
    with pytest.raises(AccessError, match="only a range master or a certifier"):
        records.add_user("off", "officer", PASSWORD)
        records.correct(new, 1, 0, "x", "off", PASSWORD)
    assert records.verify().intact


def test_a_duplicate_badge_or_an_unknown_officer_writes_nothing(records: Records) -> None:
    filled(records)
    before = footprint(records)
    with pytest.raises(RecordsError, match="badge 'B100' is already recorded"):
        records.add_officer("B100", "Someone Else")
    with pytest.raises(RecordsError, match="no officer with badge 'B999'"):
        qualify(records, badge="B999")
    with pytest.raises(AccessError, match="at least 8 characters"):
        records.add_user("short", "certifier", "1234")
    with pytest.raises(RecordsError, match="expected one of"):
        records.add_user("who", "boss", PASSWORD)
    assert footprint(records) == before


TAMPER = {
    "altered": ("UPDATE shots SET points = points + 1 WHERE id = 60", "altered: shots row 60"),
    "inserted": ("INSERT INTO officers (id, badge, name, created_at) VALUES "
                 "(50, 'X1', 'Ghost', '2020-01-01T00:00:00.000000Z')",
                 "inserted: officers row 50 has no audit entry"),
    "deleted": ("DELETE FROM shots WHERE id = 7", "deleted: shots row 7"),
    "altered stage": ("UPDATE stage_results SET points = points + 2 WHERE id = 12",
                      "altered: stage_results row 12"),
    "altered attempt": ("UPDATE attempts SET passed = NOT passed WHERE id = 2",
                        "altered: attempts row 2"),
    "deleted audit entry": ("DELETE FROM audit WHERE seq = 40",
                            "deleted: audit entries 40 are missing"),
    "altered audit entry": ("UPDATE audit SET actor = 'someone' WHERE seq = 5",
                            "altered: audit entry 5"),
}


@pytest.mark.parametrize("kind", TAMPER)
def test_verify_names_each_row_changed_behind_its_back(records: Records, kind: str) -> None:
    filled(records)
    assert records.verify().intact
    statement, named = TAMPER[kind]
    with records.engine.connect() as connection, connection.begin():
        connection.execute(text(statement))
    problems = records.verify().problems
    assert any(p.startswith(named) for p in problems), problems
    # a deleted audit entry also leaves the row it covered without one
    assert len(problems) == (2 if kind == "deleted audit entry" else 1), problems
