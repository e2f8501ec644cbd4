"""The clinicwatch database: schema and migrations (schema), writes (store), reads (queries)."""

from .schema import DatabaseError, default_db_path, open_db

__all__ = ["DatabaseError", "default_db_path", "open_db"]
