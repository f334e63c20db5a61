"""The sync server: FastAPI app (:func:`hoteltv.sync.server.app.create_app`), its tables, auth and admin.

Needs the ``server`` extra (fastapi, uvicorn, psycopg); the laptop side of sync does not import it.
"""
