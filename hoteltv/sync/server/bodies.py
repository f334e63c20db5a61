"""Request bodies parsed and validated by pydantic-core in one pass, for the routes that take large ones.

FastAPI reads a JSON body with :func:`json.loads` and then validates the Python objects against the
route's model; for a push of 500 changes the two cost the server's event loop more than twice what
:meth:`pydantic.BaseModel.model_validate_json` takes for the same bytes (one pass in Rust, no
intermediate objects). :func:`parsed_body_route` makes a route class whose requests answer FastAPI's
``request.json()`` with the model itself, already validated; FastAPI's own validation then takes the
instance as it is.

Nothing else changes: FastAPI still decides by the ``Content-Type`` whether the body is JSON at all, the
route still declares its body model (the OpenAPI document is the same), and a body the one-pass parse
refuses — invalid JSON, a value that does not fit, anything ``json.loads`` would read differently — goes
FastAPI's ordinary way, so every refusal is exactly FastAPI's (the same status, the same 422 details).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response


class _ModelRequest(Request):
    """A request whose JSON body is read straight into ``model`` (see the module docstring)."""

    def __init__(self, request: Request, model: type[BaseModel]) -> None:
        super().__init__(request.scope, request.receive)
        self._model = model
        self._parsed: BaseModel | None = None

    async def json(self) -> Any:
        """The body as a validated ``model``; the ordinary parse when the one-pass parse refuses it."""
        if self._parsed is None:
            try:
                self._parsed = self._model.model_validate_json(await self.body())
            except ValidationError:
                return await super().json()
        return self._parsed


def parsed_body_route(model: type[BaseModel]) -> type[APIRoute]:
    """A route class (``route_class_override``) whose JSON body is parsed into ``model`` in one pass; the
    route's body parameter must be of type ``model``."""

    class ParsedBodyRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def parsed(request: Request) -> Response:
                return await handler(_ModelRequest(request, model))

            return parsed

    return ParsedBodyRoute
