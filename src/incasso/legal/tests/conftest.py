import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Documents and hand-over packages go to a temporary directory, never var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
