"""Collecting the static assets (hashed names, compressed copies) when they changed."""

from __future__ import annotations


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
