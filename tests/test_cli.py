"""Flask commands: the country's areas, the demo, and users; and the migrations match the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from server.extensions import db
from server.models import Area, Assist, Outreach, Target, User
from tests.conftest import create_pg_database, drop_pg_database, make_app, postgres_available, prepare_database


@pytest.fixture
def empty_db(backend, tmp_path):
    """A migrated database with no areas at all, on the same backend as the test."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.db'}"
        prepare_database(url, areas=())
        yield url
    else:
        assert postgres_available()
        url = create_pg_database("jb_cli")
        prepare_database(url, areas=())
        yield url
        drop_pg_database(url)


@pytest.mark.slow  # the whole country, twice: 91,599 areas
def test_seed_areas_loads_the_country_idempotently(empty_db):
    app = make_app(empty_db)
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["seed-areas"])
        assert result.exit_code == 0, result.output
        assert "38 provinsi, 514 kabupaten/kota, 7285 kecamatan, 83762 desa/kelurahan" in result.output
    with app.app_context():
        counts = dict(db.session.execute(select(Area.level, func.count()).group_by(Area.level)).all())
        assert counts == {1: 38, 2: 514, 3: 7285, 4: 83762}
        assert db.session.get(Area, "35.09.19").name == "Kaliwates"
        assert db.session.get(Area, "53.03").name == "Kabupaten Timor Tengah Utara"
    assert "nothing to do" in runner.invoke(args=["seed-areas", "--if-empty"]).output


def test_seed_demo_is_deterministic(app, runner):
    result = runner.invoke(args=["seed-demo", "--assists", "600", "--end-date", "2020-03-06"])
    assert result.exit_code == 0, result.output
    first = _fingerprint()
    assert first["assists"] > 400 and first["outreaches"] > 20
    assert "already present" in runner.invoke(args=["seed-demo"]).output
    assert db.session.get(User, 1).username == "admin"
    roles = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    assert roles["supervisor"] == 2 and roles["coordinator"] == 31 + 24
    assert db.session.scalar(select(func.count()).select_from(Target).where(Target.is_demo.is_(False))) == 0
    kinds = set(db.session.scalars(select(Outreach.place_kind)))
    assert {"kantor_desa", "pkh_bansos"} <= kinds


def _fingerprint():
    rows = db.session.execute(select(Assist.kk_number, Assist.outcome).order_by(Assist.kk_number, Assist.id)).all()
    return {
        "assists": len(rows),
        "outreaches": db.session.scalar(select(func.count()).select_from(Outreach)),
        "digest": hash(tuple(rows)),
    }


def test_seed_demo_same_seed_same_data(tmp_path):
    digests = []
    for n in range(2):
        url = f"sqlite:///{tmp_path / f'demo{n}.db'}"
        prepare_database(url)
        app = make_app(url)
        assert (
            app.test_cli_runner().invoke(args=["seed-demo", "--assists", "300", "--end-date", "2020-03-06"]).exit_code
            == 0
        )
        with app.app_context():
            digests.append(_fingerprint())
    assert digests[0] == digests[1]


def test_create_user_command(app, runner):
    result = runner.invoke(
        args=["create-user", "--username", "Kor.Baru", "--role", "coordinator", "--area", "35.09.19"],
        input="sandi-rahasia\nsandi-rahasia\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "kor.baru"))
    assert user.area_codes == ["35.09.19"] and user.password_hash.startswith("$argon2id$")
    bad = runner.invoke(
        args=["create-user", "--username", "x", "--role", "enumerator", "--area", "35.09", "--password", "p"]
    )
    assert bad.exit_code != 0 and "areas" in bad.output


def test_migrations_match_models(app):
    """The migration history creates exactly what the models describe, on this backend."""
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_audit_log_is_append_only(app):
    from server.models import AuditEvent
    from server.services.audit import record_event

    record_event("test.event", details="x")
    db.session.commit()
    event = db.session.scalar(select(AuditEvent))
    event.action = "rewritten"
    with pytest.raises(Exception, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditEvent)))
    with pytest.raises(Exception, match="append-only"):
        db.session.commit()
    db.session.rollback()
