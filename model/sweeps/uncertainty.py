"""Parameter uncertainty in sweeps and thresholds: runs that draw from a calibrated posterior.

A sweep file (or ``python -m model threshold --posterior DIR``) names a calibration output
folder written by ``python -m model calibrate``::

    [uncertainty]
    posterior = "../results/story-abc"   # relative to the sweep file, or absolute

Its ``posterior.parquet`` holds the last ABC generation's weighted particles: one column per
calibrated parameter, ``weight`` (normalised) and ``generation``. Each run draws one particle
with probability equal to its weight and runs with that particle's values; the run's row in
``runs.parquet`` records them (in the parameter's own column) and ``posterior_draw``, the
particle's row in ``posterior.parquet``.

The draw of a run with seed ``s`` (the integer in ``runs.seed``) uses
``default_rng(SeedSequence([s, POSTERIOR_TAG]))``: a stream of its own (the model's streams
are children of ``SeedSequence(s)``), so the same run always draws the same particle, and
adding a posterior changes no other random number of the run.

A parameter the file sets itself (in ``[fixed]`` or ``[vary]``, or the threshold's varied
parameter and ``--fixed`` values) keeps the file's value: the sweep wins over the posterior.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.sweeps.spec import SpecError

#: The calibration output's particle file and its bookkeeping (non-parameter) columns.
POSTERIOR_FILE = "posterior.parquet"
BOOKKEEPING = ("weight", "generation")
#: Entropy word that separates the posterior draw's stream from the model's (b"post").
POSTERIOR_TAG = 0x706F7374


@dataclass(frozen=True, eq=False)
class Posterior:
    """Weighted particles of a calibration, ready to draw from."""

    folder: str  # as written in the file (or on the command line)
    path: Path  # resolved
    names: tuple[str, ...]
    values: dict[str, np.ndarray] = field(repr=False)
    weights: np.ndarray = field(repr=False)  # normalised

    @property
    def size(self) -> int:
        return len(self.weights)

    @property
    def effective_sample_size(self) -> float:
        """Kish's effective sample size of the weights."""
        return float(1.0 / np.sum(self.weights**2))

    def digest(self) -> str:
        """Fingerprint of the particles and weights (not of the folder's name)."""
        h = hashlib.sha256()
        for name in self.names:
            h.update(name.encode())
            h.update(np.ascontiguousarray(self.values[name], dtype=float).tobytes())
        h.update(np.ascontiguousarray(self.weights).tobytes())
        return h.hexdigest()[:16]

    def draw(self, seed: int, keep: set[str] | frozenset[str] = frozenset()):
        """The particle a run with ``seed`` draws: ``(index, {name: value})``.

        Parameters in ``keep`` (set by the sweep itself) are left out of the values.
        """
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), POSTERIOR_TAG]))
        index = int(rng.choice(self.size, p=self.weights))
        values = {n: _plain(self.values[n][index]) for n in self.names if n not in keep}
        return index, values

    def manifest(self, overridden: list[str]) -> dict[str, Any]:
        """What a result folder's manifest says about the posterior."""
        return {
            "posterior": self.folder,
            "posterior_path": str(self.path.resolve()),
            "particles": self.size,
            "effective_sample_size": round(self.effective_sample_size, 2),
            "drawn": [n for n in self.names if n not in overridden],
            "overridden_by_the_sweep": overridden,
            "digest": self.digest(),
            "seeding": "run with seed s draws the particle "
            "default_rng(SeedSequence([s, 0x706F7374])).choice(particles, p=weights); "
            "runs.posterior_draw is its row in posterior.parquet",
        }


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def resolve(folder: str, base: Path | None) -> Path:
    """The folder as a path: absolute as given, else relative to ``base`` (the file's folder)."""
    path = Path(folder).expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    return path


def load_posterior(
    folder: str, label: str, base: Path | None = None, where: str = "uncertainty.posterior"
) -> Posterior:
    """Read and check a calibration folder's ``posterior.parquet``.

    Raises
    ------
    SpecError
        One line naming the file and key: the folder or its ``posterior.parquet`` is missing
        or unreadable, a column is not a model parameter, a value or weight is invalid.
    """
    from model.parameters import Parameters, describe, unknown_message
    from model.sweeps.spec import _check_value

    if not isinstance(folder, str) or not folder:
        raise SpecError(f"{label}: {where}: expected the path of a calibration folder (text)")
    path = resolve(folder, base)
    if not path.is_dir():
        raise SpecError(
            f"{label}: {where}: {folder!r} is not a folder (expected the --out folder of "
            "`python -m model calibrate`)"
        )
    file = path / POSTERIOR_FILE
    if not file.is_file():
        raise SpecError(
            f"{label}: {where}: {folder!r} has no {POSTERIOR_FILE} (expected the --out folder "
            "of a finished `python -m model calibrate`)"
        )
    try:
        frame = pd.read_parquet(file)
    except Exception as exc:  # noqa: BLE001 - any parse failure is one line
        raise SpecError(f"{label}: {where}: {POSTERIOR_FILE} is not readable ({exc})") from None
    if "weight" not in frame.columns:
        raise SpecError(f"{label}: {where}: {POSTERIOR_FILE} has no 'weight' column")
    names = [c for c in frame.columns if c not in BOOKKEEPING]
    if not names or frame.empty:
        raise SpecError(f"{label}: {where}: {POSTERIOR_FILE} holds no parameters or no particles")
    known = list(Parameters.__dataclass_fields__)
    values: dict[str, np.ndarray] = {}
    for name in names:
        try:
            decl = describe(name)
        except ValueError:
            message = unknown_message(name, known)
            raise SpecError(f"{label}: {where}: {POSTERIOR_FILE} column {message}") from None
        column = frame[name].to_numpy()
        if decl["type"] in (int, float) and not np.all(np.isfinite(column.astype(float))):
            raise SpecError(f"{label}: {where}: {POSTERIOR_FILE} column '{name}' is not finite")
        for end in {column.min(), column.max()} if decl["type"] in (int, float) else column:
            _check_value(label, f"{where} ({POSTERIOR_FILE} column '{name}')", name, end, decl)
        values[name] = column
    weights = frame["weight"].to_numpy(dtype=float)
    if not np.all(np.isfinite(weights)) or np.any(weights < 0) or weights.sum() <= 0:
        raise SpecError(
            f"{label}: {where}: {POSTERIOR_FILE} weights must be finite, >= 0 and not all 0"
        )
    return Posterior(folder, path, tuple(names), values, weights / weights.sum())


def check_particles(posterior: Posterior, point: dict[str, Any], label: str) -> None:
    """Every particle, merged under a point of the sweep (the point wins), must be a valid
    parameter set (catches conflicts between a drawn value and a fixed one).

    Raises
    ------
    SpecError
        One line naming the first invalid particle.
    """
    from model.parameters import Parameters

    for index in range(posterior.size):
        values = {n: _plain(posterior.values[n][index]) for n in posterior.names}
        try:
            Parameters.from_mapping({**values, **point})
        except ValueError as exc:
            raise SpecError(
                f"{label}: uncertainty.posterior: particle {index} ({values}) is invalid with "
                f"the sweep's values: {exc}"
            ) from None


def with_draws(tasks: list, posterior: Posterior, keep: set[str]) -> list:
    """The runs with their posterior draws merged into their parameters (``keep`` wins)."""
    from dataclasses import replace

    drawn = []
    for task in tasks:
        index, values = posterior.draw(task.seed, keep)
        drawn.append(replace(task, params={**values, **task.params}, posterior_draw=index))
    return drawn
