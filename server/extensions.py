"""Extensions, created unbound and attached to the app in create_app()."""

from flask import g, has_app_context
from flask_compress import Compress
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session
from sqlalchemy import MetaData

from server.api.spec import ProblemApi

# Named constraints so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class _Session(Session):
    """Sends the reads of a use case that asked for the replica (unit_of_work.from_replica) there."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        """Return the replica's engine for such a read, else the primary's (or the given bind)."""
        if bind is None and has_app_context() and g.get("jb_replica") and not g.get("jb_writes"):
            return self._db.engines["replica"]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING), session_options={"class_": _Session})
migrate = Migrate()
login_manager = LoginManager()
api = ProblemApi()
compress = Compress()
