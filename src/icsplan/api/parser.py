"""Reading a JSON request body, refusing what no endpoint should have to handle.

django-ninja calls :meth:`JsonBodyParser.parse_body` only for operations that take a JSON body, so
this is where a body meant for another endpoint is told apart: each refusal is an icsplan error
that ``icsplan.api.errors`` turns into problem+json —

    415 unsupported-media-type  not ``application/json`` (a multipart form sent to a JSON endpoint),
                                or a charset other than UTF-8, or UTF-16 bytes
    413 too-large               more than ``ICSPLAN_API_MAX_JSON_BYTES``
    400 invalid-json            not JSON (NaN and Infinity are not JSON either), or not UTF-8
    400 too-deep                arrays/objects nested deeper than the reader limits' ``json_max_depth``
    400 invalid-character       a NUL character in any string or key (no text field can store one)
"""

from __future__ import annotations

import codecs
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.parser import Parser

from icsplan import errors as e
from icsplan.ingest.uploads import human_size, json_depth

from .errors import UnsupportedMediaType

_UTF8 = {"utf-8", "utf8"}


def _not_json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _has_nul(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class JsonBodyParser(Parser):
    """ninja's parser with content-type, size, encoding, depth and NUL checks on JSON bodies."""

    def parse_body(self, request: HttpRequest) -> Any:
        media_type = (request.content_type or "").lower()
        if media_type != "application/json" and not media_type.endswith("+json"):
            raise UnsupportedMediaType(f"This endpoint reads a JSON body (application/json); the request was sent "
                                       f"as {media_type or 'no content type'}.")
        charset = (request.content_params or {}).get("charset", "utf-8").lower()
        if charset not in _UTF8:
            raise UnsupportedMediaType(f"JSON bodies must be UTF-8; the request declares {charset}.")
        limit = settings.ICSPLAN_API_MAX_JSON_BYTES
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > limit:
            raise e.UploadTooLarge(f"The request body is {human_size(declared)}, larger than the limit: at most "
                                   f"{human_size(limit)} of JSON is accepted.")
        body = request.body
        if len(body) > limit:
            raise e.UploadTooLarge(f"The request body is larger than the limit: at most {human_size(limit)} of JSON "
                                   "is accepted.")
        if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in body:
            raise UnsupportedMediaType("The body is not UTF-8 (it looks like UTF-16); send JSON as UTF-8.")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise e.InputError(f"The body is not UTF-8 (bad byte at offset {exc.start}).", code="invalid-json") from None
        max_depth = settings.ICSPLAN_READER_LIMITS.json_max_depth
        try:
            value = json.loads(text, parse_constant=_not_json_constant)
        except RecursionError:
            raise e.InputError(f"The JSON body is nested deeper than {max_depth} levels.", code="too-deep") from None
        except ValueError as exc:
            where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
            message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            raise e.InputError(f"The body is not valid JSON: {message}{where}.", code="invalid-json") from None
        if json_depth(value) > max_depth:
            raise e.InputError(f"The JSON body is nested deeper than {max_depth} levels.", code="too-deep")
        if _has_nul(value):
            raise e.InputError("The JSON body contains a NUL character (\\u0000), which no field accepts.",
                               code="invalid-character")
        return value
