"""Collecting the static assets (hashed names, compressed copies) when they changed."""

from __future__ import annotations


def collect_if_stale() -> bool:
    """Run ``collectstatic`` when nothing was collected yet or an asset changed since; True if it ran.

    Compressing every asset (Django's admin, Swagger UI) takes seconds to a minute on a busy
    machine, so ``icsplan serve`` starts at once when the collected copies are current."""
    import fcntl
    import os

    from django.conf import settings

    # Two processes starting on one data folder (two `icsplan serve`, or the tests' two workers)
    # would otherwise compress into the same files at once and read each other's half-written
    # copies: one collects, the other waits and then finds the collection current.
    # The lock sits beside the collection, not in it, so that it is never served.
    static_root = os.fspath(settings.STATIC_ROOT)
    os.makedirs(static_root, exist_ok=True)
    with open(os.path.join(os.path.dirname(static_root), ".static-collect.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _collect_unless_current(static_root)


def _collect_unless_current(static_root: str) -> bool:
    import os

    from django.contrib.staticfiles import finders
    from django.core.management import call_command

    manifest = os.path.join(static_root, "staticfiles.json")
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
