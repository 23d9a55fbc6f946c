"""Jiuye (就业): Songyuan's employment policy as running code."""

__version__ = "0.1.0"
