"""Lesson 6: classification — logistic regression, then softmax, the low-level and the high-level way.

Logistic regression tells two digits apart (0 from 1): ``sigmoid(x @ w + b)`` is the probability
of class 1, the loss is the binary cross-entropy, and a prediction is ``p >= 0.5``. Softmax
regression handles all ten digits: the one-hot targets built with ``scatter_`` and the loss
``-log(softmax)`` written out, then PyTorch's ``log_softmax`` + ``nll_loss`` and
``cross_entropy``, which compute the same number stably. The weights start at zero, so every
number here is the same on any machine and in both frameworks.
"""
import os

import tinygrad_lr as torch
import tinygrad_lr.nn.functional as F
from tinygrad_lr import nn
from tinygrad_lr.vision import datasets

from common import options, plot, progress

args = options("Lesson 6: logistic and softmax regression", epochs=50)
digits = datasets.Digits(train=True)
x_all = digits.data.float().flatten(1) / 255      # (1437, 64) in [0, 1]
y_all = digits.targets                            # (1437,) int64

# 1. Logistic regression: is it a 1 (rather than a 0)?
pick = (y_all == 0) | (y_all == 1)
x, y = x_all[pick], y_all[pick].float().unsqueeze(1)
print(f"{len(x)} images of 0 and 1; {int(y.sum().item())} are ones")
w = torch.zeros(64, 1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
optimizer = torch.optim.SGD([w, b], lr=0.5)
bce_curve = []
for epoch in progress(range(args.epochs), "logistic"):
    probability = torch.sigmoid(x @ w + b)
    loss = F.binary_cross_entropy(probability, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    bce_curve.append(loss.item())
with torch.no_grad():
    probability = torch.sigmoid(x @ w + b)
accuracy = ((probability >= 0.5).float() == y).float().mean()
print(f"BCE after {args.epochs} epochs: {F.binary_cross_entropy(probability, y).item():.4f}, "
      f"accuracy {100 * accuracy.item():.1f}%")
by_hand = -(y * torch.log(probability) + (1 - y) * torch.log(1 - probability)).mean()
print(f"BCE by hand {by_hand.item():.6f} == F.binary_cross_entropy {F.binary_cross_entropy(probability, y).item():.6f}")
print(f"BCEWithLogitsLoss on the logits: {nn.BCEWithLogitsLoss()(x @ w + b, y).item():.6f}")

# 2. Softmax regression on all ten digits.
W = torch.zeros(64, 10, requires_grad=True)
c = torch.zeros(10, requires_grad=True)
optimizer = torch.optim.SGD([W, c], lr=0.5)
one_hot = torch.zeros(len(y_all), 10).scatter_(1, y_all.unsqueeze(1), 1.0)
print("one-hot of the first three labels", y_all[:3].tolist(), ":\n", one_hot[:3])
print("same as F.one_hot:", torch.equal(one_hot.long(), F.one_hot(y_all, 10)))
ce_curve = []
for epoch in progress(range(args.epochs), "softmax"):
    logits = x_all @ W + c
    low_level = -(one_hot * torch.log(torch.softmax(logits, dim=1))).sum(dim=1).mean()
    optimizer.zero_grad()
    low_level.backward()
    optimizer.step()
    ce_curve.append(low_level.item())
    if (epoch + 1) % 10 == 0:
        print(f"epoch {epoch + 1:3d}: cross-entropy {low_level.item():.4f}")

logits = x_all @ W + c
low_level = -(one_hot * torch.log(torch.softmax(logits, dim=1))).sum(dim=1).mean()
high_level = F.nll_loss(F.log_softmax(logits, dim=1), y_all)
fused = F.cross_entropy(logits, y_all)
print(f"-log(softmax) by hand:     {low_level.item():.6f}")
print(f"log_softmax + nll_loss:    {high_level.item():.6f}")
print(f"cross_entropy:             {fused.item():.6f}")
print("they agree:", torch.allclose(low_level, fused) and torch.allclose(high_level, fused))
accuracy = (logits.argmax(dim=1) == y_all).float().mean()
print(f"training accuracy: {100 * accuracy.item():.1f}%")
plot(os.path.join(args.out, "06_loss.png"), {"logistic (BCE)": bce_curve, "softmax (cross-entropy)": ce_curve},
     "Lesson 6: classification losses")
