"""The demography alone over the voyage: does the ship stay stationary?

:func:`demography_voyage` runs only the demography sub-model (deaths by age, partnering, coming
of age, retirement, births) on a ship's state arrays and network for years, and measures a row
every so many years; :func:`network_shape` gives the living's mean degree and the network's
clustering. ``experiments/stationarity.py`` runs it over seeds and prints the decade table of
docs/ODD.md §7.4. Beliefs, trust and collapse are left out (a day of the whole model costs
about 1.3 ms; the demography's about 0.35 ms).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from model.crew_model import CrewModel
from model.demography import MONTH_DAYS
from model.start import draw_traits


def network_shape(net, alive: np.ndarray) -> tuple[float, float]:
    """Mean degree of the living and the network's clustering (transitivity: 3 x triangles /
    connected triples, as networkx's ``transitivity``) over the live ties."""
    A = net.adjacency
    live = (A.data != 0) & alive[net.rows] & alive[A.indices]
    n = A.shape[0]
    B = sparse.csr_array((np.ones(int(live.sum())), (net.rows[live], A.indices[live])), (n, n))
    degree = np.asarray(B.sum(axis=1)).ravel()
    triples = (degree * (degree - 1)).sum()
    closed = (B @ B).multiply(B).sum()
    return float(degree[alive[:n]].mean()), float(closed / triples) if triples else 0.0


def demography_voyage(
    seed: int, years: int, n: int = 3000, every: int = 1, start_ages: str = "uniform"
) -> list[dict]:
    """Run only the demography on a ship's state arrays and network (deaths remove people,
    births append them). Every ``every`` years a row: alive, deaths and births since the last
    row, median age, mean degree and clustering (year 0 first). The rest of the model
    (beliefs, trust, collapse) is left out: its day costs ~1.3 ms, the demography's ~0.35.
    ``start_ages`` is the parameter of that name (the start's age pyramid)."""
    model = CrewModel(rng=seed, n_crew=n, disengage_rate=0.0, start_ages=start_ages)
    d, s, net = model.demography, model.state, model.network

    def row(day: int, deaths: int, births: int) -> dict:
        age = (day - s.birth_day) / 365.0
        degree, clustering = network_shape(net, s.alive)
        size = np.bincount(s.household[s.alive])
        voters = s.alive & (age >= model.p.voting_age)
        return {
            "year": day // 365,
            "alive": int(s.alive.sum()),
            "deaths": deaths,
            "births": births,
            "median_age": float(np.median(age[s.alive])),
            "degree": degree,
            "clustering": clustering,
            "household": float(size[size > 0].mean()),
            "recorded": float((s.voted_recorded & voters).sum() / voters.sum()),
        }

    rows, deaths, births = [row(0, 0, 0)], 0, 0
    for day in range(1, years * 365 + 1):
        premature, old = d.deaths(s, day)
        dead = np.concatenate([premature, old])
        s.alive[dead] = False
        net.remove(dead)
        deaths += len(dead)
        if day % MONTH_DAYS == 0:
            ages = (day - s.birth_day) / 365.0
            d.partnering(s, net, ages)
            d.come_of_age(s, net, ages)
            d.retire(s, ages, net)
            net.flush(s.size)
        households = d.births(s, day)
        if len(households):
            d.bear(s, net, households, day, draw_traits(model.p, len(households), model.traits))
            births += len(households)
        if day % (365 * every) == 0:
            rows.append(row(day, deaths, births))
            deaths = births = 0
    return rows
