"""The browser UI of the crew cohesion model: Solara components over the public model API.

``app.py`` at the repository root serves two pages built here: :func:`ui.main_page.Page`
(watch and steer one ship) and :func:`ui.sweeps_page.SweepsPage` (saved sweep results).
Every browser tab gets its own :class:`ui.session.Session` and so its own model.
"""
