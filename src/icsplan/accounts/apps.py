from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "icsplan.accounts"
    label = "accounts"
    verbose_name = "People, missions and bureaus"
