"""save/load: a NumPy .npz that loads without pickle and round-trips state dicts exactly."""
from __future__ import annotations

import collections
import io
import pathlib

import numpy as np
import pytest

import tinygrad_lr
from tinygrad_lr import optim

DTYPES = [tinygrad_lr.float32, tinygrad_lr.float64, tinygrad_lr.float16, tinygrad_lr.int64, tinygrad_lr.int32,
          tinygrad_lr.int8, tinygrad_lr.uint8, tinygrad_lr.bool]


def state_dict():
    rng = np.random.default_rng(0)
    sd = collections.OrderedDict()
    for i, dtype in enumerate(DTYPES):
        sd[f"layer{i}.weight"] = tinygrad_lr.tensor((rng.standard_normal((2, 3)) * 5).astype(dtype.np))
    sd["scalar"] = tinygrad_lr.tensor(3.5)
    sd["empty"] = tinygrad_lr.zeros(0, 4)
    return sd


def assert_same_state_dict(loaded, original):
    assert type(loaded) is type(original) and list(loaded) == list(original)
    for key, value in original.items():
        assert isinstance(loaded[key], tinygrad_lr.Tensor)
        assert loaded[key].dtype is value.dtype and loaded[key].shape == value.shape
        assert loaded[key].device == tinygrad_lr.device("cpu")
        np.testing.assert_array_equal(loaded[key].numpy(), value.numpy())


@pytest.mark.parametrize("name", ["model.pth", "model.pt", "model.npz", "model"])
def test_round_trip_through_a_path_keeps_its_name(tmp_path, name):
    sd = state_dict()
    path = tmp_path / name
    tinygrad_lr.save(sd, str(path))
    assert path.exists() and list(tmp_path.iterdir()) == [path]
    assert_same_state_dict(tinygrad_lr.load(str(path)), sd)
    assert_same_state_dict(tinygrad_lr.load(pathlib.Path(path)), sd)


def test_file_readable_by_numpy_without_pickle(tmp_path):
    tinygrad_lr.save(state_dict(), tmp_path / "m.pth")
    with np.load(tmp_path / "m.pth", allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    assert len(arrays) == len(state_dict()) + 1
    assert all(a.dtype != object for a in arrays.values())


def test_round_trip_through_file_objects():
    sd = state_dict()
    buffer = io.BytesIO()
    tinygrad_lr.save(sd, buffer)
    buffer.seek(0)
    assert_same_state_dict(tinygrad_lr.load(buffer), sd)


def test_nested_structures_round_trip():
    obj = {"epoch": 3, "loss": 0.25, "name": "mlp", "flags": [True, None, float("inf"), float("nan")],
           "shape": (2, 3), 7: "int key", (1, "a"): {"deep": [tinygrad_lr.arange(3)]},
           "array": np.arange(4, dtype=np.int16), "tensor": tinygrad_lr.ones(2, requires_grad=True)}
    buffer = io.BytesIO()
    tinygrad_lr.save(obj, buffer)
    buffer.seek(0)
    loaded = tinygrad_lr.load(buffer)
    assert list(loaded) == list(obj) and type(loaded) is dict
    assert loaded["epoch"] == 3 and isinstance(loaded["epoch"], int) and loaded["loss"] == 0.25
    assert loaded["flags"][:3] == [True, None, float("inf")] and np.isnan(loaded["flags"][3])
    assert loaded["shape"] == (2, 3) and loaded[7] == "int key"
    assert loaded[(1, "a")]["deep"][0].tolist() == [0, 1, 2]
    assert loaded["array"].dtype == np.int16 and loaded["array"].tolist() == [0, 1, 2, 3]
    assert loaded["tensor"].requires_grad and loaded["tensor"].is_leaf


def test_optimizer_state_dict_round_trip_then_continue(tmp_path):
    params = [tinygrad_lr.tensor([1.0, -2.0], requires_grad=True), tinygrad_lr.tensor([[0.5]], requires_grad=True)]
    opt = optim.Adam(params, lr=0.1, amsgrad=True)
    for _ in range(2):
        for p in params:
            p.grad = p.detach() * 2
        opt.step()
    tinygrad_lr.save({"optimizer": opt.state_dict()}, tmp_path / "opt.pth")
    copies = [tinygrad_lr.tensor(p.detach().numpy(), requires_grad=True) for p in params]
    restored = optim.Adam(copies, lr=0.5)
    restored.load_state_dict(tinygrad_lr.load(tmp_path / "opt.pth")["optimizer"])
    assert restored.state_dict()["param_groups"] == opt.state_dict()["param_groups"]
    for p, q in zip(params, copies):
        p.grad, q.grad = p.detach() * 2, q.detach() * 2
    opt.step()
    restored.step()
    for p, q in zip(params, copies):
        assert p.tolist() == q.tolist()


def test_unsupported_objects_raise_type_error(tmp_path):
    for obj in ({"f": lambda: 0}, object(), {"s": {1, 2}}, np.array([object()])):
        with pytest.raises(TypeError, match="cannot store"):
            tinygrad_lr.save(obj, tmp_path / "bad.pth")


def test_load_rejects_foreign_files(tmp_path):
    np.savez(tmp_path / "plain.npz", a=np.zeros(2))
    with pytest.raises(ValueError, match="not a tinygrad_lr.save file"):
        tinygrad_lr.load(tmp_path / "plain.npz")


@pytest.mark.cuda
def test_map_location_cuda(tmp_path):
    from tinygrad_lr.backend import cupy_module
    if cupy_module() is None:
        pytest.skip("needs CuPy and an NVIDIA GPU")
    sd = state_dict()
    tinygrad_lr.save(sd, tmp_path / "m.pth")
    loaded = tinygrad_lr.load(tmp_path / "m.pth", map_location="cuda")
    assert all(t.is_cuda for t in loaded.values())
    assert loaded["layer0.weight"].cpu().tolist() == sd["layer0.weight"].tolist()
    again = tmp_path / "again.pth"
    tinygrad_lr.save(loaded, again)
    assert_same_state_dict(tinygrad_lr.load(again), sd)
