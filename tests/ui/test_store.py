"""The per-tab store: the same id finds the same state; old and surplus tabs are dropped."""

from __future__ import annotations

from ui import store


def test_same_id_same_state_expired_and_surplus_tabs_dropped(monkeypatch):
    monkeypatch.setattr(store, "_TABS", {})
    a = store.tab_state("a", now=0.0)
    a.sweeps_folder = "results/x"
    assert store.tab_state("a", now=10.0) is a
    assert store.tab_state("b", now=10.0) is not a
    later = 10.0 + store.LIFETIME + 1
    assert store.tab_state("a", now=later) is not a  # expired: a fresh state
    monkeypatch.setattr(store, "MAX_TABS", 3)
    for i, key in enumerate("cdef"):
        store.tab_state(key, now=later + 1 + i)
    assert store.tab_count() == 3 and "a" not in store._TABS  # least recently seen went first
