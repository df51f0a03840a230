"""icsplan: author, monitor, review and publish Integrated Country Strategies."""

__version__ = "0.1.0"
