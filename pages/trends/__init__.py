"""Trends (``/trends``): areas over the years against gemeente and Drenthe;
``page``, ``state``, ``views``, ``figures``."""
