"""The server database's schema is managed by Alembic: a new database is made by the migrations and
matches the models exactly, a database from before the migrations is adopted, and a newer or partial one
is refused untouched (on SQLite and on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from hoteltv.sync.server.app import create_app
from hoteltv.sync.server.models import ServerBase
from hoteltv.sync.server.schema import BASELINE_TABLES, VERSION_TABLE, ServerSchemaError, head
from hoteltv.sync.server.store import ServerDB, normalise_url
from tests.sync.conftest import database_url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return database_url(request.param, tmp_path)


def _rows(url: str, sql: str) -> list[tuple]:
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def test_a_new_database_is_made_by_the_migrations_and_matches_the_models(url: str) -> None:
    db = ServerDB(url)
    try:
        with db.write_engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
            assert ctx.get_current_revision() == head()
            diffs = compare_metadata(ctx, ServerBase.metadata)
        assert diffs == [], diffs  # a model change without a migration fails here
    finally:
        db.close()


def test_a_database_from_before_the_migrations_is_adopted_with_its_data(url: str, tmp_path: Path) -> None:
    engine = create_engine(normalise_url(url))
    # What the first release did on start (its tables only: later ones come from later migrations).
    ServerBase.metadata.create_all(
        engine, tables=[t for name, t in ServerBase.metadata.tables.items() if name in BASELINE_TABLES]
    )
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE devices DROP COLUMN lineage"))  # a column of revision 0003
        conn.execute(
            text(
                "INSERT INTO users (name, role, divisions, display_name, active, created_at) "
                "VALUES ('old', 'admin', '[]', '', true, CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()
    app = create_app(url, tmp_path / "photos")
    app.state.db.close()
    assert _rows(url, f"SELECT version_num FROM {VERSION_TABLE}") == [(head(),)]
    assert _rows(url, "SELECT name FROM users") == [("old",)]


def test_a_newer_schema_is_refused_untouched(url: str) -> None:
    ServerDB(url).close()
    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999'"))
    engine.dispose()
    before = _rows(url, "SELECT key, value, text FROM server_state ORDER BY key")
    with pytest.raises(ServerSchemaError, match="newer hoteltv"):
        ServerDB(url)
    assert _rows(url, f"SELECT version_num FROM {VERSION_TABLE}") == [("9999",)]
    assert _rows(url, "SELECT key, value, text FROM server_state ORDER BY key") == before


def test_a_partial_server_database_is_refused_untouched(url: str) -> None:
    engine = create_engine(normalise_url(url))
    ServerBase.metadata.tables["users"].create(engine)
    engine.dispose()
    with pytest.raises(ServerSchemaError, match="lacks"):
        ServerDB(url)
    engine = create_engine(normalise_url(url))
    try:
        assert set(inspect(engine).get_table_names()) == {"users"}
    finally:
        engine.dispose()
