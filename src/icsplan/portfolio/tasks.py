"""Background tasks of the portfolio views (django-tasks), and the hook that queues them."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task, task_backends
from django_tasks.backends.immediate import ImmediateBackend

from . import embeddings


@task()
def embed_objectives() -> int:
    """Compute the missing or stale objective embeddings (``embeddings.embed_stale``)."""
    if not embeddings.enabled():
        return 0
    return embeddings.embed_stale()


def _enqueue() -> None:
    embed_objectives.enqueue()


def objective_saved(sender, instance, **kwargs) -> None:
    """post_save of an objective: enqueue one ``embed_objectives`` task when the transaction commits
    (one per transaction, however many objectives it saved) on a queueing backend (the database
    one, run by ``icsplan worker``). The immediate backend would compute inside the web request:
    there ``icsplan embeddings`` does it."""
    if isinstance(task_backends["default"], ImmediateBackend) or not embeddings.enabled():
        return
    connection = transaction.get_connection()
    if any(entry[1] is _enqueue for entry in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue, robust=True)
