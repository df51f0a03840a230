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


def collect_if_stale() -> bool:
    """Run ``collectstatic`` when nothing was collected yet or an asset changed since; True if it ran.

    Compressing every asset (Django's admin, Swagger UI) takes seconds to a minute on a busy
    machine, so ``icsplan serve`` starts at once when the collected copies are current."""
    import os

    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.core.management import call_command

    manifest = os.path.join(settings.STATIC_ROOT, "staticfiles.json")
    try:
        collected = os.path.getmtime(manifest)
    except OSError:
        collected = None
    if collected is not None:
        newest = 0.0
        for finder in finders.get_finders():
            for path, storage in finder.list([]):
                newest = max(newest, os.path.getmtime(storage.path(path)))
        if newest <= collected:
            return False
    call_command("collectstatic", interactive=False, verbosity=0)
    return True
