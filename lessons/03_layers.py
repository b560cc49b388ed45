"""Lesson 3: layer functions and prediction functions.

A layer is a function with parameters. ``nn.Linear(784, 128)`` maps 784 numbers (a 28×28 image,
flattened) to 128; ``nn.ReLU`` keeps the positive part; ``nn.Sequential`` chains layers into the
prediction function of a model. Three facts the course keeps coming back to:

* the weight of ``nn.Linear(in, out)`` has shape (out, in): it computes ``x @ weight.T + bias``,
  one row of weights per output;
* ``ReLU(inplace=True)`` overwrites its input instead of making a new tensor (less memory);
* stacked linear layers without an activation between them are *one* linear layer: the
  activation is what makes depth worth having.
"""
import os

import tinygrad_lr as torch
from tinygrad_lr import nn

from common import options

args = options("Lesson 3: layers and prediction functions")
torch.manual_seed(0)

layer = nn.Linear(784, 128)
print(layer)
print("weight:", layer.weight.shape, " bias:", layer.bias.shape)
print("parameters:", sum(p.numel() for p in layer.parameters()), "= 784 * 128 + 128")

images = torch.rand(3, 28, 28)            # three fake 28x28 images
flat = nn.Flatten()(images)
print("images", images.shape, "-> flattened", flat.shape, "-> layer", layer(flat).shape)
by_hand = flat @ layer.weight.T + layer.bias
print("layer(x) == x @ weight.T + bias:", torch.allclose(layer(flat), by_hand, atol=1e-6))

t = torch.tensor([-1.5, 0.0, 2.0, -0.5])
relu = nn.ReLU(inplace=True)
out = relu(t)
print("ReLU(inplace=True):", out, "| input changed too:", t, "| same tensor:", out is t)
print("ReLU():", nn.ReLU()(torch.tensor([-1.5, 0.0, 2.0])))

model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
for name, parameter in model.named_parameters():
    print(f"  {name:10s} {tuple(parameter.shape)}")


def predict(model, images):
    """The prediction function: scores for each class, then the best class per image."""
    with torch.no_grad():
        return model(nn.Flatten()(images)).argmax(dim=1)


print("predicted classes:", predict(model, images).shape, predict(model, images).dtype)

# Two linear layers in a row equal one: W2 (W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2).
first, second = nn.Linear(4, 3), nn.Linear(3, 2)
x = torch.randn(5, 4)
merged_weight = second.weight @ first.weight
merged_bias = second.weight @ first.bias + second.bias
with torch.no_grad():
    stacked = second(first(x))
    merged = x @ merged_weight.T + merged_bias
    print("Linear(Linear(x)) is one linear map:", torch.allclose(stacked, merged, atol=1e-5))
    with_relu = second(torch.relu(first(x)))
    print("with a ReLU between them it is not:", not torch.allclose(with_relu, merged, atol=1e-5))

# The activations of the course, as curves: the bends are what stacked layers can combine.
import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

z = torch.linspace(-4, 4, 81)
figure, axes = plt.subplots(figsize=(6, 4))
for name, layer in [("ReLU", nn.ReLU()), ("LeakyReLU(0.1)", nn.LeakyReLU(0.1)), ("Sigmoid", nn.Sigmoid()), ("Tanh", nn.Tanh())]:
    axes.plot(z.numpy(), layer(z).numpy(), label=name)
axes.set(title="Lesson 3: activation functions", xlabel="input", ylabel="output")
axes.legend()
axes.grid(alpha=0.3)
figure.savefig(os.path.join(args.out, "03_activations.png"), dpi=100)
print("(plot written to 03_activations.png)")
