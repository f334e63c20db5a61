"""The sync server's FastAPI application: ``create_app(database_url, photo_dir)``.

Every endpoint but ``/healthz`` needs ``Authorization: Bearer <token>``; the laptop names itself with the
``X-Hoteltv-Device`` header. Request bodies are pydantic models with bounded sizes, and a body larger than
:data:`~hoteltv.sync.protocol.MAX_BODY_BYTES` is refused (413) before it is read whole. The OpenAPI
document is at ``/openapi.json`` (browsable at ``/docs``). The protocol is described in ``docs/sync.md``.

(No ``from __future__ import annotations`` here: FastAPI reads the endpoint annotations at run time.)
"""

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Match

from hoteltv import __version__
from hoteltv.domain.divisions import DivisionList
from hoteltv.errors import HoteltvError, NotFoundError
from hoteltv.sync.protocol import (
    API_PREFIX,
    LINEAGE_COPIED,
    LINEAGE_HEADER,
    LINEAGE_NEXT_HEADER,
    LINEAGE_SAME,
    MAX_BODY_BYTES,
    MAX_COUNTER,
    MAX_LINEAGE,
    MAX_PULL,
    CheckResponse,
    ConflictOut,
    DeviceOut,
    DivisionCode,
    Entity,
    HashList,
    Hello,
    MissingPhotos,
    PhotoBatchResult,
    PullResponse,
    PushRequest,
    PushResponse,
    RecordId,
    RemoteRecord,
    ResolveRequest,
    Sha256,
    StatusRequest,
    StatusResponse,
    TokenOut,
    UploadState,
    UserIn,
    UserName,
    UserOut,
    lineage_copied,
    lineage_token,
    lineage_tokens,
    unframe,
)
from hoteltv.sync.server import admin, releases, service
from hoteltv.sync.server.admin import AccountConflict
from hoteltv.sync.server.auth import Caller, auth_generation, authenticate
from hoteltv.sync.server.metrics import CONTENT_TYPE, MetricsMiddleware, ServerMetrics, is_loopback
from hoteltv.sync.server.models import Token, now
from hoteltv.sync.server.photos import BlobStore
from hoteltv.sync.server.responses import document_bearer_auth, errors
from hoteltv.sync.server.service import Refused
from hoteltv.sync.server.store import ServerDB

