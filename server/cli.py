"""Flask commands (kebab-case): areas, the demo, users, the job worker, backups. Each command is one unit of work."""

import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from server import unit_of_work
from server.errors import Problem
from server.extensions import db
from server.models import Area, User
from server.models.user import ROLES


@click.command("seed-areas")
@with_appcontext
@click.option("--only", multiple=True, help="Load only these subtrees (e.g. 35.09); default: the whole country.")
@click.option("--if-empty", is_flag=True, help="Do nothing when areas are already loaded.")
def seed_areas_command(only, if_empty):
    """Load the Kemendagri area list from the pinned package (idempotent)."""
    from server.services import areas

    if if_empty and db.session.scalar(select(func.count()).select_from(Area)):
        click.echo("Areas already loaded; nothing to do.")
        return
    started = time.perf_counter()
    with unit_of_work.unit():
        count = areas.seed_subtree(only) if only else areas.seed_country()
    by_level = dict(db.session.execute(select(Area.level, func.count()).group_by(Area.level)).all())
    click.echo(
        f"{count} areas loaded in {time.perf_counter() - started:.1f}s: {by_level.get(1, 0)} provinsi, "
        f"{by_level.get(2, 0)} kabupaten/kota, {by_level.get(3, 0)} kecamatan, {by_level.get(4, 0)} desa/kelurahan"
    )


@click.command("seed-demo")
@with_appcontext
@click.option("--seed", default=2020, show_default=True, help="Random seed; the same seed gives the same demo.")
@click.option("--end-date", type=click.DateTime(["%Y-%m-%d"]), help="Last day of the demo (default today).")
@click.option("--assists", default=5000, show_default=True, help="About how many assists to create.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def seed_demo_command(seed, end_date, assists, if_empty):
    """Create the Jember + TTU demo (users, targets, 30 days of outreaches and assists)."""
    from server.services import areas, demo

    if demo.demo_present() or (if_empty and db.session.scalar(select(func.count()).select_from(User))):
        click.echo("Demo data or users already present; nothing to do.")
        return
    with unit_of_work.unit():
        if not db.session.get(Area, "35.09.19.1001") and not db.session.get(Area, "35.09.19"):
            areas.seed_subtree(demo.KABUPATEN)
        counts = demo.seed_demo(seed=seed, end=end_date.date() if end_date else None, assists_target=assists)
    click.echo(", ".join(f"{v} {k}" for k, v in counts.items()))


@click.command("create-user")
@with_appcontext
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--area", "areas", multiple=True, help="Area code of the scope; repeat for several.")
@click.option("--display-name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(username, role, areas, display_name, password):
    """Create a user (asks for the password when --password is not given)."""
    from server.services import users

    try:
        with unit_of_work.unit():
            user = users.create_user(username, role, password, areas, display_name)
    except Problem as exc:
        raise click.ClickException(f"{exc.problem}: {exc.errors}") from None
    click.echo(f"Created {user.role} {user.username} (id {user.id}).")


@click.command("import-areas")
@with_appcontext
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--dry-run", is_flag=True, help="Only check the file; load nothing.")
def import_areas_command(file, dry_run):
    """Load a coded area list (CSV: code, name, level, parent[, bps_code]); nothing unless every row is valid."""
    from server.services import areas

    try:
        with unit_of_work.unit():
            report = areas.import_areas(file.read(), dry_run)
    except Problem as exc:
        for line, fields in (exc.errors or {}).items():
            for field, messages in fields.items():
                click.echo(f"line {line}: {field}: {' '.join(messages)}", err=True)
        raise click.ClickException(f"{exc.problem}: nothing was loaded.") from None
    verb = "would load" if dry_run else "loaded"
    click.echo(f"{report['rows']} areas {verb}: {report['created']} new, {report['updated']} updated.")


@click.command("balancer-busy-page")
def balancer_busy_page_command():
    """Print the HTTP answer a load balancer sends when no app server can take a request (HAProxy errorfile)."""
    from server.gunicorn_errors import busy_page

    click.echo(busy_page().decode(), nl=False)


@click.group("jobs")
def jobs_group():
    """The job queue's worker and sweep."""


@jobs_group.command("worker")
@with_appcontext
@click.option("--workers", default=2, show_default=True, help="Jobs run at once by this process (threads).")
def jobs_worker_command(workers):
    """Run queued jobs until stopped (SIGINT/SIGTERM finish the running ones first)."""
    from server import jobs

    jobs.queue().consumer(workers).run()


@jobs_group.command("sweep")
@with_appcontext
def jobs_sweep_command():
    """Delete expired export files and queue silent jobs again now (the worker does it every minute)."""
    from server import jobs

    jobs.queue().sweep()


@click.group("backup")
def backup_group():
    """Back up the database and restore it."""


@backup_group.command("create")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
def backup_create_command(path):
    """Write a consistent backup of the app's database to PATH, while the app runs."""
    from server import backup

    backup.create(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    click.echo(f"backup written to {path}")


@backup_group.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Confirm that the current database is replaced.")
def backup_restore_command(path, yes):
    """Replace the app's database with the backup at PATH (stop the app servers first)."""
    from server import backup

    if not yes:
        raise click.UsageError("restoring replaces every record of the current database: add --yes")
    db.session.remove()
    db.engine.dispose()  # no connection of ours may hold the database while it is replaced
    backup.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    click.echo(f"database restored from {path}")


def init_app(app):
    """Register the commands."""
    commands = (seed_areas_command, seed_demo_command, create_user_command, import_areas_command)
    for command in (*commands, balancer_busy_page_command, jobs_group, backup_group):
        app.cli.add_command(command)
