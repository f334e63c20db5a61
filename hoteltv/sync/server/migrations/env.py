"""Alembic environment of the sync server's database (SQLite or PostgreSQL), on the connection the server
hands over; its own version table, so it never mixes with a laptop database's migrations."""

from typing import Any

from alembic import context
from sqlalchemy import create_engine

from hoteltv.sync.server.models import ServerBase

VERSION_TABLE = "hoteltv_server_version"

config = context.config
target_metadata = ServerBase.metadata


def run() -> None:
    options: dict[str, Any] = {
        "target_metadata": target_metadata,
        "version_table": VERSION_TABLE,
        "render_as_batch": True,
    }
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(str(config.get_main_option("sqlalchemy.url")))
        with engine.begin() as conn:
            context.configure(connection=conn, **options)
            context.run_migrations()
        return
    context.configure(connection=connection, **options)
    context.run_migrations()


run()
