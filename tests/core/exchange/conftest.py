from tests.support.linkage import linkage_server

__all__ = ["linkage_server"]
