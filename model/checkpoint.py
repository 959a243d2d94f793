"""Checkpoints: save a running model and resume it later, bit for bit.

A checkpoint is the pickled model (state arrays, network, Mesa agents, random generators, event
log, collected series) with a small header. Loading one resumes exactly where it was saved: the
same future series and events as an uninterrupted run. Pickles can run code when loaded: load
only checkpoints you or your colleagues wrote.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from model.crew_model import CrewModel

FORMAT = "crew-cohesion checkpoint"
FORMAT_VERSION = 1


def save(model: CrewModel, path: str | os.PathLike) -> Path:
    """Write the model to ``path`` atomically (a crash leaves the old file or none)."""
    from model import __version__

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"format": FORMAT, "version": FORMAT_VERSION, "package": __version__, "model": model}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load(path: str | os.PathLike) -> CrewModel:
    """Read a model written by :func:`save`; ValueError if the file is not one."""
    from model.crew_model import CrewModel

    path = Path(path)
    try:
        with path.open("rb") as handle:
            payload = pickle.load(handle)
    except FileNotFoundError:
        raise ValueError(f"checkpoint {path} does not exist") from None
    except (
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ImportError,
        IndexError,
        TypeError,
        ValueError,
    ) as exc:
        raise ValueError(
            f"{path} is not a readable checkpoint ({exc.__class__.__name__})"
        ) from None
    if not (isinstance(payload, dict) and payload.get("format") == FORMAT):
        raise ValueError(f"{path} is not a {FORMAT}")
    if payload.get("version") != FORMAT_VERSION:
        raise ValueError(
            f"{path} is checkpoint format {payload.get('version')}; this version "
            f"reads format {FORMAT_VERSION}"
        )
    model = payload["model"]
    if not isinstance(model, CrewModel):
        raise ValueError(f"{path} does not hold a CrewModel")
    return model
