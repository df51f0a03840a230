"""The audit trail: sign-ins, failed sign-ins, exports of SBU content and other events that are
not model changes (``AuditEvent``), merged with django-simple-history's records of every model
change into one trail per mission (``reader``)."""
