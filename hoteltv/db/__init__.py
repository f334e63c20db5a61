"""Database layer: typed SQLAlchemy models, engine/session set-up, Alembic migrations."""
