from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "samleng.accounts"
    label = "accounts"
