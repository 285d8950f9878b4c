"""A pytest plugin, loaded before any setting is read (pyproject.toml: addopts `-p samleng.pytest_devmode`):
the tests run in development mode (SAMLENG_DEBUG=1, settings.py) whoever starts pytest, as under
`python3 dev.py test`. Tests of production mode start Samleng in a process of its own."""

import os

os.environ.setdefault("SAMLENG_DEBUG", "1")
