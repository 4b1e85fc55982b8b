"""Flask extensions, created unbound and bound to the app in `create_app`."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_static_digest import FlaskStaticDigest
from flask_wtf import CSRFProtect
from sqlalchemy import CursorResult, MetaData, Result
from sqlalchemy.orm import DeclarativeBase

# Constraint names identical on SQLite and PostgreSQL, so migrations can drop them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed (Session.execute is typed as a plain Result)."""
    return cast(CursorResult[Any], result).rowcount or 0


def utcnow() -> datetime:
    """Now, in UTC, as a naive datetime (stored the same way on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


# Objects keep their values after a commit: a view that shows what it just stored (a
# reference, a status) does not read it back from the database.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate(render_as_batch=True, compare_type=True)
login = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
static_digest = FlaskStaticDigest()

# Models subclass Model. Flask-SQLAlchemy builds db.Model at run time, which mypy cannot use as
# a base class ("Name db.Model is not defined"); it checks them against the declarative base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
