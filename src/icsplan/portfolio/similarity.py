"""Similar objectives across missions, and suggested framework linkages, by TF-IDF (pure Python).

* **Text**: an objective's title, its framework title and its justification *when the
  justification is public*. SBU text never enters the counts, so a similarity score cannot reveal
  anything about SBU text to someone who may not read it.
* **Stored**: each objective's term counts are stored (``ObjectiveTerms``) with the digest of the
  text they came from; a read recounts only the objectives whose text changed since. Inverse
  document frequencies are computed at read time over the objectives compared, so they always
  match the corpus the reader sees.
* **Who sees what**: the objective itself through ``get_restricted`` (not found and forbidden
  alike), and candidates among the editions in force the actor may read (``restrict``) of *other*
  missions.
* **Method**: with the optional ``embeddings`` extra installed (``embeddings.enabled()``) and the
  objective's embedding stored and current, candidates are ranked by the cosine of their stored
  sentence embeddings (candidates whose embedding is missing or stale are left out and counted in
  ``Ranking.pending``); otherwise by TF-IDF. ``Ranking.method`` says which ran, and the page and
  the API show it.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from icsplan.accounts.actors import is_system, require_actor
from icsplan.accounts.permissions import get_restricted, restrict
from icsplan.accounts.roles import Action
from icsplan.strategies import models as sm
from icsplan.strategies.services import current_editions

from . import embeddings
from .models import ObjectiveTerms
from .objective_text import public_text, text_digest

__all__ = ["Ranking", "Similar", "Suggestion", "public_text", "similar_objectives", "stored_terms", "terms_of"]

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
STOP = frozenset("""the and for with that this from into their its are was were will has have had not but all any
our out who which while through such other than then them they these those more most over also can each per
including include includes ensure support supports supported increase increased improve improved strengthen
mission objective goal goals objectives united states government""".split())


def terms_of(text: str) -> Counter[str]:
    """Word counts of ``text``: letters only, three or more, lower case, without common words; a
    plural "s" is dropped so "elections" and "election" are one term."""
    words = (w.casefold() for w in _WORD.findall(text or ""))
    return Counter(w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w
                   for w in words if w.casefold() not in STOP)


def stored_terms(objectives: list[Any]) -> dict[int, dict[str, int]]:
    # Objectives, or rows with the same columns (``_Candidate``).
    """Term counts of ``objectives``: read from storage, recounted (and stored) where the text changed."""
    stored = {row.objective_id: row for row in ObjectiveTerms.objects.filter(objective_id__in=[o.pk for o in objectives])}
    out: dict[int, dict[str, int]] = {}
    new, changed = [], []
    for objective in objectives:
        text = public_text(objective)
        digest = text_digest(text)
        row = stored.get(objective.pk)
        if row is not None and row.digest == digest:
            out[objective.pk] = row.terms
            continue
        terms = dict(terms_of(text))
        out[objective.pk] = terms
        if row is None:
            new.append(ObjectiveTerms(objective_id=objective.pk, digest=digest, terms=terms))
        else:
            row.digest, row.terms = digest, terms
            changed.append(row)
    if new:
        ObjectiveTerms.objects.bulk_create(new, ignore_conflicts=True)
    if changed:
        ObjectiveTerms.objects.bulk_update(changed, ["digest", "terms"])
    return out


def _vectors(terms: dict[int, dict[str, int]]) -> dict[int, dict[str, float]]:
    documents = len(terms) or 1
    frequency: Counter[str] = Counter()
    for counts in terms.values():
        frequency.update(counts.keys())
    out = {}
    for pk, counts in terms.items():
        vector = {t: (1 + math.log(n)) * math.log((1 + documents) / (1 + frequency[t])) for t, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        out[pk] = {t: v / norm for t, v in vector.items()}
    return out


@dataclass
class Similar:
    """An objective of another mission and how similar it is (cosine, 0 to 1)."""

    objective: sm.Objective
    score: float
    shared: list[str]  # the terms that weigh most in the match

    @property
    def anchor(self) -> str:
        return f"objective-{self.objective.number}".replace(".", "-")


@dataclass
class Suggestion:
    """A framework linkage the similar objectives use."""

    tag: str
    score: float
    used_by: int


TFIDF = "tf-idf"
EMBEDDINGS = "embeddings"
METHOD_LABELS = {TFIDF: "TF-IDF over public text",
                 EMBEDDINGS: f"sentence embeddings ({embeddings.MODEL_NAME}) of public text"}


@dataclass
class Ranking:
    """What ``similar_objectives`` found, and how."""

    objective: sm.Objective
    similar: list[Similar]
    suggestions: list[Suggestion]
    method: str  # TFIDF or EMBEDDINGS
    pending: int = 0  # candidates left out: their embedding is not computed yet (EMBEDDINGS only)

    @property
    def method_label(self) -> str:
        return METHOD_LABELS[self.method]


_COMPARED = ("id", "strategy_id", "number", "title", "framework_title", "justification", "justification_sensitivity")


@dataclass
class _Candidate:
    """The columns of a candidate objective that ranking reads (no model instance: a Department has
    2,000 of them, and only the few shown become ``Objective`` rows)."""

    id: int
    strategy_id: int
    number: str
    title: str
    framework_title: str
    justification: str
    justification_sensitivity: str

    @property
    def pk(self) -> int:
        return self.id


def _by_tfidf(objective: sm.Objective, candidates: list[Any]) -> list[Similar]:
    vectors = _vectors(stored_terms([objective, *candidates]))
    mine = vectors[objective.pk]
    scored = []
    for candidate in candidates:
        other = vectors[candidate.pk]
        shared = {t: mine[t] * other[t] for t in mine.keys() & other.keys()}
        score = sum(shared.values())
        if score > 0:
            heaviest = [t for t, _w in sorted(shared.items(), key=lambda kv: -kv[1])[:5]]
            scored.append(Similar(candidate, round(score, 4), heaviest))
    return scored


def _by_embeddings(objective: sm.Objective, candidates: list[Any]) -> tuple[list[Similar], int] | None:
    """Ranked by stored embeddings, or None when the objective's own is not current."""
    import numpy as np

    vectors = embeddings.current_vectors([objective, *candidates],
                                         strategies={objective.strategy_id, *(c.strategy_id for c in candidates)})
    mine = vectors.get(objective.pk)
    if mine is None:
        return None
    ready = [c for c in candidates if c.pk in vectors]
    if not ready:
        return [], len(candidates)
    scores = np.stack([vectors[c.pk] for c in ready]) @ mine
    found = [Similar(c, round(float(score), 4), []) for c, score in zip(ready, scores, strict=True) if score > 0]
    return found, len(candidates) - len(ready)


