"""Checkpoints: save a running model and resume it bit for bit, from a file that runs no code.

A checkpoint (format version 2) is a zip archive in numpy's ``.npz`` layout:

- ``checkpoint.json`` (deflated): the format name and version, the package, numpy and Mesa
  versions, and the model as a tree of plain JSON: parameters, event log, collected series,
  counters, the random generators' states, the sub-models' fields, the Mesa agents.
- ``arrays/<n>.npy`` (stored): every numpy array of the model (the state arrays, the social
  network's sparse matrix and tie kinds, ...), read with ``allow_pickle=False``.

A checkpoint holds data, not code: no functions or classes as values. Loading creates
objects only of the model's own classes (``model.*``, never ``model.__main__``) and a short
list of library ones (Mesa's DataCollector, SciPy's CSR matrix, numpy's generators and seed
sequences), without calling their code: an object is made with ``__new__`` and its fields
are assigned (a frozen dataclass such as :class:`~model.parameters.Parameters` goes through
its validating constructor). The Mesa shell (clock, agent registry) is rebuilt by Mesa
itself, its daily schedule restarted at the saved step, and the agents are registered again
under their ids. The loaded model must then pass :func:`model.invariants.check_invariants`.

A file that is not a checkpoint of this version (a pickle, a truncated or altered archive,
another format version, a JSON bomb, an array or member declaring more bytes than it holds)
raises :class:`CheckpointError`: one line naming the file and the problem. Sizes are checked
before anything is read into memory.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import gc
import importlib
import json
import math
import os
import random
import re
import sys
import tempfile
import types
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from model.crew_model import CrewModel

FORMAT = "crew-cohesion checkpoint"
FORMAT_VERSION = 2
JSON_MEMBER = "checkpoint.json"
ARRAY_PREFIX = "arrays/"
#: Largest ``checkpoint.json`` read (bytes, uncompressed): a 10-year run of 3,000 crew needs
#: a few MB; a larger member is refused before it is decompressed.
MAX_JSON_BYTES = 256 * 2**20
#: Deepest nesting of the model tree (a real checkpoint needs about 15 levels).
MAX_DEPTH = 100
#: Most members in the archive (a real checkpoint has about 40).
MAX_MEMBERS = 10_000
#: Most days a checkpoint may have run.
MAX_DAYS = 10**8
#: Array element kinds a checkpoint may hold: booleans, integers, floats.
ARRAY_KINDS = "biuf"
#: Bit generators a checkpoint may name.
BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
#: Package whose classes and enums a checkpoint may name.
PACKAGE = "model"

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class CheckpointError(ValueError):
    """A file that cannot be loaded as a checkpoint; the message is one line naming it."""

    def __init__(self, path: str | os.PathLike, problem: str) -> None:
        problem = " ".join(str(problem).split())
        if len(problem) > 300:
            problem = problem[:297] + "..."
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"checkpoint {self.path}: {problem}")


class _Refused(Exception):
    """Raised inside the reader; becomes a CheckpointError naming the file."""


# --- which library classes a checkpoint may hold ---------------------------------------------
def _library_classes() -> dict[str, type]:
    import mesa
    from scipy import sparse

    return {
        "mesa:DataCollector": mesa.DataCollector,
        "scipy.sparse:csr_array": sparse.csr_array,
        "scipy.sparse:csr_matrix": sparse.csr_matrix,
    }


_MESA_ATTRIBUTES: frozenset[str] | None = None


def _mesa_attributes() -> frozenset[str]:
    """Attributes that ``mesa.Model.__init__`` sets (rebuilt by Mesa on load, not stored)."""
    global _MESA_ATTRIBUTES
    if _MESA_ATTRIBUTES is None:
        import mesa

        _MESA_ATTRIBUTES = frozenset(vars(mesa.Model(rng=0)))
    return _MESA_ATTRIBUTES


def _qualified(obj: Any) -> str:
    return f"{obj.__module__}:{obj.__qualname__}"


def _in_package(module: str) -> bool:
    return module == PACKAGE or module.startswith(PACKAGE + ".")


def _resolve(name: Any) -> Any:
    if isinstance(name, str) and name in _RESOLVED:
        return _RESOLVED[name]
    target = _resolve_uncached(name)
    _RESOLVED[name] = target
    return target


_RESOLVED: dict[str, Any] = {}


def _resolve_uncached(name: Any) -> Any:
    """The class or enum a checkpoint names, only from this package (never ``__main__``) or
    the list of library classes; nothing is imported from outside the package."""
    if not isinstance(name, str) or name.count(":") != 1:
        raise _Refused(f"names {str(name)[:80]!r}, which is not a class of the model")
    library = _library_classes()
    if name in library:
        return library[name]
    module, qualname = name.split(":")
    if not (_NAME.match(module) and _NAME.match(qualname) and _in_package(module)) or (
        "__" in name  # no model.__main__ (importing it runs the CLI), no dunder attributes
    ):
        raise _Refused(f"names {name[:80]!r}, which is not a class of the model")
    try:
        target: Any = sys.modules.get(module) or importlib.import_module(module)
        for part in qualname.split("."):
            target = vars(target)[part]
    except (ImportError, KeyError, TypeError):
        raise _Refused(f"names {name[:80]!r}, which does not exist") from None
    if getattr(target, "__module__", None) != module:
        raise _Refused(f"names {name[:80]!r}, which is not defined there")
    return target


def _name_of_class(cls: type) -> str:
    for name, known in _library_classes().items():
        if cls is known:
            return name
    if _in_package(cls.__module__):
        return _qualified(cls)
    raise TypeError(f"a checkpoint cannot hold a {_qualified(cls)}")


@functools.cache
def _slots(cls: type) -> list[str]:
    names: list[str] = []
    for klass in cls.__mro__:
        for slot in klass.__dict__.get("__slots__", ()):
            if slot not in ("__dict__", "__weakref__") and slot not in names:
                names.append(slot)
    return names


def _fields_of(obj: Any) -> dict[str, Any]:
    """An object's fields: its own ``__getstate__`` if that gives a dict, else its attributes."""
    getstate = type(obj).__getstate__
    if getstate is not object.__getstate__:
        state = obj.__getstate__()
        if isinstance(state, dict):
            return dict(state)
    state = dict(getattr(obj, "__dict__", {}))
    for slot in _slots(type(obj)):
        if hasattr(obj, slot):
            state[slot] = getattr(obj, slot)
    return state


