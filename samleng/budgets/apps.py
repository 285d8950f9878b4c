from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "samleng.budgets"
    label = "budgets"
