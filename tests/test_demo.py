"""The demo tells the source articles' story, read back through the API as the users would read it, and it
never contradicts itself: nothing arrives after its present, and the silent phones are the ones that went quiet."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Assist, Device, OfficialProgress, Outreach, Target, User
from tests.factories import login

# "Tercatat hingga tanggal 5 Maret 2020": the Jember article's date.
END = date(2020, 3, 5)


def _client(app, username):
    client = app.test_client()
    login(client, db.session.scalar(select(User).where(User.username == username)), password="jemputbola")
    return client


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--end-date", END.isoformat()])
    assert result.exit_code == 0, result.output
    return app


def _ranking(client, area, **query):
    body = client.get("/api/v1/tallies", query_string={"area": area, "to": END.isoformat(), **query}).get_json()
    return body, [r["key"] for r in body["rows"] if r["rank"] is not None]


def test_the_demo_ranks_as_the_articles_report(demo):
    admin = _client(demo, "admin")
    jatim, order = _ranking(admin, "35")
    assert jatim["rank_by"] == "participation" and len(order) == 38
    assert order[0] == "35.09" and order[-1] == "35.16"  # Jember first, Kabupaten Mojokerto last
    _, by_count = _ranking(admin, "35", rank_by="took_part")
    assert by_count[0] == "35.09"
    ntt, order = _ranking(admin, "53")
    assert order[:2] == ["53.06", "53.03"]  # Flores Timur, then TTU
    ttu = next(r for r in ntt["rows"] if r["key"] == "53.03")
    assert ttu["participation_pct"] > 23 and ttu["target_pct"] == 18 and ttu["gap_pct"] > 5

    supervisor = _client(demo, "sup.jember")
    jember, order = _ranking(supervisor, "35.09", rank_by="took_part")
    rows = {r["key"]: r for r in jember["rows"]}
    assert (order[0], rows[order[0]]["took_part"]) == ("35.09.19", 4040)  # Kaliwates
    assert (order[-1], rows[order[-1]]["took_part"]) == ("35.09.25", 344)  # Jelbuk
    assert len(order) == 31 and jember["total"]["took_part"] == 36_464 and jember["total"]["target_pct"] == 50
    # The kabupaten's standing in its provinsi, without showing the other kabupaten's figures.
    assert jember["standing"] == {
        "rank": 1,
        "ranked": 38,
        "siblings": 38,
        "parent_code": "35",
        "parent_name": "Jawa Timur",
    }
    # Jemput bola helped some of those who took part, never more than took part, anywhere.
    assert 10 < jember["total"]["share_pct"] < 60
    assert all(r["share_pct"] is None or r["share_pct"] <= 100 for r in jember["rows"])

    province = _client(demo, "prov.ntt")
    assert _ranking(province, "53")[1][:2] == ["53.06", "53.03"]
    assert province.get("/api/v1/tallies", query_string={"area": "35"}).status_code == 404


def test_every_demo_figure_is_marked_and_nothing_arrives_after_the_present(demo):
    assert db.session.scalar(select(func.count()).where(~OfficialProgress.is_demo)) == 0
    assert db.session.scalar(select(func.count()).select_from(Target).where(~Target.is_demo)) == 0
    assert db.session.scalar(select(func.max(OfficialProgress.day))) == END
    present = datetime(END.year, END.month, END.day, 11, tzinfo=UTC)
    for model in (Assist, Outreach):
        latest = db.session.scalar(select(func.max(model.received_at)))
        assert latest <= present and db.session.scalar(select(func.max(model.device_time))) <= present


def test_the_silent_phones_are_the_ones_that_went_quiet(app):
    # Today's demo (the default): silence is measured from the real present, as the screen measures it.
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    last_record = dict(
        db.session.execute(select(Assist.owner_id, func.max(Assist.received_at)).group_by(Assist.owner_id)).all()
    )
    for device in db.session.scalars(select(Device)):
        if device.user_id in last_record:
            assert device.last_sync_at >= last_record[device.user_id]  # a record arrives only by a sync
    supervisor = _client(app, "sup.jember")
    rows = supervisor.get("/api/v1/tallies", query_string={"by": "enumerator"}).get_json()["rows"]
    silent = [r for r in rows if r["silent"]]
    assert 0 < len(silent) < len(rows) / 4
    day_ago = datetime.now(UTC) - timedelta(hours=24)
    for row in rows:
        last, synced = last_record.get(int(row["key"])), datetime.fromisoformat(row["last_sync_at"])
        # "Silent since X": nothing of theirs arrived after X, and X is over a day ago.
        assert last is None or last <= synced <= datetime.now(UTC), row
        assert (row["silent"] == "no_sync") == (synced < day_ago), row


def test_the_story_follows_the_chosen_end_date(app):
    end = date.today() - timedelta(days=1)
    assert app.test_cli_runner().invoke(args=["seed-demo", "--end-date", end.isoformat()]).exit_code == 0
    admin = _client(app, "admin")
    body = admin.get("/api/v1/tallies", query_string={"area": "35", "to": end.isoformat()}).get_json()
    assert body["rows"][0]["key"] == "35.09" and body["rows"][0]["official_as_of"] == end.isoformat()