@contextmanager
def _no_garbage_collection():
    """The tree is many small containers: a full collection mid-way costs more than the rest."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- writing -------------------------------------------------------------------------------
class _Writer:
    """Turns the model into a JSON tree plus a list of arrays.

    Containers and objects get a memo id; a second sighting becomes ``{"__t": "ref"}`` (shared
    lists, arrays and objects stay shared, cycles such as agent -> model are kept). Ids that
    nobody refers to are dropped at the end, and unshared lists and str-keyed dicts become
    plain JSON.
    """

    def __init__(self) -> None:
        self.memo: dict[int, int] = {}
        self.keep: list[Any] = []
        self.referenced: set[int] = set()
        self.arrays: list[np.ndarray] = []
        self.path: list[str] = []

    def _remember(self, obj: Any) -> int:
        index = len(self.keep)
        self.memo[id(obj)] = index
        self.keep.append(obj)
        return index

    def encode(self, obj: Any) -> Any:
        kind = type(obj)
        if obj is None or kind in (bool, int, str):
            return obj
        if kind is float:
            return obj
        seen = self.memo.get(id(obj))
        if seen is not None:
            self.referenced.add(seen)
            return {"__t": "ref", "id": seen}
        if isinstance(obj, enum.Enum):
            return {"__t": "enum", "class": _name_of_class(kind), "value": self.encode(obj.value)}
        if isinstance(obj, np.generic):
            if obj.dtype.kind not in ARRAY_KINDS:
                raise TypeError(f"a checkpoint cannot hold a numpy {obj.dtype} scalar")
            return {"__t": "scalar", "dtype": obj.dtype.str, "value": obj.item()}
        if kind is tuple:
            return {"__t": "tuple", "items": [self.encode(x) for x in obj]}
        if kind is list:
            columns = self._agent_columns(obj)
            if columns is not None:
                return columns
            index = self._remember(obj)
            return {"__t": "list", "id": index, "items": [self.encode(x) for x in obj]}
        if kind is dict:
            index = self._remember(obj)
            return {
                "__t": "dict",
                "id": index,
                "items": [[self.encode(k), self.encode(v)] for k, v in obj.items()],
            }
        if kind in (set, frozenset):
            items = sorted((self.encode(x) for x in obj), key=repr)
            return {"__t": kind.__name__, "items": items}
        if kind is np.ndarray:
            if obj.dtype.kind not in ARRAY_KINDS or obj.dtype.fields is not None:
                raise TypeError(f"a checkpoint cannot hold a {obj.dtype} array")
            index = self._remember(obj)
            self.arrays.append(obj)
            return {"__t": "array", "id": index, "member": len(self.arrays) - 1}
        if kind is np.random.Generator:
            index = self._remember(obj)
            bit_generator = obj.bit_generator
            return {
                "__t": "generator",
                "id": index,
                "bit_generator": type(bit_generator).__name__,
                "seed": self.encode(bit_generator.seed_seq),
                "state": self.encode(bit_generator.state),
            }
        if kind is np.random.SeedSequence:
            index = self._remember(obj)
            return {
                "__t": "seed_sequence",
                "id": index,
                "entropy": self.encode(obj.entropy),
                "spawn_key": [int(k) for k in obj.spawn_key],
                "pool_size": int(obj.pool_size),
                "n_children_spawned": int(obj.n_children_spawned),
            }
        if kind is random.Random:
            index = self._remember(obj)
            return {"__t": "random", "id": index, "state": self.encode(obj.getstate())}
        if isinstance(obj, type | types.FunctionType | types.MethodType | types.ModuleType) or (
            callable(obj) and not hasattr(obj, "__dict__")
        ):
            where = ".".join(self.path) or "the model"
            raise TypeError(
                f"a checkpoint holds data, not code: {where} is {obj!r}; keep a name or an "
                "object instead and look the code up"
            )
        import mesa

        index = self._remember(obj)
        if isinstance(obj, mesa.Model):
            return self._model(obj, index)
        return {
            "__t": "object",
            "id": index,
            "class": _name_of_class(kind),
            "fields": self._fields(_fields_of(obj)),
        }

    def _agent_columns(self, agents: list) -> dict[str, Any] | None:
        """A list of agents of one class whose fields are whole numbers or None, as columns
        (one array a field) rather than one object each: 300,000 crew stay small and quick."""
        import mesa

        if len(agents) < 2 or not isinstance(agents[0], mesa.Agent):
            return None
        cls, model = type(agents[0]), agents[0].model
        names = list(vars(agents[0]))
        if "model" not in names or id(model) not in self.memo:
            return None
        rows = []
        for agent in agents:
            fields = vars(agent)
            if type(agent) is not cls or id(agent) in self.memo or list(fields) != names:
                return None
            if fields["model"] is not model or type(agent).__getstate__ is not object.__getstate__:
                return None
            rows.append(fields)
        columns: dict[str, Any] = {}
        for name in names:
            if name == "model":
                continue
            values = [row[name] for row in rows]
            if all(v is None for v in values):
                columns[name] = None
            elif all(type(v) is int for v in values):
                columns[name] = {"__t": "array", "member": self._array(values)}
            else:
                return None
        index = self._remember(agents)
        first = len(self.keep)
        for agent in agents:
            self._remember(agent)
        return {
            "__t": "agents",
            "id": index,
            "class": _name_of_class(cls),
            "model": self.encode(model),
            "first_id": first,
            "count": len(agents),
            "names": names,
            "columns": columns,
        }

    def _fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for name, value in fields.items():
            self.path.append(name)
            out[name] = self.encode(value)
            self.path.pop()
        return out

    def _model(self, model: Any, index: int) -> dict[str, Any]:
        mesa_owned = _mesa_attributes()
        registered = [int(agent.unique_id) for agent in model.agents]
        return {
            "__t": "model",
            "id": index,
            "class": _name_of_class(type(model)),
            "rng": self.encode(model.rng),
            "mesa": {
                "seed": self.encode(model._seed),
                "initial_rng_state": self.encode(model._rng),
                "random": self.encode(model.random.getstate()),
                "steps": int(model.steps),
                "time": float(model.time),
                "running": bool(model.running),
                "agent_id_counter": int(model.agent_id_counter),
                "registered": {"__t": "array", "member": self._array(registered)},
            },
            "fields": self._fields({k: v for k, v in vars(model).items() if k not in mesa_owned}),
            # the agents in Mesa's registry, by object id (the fields hold them all)
            "agents": {"__t": "array", "member": self._array(self._held(model.agents))},
        }

    def _held(self, agents: Any) -> list[int]:
        ids = []
        for agent in agents:
            index = self.memo.get(id(agent))
            if index is None:
                raise TypeError(f"agent {agent.unique_id} is registered but the model holds it not")
            self.referenced.add(index)
            ids.append(index)
        return ids

    def _array(self, values: list[int]) -> int:
        self.arrays.append(np.asarray(values, dtype=np.int64))
        return len(self.arrays) - 1

    def plain(self, node: Any) -> Any:
        """Drop unused ids; unshared lists and str-keyed dicts become plain JSON."""
        if isinstance(node, list):
            return [self.plain(x) for x in node]
        if not isinstance(node, dict):
            return node
        tag = node["__t"]
        shared = node.get("id") in self.referenced
        if tag == "list" and not shared:
            return [self.plain(x) for x in node["items"]]
        if tag == "dict" and not shared:
            keys = [k for k, _ in node["items"]]
            if all(isinstance(k, str) and k != "__t" for k in keys):
                return {k: self.plain(v) for k, v in node["items"]}
        out = {}
        for key, value in node.items():
            if key == "id" and not shared:
                continue
            if key in ("fields", "mesa", "columns"):  # str-keyed maps of nodes
                out[key] = {k: self.plain(v) for k, v in value.items()}
            elif key in ("items", "agents", "value", "state", "seed", "rng", "entropy", "model"):
                out[key] = self.plain(value)
            else:
                out[key] = value
        return out


def save(model: CrewModel, path: str | os.PathLike) -> Path:
    """Write the model to ``path`` atomically (a crash leaves the old file or none)."""
    import mesa

    from model import __version__

    writer = _Writer()
    with _no_garbage_collection():
        tree = writer.plain(writer.encode(model))
    header = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "package": __version__,
        "numpy": np.__version__,
        "mesa": mesa.__version__,
        "arrays": len(writer.arrays),
        "model": tree,
    }
    blob = json.dumps(header, separators=(",", ":"), allow_nan=True).encode("utf-8")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            with zipfile.ZipFile(handle, "w", allowZip64=True) as archive:
                archive.writestr(JSON_MEMBER, blob, compress_type=zipfile.ZIP_DEFLATED)
                for n, array in enumerate(writer.arrays):
                    info = zipfile.ZipInfo(f"{ARRAY_PREFIX}{n}.npy", (1980, 1, 1, 0, 0, 0))
                    with archive.open(info, "w", force_zip64=True) as member:
                        np.lib.format.write_array(member, array, allow_pickle=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# --- reading -------------------------------------------------------------------------------
def _megabytes(n: int) -> str:
    return f"{n:,} bytes" if n < 10 * 2**20 else f"{n / 2**20:,.0f} MB"


def _check_archive(path: Path, archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Member sizes, before anything is decompressed."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _Refused(f"has {len(infos):,} members, more than {MAX_MEMBERS:,}")
    on_disk = path.stat().st_size
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if info.compress_size > on_disk:
            raise _Refused(
                f"member {info.filename[:80]!r} declares {_megabytes(info.compress_size)}, "
                f"more than the whole file ({_megabytes(on_disk)}): truncated or altered"
            )
        members[info.filename] = info
    packed = sum(info.compress_size for info in infos)
    if packed > on_disk:  # overlapping members: the same bytes read many times over
        raise _Refused(
            f"its members declare {_megabytes(packed)} in all, more than the whole file "
            f"({_megabytes(on_disk)}): truncated or altered"
        )
    if JSON_MEMBER not in members:
        raise _Refused(f"has no {JSON_MEMBER} (not a checkpoint of format {FORMAT_VERSION})")
    size = members[JSON_MEMBER].file_size
    if size > MAX_JSON_BYTES:
        raise _Refused(
            f"{JSON_MEMBER} declares {_megabytes(size)}, more than the "
            f"{_megabytes(MAX_JSON_BYTES)} limit"
        )
    return members


def _read_json(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> dict[str, Any]:
    with archive.open(info) as member:
        blob = member.read(MAX_JSON_BYTES + 1)
    if len(blob) > MAX_JSON_BYTES:
        raise _Refused(f"{JSON_MEMBER} is more than the {_megabytes(MAX_JSON_BYTES)} limit")
    try:
        header = json.loads(blob.decode("utf-8"))
    except RecursionError:
        raise _Refused(f"{JSON_MEMBER} is nested too deeply (a JSON bomb?)") from None
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise _Refused(f"{JSON_MEMBER} is not valid JSON ({exc})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise _Refused(f"{JSON_MEMBER} is not a {FORMAT}")
    version = header.get("version")
    if version != FORMAT_VERSION:
        raise _Refused(
            f"is checkpoint format {str(version)[:20]}; this version reads format {FORMAT_VERSION}"
        )
    return header


class _Reader:
    """Rebuilds the model from the JSON tree and the archive's arrays."""

    def __init__(self, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]):
        self.archive = archive
        self.members = members
        self.memo: dict[int, Any] = {}
        self.arrays: dict[int, np.ndarray] = {}
        self.agents: list[Any] = []
        self.depth = 0

    # arrays
    def array(self, n: Any) -> np.ndarray:
        if not isinstance(n, int) or isinstance(n, bool):
            raise _Refused(f"refers to array {str(n)[:40]!r}")
        if n in self.arrays:
            return self.arrays[n]
        name = f"{ARRAY_PREFIX}{n}.npy"
        info = self.members.get(name)
        if info is None:
            raise _Refused(f"has no member {name}")
        if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
            raise _Refused(f"{name} is compressed; arrays are stored")
        fmt = np.lib.format
        with self.archive.open(info) as member:
            try:
                version = fmt.read_magic(member)
                if version == (1, 0):
                    shape, fortran, dtype = fmt.read_array_header_1_0(member)
                elif version == (2, 0):
                    shape, fortran, dtype = fmt.read_array_header_2_0(member)
                else:
                    raise ValueError(f"npy version {version}")
            except (ValueError, OSError, SyntaxError, EOFError) as exc:
                raise _Refused(f"{name} is not a numpy array ({exc})") from None
            if dtype.hasobject or dtype.kind not in ARRAY_KINDS or dtype.fields is not None:
                raise _Refused(
                    f"{name} holds {dtype} values; a checkpoint holds only numbers "
                    "(no Python objects, which would be unpickled)"
                )
            count = math.prod(shape)
            declared = count * dtype.itemsize
            held = info.file_size - member.tell()
            if declared != held:
                raise _Refused(
                    f"{name} declares {_megabytes(declared)} of data but holds "
                    f"{_megabytes(held)} (truncated or altered)"
                )
            data = member.read(held)
        if len(data) != held:
            raise _Refused(f"{name} is truncated")
        array = np.frombuffer(bytearray(data), dtype=dtype, count=count)
        array = array.reshape(shape, order="F" if fortran else "C")
        if fortran:
            array = np.ascontiguousarray(array)
        if not array.dtype.isnative:
            array = array.astype(array.dtype.newbyteorder("="))
        self.arrays[n] = array
        return array

    # the tree
    def _remember(self, node: dict, obj: Any) -> Any:
        if "id" in node:
            key = node["id"]
            if not isinstance(key, int) or key in self.memo:
                raise _Refused(f"has a bad or repeated object id {str(key)[:20]}")
            self.memo[key] = obj
        return obj

    def decode(self, node: Any) -> Any:
        if node is None or isinstance(node, bool | int | float | str):
            return node
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(f"nests deeper than {MAX_DEPTH} levels (a JSON bomb?)")
        try:
            if isinstance(node, list):
                return [self.decode(x) for x in node]
            if not isinstance(node, dict):
                raise _Refused(f"holds a {type(node).__name__}")
            if "__t" not in node:
                return {k: self.decode(v) for k, v in node.items()}
            return self._tagged(node["__t"], node)
        finally:
            self.depth -= 1

    def _tagged(self, tag: Any, node: dict) -> Any:  # noqa: C901 - one branch per tag
        if tag == "ref":
            key = node.get("id")
            if not isinstance(key, int) or key not in self.memo:
                raise _Refused(f"refers to an unknown object {str(key)[:20]}")
            return self.memo[key]
        if tag == "list":
            out = self._remember(node, [])
            out.extend(self.decode(x) for x in _items(node))
            return out
        if tag == "dict":
            out = self._remember(node, {})
            for pair in _items(node):
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise _Refused("has a dict entry that is not a pair")
                out[self.decode(pair[0])] = self.decode(pair[1])
            return out
        if tag == "tuple":
            return tuple(self.decode(x) for x in _items(node))
        if tag in ("set", "frozenset"):
            items = (self.decode(x) for x in _items(node))
            return set(items) if tag == "set" else frozenset(items)
        if tag == "array":
            return self._remember(node, self.array(node.get("member")))
        if tag == "scalar":
            dtype = np.dtype(str(node.get("dtype")))
            if dtype.kind not in ARRAY_KINDS or dtype.hasobject:
                raise _Refused(f"holds a {dtype} scalar")
            return dtype.type(node.get("value"))
        if tag == "enum":
            cls = _resolve(node.get("class"))
            if not (isinstance(cls, type) and issubclass(cls, enum.Enum)):
                raise _Refused(f"names {node.get('class')!r} as an enum")
            return cls(self.decode(node.get("value")))
        if tag == "seed_sequence":
            pool = node.get("pool_size")
            if not (isinstance(pool, int) and 4 <= pool <= 1024):
                raise _Refused(f"has a seed sequence pool of {str(pool)[:20]}")
            return self._remember(
                node,
                np.random.SeedSequence(
                    self.decode(node.get("entropy")),
                    spawn_key=tuple(node.get("spawn_key", ())),
                    pool_size=pool,
                    n_children_spawned=node.get("n_children_spawned", 0),
                ),
            )
        if tag == "generator":
            name = node.get("bit_generator")
            if name not in BIT_GENERATORS:
                raise _Refused(f"names bit generator {str(name)[:40]!r}")
            bit_generator = getattr(np.random, name)(self.decode(node.get("seed")))
            bit_generator.state = self.decode(node.get("state"))
            return self._remember(node, np.random.Generator(bit_generator))
        if tag == "random":
            generator = self._remember(node, random.Random())
            generator.setstate(self.decode(node.get("state")))
            return generator
        if tag == "object":
            return self._object(node)
        if tag == "agents":
            return self._agents(node)
        if tag == "model":
            return self._model(node)
        raise _Refused(f"has an unknown node type {str(tag)[:40]!r}")

    def _fields(self, node: dict) -> dict[str, Any]:
        fields = node.get("fields")
        if not isinstance(fields, dict):
            raise _Refused("has an object without fields")
        out = {}
        for name, value in fields.items():
            if not (name.isidentifier() and not name.startswith("__")):
                raise _Refused(f"has a field named {name[:40]!r}")
            out[name] = self.decode(value)
        return out

    def _object(self, node: dict) -> Any:
        import mesa

        cls = _resolve(node.get("class"))
        if (
            not isinstance(cls, type)
            or issubclass(cls, enum.Enum | mesa.Model | BaseException)
            or cls.__new__ is not object.__new__
        ):
            raise _Refused(f"names {node.get('class')!r} as an object class")
        if _built_by_constructor(cls):
            fields = self._fields(node)  # frozen: built by its own (validating) constructor
            try:
                return self._remember(node, cls(**fields))
            except (TypeError, ValueError) as exc:
                raise _Refused(f"has an invalid {cls.__name__}: {exc}") from None
        obj = self._remember(node, cls.__new__(cls))
        slots = set(_slots(cls))
        for name, value in self._fields(node).items():
            if name in slots:
                object.__setattr__(obj, name, value)
            elif hasattr(obj, "__dict__"):
                obj.__dict__[name] = value
            else:
                raise _Refused(f"gives {cls.__name__} an unknown field {name!r}")
        if isinstance(obj, mesa.Agent):
            self.agents.append(obj)
        return obj

    def _agents(self, node: dict) -> list:
        import mesa

        out = self._remember(node, [])
        cls = _resolve(node.get("class"))
        if not (
            isinstance(cls, type)
            and issubclass(cls, mesa.Agent)
            and cls.__new__ is object.__new__
            and type(cls).__call__ is type.__call__
        ):
            raise _Refused(f"names {node.get('class')!r} as an agent class")
        model = self.decode(node.get("model"))
        first, count, names = node.get("first_id"), node.get("count"), node.get("names")
        columns = node.get("columns")
        if not (
            isinstance(model, mesa.Model)
            and isinstance(first, int)
            and isinstance(count, int)
            and isinstance(names, list)
            and isinstance(columns, dict)
            and set(columns) | {"model"} == set(names)
            and all(isinstance(n, str) and n.isidentifier() for n in names)
            and not any(k in self.memo for k in range(first, first + count))
        ):
            raise _Refused("has a malformed list of agents")
        if all(column is None for column in columns.values()):
            raise _Refused("has a list of agents without ids")  # its length is an array's
        values: dict[str, list] = {}
        for name, column in columns.items():
            if column is None:
                values[name] = [None] * count
                continue
            array = self.decode(column)
            if not (isinstance(array, np.ndarray) and array.shape == (count,)):
                raise _Refused(f"has an agent column {name!r} of the wrong length")
            values[name] = array.tolist()
        for i in range(count):
            agent = cls.__new__(cls)
            agent.__dict__.update({n: model if n == "model" else values[n][i] for n in names})
            self.memo[first + i] = agent
            out.append(agent)
        return out

    def _model(self, node: dict) -> Any:
        import mesa

        cls = _resolve(node.get("class"))
        if not (isinstance(cls, type) and issubclass(cls, mesa.Model)):
            raise _Refused(f"names {node.get('class')!r} as the model class")
        shell = node.get("mesa")
        if not isinstance(shell, dict):
            raise _Refused("has no Mesa clock")
        seed = shell.get("seed")
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise _Refused("has no integer Mesa seed")
        model = self._remember(node, cls.__new__(cls))
        mesa.Model.__init__(model, rng=seed)  # Mesa's own shell: clock, registries, signals
        model.rng = self.decode(node.get("rng"))
        if not isinstance(model.rng, np.random.Generator):
            raise _Refused("has no random generator")
        model._rng = self.decode(shell.get("initial_rng_state"))
        model.random.setstate(self.decode(shell.get("random")))
        model.running = bool(shell.get("running", True))
        owned = _mesa_attributes()
        for name, value in self._fields(node).items():
            if name in owned:
                raise _Refused(f"sets Mesa's own attribute {name!r}")
            model.__dict__[name] = value
        registered = self.decode(shell.get("registered"))
        agents = self.decode(node.get("agents"))
        if not isinstance(agents, np.ndarray):
            raise _Refused("has no agent registry")
        agents = agents.tolist()
        self._wind_clock(model, shell)
        self._register(model, registered, agents, shell.get("agent_id_counter"))
        return model

    def _wind_clock(self, model: Any, shell: dict) -> None:
        """Set Mesa's clock to the saved step without running the model's step."""
        steps, time = shell.get("steps"), shell.get("time")
        if not (isinstance(steps, int) and 0 <= steps <= MAX_DAYS and time == steps):
            raise _Refused(f"has a Mesa clock at step {str(steps)[:20]}, time {str(time)[:20]}")
        if getattr(model, "day", steps) != steps:
            raise _Refused(f"is on day {model.day} but Mesa's clock is at step {steps}")
        if steps:  # Mesa's daily schedule, restarted at the next step (O(1), not O(steps))
            daily = model._default_schedule
            daily.stop()
            model._event_list.compact()
            daily.schedule = dataclasses.replace(daily.schedule, start=float(steps) + 1.0)
            daily._execution_count = steps
            model.time = float(steps)
            model.steps = steps
            daily.start()
        if model.steps != steps or model.time != time:
            raise _Refused("has a Mesa clock that cannot be wound to the saved step")

    def _register(self, model: Any, registered: Any, agents: Any, counter: Any) -> None:
        """Put the agents back in Mesa's registry, in the saved order, under their ids."""
        if not isinstance(registered, np.ndarray):
            raise _Refused("has no agent registry")
        if len(agents) != len(registered) or not isinstance(counter, int):
            raise _Refused("has an inconsistent agent registry")
        if any(not isinstance(k, int) or k not in self.memo for k in agents):
            raise _Refused("registers agents it does not hold")
        agents = [self.memo[k] for k in agents]
        for agent, unique_id in zip(agents, registered.tolist(), strict=True):
            if getattr(agent, "model", None) is not model or agent.unique_id != unique_id:
                raise _Refused(f"has an agent registered as {unique_id} that does not match")
            model.agent_id_counter = unique_id
            model.register_agent(agent)
        if len({id(a) for a in agents}) != len(agents) or counter < len(agents):
            raise _Refused("has an inconsistent agent registry")
        model.agent_id_counter = counter


