"""Receiving an uploaded file without storing more of it than the limit.

``LimitedUploadHandler`` runs first among Django's upload handlers (settings.FILE_UPLOAD_HANDLERS):
it passes on the first ``max_bytes + 1`` bytes of each file and drops the rest as it streams by,
so a 2 GB upload never lands in memory or on disk; :func:`read_upload` then sees a file one byte
over the limit and refuses it with the usual sentence (HTTP 413 in the API, a form error on the web).
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler

from icsplan.errors import Location, UploadTooLarge
from icsplan.ingest.uploads import clean_name, human_size

from .services import limits


class LimitedUploadHandler(FileUploadHandler):
    """Keep at most ``max_bytes + 1`` bytes of any uploaded file (the reader limits' size)."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self._cap = limits().max_bytes + 1

    def receive_data_chunk(self, raw_data, start):
        if start >= self._cap:
            return None  # beyond the cap: later handlers never see it
        return raw_data[: self._cap - start]

    def file_complete(self, file_size):
        return None  # the next handler builds the file


def read_upload(upload) -> bytes:
    """The bytes of an uploaded file, refused (``UploadTooLarge``) over the size limit."""
    cap = limits().max_bytes
    if upload is None:
        return b""
    data = upload.read(cap + 1)
    if len(data) > cap:
        raise UploadTooLarge(f"The file is larger than the limit: at most {human_size(cap)} is accepted.",
                             where=Location(file=clean_name(getattr(upload, "name", None))))
    return data
