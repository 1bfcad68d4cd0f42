from tests.support.linkage import linkage_server, terminal_dir

__all__ = ["linkage_server", "terminal_dir"]
