import ssl
from collections.abc import Iterator

import httpx
import pytest

from tests.support.linkage import LinkageServer, linkage_server

__all__ = ["http", "linkage_server"]


@pytest.fixture
def http(linkage_server: LinkageServer) -> Iterator[httpx.Client]:
    """A bare httpx client trusting the server's CA, with the terminal's token."""
    ctx = ssl.create_default_context(cafile=str(linkage_server.ca))
    headers = {"Authorization": f"Bearer {linkage_server.token}"}
    with httpx.Client(base_url=linkage_server.url, verify=ctx, headers=headers) as client:
        yield client
