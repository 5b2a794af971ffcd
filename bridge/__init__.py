"""wwe-outbound-bridge: a typed async Python API over Genesys WWE outbound.

Nothing runs on import: the page's client is created when first used.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
