"""Over de data (``/over``): sources, loads, coverage, catalogue; ``page`` reads the loaders in ``about``."""
