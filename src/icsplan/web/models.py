"""The web pages keep no tables of their own: uploads waiting for confirmation are
``icsplan.imports.models.StagedImport``, shared with the API."""
