"""Lesson 2: several inputs, several outputs — apples and oranges from the weather.

Five regions, three inputs each (temperature, rainfall, humidity) and two targets (tonnes of
apples and of oranges). First by hand: ``x @ w + b`` with w of shape (3, 2), the MSE, gradient
descent. Then the same model as ``nn.Linear(3, 2)`` with ``F.mse_loss`` and a small ``fit``
function, the shape of every training loop in the course.

The notes drew w right after lesson 1's w and b in the same notebook; replaying those two draws
gives the notes' numbers: w = [[-2.1788, 0.5684], [-1.0845, -1.3986], [0.4033, 0.8380]].
"""
import os

import tinygrad_lr as torch
import tinygrad_lr.nn.functional as F
from tinygrad_lr import nn

from common import options, plot, progress

args = options("Lesson 2: multi-output regression", epochs=100)

#                        temp  rain  humidity
inputs = torch.tensor([[73.0, 67.0, 43.0],
                       [91.0, 88.0, 64.0],
                       [87.0, 134.0, 58.0],
                       [102.0, 43.0, 37.0],
                       [69.0, 96.0, 70.0]])
#                        apples oranges
targets = torch.tensor([[56.0, 70.0],
                        [81.0, 101.0],
                        [119.0, 133.0],
                        [22.0, 37.0],
                        [103.0, 119.0]])

# 1. By hand.
torch.manual_seed(0)
torch.randn(1, 1), torch.randn(1)   # lesson 1's w and b (see the docstring)
w = torch.randn(3, 2, requires_grad=True)
b = torch.randn(2, requires_grad=True)
print("w =", w)
print("b =", b)


def mse(prediction, target):
    difference = prediction - target
    return (difference * difference).sum() / difference.numel()


print("loss before training:", round(mse(inputs @ w + b, targets).item(), 4))
lr = 1e-5  # the inputs are in the tens: a larger step overshoots
by_hand = []
for epoch in progress(range(args.epochs), "by hand"):
    loss = mse(inputs @ w + b, targets)
    loss.backward()
    with torch.no_grad():
        w -= w.grad * lr
        b -= b.grad * lr
        w.grad.zero_()
        b.grad.zero_()
    by_hand.append(loss.item())
print(f"loss after {args.epochs} epochs: {mse(inputs @ w + b, targets).item():.4f}")

# 2. The same model with nn.Linear (its weight is (out, in) = (2, 3): it computes x @ weight.T + bias).
torch.manual_seed(0)
model = nn.Linear(3, 2)
print(model)
print("weight", model.weight.shape, "bias", model.bias.shape)
optimizer = torch.optim.SGD(model.parameters(), lr=1e-5)


def fit(epochs, model, loss_fn, optim):
    """The training loop of every lesson: predict, measure, backpropagate, step, clear."""
    history = []
    for epoch in progress(range(epochs), "fit"):
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optim.step()
        optim.zero_grad()
        history.append(loss.item())
        if (epoch + 1) % 20 == 0:
            print(f"Epoch [{epoch + 1}/{epochs}], Loss: {loss.item():.4f}")
    return history


with_linear = fit(args.epochs, model, F.mse_loss, optimizer)
with torch.no_grad():
    print("predictions:\n", model(inputs))
print("targets:\n", targets)

plot(os.path.join(args.out, "02_loss.png"), {"by hand": by_hand, "nn.Linear + fit": with_linear},
     "Lesson 2: apples and oranges", log=True)
