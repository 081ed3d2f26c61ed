import pytest

from interlocal.opendata.tests import world as world_module


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the fixture's documents are written somewhere disposable
    settings.SITE_URL = "https://purchasing.example.org"
    settings.OCDS_PREFIX = "ocds-test01"
    return world_module.build()
