"""ParameterList and ParameterDict against live PyTorch: registration, names, repr, errors."""
from __future__ import annotations

from collections import OrderedDict

import pytest
import torch

import tinygrad_lr


def build(ns, kind):
    if kind == "list":
        return ns.nn.ParameterList([ns.nn.Parameter(ns.ones(3, 4)), ns.zeros(5), "not a tensor"])
    return ns.nn.ParameterDict({"b": ns.ones(2), "a": ns.nn.Parameter(ns.zeros(3, 1)), "c": 7})


@pytest.mark.parametrize("kind", ["list", "dict"])
def test_repr_names_and_types_match_torch(kind):
    ours, theirs = build(tinygrad_lr, kind), build(torch, kind)
    assert repr(ours) == repr(theirs)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    values = list(ours) if kind == "list" else list(ours.values())
    assert [type(v).__name__ for v in values] == \
        [type(v).__name__ for v in (list(theirs) if kind == "list" else list(theirs.values()))]


def test_nested_in_a_module():
    def model(ns):
        class M(ns.nn.Module):
            def __init__(self):
                super().__init__()
                self.ws = ns.nn.ParameterList([ns.ones(2), ns.ones(3)])
                self.d = ns.nn.ParameterDict(OrderedDict([("z", ns.ones(1)), ("y", ns.ones(2))]))
        return M()
    ours, theirs = model(tinygrad_lr), model(torch)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["ws.0", "ws.1", "d.z", "d.y"]
    assert len(list(ours.parameters())) == 4


def test_list_operations():
    pl = tinygrad_lr.nn.ParameterList()
    pl.append(tinygrad_lr.ones(2))
    pl += [tinygrad_lr.zeros(3)]
    pl.extend([tinygrad_lr.zeros(1)])
    assert len(pl) == 3 and pl[-1].shape == (1,) and len(pl[1:]) == 2
    pl[0] = tinygrad_lr.full((2,), 5.0)
    assert isinstance(pl[0], tinygrad_lr.nn.Parameter) and pl[0].requires_grad
    assert "0" not in dir(pl)


def test_dict_operations():
    pd = tinygrad_lr.nn.ParameterDict()
    pd["w"] = tinygrad_lr.ones(2)
    pd.update([("v", tinygrad_lr.zeros(1))])
    assert list(pd) == ["w", "v"] and "w" in pd and pd.get("missing") is None
    assert pd.setdefault("u", tinygrad_lr.ones(3)).shape == (3,)
    key, value = pd.popitem()
    assert key == "u" and value.shape == (3,)
    assert list((pd | tinygrad_lr.nn.ParameterDict({"x": tinygrad_lr.ones(1)})).keys()) == ["w", "v", "x"]
    assert pd.pop("w").shape == (2,) and list(pd.keys()) == ["v"]
    pd.clear()
    assert len(pd) == 0 and list(pd.parameters()) == []


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type is compared
        return type(e), str(e)
    return None


@pytest.mark.parametrize("call", [
    lambda ns: ns.nn.ParameterList([ns.ones(1)])(ns.ones(1)),
    lambda ns: ns.nn.ParameterDict()(ns.ones(1)),
    lambda ns: ns.nn.ParameterList([ns.ones(1)])[3],
    lambda ns: ns.nn.ParameterList().extend(ns.ones(2)),
    lambda ns: ns.nn.ParameterDict()[1],
    lambda ns: ns.nn.ParameterDict().update(3),
    lambda ns: ns.nn.ParameterDict().update([("a", ns.ones(1), 2)]),
    lambda ns: ns.nn.ParameterDict({"a": ns.ones(1)})["b"],
])
def test_errors_match_torch(call):
    ours, theirs = _error(lambda: call(tinygrad_lr)), _error(lambda: call(torch))
    assert theirs is not None and ours == theirs
