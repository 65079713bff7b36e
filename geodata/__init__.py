"""Boundaries: PDOK network I/O (``pdok``) apart from pure geometry (``geometry``)."""
