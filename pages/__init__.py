"""The pages, one feature folder each (Dash Pages).

Each folder holds everything one page needs: ``page.py`` (the registered page: layout and callbacks), its URL
state (``state.py``), view logic and figures. Dash imports every ``.py`` under this folder whose text mentions
its page-registration call and whose name does not start with ``_``; only ``page.py`` files do, so the helper
modules are imported normally (once) by their page. A page imports ``dashboard/`` (shared widgets) and lower
layers, never another page.
"""
