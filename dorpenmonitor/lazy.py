"""Heavy third-party libraries, imported on first use instead of at start-up.

The first page a user asks for (the HTML shell of ``/``) needs Dash and nothing
else, and every page's callbacks must be registered before it is served. The
modules that register them reach pandas, numpy, plotly's figure classes,
shapely and rapidfuzz, which together cost more start-up time than Dash itself
(issue 11: first 200 at most twice a minimal Dash app). A module therefore
binds such a library with :func:`lazy_module` under its usual name::

    if TYPE_CHECKING:
        import pandas as pd
    else:
        pd = lazy_module("pandas")

and ``pd.DataFrame`` imports pandas at the first call that needs it. Only
third-party libraries go through here: project modules are imported at the top
of a file, where ``tests/test_layers.py`` can see them. A gunicorn worker
imports :data:`SERVING_HEAVY` in the background as it starts (``app.warm_worker``),
so the first callback usually finds them loaded.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

#: What the pages' callbacks need and the first 200 does not: ``tests/test_startup.py`` checks that serving
#: ``/`` leaves them unloaded; ``app.warm_worker`` loads them right after a worker starts.
SERVING_HEAVY: tuple[str, ...] = ("numpy", "pandas", "shapely", "rapidfuzz.fuzz")


class LazyModule:
    """Stands in for the module ``name`` until one of its attributes is read.

    The first read imports the module through the import system (so two threads
    asking at once import it once) and keeps each attribute it hands out, so
    later reads cost what a module attribute costs.
    """

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_lazy_name", name)

    def __getattr__(self, attr: str) -> Any:
        # Only called for attributes not yet kept on the instance.
        module: ModuleType = importlib.import_module(object.__getattribute__(self, "_lazy_name"))
        value = getattr(module, attr)
        object.__setattr__(self, attr, value)
        return value

    def __setattr__(self, attr: str, value: Any) -> None:
        # Writing to the module (monkeypatching in a test) must reach the real one, not just this stand-in.
        module = importlib.import_module(object.__getattribute__(self, "_lazy_name"))
        setattr(module, attr, value)
        object.__setattr__(self, attr, value)

    def __dir__(self) -> list[str]:
        return dir(importlib.import_module(object.__getattribute__(self, "_lazy_name")))

    def __repr__(self) -> str:
        return f"<lazy module {object.__getattribute__(self, '_lazy_name')!r}>"


def lazy_module(name: str) -> Any:
    """A stand-in for the module ``name`` that imports it at the first attribute read (see the module doc)."""
    return LazyModule(name)
