"""The registry's first screen read with plain sqlite3: the same rows as ``list_hotels``, derived columns
included; only when the schema is at head (an older database is upgraded by the normal opening first)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command

from hoteltv.db import engine as engine_module
from hoteltv.db.engine import DB_FILENAME, Database, alembic_config, current_revision, head_revision
from hoteltv.db.revision import quick_head
from hoteltv.domain import sites
from hoteltv.domain.divisions import DivisionList
from hoteltv.services import hotels as hotel_service
from hoteltv.services.demo import load_demo
from hoteltv.services.registry_rows import read_first_screen, registry_query


def test_the_head_read_without_alembic_is_alembics_head() -> None:
    assert quick_head() == head_revision()


def test_first_screen_rows_are_list_hotels_rows(file_db: Database, divisions: DivisionList) -> None:
    load_demo(file_db, divisions)
    expected = hotel_service.list_hotels(file_db)
    # The demo history gives every derived column a value somewhere, or the comparison proves little.
    assert any(h.last_inspection_at for h in expected) and any(h.last_result for h in expected)
    assert any(h.next_deadline for h in expected) and any(h.overdue for h in expected)
    assert file_db.path is not None
    first = read_first_screen(file_db.path)
    assert first is not None
    assert first.hotels == expected
    assert first.meta["device_id"] == file_db.device_id
    every = read_first_screen(file_db.path, site_kind=None)
    assert every is not None and every.hotels == hotel_service.list_hotels(file_db, site_kind=None)


def test_one_hotel_and_the_filters_use_the_same_query(file_db: Database, divisions: DivisionList) -> None:
    load_demo(file_db, divisions)
    hotel = hotel_service.list_hotels(file_db)[3]
    assert hotel_service.get_hotel(file_db, hotel.id) == hotel
    assert hotel_service.list_hotels(file_db, search=hotel.name) == [hotel]
    with pytest.raises(TypeError, match="colour"):
        registry_query(colour="red")
    sql, params = registry_query(site_kind=sites.DEFAULT, pilot=False)
    assert params == {"site_kind": sites.DEFAULT, "pilot": False} and sql.count(":site_kind") == 1


def test_an_older_schema_is_not_read_but_upgraded_first(tmp_path: Path, divisions: DivisionList) -> None:
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine

    from hoteltv.services.setup import open_home

    home = tmp_path / "home"
    home.mkdir()
    head = ScriptDirectory.from_config(alembic_config()).get_revision(head_revision())
    assert head is not None and isinstance(head.down_revision, str)
    old = create_engine(engine_module.sqlite_url(home / DB_FILENAME))
    with old.begin() as conn:  # the schema one migration before head, as an older program left it
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, head.down_revision)
    old.dispose()
    assert read_first_screen(home / DB_FILENAME) is None  # an older schema: the normal opening comes first
    assert read_first_screen(home / "missing.db") is None
    db, _settings, _divisions = open_home(home)
    try:
        assert current_revision(db.engine) == head_revision()
        load_demo(db, divisions)
        expected = hotel_service.list_hotels(db)
    finally:
        db.close()
    first = read_first_screen(home / DB_FILENAME)
    assert first is not None and first.hotels == expected and expected


def test_a_newer_schema_is_not_read(file_db: Database) -> None:
    with file_db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_newer'")
    assert file_db.path is not None and read_first_screen(file_db.path) is None
    assert engine_module.quick_head() != "9999_newer"


def test_the_first_screen_reader_loads_no_sqlalchemy() -> None:
    code = (
        "import sys, hoteltv.services.registry_rows; "
        "sys.exit(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'alembic'))) or None)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
