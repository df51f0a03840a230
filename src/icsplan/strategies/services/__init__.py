"""Every change to a strategy's structure goes through these functions.

Views, API handlers, importers and the CLI call the same services; each validates, writes and
records history in one transaction. Reading an edition back into the canonical document model
lives here too (``load_strategy``), so all output paths share one loader.

The package is split along its seams (missions, importing, loading, fields, rows, edits,
lifecycle, revisions, findings); this module re-exports the public names so callers keep writing
``from icsplan.strategies import services``.
"""

from __future__ import annotations

from .missions import (
    current_edition,
    current_editions,
    ensure_framework_catalogue,
    find_mission,
    find_strategy,
    get_or_create_mission,
)
from .importing import (
    IMPORT_STAGES,
    edition_label,
    import_strategy,
    require_import,
)
from .loading import (
    LOAD_STAGES,
    load_strategy,
)
from .fields import (
    EDITABLE_FIELDS,
    MAX_TEXT,
    MAX_TITLE,
    RISK_FIELDS,
    clean_changes,
    clean_value,
    doc_location,
    lower_markings,
    problem,
)
from .rows import (
    actor_user,
    check_version,
    lock,
    models_max,
    name_of,
    require_edit,
    save_row,
    stamp,
)
from .edits import (
    add_linkage,
    add_risk,
    create_element,
    create_objective,
    delete_element,
    remove_linkage,
    remove_risk,
    update_element,
    update_risk,
    update_strategy,
)
from .lifecycle import (
    approve_strategy,
    archive_edition,
    copy_edition,
    proposer_of,
    publish_edition,
    return_edition,
    submit_edition,
    transition_edition,
)
from .gate import (
    applying_revision,
    revision_gate,
)
from .revisions import (
    CHANGES,
    KIND_MODELS,
    Change,
    propose_change,
    register_change,
    REVISION_MODELS,
    approve_revision,
    in_force,
    propose_revision,
    reject_revision,
    revision_element,
    revisions_awaiting,
)
from .findings import (
    accept_framework_wording,
    edition_findings,
)

__all__ = [
    "CHANGES",
    "Change",
    "KIND_MODELS",
    "applying_revision",
    "propose_change",
    "register_change",
    "revision_gate",
    "EDITABLE_FIELDS",
    "IMPORT_STAGES",
    "LOAD_STAGES",
    "MAX_TEXT",
    "MAX_TITLE",
    "REVISION_MODELS",
    "RISK_FIELDS",
    "accept_framework_wording",
    "actor_user",
    "add_linkage",
    "add_risk",
    "approve_revision",
    "approve_strategy",
    "archive_edition",
    "check_version",
    "clean_changes",
    "clean_value",
    "copy_edition",
    "create_element",
    "create_objective",
    "current_edition",
    "current_editions",
    "delete_element",
    "doc_location",
    "edition_findings",
    "edition_label",
    "ensure_framework_catalogue",
    "find_mission",
    "find_strategy",
    "get_or_create_mission",
    "import_strategy",
    "in_force",
    "load_strategy",
    "lock",
    "lower_markings",
    "models_max",
    "name_of",
    "problem",
    "propose_revision",
    "proposer_of",
    "publish_edition",
    "reject_revision",
    "remove_linkage",
    "remove_risk",
    "require_edit",
    "require_import",
    "return_edition",
    "revision_element",
    "revisions_awaiting",
    "save_row",
    "stamp",
    "submit_edition",
    "transition_edition",
    "update_element",
    "update_risk",
    "update_strategy",
]
