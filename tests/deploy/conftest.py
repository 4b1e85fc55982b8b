"""The deployment as shipped, for the tests of this folder: gunicorn with production settings
(TRUSTED_PROXIES=1) behind deploy/nginx.conf, started once for the folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fixtures.services import free_port
from tests.site_processes import Front, nginx_front, running_site, site_database


@pytest.fixture(scope="package")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Front, str]]:
    """The running pair and the URL of the site's database."""
    folder = tmp_path_factory.mktemp("nginx")
    https = free_port()
    production = {"APP_ENV": "production", "TRUSTED_PROXIES": "1",
                  "SITE_URL": f"https://127.0.0.1:{https}"}
    with site_database(folder) as url, running_site(
            folder, url, workers=1, **production) as site, nginx_front(
            folder, site.port, https) as front:
        yield front, url


@pytest.fixture
def front(deployed: tuple[Front, str]) -> Front:
    """nginx in front of gunicorn, as deployed."""
    return deployed[0]
