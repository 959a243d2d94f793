"""docs/tour.ipynb runs from top to bottom in a kernel of the project's environment."""

import sys
from pathlib import Path

import nbformat
import pytest
from ipykernel.kernelspec import write_kernel_spec
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

TOUR = Path(__file__).resolve().parents[1] / "docs" / "tour.ipynb"


def project_kernel(folder: Path) -> KernelManager:
    """A manager of the notebook's kernel (``python3``) that runs this interpreter, whatever
    kernels the machine has installed."""
    write_kernel_spec(path=folder / "python3")
    specs = KernelSpecManager(kernel_dirs=[str(folder)], ensure_native_kernel=False)
    return KernelManager(kernel_name="python3", kernel_spec_manager=specs)


def test_the_kernel_is_this_environment(tmp_path):
    assert project_kernel(tmp_path).kernel_spec.argv[0] == sys.executable


@pytest.mark.slow
def test_tour_notebook_runs_without_errors(tmp_path):
    notebook = nbformat.read(TOUR, as_version=4)
    assert notebook.metadata.kernelspec.name == "python3"
    client = NotebookClient(
        notebook,
        km=project_kernel(tmp_path),
        timeout=600,
        resources={"metadata": {"path": str(TOUR.parent)}},
    )
    client.execute()  # raises CellExecutionError naming the cell when one fails
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code)
    outputs = [out for cell in code for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    # the plot and the SolaraViz page were shown
    assert any("image/png" in out.get("data", {}) for out in outputs)
    assert any("application/vnd.jupyter.widget-view+json" in out.get("data", {}) for out in outputs)