@functools.cache
def _built_by_constructor(cls: type) -> bool:
    """A frozen dataclass whose fields are all ``__init__`` arguments (Parameters, ...)."""
    return (
        dataclasses.is_dataclass(cls)
        and cls.__dataclass_params__.frozen
        and all(f.init for f in dataclasses.fields(cls))
    )


def _items(node: dict) -> list:
    items = node.get("items")
    if not isinstance(items, list):
        raise _Refused("has a container without items")
    return items


def load(path: str | os.PathLike) -> CrewModel:
    """Read a model written by :func:`save`; :class:`CheckpointError` if the file is not one."""
    from model.crew_model import CrewModel
    from model.invariants import InvariantError

    path = Path(path)
    try:
        with path.open("rb") as handle:
            start = handle.read(4)
    except FileNotFoundError:
        raise CheckpointError(path, "does not exist") from None
    except OSError as exc:
        raise CheckpointError(path, f"cannot be read ({exc.strerror})") from None
    if start[:1] == b"\x80":
        raise CheckpointError(
            path,
            "is a pickle (perhaps a format 1 checkpoint), which could run code when "
            "loaded; refused",
        )
    try:
        with zipfile.ZipFile(path) as archive, _no_garbage_collection():
            members = _check_archive(path, archive)
            header = _read_json(archive, members[JSON_MEMBER])
            model = _Reader(archive, members).decode(header.get("model"))
        if not isinstance(model, CrewModel):
            raise _Refused("does not hold a CrewModel")
        rows = {len(column) for column in model.datacollector.model_vars.values()}
        if rows != {model.day + 1}:
            raise _Refused(f"holds {sorted(rows)[:3]} days of series for day {model.day}")
        model.check_invariants()
    except _Refused as exc:
        raise CheckpointError(path, str(exc)) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise CheckpointError(
            path, f"is not a checkpoint: not a readable zip archive, truncated or altered ({exc})"
        ) from None
    except InvariantError as exc:
        raise CheckpointError(path, f"holds an impossible model ({exc})") from None
    except RecursionError:
        raise CheckpointError(path, "is nested too deeply (a JSON bomb?)") from None
    except MemoryError:
        raise CheckpointError(path, "needs more memory than there is") from None
    except Exception as exc:  # noqa: BLE001 - untrusted input: every failure is one line
        raise CheckpointError(
            path, f"is not a valid checkpoint ({exc.__class__.__name__}: {exc})"
        ) from None
    return model
