"""Dorpenmonitor: wijk- en dorpenmonitor for Drenthe and Hardenberg."""

__version__ = "0.1.0"
