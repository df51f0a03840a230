"""Imports: a file staged for preview, then confirmed into the database, the same way for the web
pages, the API and the CLI (:mod:`icsplan.imports.services`)."""
