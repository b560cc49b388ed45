"""Lesson 7: ``Dataset`` and ``DataLoader`` — feeding a model minibatches.

A ``Dataset`` is anything with ``__len__`` and ``__getitem__``; a ``DataLoader`` draws indices
(in order, or shuffled once per epoch), fetches those samples and stacks them into batch tensors.
``drop_last=True`` drops a last batch that would be smaller than the others. Then the minibatch
training loop, on a toy regression: a few samples per step instead of the whole dataset.
"""
import os

import tinygrad_lr as torch
from tinygrad_lr import nn
from tinygrad_lr.utils.data import DataLoader, Dataset, TensorDataset, random_split

from common import options, plot, progress

args = options("Lesson 7: Dataset and DataLoader", epochs=20)


class SquaresDataset(Dataset):
    """Sample i is (x, x²) with x = i / 10: a dataset computed on demand, nothing stored."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        x = torch.tensor([index / 10])
        return x, x * x


data = SquaresDataset(10)
print("len:", len(data), " data[3]:", data[3])
for x, y in DataLoader(data, batch_size=4):
    print("batch x", x.flatten(), " shapes", tuple(x.shape), tuple(y.shape))
print("drop_last=True gives", len(DataLoader(data, batch_size=4, drop_last=True)), "batches instead of",
      len(DataLoader(data, batch_size=4)))

torch.manual_seed(0)
for epoch in range(2):
    order = [int(round(x.item() * 10)) for batch, _ in DataLoader(data, batch_size=5, shuffle=True) for x in batch]
    print(f"shuffled epoch {epoch + 1}: {order}  (every sample once: {sorted(order) == list(range(10))})")

# Minibatch training: y = 3x - 1 plus noise, in batches of 16.
torch.manual_seed(0)
xs = torch.rand(200, 1) * 4 - 2
ys = 3 * xs - 1 + 0.1 * torch.randn(200, 1)
train, valid = random_split(TensorDataset(xs, ys), [160, 40])
print("split sizes:", len(train), len(valid))
loader = DataLoader(train, batch_size=16, shuffle=True)
model = nn.Linear(1, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = nn.MSELoss()
curve = []
for epoch in progress(range(args.epochs), "epochs"):
    for xb, yb in loader:
        loss = loss_fn(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        xv, yv = valid[:]
        curve.append(loss_fn(model(xv), yv).item())
    if (epoch + 1) % 5 == 0:
        print(f"epoch {epoch + 1:3d}: validation MSE {curve[-1]:.4f}")
print(f"learned y = {model.weight.item():.4f} x {model.bias.item():+.4f}  (true: 3x - 1)")
plot(os.path.join(args.out, "07_validation.png"), {"validation MSE": curve}, "Lesson 7: minibatch training", log=True)
