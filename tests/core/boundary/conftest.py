from tests.support.boundary import line
from tests.support.linkage import linkage_server

__all__ = ["line", "linkage_server"]
