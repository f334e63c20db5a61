"""The error answers of the sync API, declared so the OpenAPI document lists every status a route can give.

Every refusal has the body ``{"detail": …}``: a message (Chinese, then English in parentheses) for the
server's own refusals, or FastAPI's list of field errors when a request does not match its schema (422).
Routes declare theirs with ``responses=errors(401, 403, …)``; :func:`document_bearer_auth` adds the bearer
token scheme every route but ``/healthz`` requires.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

#: What each status means on this server (the description in the OpenAPI document).
MEANING: dict[int, str] = {
    400: "Refused by the server's rules (e.g. an unknown role, a user that exists or does not exist)",
    401: "No bearer token, or an unknown, revoked or disabled user's token",
    403: "Outside the caller's role or divisions",
    404: "No such record, conflict or photo",
    409: "Conflicts with what the server holds (another device's batch key, a resume offset)",
    413: "Request body or declared photo size too large",
    422: "The request does not match the schema, or its content is invalid",
}


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(BaseModel):
    """A refused request: ``detail`` is the reason, or the list of field errors of an invalid request."""

    detail: str | list[FieldError]


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route that can refuse with ``codes``."""
    return {code: {"model": ErrorOut, "description": MEANING[code]} for code in codes}


def document_bearer_auth(app: Any) -> None:
    """Declare in the OpenAPI document that every operation needs ``Authorization: Bearer <token>``
    (checked by the app's ``caller`` dependency, which reads the header itself)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        doc = build()  # FastAPI's, cached on the app after the first call
        if "security" not in doc:
            doc.setdefault("components", {})["securitySchemes"] = {
                "bearer": {"type": "http", "scheme": "bearer", "description": "hoteltv tokens issue USER"}
            }
            doc["security"] = [{"bearer": []}]
        return doc

    app.openapi = openapi
