"""Enables the ``pytester`` fixture for the plugin tests.

``pytest_plugins = ["pytester"]`` here would break ``pytest .`` (pytest refuses
``pytest_plugins`` in a conftest below the rootdir when it is loaded during
collection), so the plugin is registered when this conftest is configured.
"""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")
