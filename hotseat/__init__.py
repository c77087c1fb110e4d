"""Hotseat: an empathy trainer for customer care."""

__version__ = "0.1.0"
