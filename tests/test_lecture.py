"""Lecture code, written once for PyTorch, run unchanged under ``import tinygrad_lr as torch``.

``lecture(torch, ...)`` below is ordinary course code (a Module subclass, DataLoader, a train loop
with ``optimizer.zero_grad() / loss.backward() / optimizer.step()``, an eval loop under
``inference_mode``). It runs once with real PyTorch and once with tinygrad_lr from the same
initial weights and data; the loss curves and the final weights must agree.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch as real_torch

import tinygrad_lr


def lecture(torch, X, y, initial_state, optimizer_name, epochs=3):
    nn = torch.nn
    from_numpy = torch.from_numpy

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(8 * 8, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 10))

        def forward(self, x):
            return self.linear_relu_stack(self.flatten(x))

    model = NeuralNetwork()
    model.load_state_dict({k: torch.tensor(v) for k, v in initial_state.items()})
    dataset = torch.utils.data.TensorDataset(from_numpy(X), from_numpy(y))
    train_loader = torch.utils.data.DataLoader(dataset, batch_size=16, shuffle=False)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = {"sgd": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
                 "adam": lambda p: torch.optim.Adam(p, lr=1e-3),
                 "rmsprop": lambda p: torch.optim.RMSprop(p, lr=1e-3, centered=True)}[optimizer_name](model.parameters())

    train_losses, eval_losses, accuracies = [], [], []
    for _ in range(epochs):
        model.train()
        for xb, yb in train_loader:
            pred = model(xb)
            loss = loss_fn(pred, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            train_losses.append(loss.detach().cpu().numpy())
        model.eval()
        with torch.inference_mode():
            logits = model(from_numpy(X))
            eval_losses.append(loss_fn(logits, from_numpy(y)).item())
            accuracies.append((logits.argmax(1) == from_numpy(y)).float().mean().item())
    final = {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}
    return np.array(train_losses), np.array(eval_losses), np.array(accuracies), final, repr(model)


@pytest.mark.parametrize("optimizer_name", ["sgd", "adam", "rmsprop"])
def test_lecture_training_loop_matches_pytorch(optimizer_name):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 8, 8)).astype(np.float32)
    y = rng.integers(0, 10, size=64).astype(np.int64)
    reference_model = real_torch.nn.Sequential(
        real_torch.nn.Linear(64, 32), real_torch.nn.ReLU(), real_torch.nn.Linear(32, 32),
        real_torch.nn.ReLU(), real_torch.nn.Linear(32, 10))
    initial = {f"linear_relu_stack.{k}": v.detach().numpy().copy() for k, v in reference_model.state_dict().items()}

    ours = lecture(tinygrad_lr, X, y, initial, optimizer_name)
    ref = lecture(real_torch, X, y, initial, optimizer_name)

    assert ours[0].dtype == np.float32 and ours[0].shape == ref[0].shape
    # float32 trajectories: summation order differs between BLAS libraries, and 12 optimizer steps
    # amplify last-bit differences a little; 1e-4 relative still catches any formula error.
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(ours[1], ref[1], rtol=1e-4)
    np.testing.assert_allclose(ours[2], ref[2])
    for key in ref[3]:
        np.testing.assert_allclose(ours[3][key], ref[3][key], rtol=1e-4, atol=1e-5, err_msg=key)
    assert ours[4] == ref[4]  # print(model) looks the same
