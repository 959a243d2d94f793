"""Every parameter of the model, generated from the declarations in ``model.parameters``.

One collapsed panel per declared group, a search box over names and descriptions, and one
field per parameter chosen by its declared type: a switch for a yes/no, a list for a choice,
a text field for a number or free text (typed text is passed on as typed, so the settings
check can say what is wrong with it and turn Reset off). Each field shows the unit and the
valid range as its hint, a mark when its value differs from the declared default, and the
main panel's marks ("changed — Reset to apply", "acts at once").

Only the open groups build their fields, so the section costs a dozen headers until a group
is opened; nothing here builds a model (the settings check runs once per change, in
:func:`ui.controls.RunControls`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import reacton.ipyvuetify as rv
import solara

from model.parameters import Parameters, declarations, valid_text
from ui.controls import _mark, whole_number
from ui.session import LABELS, check_settings

#: Parameters not offered: ``debug`` checks invariants after every step (a developer's switch).
HIDDEN = ("debug",)
#: The declarations shown, in declaration order.
SHOWN = tuple(d for d in declarations() if d["name"] not in HIDDEN)
#: Group name -> its declarations, in the order the declarations first name the group.
GROUPS: dict[str, tuple[dict[str, Any], ...]] = {}
for _d in SHOWN:
    GROUPS[_d["group"]] = (*GROUPS.get(_d["group"], ()), _d)
#: Letters typed before the search filters (and opens the groups that match).
SEARCH_FROM = 2
DEFAULTS = {d["name"]: d["default"] for d in SHOWN}
HINT_STYLE = {"font-size": "11px", "color": "#555", "line-height": "1.2", "display": "block"}
DEFAULT_MARK_STYLE = {"font-size": "11px", "color": "#0d47a1", "font-weight": "600"}


def value_of(settings: dict[str, Any], name: str) -> Any:
    """The value of ``name`` on the panel: the settings' own, else the declared default."""
    return settings.get(name, DEFAULTS.get(name))


def shown(value: Any) -> str:
    """A value as typed in a field: ``0.3``, ``3000``, ``""`` for unset."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def parse(decl: dict[str, Any], text: str | None) -> Any:
    """What a number field's ``text`` means for parameter ``decl``: the number, None (unset)
    for an empty optional, or the text itself when it is not a number (the settings check then
    names the field and why)."""
    text = "" if text is None else text
    if decl["optional"] and not text.strip():
        return None
    if decl["type"] is int:
        number = whole_number(text)
        if isinstance(number, int):
            return number
    cleaned = text.strip().replace(",", "").replace(" ", "")
    try:
        return float(cleaned)
    except ValueError:
        return text


def hint(decl: dict[str, Any]) -> str:
    """The unit and the valid range: ``days, (0, 3650]``."""
    unit = str(decl["unit"])
    valid = valid_text(decl)
    return f"{unit}, {valid}" if unit not in ("1", "-", "") else valid


def label(name: str) -> str:
    """The field's label: the parameter's name, with the main panel's label when it has one
    (so a message naming the label names this field too)."""
    return f"{LABELS[name]} ({name})" if name in LABELS else name


def is_changed(settings: dict[str, Any], name: str) -> bool:
    """Whether the panel's value of ``name`` differs from the declared default."""
    return value_of(settings, name) != DEFAULTS[name]


def matches(decl: dict[str, Any], query: str) -> bool:
    """Whether every word of ``query`` is in the parameter's name, label or description."""
    words = query.lower().split()
    text = f"{decl['name']} {decl['name'].replace('_', ' ')} {LABELS.get(decl['name'], '')} "
    text = (text + decl["description"]).lower()
    return all(w in text for w in words)


def field_problem(problem: str | None, name: str) -> str | None:
    """The settings check's message when it is about parameter ``name``, else None."""
    if problem is None:
        return None
    if problem.startswith(f"{name}=") or (
        name in LABELS and problem.startswith(f"{LABELS[name]} ")
    ):
        return problem
    return None


def acts_now_ok(name: str, value: Any) -> bool:
    """Whether ``value`` is valid for ``name`` alone (a setting that acts at once is only sent
    to the running ship when it is)."""
    try:
        Parameters.from_mapping({name: value})
    except (ValueError, TypeError):
        return False
    return True


