"""Lesson 8: convolutional layers — the course's layer table, then a small CNN on digit images.

Each layer of the table is applied to a batch of images so its effect on the shape is visible,
with its number of parameters:

* ``Conv2d(in, out, kernel)``: ``out`` filters slide over the image; each output pixel is a
  weighted sum of a kernel×kernel patch of every input channel (out·in·k·k weights + out biases).
  Output size: (size + 2·padding − kernel) // stride + 1.
* ``MaxPool2d(2)``: the largest value of each 2×2 window (halves height and width, no parameters).
* ``BatchNorm2d(channels)``: normalizes each channel over the batch, then scales and shifts
  (2 parameters per channel; running statistics are used in ``eval()`` mode).
* ``Dropout(p)``: zeroes a fraction p of values while training (scaling the rest by 1/(1−p)),
  nothing in ``eval()`` mode.
* ``AdaptiveAvgPool2d(1)``: averages each channel to one value, whatever the image size.
* ``Flatten()``: (N, C, H, W) to (N, C·H·W), the bridge to ``Linear`` layers.

Then a small CNN trained for a few epochs on the 8×8 digits. Both frameworks compute in float32,
and PyTorch's threaded convolutions add in another order than NumPy, so each step differs in the
last bits; training amplifies that, and after more epochs (``--epochs 6``) the printed losses drift
apart in the third digit. (SGD with momentum keeps the drift small; Adam, which divides every
step by the gradient's size, amplifies it faster.)
"""
import os

import tinygrad_lr as torch
from tinygrad_lr import nn
from tinygrad_lr.utils.data import DataLoader
from tinygrad_lr.vision import datasets, transforms

from common import options, plot, progress

args = options("Lesson 8: convolutional layers", epochs=3)
torch.manual_seed(0)

images = torch.randn(4, 1, 8, 8)  # a batch of four one-channel 8x8 images
print("input:", tuple(images.shape))
table = [nn.Conv2d(1, 8, kernel_size=3, padding=1), nn.Conv2d(1, 8, kernel_size=3), nn.MaxPool2d(2),
         nn.BatchNorm2d(1), nn.Dropout(0.25), nn.AdaptiveAvgPool2d(1), nn.Flatten()]
for layer in table:
    count = sum(p.numel() for p in layer.parameters())
    print(f"  {layer}\n      -> {tuple(layer(images).shape)}, {count} parameters")
layer = nn.Dropout(0.5)
layer.eval()
print("Dropout in eval() mode changes nothing:", torch.equal(layer(images), images))


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        # No bias in a convolution followed by BatchNorm: subtracting the batch mean cancels it, so
        # its gradient is zero up to rounding, and Adam (which divides by the gradient's size) would
        # turn that rounding noise into real steps.
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1))  # 16x4x4, then 32x1x1
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(32, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


model = SmallCNN()
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
to_tensor = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
train_loader = DataLoader(datasets.Digits(train=True, transform=to_tensor), batch_size=32, shuffle=True)
test_loader = DataLoader(datasets.Digits(train=False, transform=to_tensor), batch_size=120)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
curve = []
for epoch in progress(range(args.epochs), "epochs"):
    model.train()
    total = 0.0
    for x, y in train_loader:
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(x)
    curve.append(total / len(train_loader.dataset))
    model.eval()
    with torch.no_grad():
        correct = sum((model(x).argmax(dim=1) == y).sum().item() for x, y in test_loader)
    print(f"epoch {epoch + 1}: train loss {curve[-1]:.4f}  test accuracy {100 * correct / len(test_loader.dataset):.1f}%")
plot(os.path.join(args.out, "08_loss.png"), {"train": curve}, "Lesson 8: a small CNN on 8x8 digits")
