"""Pages for people. Every mission page is under /missions/<slug>/."""

from django.urls import path

from . import views

app_name = "web"

E = "missions/<slug:slug>/strategy/<str:edition>"
EL = E + "/<str:kind>/<int:pk>"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("frameworks/", views.frameworks, name="frameworks"),
    path("notifications/", views.notices, name="notifications"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/tokens/", views.token_issue, name="token-issue"),
    path("people/memberships/<int:pk>/remove/", views.membership_remove, name="membership-remove"),
    path("people/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("missions/<slug:slug>/reporters/", views.reporters, name="reporters"),
    path("missions/<slug:slug>/reporters/<int:pk>/remove/", views.assignment_remove, name="assignment-remove"),
    path("missions/<slug:slug>/calendar/", views.reporting_calendar, name="reporting-calendar"),
    path("missions/<slug:slug>/", views.dashboard, name="dashboard"),
    path("missions/<slug:slug>/strategy/", views.strategy_latest, name="strategy-latest"),
    path(E + "/", views.strategy, name="strategy"),
    path(E + "/life-cycle/", views.edition, name="edition"),
    path(E + "/revisions/", views.revisions, name="revisions"),
    path(E + "/findings/", views.findings, name="findings"),
    # Indicator pages come before the element pages: "indicators/5/delete/" would match EL + "/delete/".
    path(E + "/indicators/<int:pk>/", views.edit_indicator, name="edit-indicator"),
    path(E + "/indicators/<int:pk>/baseline/", views.indicator_baseline, name="indicator-baseline"),
    path(E + "/indicators/<int:pk>/targets/", views.indicator_targets, name="indicator-targets"),
    path(E + "/indicators/<int:pk>/breakdowns/", views.indicator_breakdowns, name="indicator-breakdowns"),
    path(E + "/indicators/<int:pk>/breakdowns/<int:breakdown_pk>/remove/", views.remove_breakdown,
         name="remove-breakdown"),
    path(E + "/indicators/<int:pk>/delete/", views.delete_indicator, name="delete-indicator"),
    path(E + "/<str:kind>/add/", views.add_element, name="add-element"),
    path(EL + "/add/", views.add_child, name="add-child"),
    path(EL + "/delete/", views.delete_element, name="delete-element"),
    path(EL + "/indicators/add/", views.add_indicator, name="add-indicator"),
    path(EL + "/history/", views.element_history, name="element-history"),
    path(EL + "/edit/", views.edit_element, name="edit-element"),
    path(EL + "/linkages/add/", views.add_linkage, name="add-linkage"),
    path(EL + "/linkages/<int:linkage_pk>/remove/", views.remove_linkage, name="remove-linkage"),
    path(EL + "/risks/add/", views.add_risk, name="add-risk"),
    path(EL + "/risks/<int:risk_pk>/", views.update_risk, name="update-risk"),
    path(E + "/charts/status-matrix.svg", views.status_matrix, name="status-matrix"),
    path(E + "/charts/indicators/<int:pk>.svg", views.indicator_chart, name="indicator-chart"),
    path(E + "/export/", views.exports, name="exports"),
    path(E + "/export/<str:fmt>/", views.export_download, name="export-download"),
    path(E + "/report/", views.progress_report, name="progress-report"),
    path(E + "/downloads/<str:token>/", views.export_job, name="export-job"),
    path(E + "/downloads/<str:token>/file/", views.export_job_file, name="export-job-file"),
    path("missions/<slug:slug>/results/", views.results_entry, name="results"),
    path("missions/<slug:slug>/results/<int:pk>/", views.result_save, name="result-save"),
    path("missions/<slug:slug>/results/template/", views.results_template, name="results-template"),
    path("missions/<slug:slug>/results/lock/", views.period_lock, name="period-lock"),
    path("missions/<slug:slug>/approvals/", views.approvals, name="approvals"),
    path("missions/<slug:slug>/approvals/<int:pk>/", views.approval_decide, name="approval-decide"),
    path("missions/<slug:slug>/reviews/", views.reviews, name="reviews"),
    path("missions/<slug:slug>/reviews/<int:pk>/", views.review, name="review"),
    path("missions/<slug:slug>/reviews/<int:pk>/report/", views.review_report, name="review-report"),
    path("missions/<slug:slug>/reviews/<int:pk>/decide/", views.review_decide, name="review-decide"),
    path("missions/<slug:slug>/reviews/assessments/<int:pk>/", views.review_assess, name="review-assess"),
    path("missions/<slug:slug>/compare/", views.compare, name="compare"),
    path("missions/<slug:slug>/import/", views.import_upload, name="import"),
    path("missions/<slug:slug>/import/results/", views.import_results_upload, name="import-results"),
    path("missions/<slug:slug>/import/results/<str:token>/", views.import_results_preview, name="import-results-preview"),
    path("missions/<slug:slug>/import/<str:token>/", views.import_preview, name="import-preview"),
]
