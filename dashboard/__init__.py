"""Shared pieces of the Dash app."""
