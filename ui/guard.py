"""An error boundary: a failure while rendering a view becomes a message, not a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable

import solara

logger = logging.getLogger(__name__)


@solara.component
def Guarded(name: str, view: Callable[[], solara.Element], version: int = 0) -> solara.Element:
    """Render ``view()``; if it raises, show one line naming the view and the error instead.

    Args:
        name: The view's name as the reader knows it ("ship map").
        view: A function that renders the view (creates its elements).
        version: The model's change counter. Reacton compares a lambda by its code and the
            objects it closes over, so a view reading a mutated object would not re-render
            without it.
    """
    exception, clear = solara.use_exception()
    if exception is not None:
        logger.warning("the %s failed: %r", name, exception)
        with solara.Column(gap="2px") as failed:
            solara.Error(
                f"The {name} could not be drawn: {exception}", classes=["ui-message"], dense=True
            )
            solara.Button("Try again", on_click=clear, text=True)
        return failed
    with solara.Column(gap="0px") as main:
        view()
    return main
