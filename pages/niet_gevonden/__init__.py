"""The Dutch page for an unknown address (HTTP 404)."""
