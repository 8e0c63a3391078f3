"""officials-kg: the knowledge graph of Chinese officials' live-commerce broadcasts (2020)."""

__version__ = "0.1.0"
