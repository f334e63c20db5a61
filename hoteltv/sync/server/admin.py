"""Managing the server's users, tokens and devices (the ``hoteltv users/tokens/devices`` commands and the
admin endpoints both call these)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoteltv.domain.divisions import DivisionInfo, DivisionList
from hoteltv.errors import HoteltvError, NotFoundError
from hoteltv.sync.protocol import DeviceOut, TokenOut, UserIn, UserOut
from hoteltv.sync.server.auth import ROLES, bump_auth_generation, hash_token, new_token
from hoteltv.sync.server.models import Device, Record, Token, User, now
from hoteltv.sync.server.store import ServerDB


class AccountConflict(HoteltvError):
    """The account's state forbids it: the user exists already, or is disabled (HTTP 409)."""


def _forget_cached_tokens(db: ServerDB, s: Session) -> None:
    """This process forgets at once; the others when they see the auth generation move (within a second)."""
    bump_auth_generation(s)
    db.tokens.clear()


def _user_out(u: User) -> UserOut:
    return UserOut(
        name=u.name,
        role=u.role,
        divisions=list(u.divisions or []),
        display_name=u.display_name,
        active=u.active,
    )


def _check(s: Session, role: str, divisions: list[str]) -> None:
    if role not in ROLES:
        raise HoteltvError(f"未知角色 {role!r} (unknown role; one of: {', '.join(ROLES)})")
    if role == "inspector" and not divisions:
        raise HoteltvError("检查员账号须指定至少一个县区代码 (an inspector needs at least one division code)")
    known = {d.code for d in _server_divisions(s)}
    unknown = sorted(set(divisions) - known)
    if unknown:
        raise HoteltvError(
            f"服务器上没有县区代码 {', '.join(unknown)} (no such division on this server; "
            f"`hoteltv serve --divisions yunnan` adds a province's counties)"
        )


def _server_divisions(s: Session) -> list[DivisionInfo]:
    rows = s.scalars(select(Record.data).where(Record.entity == "divisions", Record.deleted.is_(False)))
    return [
        DivisionInfo(d["code"], str(d.get("name") or ""), tuple(str(a) for a in d.get("aliases") or ()))
        for d in rows
        if isinstance(d, dict) and isinstance(d.get("code"), str)  # an admin may have pushed any shape
    ]


def division_code(db: ServerDB, text: str) -> str:
    """The code of one of the server's counties named by code, name or alias (隆阳区, 腾冲县, 530502); a
    name two cities share is refused with both codes."""
    with db.read() as s:
        found = {d.code: d for d in _server_divisions(s) if DivisionList("", "", "", (d,)).find(text)}
    if len(found) == 1:
        return next(iter(found))
    if found:
        raise HoteltvError(
            f"县区 {text!r} 不唯一,请用代码:"
            + ", ".join(f"{d.code} {d.name}" for d in found.values())
            + " (ambiguous: give the code)"
        )
    raise HoteltvError(
        f"未知的县区 {text!r} (no such division on this server; "
        f"`hoteltv serve --divisions yunnan` adds a province's counties)"
    )


def add_user(db: ServerDB, data: UserIn) -> UserOut:
    with db.write() as s:
        _check(s, data.role, list(data.divisions))
        if s.scalars(select(User).where(User.name == data.name)).first() is not None:
            raise AccountConflict(f"用户 {data.name} 已存在 (user exists)")
        user = User(
            name=data.name,
            role=data.role,
            divisions=sorted(set(data.divisions)),
            display_name=data.display_name,
            active=True,
        )
        s.add(user)
        s.flush()
        return _user_out(user)


def _user(s: Session, name: str) -> User:
    user = s.scalars(select(User).where(User.name == name)).first()
    if user is None:
        raise NotFoundError(f"没有用户 {name} (no such user)")
    return user


def update_user(
    db: ServerDB,
    name: str,
    *,
    role: str | None = None,
    divisions: list[str] | None = None,
    active: bool | None = None,
) -> UserOut:
    with db.write() as s:
        user = _user(s, name)
        new_role = role or user.role
        new_divisions = sorted(set(divisions)) if divisions is not None else list(user.divisions or [])
        _check(s, new_role, new_divisions)
        user.role, user.divisions = new_role, new_divisions
        _forget_cached_tokens(db, s)
        if active is not None:
            user.active = active
            if not active:
                for tok in s.scalars(
                    select(Token).where(Token.user_id == user.id, Token.revoked_at.is_(None))
                ):
                    tok.revoked_at = now()
        return _user_out(user)


def list_users(db: ServerDB) -> list[UserOut]:
    with db.read() as s:
        return [_user_out(u) for u in s.scalars(select(User).order_by(User.name))]


def _token_out(t: Token, user: str, token: str | None = None) -> TokenOut:
    return TokenOut(
        id=t.id,
        user=user,
        token=token,
        prefix=t.prefix,
        created_at=t.created_at.isoformat(),
        revoked=t.revoked_at is not None,
    )


def issue_token(db: ServerDB, name: str, label: str = "") -> TokenOut:
    """A new token for a user; the token itself is in the answer only (the server keeps its hash)."""
    token = new_token()
    with db.write() as s:
        user = _user(s, name)
        if not user.active:
            raise AccountConflict(f"用户 {name} 已停用 (user is disabled)")
        row = Token(user_id=user.id, token_hash=hash_token(token), prefix=token[:10], label=label)
        s.add(row)
        s.flush()
        return _token_out(row, user.name, token)


def revoke_token(db: ServerDB, token_id: int | None = None, token: str | None = None) -> TokenOut:
    with db.write() as s:
        if token is not None:
            row = s.scalars(select(Token).where(Token.token_hash == hash_token(token))).first()
        else:
            row = s.get(Token, token_id)
        if row is None:
            raise NotFoundError("没有这个令牌 (no such token)")
        if row.revoked_at is None:
            row.revoked_at = now()
        _forget_cached_tokens(db, s)
        user = s.get(User, row.user_id)
        return _token_out(row, user.name if user else "")


def list_tokens(db: ServerDB) -> list[TokenOut]:
    with db.read() as s:
        users = {u.id: u.name for u in s.scalars(select(User))}
        return [_token_out(t, users.get(t.user_id, "")) for t in s.scalars(select(Token).order_by(Token.id))]


def list_devices(db: ServerDB) -> list[DeviceOut]:
    with db.read() as s:
        users = {u.id: u.name for u in s.scalars(select(User))}
        return [
            DeviceOut(
                device_id=d.device_id,
                user=users.get(d.user_id, ""),
                name=d.name,
                first_seen=d.first_seen.isoformat(),
                last_seen=d.last_seen.isoformat(),
                last_push=d.last_push.isoformat() if d.last_push else None,
                last_pull=d.last_pull.isoformat() if d.last_pull else None,
                last_seq=d.last_seq,
            )
            for d in s.scalars(select(Device).order_by(Device.last_seen.desc()))
        ]
