"""Schema upgrades: a backup before upgrading, and every released schema's database upgrades to head."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

import hoteltv.db.engine as engine_module
from hoteltv.db.engine import DB_FILENAME, Database, head_revision
from hoteltv.domain.divisions import DivisionList
from hoteltv.services import hotels as hotel_service

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

NEXT_REVISION = '''"""test-only: add a column"""
from alembic import op
import sqlalchemy as sa

revision = "9000_test"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hotels") as batch:
        batch.add_column(sa.Column("test_only", sa.String(10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("hotels") as batch:
        batch.drop_column("test_only")
'''


def test_upgrade_backs_up_first_and_keeps_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, divisions: DivisionList
) -> None:
    home = tmp_path / "home"
    db = Database.open(home)
    from hoteltv.services.setup import ensure_divisions

    ensure_divisions(db, divisions)
    hotel_service.create_hotel(
        db, hotel_service.HotelInput(name="升级前的酒店", division_code="隆阳区"), divisions
    )
    db.close()
    old_head = head_revision()
    # A newer program: the same migrations plus one more.
    scripts = tmp_path / "migrations"
    shutil.copytree(engine_module.MIGRATIONS, scripts)
    (scripts / "versions" / "9000_test.py").write_text(NEXT_REVISION.format(head=old_head), encoding="utf-8")
    monkeypatch.setattr(engine_module, "MIGRATIONS", scripts)

    upgraded = Database.open(home)
    backups = list((home / "backups").glob("hoteltv-before-9000_test-*.db"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == old_head
        assert conn.execute("SELECT name FROM hotels").fetchall() == [("升级前的酒店",)]
    with upgraded.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "9000_test"
        assert conn.exec_driver_sql("SELECT name, test_only FROM hotels").fetchall() == [
            ("升级前的酒店", None)
        ]
    upgraded.close()


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("schema_*.db")))
def test_released_schema_fixture_upgrades_to_head(tmp_path: Path, fixture: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(FIXTURES / fixture, home / DB_FILENAME)
    db = Database.open(home)
    assert db.integrity_problems() == []
    hotels = hotel_service.list_hotels(db)
    assert len(hotels) == 40 and sum(h.pilot for h in hotels) == 35
    from hoteltv.services.summary import summarize

    assert summarize(db).total == 35
    db.close()


def test_there_is_a_fixture_for_the_current_schema() -> None:
    assert (FIXTURES / f"schema_{head_revision()}.db").is_file(), (
        "add tests/fixtures/schema_<rev>.db for a new schema"
    )


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("schema_*.db")))
def test_stored_content_hashes_still_verify_after_upgrade(tmp_path: Path, fixture: str) -> None:
    from hoteltv.db.models import Inspection
    from hoteltv.io.inspection_json import hash_document, inspection_document

    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(FIXTURES / fixture, home / DB_FILENAME)
    db = Database.open(home)
    with db.reading() as s:
        finalized = [i for i in s.query(Inspection).all() if i.status == "finalized"]
        assert finalized
        for insp in finalized:
            assert hash_document(inspection_document(insp)) == insp.content_hash
    db.close()