@solara.component
def ParameterField(
    decl: dict[str, Any],
    value: Any,
    on_value: Callable[[Any], None],
    pending: bool = False,
    problem: str | None = None,
) -> solara.Element:
    """One parameter's field, its hint, description and marks."""
    name = decl["name"]
    kind = decl["type"]
    with solara.Div(classes=["all-param", f"all-param-{name}"]) as main:
        if kind is bool:
            solara.Switch(label=label(name), value=bool(value), on_value=on_value)
            solara.Text(hint(decl), style=HINT_STYLE)
        elif kind is str and decl["valid"] is not None:
            solara.Select(label(name), value=value, values=list(decl["valid"]), on_value=on_value)
            solara.Text(hint(decl), style=HINT_STYLE)
        elif kind is str:
            solara.InputText(
                label(name),
                value=shown(value),
                on_value=on_value,
                message=hint(decl),
                error=problem or False,
                continuous_update=False,
            )
        else:
            solara.InputText(
                label(name),
                value=shown(value),
                on_value=lambda text: on_value(parse(decl, text)),
                message=hint(decl),
                error=problem or False,
                continuous_update=False,
            )
        solara.Text(decl["description"], style={**HINT_STYLE, "color": "#333"})
        if value != decl["default"]:
            solara.Text(
                f"changed from default {shown(decl['default']) or 'unset'}",
                classes=["default-mark", f"default-{name}"],
                style=DEFAULT_MARK_STYLE,
            )
        _mark(name, [name] if pending else [])
    return main


@solara.component
def AllParameters(
    settings: dict[str, Any],
    on_settings: Callable[[dict[str, Any]], None],
    pending: list[str] = (),
) -> solara.Element:
    """The "All parameters" section: collapsed groups, a search box, a field per parameter."""
    query, set_query = solara.use_state("")
    opened, set_opened = solara.use_state(())
    problem = solara.use_memo(lambda: check_settings(settings), [settings])

    latest = solara.use_ref(settings)
    latest.current = settings

    def setter(name: str) -> Callable[[Any], None]:
        # Reads the newest settings through a ref, so the callback compares equal between
        # renders and a change re-renders only the field whose value changed.
        return lambda value: on_settings({**latest.current, name: value})

    searching = len(query.strip()) >= SEARCH_FROM  # one letter matches nearly everything
    found = {
        group: tuple(d for d in decls if not searching or matches(d, query))
        for group, decls in GROUPS.items()
    }
    groups = [g for g, decls in found.items() if decls]
    open_now = [i for i, g in enumerate(groups) if searching or g in opened]

    def on_open(indices: list[int] | None) -> None:
        if not searching:
            set_opened(tuple(groups[i] for i in indices or [] if i < len(groups)))

    with solara.Column(classes=["all-parameters"], gap="4px") as main:
        solara.Text(f"All parameters ({len(SHOWN)})", style={"font-weight": "600"})
        solara.InputText(
            "Search parameters (name or description)",
            value=query,
            on_value=set_query,
            continuous_update=True,
            classes=["param-search"],
        )
        if not groups:
            solara.Text(f"No parameter matches '{query}'.", classes=["param-search-none"])
        panels = []
        for index, group in enumerate(groups):
            decls = found[group]
            changed = sum(is_changed(settings, d["name"]) for d in decls)
            title = f"{group.capitalize()} ({len(decls)})"
            if changed:
                title += f" · {changed} changed from default"
            content = []
            if index in open_now:  # only open groups build their fields
                content = [
                    ParameterField(
                        d,
                        value_of(settings, d["name"]),
                        setter(d["name"]),
                        pending=d["name"] in pending,
                        problem=field_problem(problem, d["name"]),
                    ).key(d["name"])
                    for d in decls
                ]
            panels.append(
                rv.ExpansionPanel(
                    class_=f"param-group param-group-{group}",
                    # Vuetify marks the panel aria-expanded, allowed only with a role.
                    attributes={"role": "group", "aria-label": f"{group} parameters"},
                    children=[
                        rv.ExpansionPanelHeader(children=[title]),
                        rv.ExpansionPanelContent(children=content),
                    ],
                ).key(group)
            )
        rv.ExpansionPanels(
            v_model=open_now,
            on_v_model=on_open,
            multiple=True,
            accordion=True,
            children=panels,
            class_="param-groups",
        )
    return main
