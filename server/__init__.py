"""Jemput Bola server: the application factory."""

import os
import secrets

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from server.config import INSTANCE_DIR, Config


class App(Flask):
    """Flask with one unit of work per request: a view that succeeds commits its work, once, at the end."""

    def dispatch_request(self):
        """Run the view; commit its unit of work when the answer is a success (errors roll it back)."""
        from server import unit_of_work

        response = self.make_response(super().dispatch_request())
        if response.is_streamed:
            # A streamed answer (an export) is a read that goes on after the view; its own code ends it.
            if unit_of_work.writing():
                raise RuntimeError("a view that writes must not stream its answer")
            return response
        # Committing here, inside dispatch, lets a failing commit (a lock timeout) become its problem answer.
        if response.status_code < 400:
            unit_of_work.finish()
        return response


def create_app(config=None):
    """Create and configure the Flask application."""
    app = App(__name__, instance_path=str(INSTANCE_DIR), static_folder=None)
    if isinstance(config, dict):
        app.config.from_object(Config)
        app.config.update(config)
    else:
        app.config.from_object(config or Config)
    _require_secret_key(app)
    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    os.makedirs(app.instance_path, exist_ok=True)

    from server import api as api_pkg
    from server import cli, compression, errors, health, jobs, logs, metrics, security, web
    from server.database import configure_engine, database_url, engine_options
    from server.extensions import api, db, login_manager, migrate

    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    if app.config.get("DATABASE_READ_URL"):
        replica = database_url(app.config["DATABASE_READ_URL"])
        app.config["SQLALCHEMY_BINDS"] = {**app.config.get("SQLALCHEMY_BINDS", {}), "replica": replica}
    logs.init_app(app)  # first: every answer, a refused one too, carries its request id
    db.init_app(app)
    migrate.init_app(app, db, directory=str(INSTANCE_DIR.parent / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    from server.api.blueprint import AreaCodeConverter, Int32Converter

    app.url_map.converters.update(area_code=AreaCodeConverter, int=Int32Converter)
    api.init_app(app, spec_kwargs={"info": {"description": "Offline-first log of census assistance."}})
    api.register_converter(AreaCodeConverter, lambda _c: {"type": "string", "pattern": f"^{AreaCodeConverter.regex}$"})
    api_pkg.register(api)
    app.before_request(api_pkg.refuse_undeclared_query)
    errors.register_error_handlers(app)
    security.init_app(app)
    compression.init_app(app)
    health.init_app(app)
    metrics.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    jobs.init_app(app)
    configure_engine(app)
    return app


MIN_SECRET_BYTES = 32


def _require_secret_key(app):
    # Anyone who knows the key can forge any session, an admin's included: no default, no short key.
    key = app.config.get("SECRET_KEY")
    if not key and app.config["ENV_NAME"] == "development":
        app.config["SECRET_KEY"] = _development_key()
        return
    if not key or len(key.encode()) < MIN_SECRET_BYTES:
        raise RuntimeError(
            f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_BYTES} bytes "
            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`); only JB_ENV=development "
            "runs without one."
        )
    if not app.config.get("PUBLIC_URL") and app.config["ENV_NAME"] != "development":
        raise RuntimeError("PUBLIC_URL must be set (e.g. https://sensus.example.go.id): sign-in links use it.")


def _development_key():
    # A random key kept in the instance folder: stable across restarts of `make run`, never in the source.
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        os.makedirs(INSTANCE_DIR, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