DEVICE_HEADER = "X-Hoteltv-Device"
#: Pushes one worker process applies at once on PostgreSQL (each holds a database connection and a thread).
PUSHES_AT_ONCE = 4
#: Installers are published as the raw body here (bounded by releases.MAX_RELEASE_BYTES, streamed to disk).
RELEASES_PATH = f"{API_PREFIX}/releases"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class _BodyLimit:
    """Refuse request bodies over a limit (413) without reading them whole; photo uploads are exempt
    (they stream to disk and are bounded by their declared size)."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") == "PUT" or scope.get("path") == RELEASES_PATH:
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await _too_large(send)
                return
        seen = 0
        over = False

        async def limited() -> MutableMapping[str, Any]:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    over = True
                    raise _TooLarge
            return message

        async def answer(message: MutableMapping[str, Any]) -> None:
            if not over:  # FastAPI answers a body it could not read with 400: the 413 below replaces it
                await send(message)

        with contextlib.suppress(_TooLarge):
            await self.app(scope, limited, answer)
        if over:
            await _too_large(send)


class _TooLarge(Exception):
    pass


async def _too_large(send: Send) -> None:
    body = b'{"detail":"request body too large"}'
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


#: Photo bytes travel as the raw request or answer body (see the protocol), not JSON.
_BINARY = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
_BINARY_BODY: dict[str, Any] = {
    "requestBody": {
        "required": False,  # an empty batch, or a resume call with nothing more, is answered too
        "content": _BINARY,
    }
}
_BINARY_ANSWER: dict[str, Any] = {"description": "The photo file", "content": _BINARY}


class FetchRequest(BaseModel):
    entity: Entity
    ids: list[RecordId] = Field(max_length=MAX_PULL)


class UserPatch(BaseModel):
    role: Literal["inspector", "office", "admin"] | None = None
    divisions: list[DivisionCode] | None = Field(default=None, max_length=100)
    active: bool | None = Field(default=None, strict=True)


def create_app(database_url: str, photo_dir: Path | str, *, divisions: DivisionList | None = None) -> FastAPI:
    """The server application over a database (SQLite or PostgreSQL URL) and a photo folder."""
    db = ServerDB(database_url, divisions)
    blobs = BlobStore(Path(photo_dir))
    meter = ServerMetrics()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        db.close()
        meter.process_ended()

    app = FastAPI(
        lifespan=lifespan,
        title="hoteltv sync server",
        version=__version__,
        description="Offline-first sync of hotel-TV inspections. See docs/sync.md.",
    )
    app.state.db = db
    app.state.blobs = blobs
    app.state.metrics = meter

    @app.exception_handler(Refused)
    async def _refused(_request: Request, exc: Refused) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, status_code=exc.code)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:
            # Starlette names only the first route's methods in Allow; a path has one route per method.
            allowed: set[str] = set()
            for route in app.router.routes:
                match, _child = route.matches(request.scope)
                if match != Match.NONE and isinstance(route, APIRoute):
                    allowed |= route.methods or set()
            exc.headers = {**(exc.headers or {}), "Allow": ", ".join(sorted(allowed))}
        return await http_exception_handler(request, exc)

    @app.exception_handler(HoteltvError)
    async def _core_error(_request: Request, exc: HoteltvError) -> JSONResponse:
        status = 404 if isinstance(exc, NotFoundError) else 409 if isinstance(exc, AccountConflict) else 400
        return JSONResponse({"detail": exc.message}, status_code=status)

    def _authenticate(token: str) -> Caller | None:
        found = db.tokens.get(token)
        if found is None:
            with db.read() as s:
                found = authenticate(s, token)
            if found is not None:
                db.tokens.put(token, found)
        if found is None:
            return None
        who, token_id, stale = found
        if stale:
            with db.write(sequenced=False) as s:
                tok = s.get(Token, token_id)
                if tok is not None:
                    tok.last_used_at = now()
            db.tokens.put(token, (who, token_id, False))  # noted: not again for every cached request
        return who

    async def caller(request: Request) -> Caller:
        # A token seen in the last seconds is answered from memory on the event loop: every request
        # needs this, and a trip through the thread pool costs more than the rest of a small request.
        auth = request.headers.get("authorization", "")
        if not auth.lower().startswith("bearer "):
            raise HTTPException(401, "需要令牌 (a bearer token is required)", {"WWW-Authenticate": "Bearer"})
        token = auth[7:].strip()
        if db.tokens.due():  # another process may have revoked a token: forget what we knew (≤ 1 s)
            await run_in_threadpool(db.tokens.watch, lambda: _generation(db))
        cached = db.tokens.get(token)
        if cached is not None and not cached[2]:
            who: Caller | None = cached[0]
        else:
            who = await run_in_threadpool(_authenticate, token)
        if who is None:
            raise HTTPException(
                401, "令牌无效或已吊销 (invalid or revoked token)", {"WWW-Authenticate": "Bearer"}
            )
        return who

    def admin_only(who: Annotated[Caller, Depends(caller)]) -> Caller:
        if not who.is_admin:
            raise HTTPException(403, "只有管理员可以管理用户 (admin only)")
        return who

    CallerDep = Annotated[Caller, Depends(caller)]
    AdminDep = Annotated[Caller, Depends(admin_only)]
    DeviceDep = Annotated[str, Header(alias=DEVICE_HEADER, max_length=36, pattern=r"^[0-9A-Za-z_-]*$")]
    LineageDep = Annotated[str, Header(alias=LINEAGE_HEADER, max_length=40 * MAX_LINEAGE)]
    LineageNextDep = Annotated[str, Header(alias=LINEAGE_NEXT_HEADER, max_length=40)]
    P = API_PREFIX
    RowId = Annotated[int, PathParam(ge=1, le=MAX_COUNTER)]

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        """Prometheus text format; from the server machine itself (loopback) or with an admin token."""
        if not is_loopback(request.client.host if request.client else None):
            admin_only(await caller(request))
        return Response(meter.render(), media_type=CONTENT_TYPE)

    @app.get(f"{P}/hello", response_model=Hello, responses=errors(401, 422))
    async def hello(who: CallerDep, device: DeviceDep = "", lineage: LineageDep = "") -> Response:
        """Who the caller is and the server's head; the ``X-Hoteltv-Conflicts`` header changes whenever a
        conflict the caller sees is added or settled. A laptop with nothing to send whose last check
        saw this head and this stamp has nothing to do (its whole sync is this one request)."""
        # Two short reads on the event loop for SQLite (a thread-pool trip costs more than they do);
        # the device's "last seen" write, at most once a minute, goes to the pool.
        if db.is_sqlite:
            probe = service.probe(db, who, device)
        else:
            probe = await run_in_threadpool(service.probe, db, who, device)
        if probe.touch:
            await run_in_threadpool(service.touch_device, db, who, device)
        headers = {service.CONFLICTS_HEADER: probe.conflicts}
        if device:  # a copied data folder is told here, before it pulls or pushes anything
            copied = lineage_copied(probe.lineage, lineage_tokens(lineage))
            headers[LINEAGE_HEADER] = LINEAGE_COPIED if copied else LINEAGE_SAME
        answer = Hello(
            server_id=db.server_id,
            server_version=__version__,
            head=probe.head,
            user=who.name,
            role=who.role,
            divisions=sorted(who.division_codes),
        )
        # The model's own JSON, as the push answers: every sync asks this, and FastAPI would validate
        # the model again and encode it through its generic encoder.
        return Response(answer.model_dump_json().encode(), media_type="application/json", headers=headers)

    #: Pushes enter the database a few at a time per process (one on SQLite, which writes one at a time):
    #: on PostgreSQL pushes of different divisions are applied at once, those of one division queue for its
    #: lock; a push waiting here holds neither a worker thread nor a database connection, so pulls, checks
    #: and photos of other laptops go on while a wave of first syncs is being applied.
    push_gate = asyncio.Semaphore(1 if db.is_sqlite else PUSHES_AT_ONCE)

    @app.post(f"{P}/sync/push", response_model=PushResponse, responses=errors(400, 401, 409, 413, 422))
    async def push(
        req: PushRequest, who: CallerDep, lineage: LineageDep = "", leaving: LineageNextDep = ""
    ) -> Response:
        if req.demo:
            raise HTTPException(422, "演示数据不能上传到服务器 (demo records are never accepted)")
        line = service.Lineage(tuple(lineage_tokens(lineage)), lineage_token(leaving))
        async with push_gate:
            answer = await run_in_threadpool(service.push, db, who, req, line)
        meter.pushed(answer)
        # The model's own JSON (the same fields as the response model documents): FastAPI would dump it,
        # validate it again and encode it — about 5 ms for an answer of 500 changes instead of 1.
        return Response(answer.model_dump_json().encode(), media_type="application/json")

    @app.get(f"{P}/sync/pull", response_model=PullResponse, responses=errors(401, 422))
    def pull(
        who: CallerDep,
        since: Annotated[int, Query(ge=0, le=MAX_COUNTER)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PULL)] = MAX_PULL,
        device: DeviceDep = "",
    ) -> Response:
        # JSON made by the service (see service.pull_json), not validated and encoded again here.
        out = service.pull_json(db, who, device, since, limit)
        meter.pulled.inc(out.count)
        if not out.more:
            service.touch_device(db, who, device, pulled_to=out.next)
        return Response(out.body, media_type="application/json")

    @app.get(f"{P}/sync/check", response_model=CheckResponse, responses=errors(401))
    def check(who: CallerDep) -> CheckResponse:
        return service.check(db, who)

    @app.get(f"{P}/sync/manifest/{{entity}}", responses=errors(401, 422))
    def manifest(entity: Entity, who: CallerDep) -> list[tuple[str, int, bool]]:
        return service.manifest(db, who, entity)

    @app.post(f"{P}/sync/fetch", response_model=list[RemoteRecord], responses=errors(400, 401, 413, 422))
    def fetch(req: FetchRequest, who: CallerDep) -> list[RemoteRecord]:
        return service.fetch(db, who, req.entity, req.ids)

    @app.post(f"{P}/sync/status", response_model=StatusResponse, responses=errors(400, 401, 413, 422))
    def status(req: StatusRequest, who: CallerDep) -> StatusResponse:
        return service.inspection_status(db, who, req.inspection_ids)

    @app.get(f"{P}/records/{{entity}}/{{rid}}", response_model=RemoteRecord, responses=errors(401, 404, 422))
    def record(entity: Entity, rid: RecordId, who: CallerDep) -> RemoteRecord:
        return service.get_record(db, who, entity, rid)

    # --- photos ---------------------------------------------------------------------------------------------
    @app.post(f"{P}/photos/missing", response_model=MissingPhotos, responses=errors(400, 401, 413, 422))
    def photos_missing(req: HashList, who: CallerDep) -> MissingPhotos:
        wanted = sorted(set(req.sha256))
        with db.read() as s:
            known = service.referenced_hashes(s, who, wanted)
            held = blobs.present(s, sorted(known))
            missing = [h for h in wanted if h in known and h not in held]
        return MissingPhotos(missing=missing, unknown=[h for h in wanted if h not in known])

    def _may_touch(s: Session, who: Caller, sha256: str) -> None:
        # A file that no photo record in the caller's scope uses is answered exactly like a file nobody
        # uses: a 403 would tell that a record outside the caller's divisions has it.
        if not service.referenced_hashes(s, who, [sha256]):
            raise Refused(404, service.NO_SUCH_PHOTO)

    @app.post(
        f"{P}/photos/batch",
        response_model=PhotoBatchResult,
        responses=errors(401, 413, 422),
        openapi_extra=_BINARY_BODY,
    )
    async def upload_batch(request: Request, who: CallerDep) -> PhotoBatchResult:
        """Many small photos in one request (frames, see the protocol); each verified by its hash."""
        body = await request.body()
        meter.photo_in.labels("batch").inc(len(body))
        try:
            frames = unframe(body)
        except ValueError as exc:
            raise Refused(422, f"照片批量数据格式错误或不完整 (malformed or truncated batch: {exc})") from exc

        def store() -> PhotoBatchResult:
            # Hashes are checked and files written and flushed (once for the whole batch) before the
            # short write transaction that records them.
            result = PhotoBatchResult(stored=[])
            hashes = sorted({sha for sha, _ in frames})
            with db.read() as s:
                known = service.referenced_hashes(s, who, hashes)
                held = blobs.present(s, sorted(known))
            todo: list[tuple[str, bytes]] = []
            for sha, data in frames:
                if sha not in known:
                    result.refused[sha] = service.NO_SUCH_PHOTO
                elif hashlib.sha256(data).hexdigest() != sha:
                    result.refused[sha] = "照片内容与校验值不符 (content does not match its SHA-256)"
                else:
                    if sha not in held:
                        todo.append((sha, data))
                    result.stored.append(sha)
            if todo:
                blobs.write_many(todo)
                with db.write(sequenced=False) as s:  # no wait on the sequence lock pushes hold
                    blobs.record_many(s, todo)
            return result

        return await run_in_threadpool(store)

    @app.get(f"{P}/photos/{{sha256}}/upload", response_model=UploadState, responses=errors(401, 404, 422))
    def upload_state(sha256: Sha256, who: CallerDep) -> UploadState:
        with db.read() as s:
            _may_touch(s, who, sha256)
            return blobs.state(s, sha256)

    @app.put(
        f"{P}/photos/{{sha256}}",
        response_model=UploadState,
        responses=errors(401, 404, 409, 413, 422),
        openapi_extra=_BINARY_BODY,
    )
    async def upload(
        sha256: Sha256,
        request: Request,
        who: CallerDep,
        offset: Annotated[int, Query(ge=0)] = 0,
        total: Annotated[int, Query(ge=1)] = 1,
    ) -> UploadState:
        def done_already() -> UploadState | None:
            with db.read() as s:
                _may_touch(s, who, sha256)
                return blobs.state(s, sha256) if blobs.has(s, sha256) else None

        existing = await run_in_threadpool(done_already)
        if existing is not None:
            return existing

        def finish() -> UploadState:
            with db.write(sequenced=False) as s:
                return blobs.finish(s, sha256, total)

        def stored_meanwhile() -> UploadState | None:
            with db.read() as s:
                return blobs.state(s, sha256) if blobs.has(s, sha256) else None

        # One upload of a file at a time, across worker processes: a second one waits, then resumes.
        async with blobs.uploading(sha256):
            existing = await run_in_threadpool(stored_meanwhile)
            if existing is not None:
                return existing
            with contextlib.suppress(ClientDisconnect):  # what arrived is kept; the client resumes from there
                await blobs.receive(sha256, offset, total, meter.count_photo_bytes(request.stream()))
            return await run_in_threadpool(finish)

    @app.get(
        f"{P}/photos/{{sha256}}",
        response_class=FileResponse,
        responses={200: _BINARY_ANSWER, **errors(401, 404, 422)},
    )
    def download(sha256: Sha256, who: CallerDep) -> FileResponse:
        with db.read() as s:
            _may_touch(s, who, sha256)
            if not blobs.has(s, sha256):
                raise Refused(404, "服务器还没有这张照片 (the server does not have this photo yet)")
        meter.photo_out.inc(blobs.store.size(sha256) or 0)
        return FileResponse(blobs.store.path(sha256), media_type="application/octet-stream")

    # --- conflicts ---------------------------------------------------------------------------------------
    @app.get(f"{P}/conflicts", response_model=list[ConflictOut], responses=errors(401, 422))
    def conflicts(
        who: CallerDep, status: str | None = Query("open", max_length=16, pattern=r"^[a-z]*$")
    ) -> list[ConflictOut]:
        return service.list_conflicts(db, who, status or None)

    @app.post(
        f"{P}/conflicts/{{conflict_id}}/resolve",
        response_model=ConflictOut,
        responses=errors(400, 401, 403, 404, 413, 422),
    )
    def resolve(conflict_id: RowId, req: ResolveRequest, who: CallerDep) -> ConflictOut:
        return service.resolve_conflict(db, who, conflict_id, req)

    # --- administration ----------------------------------------------------------------------------------
    @app.get(f"{P}/users", response_model=list[UserOut], responses=errors(401, 403))
    def users(_who: AdminDep) -> list[UserOut]:
        return admin.list_users(db)

    @app.post(
        f"{P}/users", response_model=UserOut, status_code=201, responses=errors(400, 401, 403, 409, 413, 422)
    )
    def add_user(data: UserIn, _who: AdminDep) -> UserOut:
        return admin.add_user(db, data)

    @app.patch(f"{P}/users/{{name}}", response_model=UserOut, responses=errors(400, 401, 403, 404, 413, 422))
    def patch_user(name: UserName, data: UserPatch, _who: AdminDep) -> UserOut:
        return admin.update_user(db, name, role=data.role, divisions=data.divisions, active=data.active)

    @app.post(
        f"{P}/users/{{name}}/tokens",
        response_model=TokenOut,
        status_code=201,
        responses=errors(401, 403, 404, 409, 422),
    )
    def issue(name: UserName, _who: AdminDep) -> TokenOut:
        return admin.issue_token(db, name)

    @app.delete(f"{P}/tokens/{{token_id}}", response_model=TokenOut, responses=errors(401, 403, 404, 422))
    def revoke(token_id: RowId, _who: AdminDep) -> TokenOut:
        return admin.revoke_token(db, token_id)

    @app.get(f"{P}/devices", response_model=list[DeviceOut], responses=errors(401, 403))
    def devices(_who: AdminDep) -> list[DeviceOut]:
        return admin.list_devices(db)

    app.include_router(releases.make_router(db, Path(photo_dir).parent / "releases", caller, admin_only))

    document_bearer_auth(app)
    app.add_middleware(_BodyLimit, limit=MAX_BODY_BYTES)
    app.add_middleware(MetricsMiddleware, metrics=meter)  # outermost: counts the body limit's 413 too
    return app


def _generation(db: ServerDB) -> int:
    with db.read() as s:
        return auth_generation(s)
