"""Shared widgets under every page: data access (data), formatting, theme, layout shell, links, downloads."""
