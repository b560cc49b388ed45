"""``torch.hub``'s checkpoint cache, offline: ``load_state_dict_from_url`` reads what is already cached.

PyTorch downloads ``https://.../resnet18-f37072fd.pth`` once into ``$TORCH_HOME/hub/checkpoints``
(``$TORCH_HOME`` defaults to ``$XDG_CACHE_HOME/torch``, i.e. ``~/.cache/torch``) and reads the cached file
from then on. tinygrad_lr never downloads: it reads the same cached file (so weights fetched once by
PyTorch, or copied there by hand, load here) and otherwise raises an error saying where to put it.
"""
from __future__ import annotations

import os
import urllib.parse
from typing import Any

_hub_dir: str | None = None


def _get_torch_home() -> str:
    default = os.path.join(os.getenv("XDG_CACHE_HOME", "~/.cache"), "torch")
    return os.path.expanduser(os.getenv("TORCH_HOME", default))


def get_dir() -> str:
    """The hub folder: ``set_dir``'s choice, else ``$TORCH_HOME/hub``."""
    return _hub_dir if _hub_dir is not None else os.path.join(_get_torch_home(), "hub")


def set_dir(d: str | os.PathLike) -> None:
    global _hub_dir
    _hub_dir = os.path.expanduser(os.fspath(d))


def _offline(url: str, path: str) -> RuntimeError:
    return RuntimeError(f"tinygrad_lr.hub works offline and {url!r} is not in the hub cache: download the file "
                        f"(e.g. with PyTorch, or by hand) and put it at {path}")


def download_url_to_file(url: str, dst: str, hash_prefix: str | None = None, progress: bool = True) -> None:
    raise _offline(url, dst)


def load_state_dict_from_url(url: str, model_dir: str | None = None, map_location: Any = None, progress: bool = True,
                             check_hash: bool = False, file_name: str | None = None,
                             weights_only: bool = False) -> Any:
    """``tinygrad_lr.load`` of ``<model_dir>/<file name of url>`` (``model_dir`` defaults to the hub's
    ``checkpoints`` folder); a file that is not there raises ``RuntimeError`` naming the path.

    ``check_hash`` is PyTorch's check of a freshly downloaded file; cached files are read as PyTorch reads
    them, unchecked. Nothing in the file runs (see ``tinygrad_lr.load``), whatever ``weights_only`` says."""
    from .serialization import load  # the top-level package is importing this module
    model_dir = os.path.join(get_dir(), "checkpoints") if model_dir is None else os.path.expanduser(model_dir)
    name = file_name or os.path.basename(urllib.parse.urlparse(url).path)
    path = os.path.join(model_dir, name)
    if not os.path.exists(path):
        raise _offline(url, path)
    return load(path, map_location=map_location)


def load(repo_or_dir: str, model: str, *args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError("tinygrad_lr.hub.load: hub models are Python code from a repository, which "
                              "tinygrad_lr does not fetch or run; build the model and use load_state_dict_from_url")
