"""The browser UI: ``./run ui`` (``solara run app.py``) serves it at http://localhost:8765.

Two pages: the ship (watch and steer one run) and Sweeps (saved sweep results). The
components live in the ``ui`` package; no model is built here, each tab builds its own.
"""

import solara
import solara.server.settings

from ui import budget
from ui.devserver import keep_libraries_loaded
from ui.main_page import Page as ShipPage
from ui.sweeps_page import SweepsPage

routes = [
    solara.Route(path="/", component=ShipPage, label="Ship"),
    solara.Route(path="sweeps", component=SweepsPage, label="Sweeps"),
]

keep_libraries_loaded()
budget.server()  # a bad CREW_UI_BUDGET or CREW_UI_IDLE_MINUTES stops the server here
# The "This website runs on Solara" banner sat over the Interventions at 1024x768.
solara.server.settings.theme.show_banner = False
