"""Django's SQLite backend with the host-parameter limit of current SQLite.

Django 5.2 assumes SQLite's historical limit of 999 parameters per statement, so bulk inserts
of wide rows (results and their history) go out in batches of a few dozen rows. SQLite has
allowed 32,766 since 3.32 (2020); using that keeps a 10,000-row import to a handful of
statements, as on PostgreSQL.
"""
