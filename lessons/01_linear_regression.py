"""Lesson 1: linear regression by hand — study hours to exam scores.

One weight and one bias, a prediction ``hours @ w + b``, the mean squared error, and gradient
descent written out: ``w.data = w.data - w.grad * lr``. Then the same training with
``w.grad.zero_()`` instead of ``w.grad = None``, and with ``optim.SGD``: all three print the same
numbers, the course notes' (loss 1611.8477 at the start, 0.0503 after 1,000 epochs, w = 19.7401,
b = 0.5908; with PyTorch's random stream these are exact).

    python lessons/01_linear_regression.py [--out DIR]
    python -m compare script lessons/01_linear_regression.py    # the same under PyTorch?
"""
import os

import tinygrad_lr as torch
from tinygrad_lr import optim

from common import options, plot, progress

args = options("Lesson 1: linear regression by hand")

hours = torch.tensor([[1.0], [2.0], [3.0]])      # study hours, one row per student
scores = torch.tensor([[20.0], [40.0], [60.0]])  # exam scores: 20 points per hour
lr, epochs = 0.01, 1000


def start():
    """The same starting point for every version below: seed 0, then w and b from randn."""
    torch.manual_seed(0)
    w = torch.randn(1, 1, requires_grad=True)
    b = torch.randn(1, requires_grad=True)
    return w, b


# 1. By hand, clearing the gradients with `= None` (the next backward creates them afresh).
w, b = start()
print("start:", w, b)
history = []
print("epoch   loss")
for epoch in progress(range(1, epochs + 1), "by hand"):
    prediction = hours @ w + b
    loss = ((prediction - scores) ** 2).mean()
    loss.backward()                    # fills w.grad and b.grad: d(loss)/dw, d(loss)/db
    w.data = w.data - w.grad * lr      # a step downhill; .data is not recorded in the graph
    b.data = b.data - b.grad * lr
    w.grad = None                      # gradients accumulate: clear them before the next backward
    b.grad = None
    history.append(loss.item())
    if epoch == 1 or epoch % 100 == 0:
        print(f"{epoch:5d}   {loss.item():.4f}")
print("after training:", w.data, b.data)
print(f"prediction for 4 hours: {(torch.tensor([[4.0]]) @ w + b).item():.4f}")

# 2. The same, clearing with zero_(): the gradient tensors are kept and overwritten with zeros.
w, b = start()
for epoch in range(epochs):
    loss = ((hours @ w + b - scores) ** 2).mean()
    loss.backward()
    with torch.no_grad():              # an update is not part of the model: do not record it
        w -= w.grad * lr
        b -= b.grad * lr
    w.grad.zero_()
    b.grad.zero_()
print("with zero_():  ", w.data, b.data)

# 3. The same with an optimizer: SGD does exactly the update above.
w, b = start()
optimizer = optim.SGD([w, b], lr=lr)
for epoch in range(epochs):
    loss = ((hours @ w + b - scores) ** 2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print("with optim.SGD:", w.data, b.data)

plot(os.path.join(args.out, "01_loss.png"), {"MSE": history}, "Lesson 1: loss while training", log=True)
