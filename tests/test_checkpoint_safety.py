"""Crafted checkpoints: each is refused with one line naming the file and the problem, and
loading runs no code from the file (a pickle payload that would create a marker file does not).
"""

from __future__ import annotations

import io
import json
import os
import pickle
import struct
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from model import CrewModel, checkpoint
from model.checkpoint import CheckpointError


class _Payload:
    """Unpickling this creates ``marker`` (a stand-in for any code a pickle can run)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    model = CrewModel(rng=97, n_crew=300, referendum_margin=5)
    model.breach(deaths=3)
    model.run(20)
    return model.save(tmp_path_factory.mktemp("ckpt") / "good.ckpt").read_bytes()


def _members(data: bytes) -> dict[str, tuple[bytes, int]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {i.filename: (archive.read(i), i.compress_type) for i in archive.infolist()}


def _archive(path, members: dict[str, tuple[bytes, int]]):
    with zipfile.ZipFile(path, "w") as archive:
        for name, (blob, compression) in members.items():
            archive.writestr(name, blob, compress_type=compression)
    return path


def _with_json(path, saved: bytes, change):
    members = _members(saved)
    header = json.loads(members["checkpoint.json"][0])
    header = change(header)
    blob = header if isinstance(header, bytes) else json.dumps(header).encode()
    members["checkpoint.json"] = (blob, zipfile.ZIP_DEFLATED)
    return _archive(path, members)


def _refused(path, *words):
    with pytest.raises(CheckpointError) as caught:
        CrewModel.load(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"checkpoint {path}: ")
    for word in words:
        assert word in message, message
    return message


def test_the_good_checkpoint_loads(tmp_path, saved):
    path = tmp_path / "good.ckpt"
    path.write_bytes(saved)
    assert CrewModel.load(path).day == 20


def test_a_pickle_payload_is_refused_and_runs_no_code(tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Payload(marker))
    pickle.loads(pickle.dumps(_Payload(tmp_path / "proof")))  # the payload does run if unpickled
    assert (tmp_path / "proof").exists()
    path = tmp_path / "run.ckpt"
    path.write_bytes(payload)
    _refused(path, "pickle", "refused")
    assert not marker.exists()


def test_a_pickled_array_inside_the_archive_is_refused_and_runs_no_code(tmp_path, saved):
    marker = tmp_path / "pwned"
    members = _members(saved)
    buffer = io.BytesIO()
    np.save(buffer, np.array([_Payload(marker)], dtype=object), allow_pickle=True)
    members["arrays/0.npy"] = (buffer.getvalue(), zipfile.ZIP_STORED)
    _refused(_archive(tmp_path / "run.ckpt", members), "arrays/0.npy", "object")
    assert not marker.exists()


@pytest.mark.parametrize(
    "node",
    [
        {"__t": "global", "name": "os:system"},
        {"__t": "object", "class": "subprocess:Popen", "fields": {}},
        {"__t": "object", "class": "model.cli:main", "fields": {}},
        {"__t": "object", "class": "model.__main__:main", "fields": {}},
        {"__t": "object", "class": "model.crew:CrewState.__init__.__globals__", "fields": {}},
        {"__t": "enum", "class": "builtins:eval", "value": "1"},
    ],
    ids=["function", "library", "package-function", "main", "dunder", "builtin-as-enum"],
)
def test_a_tree_naming_code_is_refused(tmp_path, saved, node, capsys):
    def change(header):
        header["model"]["fields"]["day"] = node
        return header

    message = _refused(_with_json(tmp_path / "run.ckpt", saved, change))
    assert "names" in message or "unknown node type 'global'" in message
    assert capsys.readouterr().out == ""  # model.__main__ was not imported (it runs the CLI)


def test_saving_code_is_refused_at_save_time(tmp_path):
    model = CrewModel(rng=98, n_crew=200, referendum_margin=2)
    model.leadership.hook = print
    with pytest.raises(
        TypeError, match=r"data, not code: leadership\.hook is <built-in function print>"
    ):
        model.save(tmp_path / "code.ckpt")
    assert not (tmp_path / "code.ckpt").exists()


def test_a_truncated_file_is_refused(tmp_path, saved):
    path = tmp_path / "run.ckpt"
    path.write_bytes(saved[: len(saved) // 2])
    _refused(path, "not a readable zip archive")


def test_a_truncated_array_is_refused(tmp_path, saved):
    members = _members(saved)
    blob, compression = members["arrays/3.npy"]
    members["arrays/3.npy"] = (blob[: len(blob) - 40], compression)
    _refused(_archive(tmp_path / "run.ckpt", members), "arrays/3.npy", "truncated")


def test_an_array_declaring_a_huge_shape_is_refused(tmp_path, saved):
    members = _members(saved)
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)}
    )
    members["arrays/3.npy"] = (buffer.getvalue() + b"\0" * 64, zipfile.ZIP_STORED)
    _refused(_archive(tmp_path / "run.ckpt", members), "arrays/3.npy", "declares")


def _directory_entry(data: bytearray, name: bytes) -> int:
    """Offset of ``name``'s entry in the zip's central directory."""
    entry = data.index(b"PK\x01\x02")
    while data[entry + 46 : entry + 46 + struct.unpack_from("<H", data, entry + 28)[0]] != name:
        entry = data.index(b"PK\x01\x02", entry + 4)
    return entry


def test_a_member_declaring_a_huge_size_is_refused(tmp_path, saved):
    """The central directory says checkpoint.json unpacks to 4 GB (a zip bomb's header)."""
    data = bytearray(saved)
    entry = _directory_entry(data, b"checkpoint.json")
    struct.pack_into("<I", data, entry + 24, 0xFFFFFFF0)  # uncompressed size
    path = tmp_path / "run.ckpt"
    path.write_bytes(bytes(data))
    _refused(path, "checkpoint.json", "declares", "limit")


def test_members_declaring_more_than_the_file_in_all_are_refused(tmp_path, saved):
    """An array member claims nearly the whole file (as overlapping members of a bomb do)."""
    data = bytearray(saved)
    entry = _directory_entry(data, b"arrays/1.npy")
    struct.pack_into("<II", data, entry + 20, len(data) - 1, len(data) - 1)  # both sizes
    path = tmp_path / "run.ckpt"
    path.write_bytes(bytes(data))
    _refused(path, "declare", "in all", "more than the whole file")


def test_a_wrong_version_is_refused(tmp_path, saved):
    def change(header):
        header["version"] = 99
        return header

    _refused(_with_json(tmp_path / "run.ckpt", saved, change), "format 99", "format 2")


def test_a_deeply_nested_json_bomb_is_refused(tmp_path, saved):
    bomb = b'{"format": "crew-cohesion checkpoint", "version": 2, "model": ' + b"[" * 200_000
    _refused(_with_json(tmp_path / "run.ckpt", saved, lambda h: bomb), "nested too deeply")


def test_a_nested_tree_inside_valid_json_is_refused(tmp_path, saved):
    def change(header):
        deep: list = []
        for _ in range(500):
            deep = [deep]
        header["model"]["fields"]["day"] = deep
        return header

    _refused(_with_json(tmp_path / "run.ckpt", saved, change), "nests deeper than")


def test_an_enormous_json_member_is_refused(tmp_path, saved, monkeypatch):
    monkeypatch.setattr(checkpoint, "MAX_JSON_BYTES", 10_000)
    path = tmp_path / "run.ckpt"
    path.write_bytes(saved)
    _refused(path, "checkpoint.json", "limit")


def test_a_tampered_state_is_refused_by_the_invariants(tmp_path, saved):
    members = _members(saved)
    header = json.loads(members["checkpoint.json"][0])
    belief = header["model"]["fields"]["state"]["fields"]["belief"]["member"]
    name = f"arrays/{belief}.npy"
    beliefs = np.load(io.BytesIO(members[name][0]), allow_pickle=False)
    buffer = io.BytesIO()
    np.save(buffer, np.full_like(beliefs, 2.0))
    members[name] = (buffer.getvalue(), zipfile.ZIP_STORED)
    _refused(_archive(tmp_path / "run.ckpt", members), "impossible model", "belief")


def test_a_day_that_does_not_match_the_series_is_refused(tmp_path, saved):
    def change(header):
        header["model"]["fields"]["day"] = 5
        return header

    _refused(_with_json(tmp_path / "run.ckpt", saved, change), "on day 5")


def test_junk_and_missing_files_are_refused(tmp_path):
    junk = tmp_path / "junk.ckpt"
    junk.write_bytes(b"not a checkpoint")
    _refused(junk, "not a readable zip archive")
    _refused(tmp_path / "missing.ckpt", "does not exist")
    assert os.listdir(tmp_path) == ["junk.ckpt"]


def test_the_cli_saves_and_resumes_a_run(tmp_path, capsys):
    from model.cli import main

    args = ["run", "--n-crew", "300", "--referendum-margin", "5", "--seed", "7"]
    assert main([*args, "--days", "60"]) == 0
    straight = capsys.readouterr().out
    assert main([*args, "--days", "30", "--save", str(tmp_path / "run.ckpt")]) == 0
    assert "saved the run to" in capsys.readouterr().out
    assert main(["run", "--resume", str(tmp_path / "run.ckpt"), "--days", "30"]) == 0
    assert capsys.readouterr().out == straight
    assert main(["run", "--resume", str(tmp_path / "run.ckpt"), "--n-crew", "9"]) == 2
    assert "--n-crew cannot be given with --resume" in capsys.readouterr().err


def test_the_cli_reports_a_crafted_checkpoint_in_one_line(tmp_path, capsys):
    from model.cli import main

    marker = tmp_path / "pwned"
    path = tmp_path / "run.ckpt"
    path.write_bytes(pickle.dumps(_Payload(marker)))
    assert main(["run", "--resume", str(path), "--days", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"error: checkpoint {path}: is a pickle")
    assert not marker.exists()


def _load_or_refuse(path) -> None:
    try:
        model = CrewModel.load(path)
    except CheckpointError as exc:
        event(str(exc).split(": ", 1)[1][:45])
        assert "\n" not in str(exc) and str(exc).startswith(f"checkpoint {path}: ")
    else:
        event("loaded")
        model.run(2)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    flips=st.lists(
        st.tuples(st.floats(0.0, 1.0, exclude_max=True), st.integers(1, 255)),
        min_size=1,
        max_size=4,
    )
)
def test_flipped_bytes_give_a_checkpoint_or_one_line(saved, tmp_path_factory, flips):
    """Bytes flipped anywhere (zip headers, JSON, array headers and data): the load either
    succeeds or raises CheckpointError, never anything else."""
    data = bytearray(saved)
    for where, xor in flips:
        data[int(where * len(data))] ^= xor
    path = tmp_path_factory.mktemp("flipped") / "run.ckpt"
    path.write_bytes(bytes(data))
    _load_or_refuse(path)


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(keep=st.integers(0, 10**6))
def test_a_file_cut_anywhere_is_one_line(saved, tmp_path_factory, keep):
    path = tmp_path_factory.mktemp("cut") / "run.ckpt"
    path.write_bytes(saved[: keep % len(saved)])
    _load_or_refuse(path)
