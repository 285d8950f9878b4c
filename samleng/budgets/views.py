"""Views of budgets."""
