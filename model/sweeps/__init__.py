"""Sweeps: declared experiments run on local processes or Dask, resumable; thresholds,
early-warning signals, sensitivity analysis and figures.

Modules: :mod:`~model.sweeps.spec` (experiment files), :mod:`~model.sweeps.runner` (runs,
chunks, backends), :mod:`~model.sweeps.results` (part files, tables, manifest),
:mod:`~model.sweeps.sweep` (run or resume an experiment), :mod:`~model.sweeps.threshold`,
:mod:`~model.sweeps.signals`, :mod:`~model.sweeps.sensitivity`, :mod:`~model.sweeps.plots`,
:mod:`~model.sweeps.cli`.
"""
