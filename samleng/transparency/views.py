"""Views of transparency."""
