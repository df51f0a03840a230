"""The REST API (django-ninja): ``icsplan.api.api.api`` is mounted at ``/api/v1/``."""
