"""Gebiedsprofiel (``/profiel``): one area, printable; ``page`` wires ``briefing`` (the record) and ``export``."""
