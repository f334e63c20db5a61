"""The sync server database's schema: Alembic migrations (``hoteltv/sync/server/migrations``) applied
when the server opens its database, so a new hoteltv release upgrades an installed server in place.

* an empty database is brought to the newest revision;
* a database made before the server had migrations (every table of revision 0001, no version table) is
  recorded as 0001 and upgraded from there;
* a revision this program does not know (written by a newer hoteltv) is refused and left untouched, as
  is a database holding only some of the server's tables; other applications' tables are left alone.

On PostgreSQL the upgrade runs in one transaction under an advisory lock, so two server processes
starting together do not both migrate; on SQLite the write engine's ``BEGIN IMMEDIATE`` serialises them.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from hoteltv.db.engine import alembic_option
from hoteltv.errors import HoteltvError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "hoteltv_server_version"
#: The tables revision 0001 creates (what a server from before migrations holds).
BASELINE_TABLES = frozenset(
    {"batches", "blobs", "changes", "conflicts", "devices", "records", "server_state", "tokens", "users"}
)
_PG_LOCK_KEY = 0x686F74656C7476  # "hoteltv"


class ServerSchemaError(HoteltvError):
    """The server database cannot be used by this program (nothing was changed)."""


def _config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", alembic_option(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    rev = ScriptDirectory.from_config(_config()).get_current_head()
    assert rev is not None
    return rev


def current(connection: Connection) -> str | None:
    return MigrationContext.configure(
        connection, opts={"version_table": VERSION_TABLE}
    ).get_current_revision()


def upgrade_server_schema(engine: Engine, where: str) -> None:
    """Bring the server database at ``engine`` to the newest schema (see the module docstring)."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        cfg = _config(conn)
        script = ScriptDirectory.from_config(cfg)
        known = {rev.revision for rev in script.walk_revisions()}
        rev = current(conn)
        if rev is not None and rev not in known:
            raise ServerSchemaError(
                f"{where}: 服务器数据库由更新版本的 hoteltv 创建 (schema {rev}),请升级程序 (written by a newer "
                f"hoteltv; this program knows server schemas up to {head()}; the database was left untouched)"
            )
        if rev is None:
            tables = set(inspect(conn).get_table_names()) - {VERSION_TABLE}
            if tables and tables >= BASELINE_TABLES:
                command.stamp(cfg, "0001")  # made by create_all before the server had migrations
            elif tables & BASELINE_TABLES:
                missing = ", ".join(sorted(BASELINE_TABLES - tables))
                raise ServerSchemaError(
                    f"{where}: 数据库中有 hoteltv 服务器的部分表,缺少 {missing} (holds some hoteltv server "
                    f"tables but lacks {missing}; left untouched)"
                )
        command.upgrade(cfg, "head")
