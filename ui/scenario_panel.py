"""Scenarios in and out on the page: export the scenario as an experiment file, a link that
reopens the same ship, import a file (dropped or pasted), and the run's data as downloads."""

from __future__ import annotations

from collections.abc import Callable

import solara

from ui.scenario import (
    ScenarioError,
    csv_bytes,
    from_query,
    from_toml,
    parquet_bytes,
    to_query,
    to_toml,
)
from ui.session import Session, default_settings


def import_scenario(session: Session, text: str | bytes, label: str = "scenario") -> str | None:
    """Rebuild ``session``'s ship from a scenario file's text; a one-line message on failure
    (the ship is then left as it was)."""
    try:
        settings, timeline, day = from_toml(text, default_settings(), label=label)
    except ScenarioError as error:
        return str(error)
    error = session.load(settings, timeline, day)
    return f"{label}: {error}" if error else None


def open_link(session: Session, query: str) -> str | None:
    """Rebuild ``session``'s ship from a link's query (see :func:`ui.scenario.to_query`)."""
    try:
        settings, timeline, day, twin = from_query(query, default_settings())
    except ScenarioError as error:
        return str(error)
    session.twin_strategy = twin
    if twin is None:
        session.twin = None
    error = session.load(settings, timeline, day)
    return f"link: {error}" if error else None


def export_text(session: Session) -> str:
    """The scenario file of ``session``'s ship as it is now."""
    return to_toml(session.built, session.timeline, session.model.day, session.twin_strategy)


def link_query(session: Session) -> str:
    """The query of a link that reopens ``session``'s ship (and its twin)."""
    return to_query(session.built, session.timeline, session.model.day, session.twin_strategy)


@solara.component
def ScenarioPanel(
    session: Session, version: int, on_loaded: Callable[[str | None], None]
) -> solara.Element:
    """Export, link, import and downloads; ``on_loaded(error)`` after an import."""
    pasted, set_pasted = solara.use_state("")
    model = session.model
    day = model.day
    query = solara.use_memo(lambda: link_query(session), [id(model), version])

    def load(text: str | bytes, label: str) -> None:
        on_loaded(import_scenario(session, text, label))

    with solara.Column(classes=["scenario-panel"], gap="4px") as main:
        with solara.Row(gap="6px", style={"flex-wrap": "wrap", "align-items": "center"}):
            solara.FileDownload(
                lambda: export_text(session).encode(),
                filename=f"scenario_day{day}.toml",
                label="Scenario (TOML)",
                mime_type="application/toml",
            )
            solara.HTML(
                tag="a",
                unsafe_innerHTML="Link to this ship",
                attributes={"href": f"?{query}", "target": "_blank"},
                classes=["scenario-link"],
            )
        solara.Text(
            "The link and the file rebuild this ship: settings, seed, every intervention on its "
            "day (and the twin's strategy).",
            style={"font-size": "11px", "color": "#444"},
        )
        solara.FileDrop(
            label="Import: drop a scenario .toml here",
            on_file=lambda f: load(f["data"], f.get("name") or "scenario"),
            lazy=False,
        )
        solara.InputTextArea(
            "…or paste a scenario",
            value=pasted,
            on_value=set_pasted,
            rows=3,
            continuous_update=True,
        )
        solara.Button(
            "Import pasted scenario",
            on_click=lambda: load(pasted, "pasted scenario"),
            classes=["crew-import"],
            disabled=not pasted.strip(),
        )
        solara.Text("Data of this run:", style={"font-size": "13px", "margin-top": "4px"})
        with solara.Row(gap="4px", style={"flex-wrap": "wrap"}, classes=["downloads"]):
            tables = {
                "series": lambda: session.model.series(),
                "events": lambda: session.model.events(),
                "crew": lambda: session.model.snapshot(),
            }
            if session.twin is not None:
                tables["series_B"] = lambda: session.twin.series()
            for name, table in tables.items():
                for kind, write in (("csv", csv_bytes), ("parquet", parquet_bytes)):
                    solara.FileDownload(
                        lambda table=table, write=write: write(table()),
                        filename=f"{name}_day{day}.{kind}",
                        label=f"{name} {kind.upper()}",
                    )
    return main


__all__ = ["ScenarioPanel", "export_text", "import_scenario", "link_query", "open_link"]
