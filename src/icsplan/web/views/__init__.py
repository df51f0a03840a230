"""Pages for people. Views stay thin: they find what the person may see through ``web.access``,
call services for every change, and render templates."""

from .auth import SignInView, SignOutView
from .calendar import reporting_calendar
from .charts import indicator_chart, status_matrix
from .edit import add_linkage, add_risk, edit_element, remove_linkage, update_risk
from .editions import edition, findings, revisions
from .exports import export_download, exports, progress_report
from .jobs import export_job, export_job_file
from .framework import add_child, add_element, delete_element
from .history import element_history
from .indicators import (
    add_indicator,
    delete_indicator,
    edit_indicator,
    indicator_baseline,
    indicator_breakdowns,
    indicator_targets,
    remove_breakdown,
)
from .imports import import_job, import_preview, import_results_preview, import_results_upload, import_upload
from .missions import dashboard, health, home
from .notices import notices
from .people import assignment_remove, membership_remove, people, person, reporters, token_issue, token_revoke
from .results import approval_decide, approvals, period_lock, result_save, results_entry, results_template
from .reviews import compare, review, review_assess, review_decide, review_report, reviews
from .strategy import frameworks, strategy, strategy_latest

__all__ = [
    "SignInView", "SignOutView", "edition", "findings", "revisions", "add_linkage", "add_risk", "approval_decide", "approvals", "result_save", "dashboard", "edit_element",
    "element_history", "export_download", "exports", "frameworks", "health", "home", "import_preview",
    "import_job", "import_results_preview", "import_results_upload", "import_upload", "indicator_chart", "progress_report", "status_matrix", "remove_linkage", "results_entry", "strategy", "strategy_latest", "update_risk",
    "add_child", "add_element", "delete_element", "add_indicator", "delete_indicator", "edit_indicator",
    "indicator_baseline", "indicator_breakdowns", "indicator_targets", "remove_breakdown", "period_lock",
    "results_template", "compare", "review", "review_assess", "review_decide", "review_report", "reviews",
    "results_template", "assignment_remove", "membership_remove", "people", "person", "reporters", "token_issue",
    "token_revoke", "reporting_calendar", "notices", "export_job", "export_job_file",
]
