"""Alembic environment: runs on the connection hoteltv hands over (batch mode, for SQLite).

There is no URL to fall back on: ``hoteltv.db.engine.migrate`` opens the database itself (its path may
hold characters a URL string would escape) and passes the connection in ``config.attributes``."""

from alembic import context

from hoteltv.db.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("hoteltv migrations run through hoteltv.db.engine.migrate, on its connection")
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    context.run_migrations()


run()
