"""Keep Solara's development server alive when files in the checkout change.

``solara run`` (development mode) reloads, on any change of a watched file, every module
whose file lies under the app's directory. The project's virtual environment lives there too
(``.venv/``), so numpy, scipy and friends would be unloaded, and re-importing numpy's C
extensions fails ("cannot load module more than once per process"), leaving the page dead.
Marking the installed libraries as never-reload keeps hot reload for the project's own code.
"""

from __future__ import annotations

import sys


def keep_libraries_loaded() -> bool:
    """Leave every module installed in the environment out of Solara's reload.

    Returns:
        True if Solara's reloader was adjusted (now or on an earlier call).
    """
    try:
        from solara.server.reload import reloader
    except ImportError:  # pragma: no cover - solara is a dependency
        return False
    if getattr(reloader, "_keeps_libraries", False):
        return True
    prefixes = tuple({sys.prefix, sys.base_prefix})
    everything = reloader.get_reload_module_names

    def project_modules() -> list[str]:
        return [
            name
            for name in everything()
            if not (getattr(sys.modules.get(name), "__file__", None) or "").startswith(prefixes)
        ]

    reloader.get_reload_module_names = project_modules
    reloader._keeps_libraries = True
    return True
