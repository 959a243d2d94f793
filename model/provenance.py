"""What a result needs to be reproduced: parameters, seed, versions, code revision."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("mesa", "numpy", "scipy", "networkx", "pandas", "pyarrow", "numba")


def versions() -> dict[str, str]:
    """Python and key package versions."""
    found = {"python": platform.python_version(), "crew-cohesion": _version("crew-cohesion")}
    found.update({name: _version(name) for name in PACKAGES})
    return found


def git_commit() -> str | None:
    """The code's git commit, or None outside a checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(__file__).resolve().parent,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def run_record(model, seed: int | None) -> dict[str, Any]:
    """Parameters, seed and versions of a run."""
    return {
        "parameters": model.p.to_dict(),
        "seed": seed,
        "seed_entropy": str(model.seed.entropy),
        "versions": versions(),
        "git_commit": git_commit(),
    }


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"
