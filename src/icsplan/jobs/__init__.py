"""Long work off the request path: PDF/DOCX exports and progress reports as background tasks.

``services.start`` finds the cached file for the data as it is now or queues a task
(``tasks.make_file``) through django-tasks: the immediate backend on the embedded SQLite default
(the file is made before the request returns), the database backend plus ``icsplan worker`` on
PostgreSQL. ``core.stamps.edition_stamp`` (the same stamp the pages use) keys the cache.
"""
