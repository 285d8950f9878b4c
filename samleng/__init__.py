"""Samleng (សំឡេង, "voice"): a platform for civil-society organisations that help citizens hold local
government to account."""
