"""Lesson 5: optimizers and early stopping.

The same model, from the same starting weights, trained with SGD, Adam and RMSprop on the 8×8
digits (the whole training set as one batch, so the only randomness is the initial weights).
Then early stopping: train while the validation loss improves, keep the best weights on disk
(``torch.save(model.state_dict(), ...)``), stop after ``patience`` epochs without improvement,
and load the best checkpoint back (``model.load_state_dict(torch.load(...))``).
"""
import copy
import os

import tinygrad_lr as torch
from tinygrad_lr import nn
from tinygrad_lr.vision import datasets

from common import options, plot, progress

args = options("Lesson 5: optimizers and early stopping", epochs=30)
torch.manual_seed(0)


def as_tensors(split):
    """All images of a split as one (N, 64) float tensor in [-1, 1], and the labels."""
    return (split.data.float() / 255 - 0.5).div(0.5).flatten(1), split.targets


x_train, y_train = as_tensors(datasets.Digits(train=True))
x_val, y_val = as_tensors(datasets.Digits(train=False))
model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
start = copy.deepcopy(model.state_dict())  # every optimizer starts from these weights
loss_fn = nn.CrossEntropyLoss()


def run(optimizer, epochs):
    history = []
    for epoch in range(epochs):
        loss = loss_fn(model(x_train), y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        history.append(loss.item())
    return history


histories = {}
for name, make in [("SGD", lambda p: torch.optim.SGD(p, lr=0.1)),
                   ("SGD momentum", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
                   ("Adam", lambda p: torch.optim.Adam(p, lr=0.01)),
                   ("RMSprop", lambda p: torch.optim.RMSprop(p, lr=0.001))]:
    model.load_state_dict(start)
    histories[name] = run(make(model.parameters()), args.epochs)
    print(f"{name:13s} loss after 1 epoch {histories[name][0]:.4f}, after {args.epochs}: {histories[name][-1]:.4f}")
plot(os.path.join(args.out, "05_optimizers.png"), histories, "Lesson 5: one model, four optimizers", log=True)

# Early stopping with a checkpoint of the best weights.
model.load_state_dict(start)
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
checkpoint = os.path.join(args.out, "05_best_model.pth")
best, patience, waited, curve = float("inf"), 3, 0, []
for epoch in progress(range(100), "early stopping"):
    model.train()
    loss = loss_fn(model(x_train), y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    model.eval()
    with torch.no_grad():
        val_loss = loss_fn(model(x_val), y_val).item()
    curve.append(val_loss)
    if val_loss < best:
        best, waited = val_loss, 0
        torch.save(model.state_dict(), checkpoint)
        print(f"epoch {epoch + 1:3d}: validation loss {val_loss:.4f}  (best so far: saved)")
    else:
        waited += 1
        print(f"epoch {epoch + 1:3d}: validation loss {val_loss:.4f}  ({waited}/{patience} without improvement)")
        if waited == patience:
            print(f"stopping early after epoch {epoch + 1}")
            break

model.load_state_dict(torch.load(checkpoint))
with torch.no_grad():
    restored = loss_fn(model(x_val), y_val).item()
    accuracy = (model(x_val).argmax(dim=1) == y_val).float().mean().item()
print(f"best checkpoint restored: validation loss {restored:.4f} (best was {best:.4f}), accuracy {100 * accuracy:.1f}%")
plot(os.path.join(args.out, "05_early_stopping.png"), {"validation": curve}, "Lesson 5: early stopping")
