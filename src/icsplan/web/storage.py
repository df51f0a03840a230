"""Static files with hashed names and compressed copies (WhiteNoise), served with far-future
cache headers; without ``collectstatic`` (tests, a fresh checkout) the plain names still work."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]


class StaticStorage(CompressedManifestStaticFilesStorage):
    """``CompressedManifestStaticFilesStorage`` that falls back to the unhashed name when the
    file was never collected: ``icsplan serve`` collects first, so production gets hashed,
    immutable URLs, while tests and development keep working from the apps' folders."""

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        """The hashed name from the manifest, or ``name`` when nothing was collected."""
        try:
            return super().stored_name(name)
        except ValueError:  # no manifest and no collected copy to hash
            return name