def similar_objectives(objective_id: int, *, actor, limit: int = 5) -> Ranking:
    """The objective, the ``limit`` most similar objectives of other missions the actor may read,
    (when the objective links to nothing) linkages suggested from those of similar objectives, and
    the method that ranked them."""
    require_actor(actor)
    base = sm.Objective.objects.select_related("strategy__mission")
    if is_system(actor):
        objective = base.get(pk=objective_id)
    else:
        objective = get_restricted(base, actor, Action.VIEW_PUBLIC, pk=objective_id)
    # Only the columns read: a Department's 2,000 objectives are loaded on every call.
    editions = (sm.Strategy.objects.select_related("mission").exclude(mission_id=objective.strategy.mission_id)
                .only("id", "mission_id", "edition", "status", "created_at", "mission__id", "mission__country",
                      "mission__slug"))
    if not is_system(actor):
        editions = restrict(editions, actor, Action.VIEW_PUBLIC)
    by_id = {s.pk: s for s in current_editions(editions).values()}
    candidates = [_Candidate(*row) for row in sm.Objective.objects.filter(strategy_id__in=by_id).values_list(*_COMPARED)]
    countries = {pk: s.mission.country for pk, s in by_id.items()}
    method, pending = TFIDF, 0
    ranked = _by_embeddings(objective, candidates) if embeddings.enabled() else None
    if ranked is not None:
        (scored, pending), method = ranked, EMBEDDINGS
    else:
        scored = _by_tfidf(objective, candidates)
    scored.sort(key=lambda s: (-s.score, countries[s.objective.strategy_id], s.objective.number))
    scored = scored[:max(limit, 20)]  # the shown ones, and the nearest 20 for suggestions
    rows = sm.Objective.objects.in_bulk([s.objective.pk for s in scored])
    for found in scored:
        found.objective = rows[found.objective.pk]
        found.objective.strategy = by_id[found.objective.strategy_id]
    suggestions: list[Suggestion] = []
    if not sm.Linkage.objects.filter(objective=objective).exists():
        weights: dict[str, float] = defaultdict(float)
        users: Counter[str] = Counter()
        nearest = {s.objective.pk: s.score for s in scored[:20]}
        for link in sm.Linkage.objects.filter(objective_id__in=nearest).values("objective_id", "tag"):
            score = nearest[link["objective_id"]]
            weights[link["tag"]] += score
            users[link["tag"]] += 1
        suggestions = [Suggestion(tag, round(weight, 4), users[tag])
                       for tag, weight in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:5]]
    return Ranking(objective, scored[:limit], suggestions, method, pending)
