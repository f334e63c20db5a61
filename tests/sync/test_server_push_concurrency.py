"""Pushes on PostgreSQL: batches of different divisions are applied at once, those of one division one
after the other, and sequence numbers are still given in commit order (a pull never skips a change that
commits later with a smaller number)."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select

from benchmarks.sync_sim import SimLaptop, add_accounts
from hoteltv.sync.protocol import PushRequest, PushResponse
from hoteltv.sync.server import service
from hoteltv.sync.server.auth import Caller, authenticate
from hoteltv.sync.server.models import ChangeLog, Record
from hoteltv.sync.server.store import ServerDB
from tests.sync.conftest import LONGYANG, TENGCHONG, database_url

WAIT_S = 20.0


def _callers(db: ServerDB, tokens: list[str]) -> list[Caller]:
    with db.read() as s:
        found = [authenticate(s, t) for t in tokens]
    return [f[0] for f in found if f is not None]


def _request(lap: SimLaptop) -> PushRequest:
    (body,) = lap.push_bodies()
    return PushRequest.model_validate(body)


class _Push(threading.Thread):
    def __init__(self, db: ServerDB, caller: Caller, req: PushRequest) -> None:
        super().__init__(daemon=True)
        self.db, self.caller, self.req = db, caller, req
        self.answer: PushResponse | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.answer = service.push(self.db, self.caller, self.req)
        except BaseException as exc:  # noqa: BLE001 — handed to the test
            self.error = exc


def test_divisions_push_at_once_and_numbers_follow_commits(tmp_path: Path) -> None:
    url = database_url("postgresql", tmp_path)
    accounts, _root = add_accounts(url, 3, [LONGYANG, TENGCHONG, LONGYANG])
    laps = [
        SimLaptop(n, token, code, inspections=2, photos_each=1, photo_bytes=2000, large_photo_bytes=0)
        for n, (code, token) in enumerate(accounts)
    ]
    for lap in laps:
        lap.build()
    db = ServerDB(url)
    try:
        longyang, tengchong, longyang2 = _callers(db, [t for _c, t in accounts])
        head0 = service.probe(db, longyang, "").head

        # A Longyang push is being applied (its transaction open, its division locked): a Tengchong push
        # goes through meanwhile, a second Longyang push waits for it.
        with db.push_write(longyang.division_ids) as held:
            other = _Push(db, tengchong, _request(laps[1]))
            same = _Push(db, longyang2, _request(laps[2]))
            other.start()
            same.start()
            other.join(WAIT_S)
            assert not other.is_alive() and other.error is None, other.error
            assert other.answer is not None and all(r.status == "applied" for r in other.answer.results)
            same.join(1.0)
            assert same.is_alive(), "a push of the same division ran while its division was locked"

            # The held transaction now takes its numbers: they come after the Tengchong push's, and a
            # push that takes numbers after it waits until it commits (numbers in commit order).
            taken = ServerDB.take_seqs(held, 3)
            assert taken == other.answer.head + 3
            later = _Push(db, tengchong, _request(_edited(laps[1])))
            later.start()
            later.join(1.0)
            assert later.is_alive(), "a push took numbers while a smaller number was not committed"
            same.join(1.0)
            assert same.is_alive()
        later.join(WAIT_S)
        same.join(WAIT_S)
        for push in (later, same):
            assert not push.is_alive() and push.error is None, push.error
            assert push.answer is not None and all(r.status == "applied" for r in push.answer.results)
        assert later.answer is not None and same.answer is not None
        # Every number given once and logged (the 3 the test took are not logged: a gap it made itself).
        seqs = [r.seq for push in (other, later, same) for r in push.answer.results]  # type: ignore[union-attr]
        assert len(seqs) == len(set(seqs)) and min(seqs) > head0
        assert min(r.seq for r in later.answer.results) > taken
        with db.read() as s:
            logged = set(s.scalars(select(ChangeLog.seq).where(ChangeLog.seq > head0)))
            assert set(seqs) <= logged and len(logged) == len(seqs)
            assert s.scalar(select(func.min(Record.seq))) > 0  # no provisional number was committed
            assert ServerDB.head(s) == max(taken, *seqs)
    finally:
        db.close()


def _edited(lap: SimLaptop) -> SimLaptop:
    lap.pending.clear()
    lap.edit(2)
    return lap


def test_push_that_collides_with_another_division_runs_again_alone(tmp_path: Path) -> None:
    """A new record another division's push is inserting at the same moment (the same id): the push is
    not a server error, it runs again alone and is answered by the merge rule."""
    url = database_url("postgresql", tmp_path)
    accounts, _root = add_accounts(url, 2, [LONGYANG, TENGCHONG])
    laps = [
        SimLaptop(n, token, code, inspections=0, photos_each=0, photo_bytes=100, large_photo_bytes=0)
        for n, (code, token) in enumerate(accounts)
    ]
    for lap in laps:
        lap.build()
    db = ServerDB(url)
    try:
        longyang, tengchong = _callers(db, [t for _c, t in accounts])
        req = _request(laps[1])
        (hotel,) = req.changes
        with db.push_write(longyang.division_ids) as held:
            held.add(
                Record(
                    entity="hotels",
                    id=hotel.id,
                    data={**hotel.values, "division_id": "longyang"},
                    version=1,
                    seq=ServerDB.take_seqs(held, 1),
                    division_id=next(iter(longyang.division_ids)),
                    hotel_id=hotel.id,
                )
            )
            held.flush()
            push = _Push(db, tengchong, req)
            push.start()
            push.join(1.0)
            assert push.is_alive()  # waits for the row (and the sequence lock) the held push has
        push.join(WAIT_S)
        assert not push.is_alive() and push.error is None, push.error
        assert push.answer is not None
        (result,) = push.answer.results
        assert (result.status, result.code) == ("refused", 403)  # the hotel is Longyang's now
    finally:
        db.close()
