"""The API keeps no tables of its own: import previews are ``icsplan.imports.models.StagedImport``,
shared with the web pages."""
