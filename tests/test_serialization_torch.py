"""PyTorch's checkpoint files: load what torch.save writes, write what torch.load(weights_only=True) reads,
and never run anything a file asks for. Every check goes through live torch."""
from __future__ import annotations

import io
import os
import pickle
import zipfile

import numpy as np
import pytest
import torch

import tinygrad_lr
from tinygrad_lr import nn, optim

TORCH_DTYPES = [torch.float32, torch.float64, torch.float16, torch.int64, torch.int32, torch.int16, torch.int8,
                torch.uint8, torch.bool]


def assert_same_tensor(ours, theirs):
    assert isinstance(ours, tinygrad_lr.Tensor)
    assert str(ours.dtype) == str(theirs.dtype) and tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    assert ours.requires_grad == theirs.requires_grad


def torch_model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.ReLU(), torch.nn.Flatten(),
                               torch.nn.Linear(8, 3))


def our_model():
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3))


def test_torch_state_dict_loads_into_our_model_and_predicts_the_same(tmp_path):
    model = torch_model()
    model(torch.randn(4, 1, 4, 4))  # running statistics and num_batches_tracked move
    model.eval()
    torch.save(model.state_dict(), tmp_path / "model.pth")
    loaded = tinygrad_lr.load(tmp_path / "model.pth")
    assert list(loaded) == list(model.state_dict())
    for key, value in model.state_dict().items():
        assert_same_tensor(loaded[key], value)
    ours = our_model()
    ours.load_state_dict(loaded)
    ours.eval()
    x = np.random.default_rng(0).standard_normal((2, 1, 4, 4)).astype(np.float32)
    np.testing.assert_allclose(ours(tinygrad_lr.tensor(x)).detach().numpy(),
                               model(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_checkpoint_with_optimizer_state_epoch_and_parameters(tmp_path):
    model = torch_model()
    opt = torch.optim.Adam(model.parameters(), lr=0.01, amsgrad=True)
    model(torch.randn(2, 1, 4, 4)).sum().backward()
    opt.step()
    checkpoint = {"epoch": 7, "loss": 0.125, "name": "cnn", "model": model.state_dict(),
                  "optimizer": opt.state_dict(), "weight": model[4].weight, "none": None, "shape": torch.Size([2, 3]),
                  "dtype": torch.float16, "raw": b"\x00\xffab", "pair": (1, [2.5, True])}
    torch.save(checkpoint, tmp_path / "ckpt.pt")
    loaded = tinygrad_lr.load(tmp_path / "ckpt.pt", map_location="cpu")
    assert (loaded["epoch"], loaded["loss"], loaded["name"], loaded["none"]) == (7, 0.125, "cnn", None)
    assert loaded["shape"] == (2, 3) and repr(loaded["shape"]) == "torch.Size([2, 3])"
    assert loaded["dtype"] is tinygrad_lr.float16 and loaded["raw"] == b"\x00\xffab"
    assert loaded["pair"] == (1, [2.5, True])
    assert isinstance(loaded["weight"], nn.Parameter) and loaded["weight"].requires_grad
    assert_same_tensor(loaded["weight"], model[4].weight)
    state, theirs = loaded["optimizer"], opt.state_dict()
    assert state["param_groups"] == theirs["param_groups"]
    assert list(state["state"]) == list(theirs["state"])
    for index, entry in theirs["state"].items():
        for name, value in entry.items():
            assert_same_tensor(state["state"][index][name], value)
    # the optimizer state continues here as it does in torch
    ours = our_model()
    ours.load_state_dict(loaded["model"])
    our_opt = optim.Adam(ours.parameters(), lr=0.5, amsgrad=True)
    our_opt.load_state_dict(state)
    assert our_opt.param_groups[0]["lr"] == 0.01


@pytest.mark.parametrize("dtype", TORCH_DTYPES, ids=str)
def test_every_dtype_both_ways(tmp_path, dtype):
    values = (torch.arange(12) * 7 - 30).reshape(3, 4) % (2 if dtype is torch.bool else 1000)
    value = values.to(dtype)
    torch.save({"t": value, "scalar": value[1, 2].clone(), "empty": value[:0]}, tmp_path / "a.pt")
    loaded = tinygrad_lr.load(tmp_path / "a.pt")
    for key in ("t", "scalar", "empty"):
        assert_same_tensor(loaded[key], {"t": value, "scalar": value[1, 2], "empty": value[:0]}[key])
    tinygrad_lr.save(loaded, tmp_path / "b.pt", format="torch")
    back = torch.load(tmp_path / "b.pt", weights_only=True)
    for key in ("t", "scalar", "empty"):
        assert back[key].dtype == dtype
        np.testing.assert_array_equal(back[key].numpy(), loaded[key].numpy())


def test_views_strides_offsets_and_shared_storages(tmp_path):
    base = torch.arange(24, dtype=torch.float64).reshape(4, 6)
    views = {"base": base, "t": base.t(), "cols": base[:, 1:4], "step": base[::2, ::3], "row": base[2],
             "expanded": torch.ones(3, 1).expand(3, 5), "permuted": base.reshape(2, 3, 4).permute(2, 0, 1),
             "element": base[3, 5]}
    assert views["cols"].storage_offset() > 0 and not views["t"].is_contiguous()
    torch.save(views, tmp_path / "views.pt")
    loaded = tinygrad_lr.load(tmp_path / "views.pt")
    for key, value in views.items():
        assert_same_tensor(loaded[key], value)
    loaded["row"].add_(100)  # tensors that shared a storage come back as separate copies
    assert loaded["base"][2, 0].item() == 12.0


def test_our_state_dict_and_optimizer_read_by_torch_and_continue_alike(tmp_path):
    tinygrad_lr.manual_seed(0)
    ours = our_model()
    opt = optim.Adam(ours.parameters(), lr=0.01)
    x = np.random.default_rng(1).standard_normal((2, 1, 4, 4)).astype(np.float32)
    ours(tinygrad_lr.tensor(x)).sum().backward()
    opt.step()
    tinygrad_lr.save({"model": ours.state_dict(), "optimizer": opt.state_dict(), "epoch": 1},
                     tmp_path / "ours.pth", format="torch")
    loaded = torch.load(tmp_path / "ours.pth", weights_only=True)
    assert loaded["epoch"] == 1
    theirs = torch_model()
    theirs.load_state_dict(loaded["model"])
    their_opt = torch.optim.Adam(theirs.parameters(), lr=0.5)
    their_opt.load_state_dict(loaded["optimizer"])
    assert their_opt.param_groups[0]["lr"] == 0.01
    for model, optimizer, ns in ((ours, opt, tinygrad_lr), (theirs, their_opt, torch)):
        model.eval()  # in training mode BatchNorm cancels the conv bias's gradient (Adam would scale noise)
        optimizer.zero_grad()
        model(ns.tensor(x)).sum().backward()
        optimizer.step()
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-5, atol=1e-6, err_msg=name)
    # memory-mapped loading needs PyTorch's 64-byte record alignment
    mapped = torch.load(tmp_path / "ours.pth", weights_only=True, mmap=True)
    assert torch.equal(mapped["model"]["4.weight"], loaded["model"]["4.weight"])


def test_file_objects_parameters_and_requires_grad_both_ways():
    buffer = io.BytesIO()
    leaf = tinygrad_lr.ones(2, requires_grad=True)
    tinygrad_lr.save({"p": nn.Parameter(tinygrad_lr.zeros(3)), "leaf": leaf, "same": [leaf, leaf]}, buffer,
                     format="torch")
    buffer.seek(0)
    theirs = torch.load(buffer, weights_only=True)
    assert isinstance(theirs["p"], torch.nn.Parameter) and theirs["leaf"].requires_grad
    assert theirs["same"][0].data_ptr() == theirs["same"][1].data_ptr()  # one tensor saved once
    buffer = io.BytesIO()
    torch.save(theirs, buffer)
    buffer.seek(0)
    again = tinygrad_lr.load(buffer)
    assert isinstance(again["p"], nn.Parameter) and again["leaf"].requires_grad and again["leaf"].is_leaf


def test_save_refuses_what_torch_format_cannot_hold(tmp_path):
    for obj in ({"a": np.zeros(2)}, {"f": len}, {1, 2}):
        with pytest.raises(TypeError, match="cannot store"):
            tinygrad_lr.save(obj, tmp_path / "x.pt", format="torch")
    with pytest.raises(ValueError, match="format"):
        tinygrad_lr.save({}, tmp_path / "x.pt", format="pickle")
    with pytest.raises(NotImplementedError, match="legacy"):  # read, not written
        tinygrad_lr.save({}, tmp_path / "x.pt", _use_new_zipfile_serialization=False)


# ------------------------------------------------------------------ hostile files: nothing may run

class _Call:
    """Pickles as a call of ``function(*args)``: what a hostile checkpoint hides inside."""

    def __init__(self, function, *args):
        self.function, self.args = function, args

    def __reduce__(self):
        return self.function, self.args


def _hostile_payloads(marker):
    import builtins
    import subprocess
    command = f"touch {marker}"
    return {
        "os.system": _Call(os.system, command),
        "builtins.eval": _Call(builtins.eval, f"open({str(marker)!r}, 'w')"),
        "builtins.exec": _Call(builtins.exec, f"open({str(marker)!r}, 'w')"),
        "subprocess.call": _Call(subprocess.call, ["touch", str(marker)]),
        "builtins.getattr": _Call(getattr, "text", "upper"),
        "builtins.__import__": _Call(__import__, "os"),
        "nested in a state dict": {"weight": torch.zeros(2), "evil": _Call(os.system, command)},
    }


@pytest.mark.parametrize("name", list(_hostile_payloads("m")))
def test_hostile_checkpoints_never_run(tmp_path, name):
    marker = tmp_path / "marker"
    path = tmp_path / "evil.pt"
    torch.save(_hostile_payloads(marker)[name], path)  # a real torch.save zip around the payload
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global: GLOBAL"):
        tinygrad_lr.load(path)
    with pytest.raises(pickle.UnpicklingError):  # PyTorch's weights_only load refuses them too
        torch.load(path, weights_only=True)
    assert not marker.exists()


def test_hostile_protocol_4_pickle_and_legacy_files_never_run(tmp_path):
    marker = tmp_path / "marker"
    payload = pickle.dumps(_Call(os.system, f"touch {marker}"), protocol=4)  # STACK_GLOBAL, not GLOBAL
    path = tmp_path / "evil4.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("evil4/data.pkl", payload)
        archive.writestr("evil4/version", "3\n")
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL posix.system|GLOBAL os.system"):
        tinygrad_lr.load(path)
    (tmp_path / "plain.pkl").write_bytes(pickle.dumps(_Call(os.system, f"touch {marker}"), protocol=2))
    with pytest.raises(ValueError, match="not a tinygrad_lr.save file"):  # a bare pickle is never unpickled
        tinygrad_lr.load(tmp_path / "plain.pkl")
    torch.save({"w": torch.ones(1), "evil": _Call(os.system, f"touch {marker}")}, tmp_path / "legacy.pt",
               _use_new_zipfile_serialization=False)
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL posix.system|GLOBAL os.system"):
        tinygrad_lr.load(tmp_path / "legacy.pt")
    assert not marker.exists()


def test_a_file_cannot_change_shared_objects(tmp_path):
    # BUILD on what find_class hands out (the float32 dtype, torch.Size) would change them for the whole
    # process: both payloads do, through Python's C unpickler with the same find_class
    attacks = {"dtype": b"\x80\x02ctorch\nfloat32\n(N}X\x02\x00\x00\x00npX\x01\x00\x00\x00xstb.",
               "class": b"\x80\x02ctorch\nSize\n(N}X\x07\x00\x00\x00numel_xK\x01stb."}
    for name, payload in attacks.items():
        path = tmp_path / f"{name}.pt"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(f"{name}/data.pkl", payload)
            archive.writestr(f"{name}/version", "3\n")
        with pytest.raises(pickle.UnpicklingError, match="BUILD"):
            tinygrad_lr.load(path)
    assert tinygrad_lr.float32.np == np.float32 and not hasattr(tinygrad_lr.Size, "numel_x")
    assert tinygrad_lr.zeros(2).dtype is tinygrad_lr.float32


def test_legacy_files_of_torch_before_1_6(tmp_path):
    model = torch_model()
    model(torch.randn(2, 1, 4, 4))
    x = torch.randn(4, 6)
    checkpoint = {"model": model.state_dict(), "weight": model[4].weight, "cols": x[:, 1:3], "t": x.t(), "x": x,
                  "epoch": 3, "half": torch.ones(2, dtype=torch.half), "flags": torch.tensor([True, False])}
    torch.save(checkpoint, tmp_path / "old.pt", _use_new_zipfile_serialization=False)
    assert not zipfile.is_zipfile(tmp_path / "old.pt")
    loaded = tinygrad_lr.load(tmp_path / "old.pt")
    assert loaded["epoch"] == 3 and list(loaded["model"]) == list(checkpoint["model"])
    for key, value in checkpoint["model"].items():
        assert_same_tensor(loaded["model"][key], value)
    for key in ("weight", "cols", "t", "x", "half", "flags"):
        assert_same_tensor(loaded[key], checkpoint[key])
    assert isinstance(loaded["weight"], nn.Parameter)
    loaded["x"].add_(1)  # copies, not views of one another
    assert loaded["cols"][0, 0].item() == x[0, 1].item()
    torch.save(model, tmp_path / "whole.pt", _use_new_zipfile_serialization=False)  # a pickled module: code
    with pytest.raises(pickle.UnpicklingError):
        tinygrad_lr.load(tmp_path / "whole.pt")
    (tmp_path / "cut.pt").write_bytes((tmp_path / "old.pt").read_bytes()[:-10])
    with pytest.raises(pickle.UnpicklingError, match="storage"):
        tinygrad_lr.load(tmp_path / "cut.pt")


def _rewrite_pickle(source, target, transform):
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename.endswith("data.pkl"):
                data = transform(data)
            if data is not None:
                new.writestr(info.filename, data)


def test_crafted_geometry_and_missing_storages_are_refused(tmp_path):
    torch.save({"t": torch.arange(6.0)}, tmp_path / "ok.pt")
    # size 6 -> 60: a tensor reaching past its 6-element storage must not read foreign memory
    _rewrite_pickle(tmp_path / "ok.pt", tmp_path / "big.pt",
                    lambda data: data.replace(b"K\x06\x85", b"K\x3c\x85"))
    with pytest.raises(pickle.UnpicklingError, match="reaches past its storage"):
        tinygrad_lr.load(tmp_path / "big.pt")
    with zipfile.ZipFile(tmp_path / "ok.pt") as old, zipfile.ZipFile(tmp_path / "gone.pt", "w") as new:
        for info in old.infolist():
            if "/data/" not in info.filename:
                new.writestr(info.filename, old.read(info.filename))
    with pytest.raises(pickle.UnpicklingError, match="storage 0"):
        tinygrad_lr.load(tmp_path / "gone.pt")


# ------------------------------------------------------------------ foreign and damaged files

def _open_fds():
    return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0


def _npz_with_structure(path, structure, **arrays):
    with open(path, "wb") as handle:  # np.savez would add ".npz" to a path
        np.savez(handle, structure=np.array(structure), **arrays)


@pytest.mark.parametrize("kind", ["npy", "random bytes", "truncated npz", "truncated torch", "dangling name",
                                  "not json", "json list", "bad pairs", "empty", "object array"])
def test_foreign_or_damaged_files_name_the_file(tmp_path, kind):
    path = tmp_path / f"{kind.replace(' ', '_')}.pth"
    if kind == "npy":
        np.save(path.with_suffix(".npy"), np.zeros(3))
        path = path.with_suffix(".npy")
    elif kind == "random bytes":
        path.write_bytes(np.random.default_rng(0).bytes(300))
    elif kind.startswith("truncated"):
        tinygrad_lr.save({"w": tinygrad_lr.ones(50, 50)}, path, format=kind.split()[1])
        path.write_bytes(path.read_bytes()[:4000])
    elif kind == "dangling name":
        _npz_with_structure(path, '{"format": "tinygrad_lr.save/1", "object": {"tensor": "tensor_9"}}')
    elif kind == "not json":
        _npz_with_structure(path, "{format: nope")
    elif kind == "json list":
        _npz_with_structure(path, "[1, 2]")
    elif kind == "bad pairs":
        _npz_with_structure(path, '{"format": "tinygrad_lr.save/1", "object": {"dict": [1, 2]}}')
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "object array":
        with open(path, "wb") as handle:
            np.savez(handle, structure=np.array("{}"), tensor_0=np.array([object()]))
    before = _open_fds()
    with pytest.raises(ValueError, match="not a tinygrad_lr.save file") as error:
        tinygrad_lr.load(path)
    assert str(path) in str(error.value)
    assert _open_fds() == before  # no leaked handle


@pytest.mark.filterwarnings("ignore:pickle_load_args only works")  # torch's note before its TypeError
def test_load_refuses_unknown_options_as_torch_does(tmp_path):
    torch.save({"a": torch.ones(2)}, tmp_path / "a.pt")
    with pytest.raises(TypeError, match="allow_pickle"):
        torch.load(tmp_path / "a.pt", allow_pickle=True)
    with pytest.raises(TypeError, match="allow_pickle"):
        tinygrad_lr.load(tmp_path / "a.pt", allow_pickle=True)
    with pytest.raises(NotImplementedError, match="pickle_module"):
        tinygrad_lr.load(tmp_path / "a.pt", pickle_module=zipfile)  # any module but pickle itself
    assert tinygrad_lr.load(tmp_path / "a.pt", pickle_module=pickle)["a"].tolist() == [1.0, 1.0]
    assert tinygrad_lr.load(tmp_path / "a.pt", weights_only=False)["a"].tolist() == [1.0, 1.0]


# ------------------------------------------------------------------ the hub cache

def test_hub_reads_the_local_cache_and_is_clear_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    url = "https://download.pytorch.org/models/tiny-0123abcd.pth"
    assert tinygrad_lr.hub.get_dir() == torch.hub.get_dir() == str(tmp_path / "hub")
    with pytest.raises(RuntimeError, match="offline.*tiny-0123abcd.pth"):
        tinygrad_lr.hub.load_state_dict_from_url(url)
    (tmp_path / "hub" / "checkpoints").mkdir(parents=True)
    torch.save(torch_model().state_dict(), tmp_path / "hub" / "checkpoints" / "tiny-0123abcd.pth")
    ours = tinygrad_lr.hub.load_state_dict_from_url(url)
    theirs = torch.hub.load_state_dict_from_url(url)  # torch reads the same cached file, no download
    assert list(ours) == list(theirs)
    for key in theirs:
        assert_same_tensor(ours[key], theirs[key])
    from tinygrad_lr.utils import model_zoo
    assert list(model_zoo.load_url(url)) == list(theirs)
    model_dir = tmp_path / "elsewhere"
    model_dir.mkdir()
    tinygrad_lr.save({"x": tinygrad_lr.ones(1)}, model_dir / "named.pt", format="torch")
    named = tinygrad_lr.hub.load_state_dict_from_url(url, model_dir=str(model_dir), file_name="named.pt")
    assert named["x"].item() == 1


def test_big_endian_files_are_byteswapped(tmp_path):
    values = {"f": torch.tensor([1.5, -2.25]), "i": torch.tensor([1, -2, 300]),
              "h": torch.tensor([0.5], dtype=torch.half)}
    torch.save(values, tmp_path / "little.pt")
    with zipfile.ZipFile(tmp_path / "little.pt") as old, zipfile.ZipFile(tmp_path / "big.pt", "w") as new:
        # storage key -> item size: torch numbers the storages in the order it meets the tensors
        itemsizes = {key: value.element_size() for key, value in zip("012", values.values())}
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "little/byteorder":
                data = b"big"
            elif "/data/" in info.filename:
                size = itemsizes[info.filename.rsplit("/", 1)[1]]
                data = np.frombuffer(data, dtype=f"u{size}").byteswap().tobytes()
            new.writestr(info.filename, data)
    loaded = tinygrad_lr.load(tmp_path / "big.pt")
    for key, value in values.items():
        assert_same_tensor(loaded[key], value)


@pytest.mark.cuda
def test_torch_file_with_map_location_cuda(tmp_path):
    from tinygrad_lr.backend import cupy_module
    if cupy_module() is None:
        pytest.skip("needs CuPy and an NVIDIA GPU")
    model = torch_model()
    torch.save({"model": model.state_dict(), "p": model[4].weight}, tmp_path / "m.pt")
    loaded = tinygrad_lr.load(tmp_path / "m.pt", map_location="cuda")
    assert all(t.is_cuda for t in loaded["model"].values()) and loaded["p"].is_cuda
    assert isinstance(loaded["p"], nn.Parameter) and loaded["p"].requires_grad
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(loaded["model"][key].cpu().numpy(), value.numpy())
