"""Kaart (``/``): one indicator for all gemeenten, wijken or buurten;
``page`` wires ``state``, ``views``, ``figures``."""
