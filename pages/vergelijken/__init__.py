"""Vergelijken (``/vergelijken``): up to 8 areas side by side; ``page`` wires ``compare`` (state, table, downloads)."""
