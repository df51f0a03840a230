"""The database wrapper that settings use for SQLite (see the package docstring)."""

import sqlite3

from django.db.backends.sqlite3 import base, features

# Never more than the library this Python was built against allows.
_LIMIT = min(32766, sqlite3.connect(":memory:").getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))


class DatabaseFeatures(features.DatabaseFeatures):
    max_query_params = _LIMIT


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
