"""Jemput Bola server: the application factory."""

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from server.config import INSTANCE_DIR, Config


def create_app(config=None):
    """Create and configure the Flask application."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), static_folder=None)
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
    from server import cli, compression, errors, security, web
    from server.database import configure_engine
    from server.extensions import api, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(INSTANCE_DIR.parent / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    api.init_app(app, spec_kwargs={"info": {"description": "Offline-first log of census assistance."}})
    api_pkg.register(api)
    errors.register_error_handlers(app)
    security.init_app(app)
    compression.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    configure_engine(app)
    return app


def _require_secret_key(app):
    if app.config.get("SECRET_KEY"):
        return
    if app.config["ENV_NAME"] == "development":
        # A fixed key is fine on a developer's machine and nowhere else.
        app.config["SECRET_KEY"] = "dev-only-insecure-key"  # noqa: S105
        return
    raise RuntimeError("SECRET_KEY must be set outside development (JB_ENV=production)")
