from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Reviews of a strategy edition: ratings, narratives, action items and frozen snapshots."""

    name = "icsplan.reviews"
    label = "reviews"
    verbose_name = "Reviews"
    default_auto_field = "django.db.models.BigAutoField"
