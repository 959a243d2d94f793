"""Placeholder until the sweeps page is written."""

import solara


@solara.component
def SweepsPage() -> solara.Element:
    """Saved sweep results."""
    return solara.Text("Sweeps")
