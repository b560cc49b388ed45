"""Lesson 4: an image classifier — the notes' ``NeuralNetworkV2`` trained on handwritten digits.

Flatten → Linear → ReLU → Linear → ReLU → Linear: the notes train it on 28×28 MNIST images; here
it learns scikit-learn's 1,797 8×8 digits (``vision.datasets.Digits``: real images, no download),
so it runs in seconds. The loop shows each habit of the course: ``model.train()`` while learning
and ``model.eval()`` with ``torch.inference_mode()`` while measuring, moving model and data to
the device, ``.detach().cpu().numpy()`` before plotting, and predicting a class with
``nn.Softmax(dim=1)(logits).argmax(dim=1)``. (Few epochs, so the lesson is quick; accuracy keeps
climbing with ``--epochs 30``.)
"""
import os

import tinygrad_lr as torch
from tinygrad_lr import nn
from tinygrad_lr.utils.data import DataLoader
from tinygrad_lr.vision import datasets, transforms

from common import options, plot, progress

args = options("Lesson 4: an MLP image classifier", epochs=5)
device = "cuda" if torch.cuda.is_available() else "cpu"
print(f"Using {device} device")
torch.manual_seed(0)

to_tensor = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
train_data = datasets.Digits(train=True, transform=to_tensor)
test_data = datasets.Digits(train=False, transform=to_tensor)
train_loader = DataLoader(train_data, batch_size=64, shuffle=True)
test_loader = DataLoader(test_data, batch_size=64)
image, label = train_data[0]
print(f"{len(train_data)} training and {len(test_data)} test images of shape {tuple(image.shape)}; first label {label}")


class NeuralNetworkV2(nn.Module):
    def __init__(self, in_features=64, hidden=128, classes=10):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(in_features, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, classes))

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))


model = NeuralNetworkV2().to(device)
print(model)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)


def train(loader, model, loss_fn, optimizer):
    model.train()
    total = 0.0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(x)
    return total / len(loader.dataset)


def test(loader, model, loss_fn):
    model.eval()
    total, correct = 0.0, 0
    with torch.inference_mode():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            logits = model(x)
            total += loss_fn(logits, y).item() * len(x)
            correct += (logits.argmax(dim=1) == y).sum().item()
    return total / len(loader.dataset), correct / len(loader.dataset)


train_losses, test_losses = [], []
for epoch in progress(range(args.epochs), "epochs"):
    train_loss = train(train_loader, model, loss_fn, optimizer)
    test_loss, accuracy = test(test_loader, model, loss_fn)
    train_losses.append(train_loss)
    test_losses.append(test_loss)
    print(f"epoch {epoch + 1}: train loss {train_loss:.4f}  test loss {test_loss:.4f}  accuracy {100 * accuracy:.1f}%")

# Predicting: probabilities with Softmax, then the most likely class.
model.eval()
x, y = next(iter(test_loader))
with torch.inference_mode():
    probabilities = nn.Softmax(dim=1)(model(x.to(device)))
predicted = probabilities.argmax(dim=1)
print("probabilities of the first image:", " ".join(f"{p:.3f}" for p in probabilities[0].detach().cpu().numpy()))
print("predicted:", predicted[:12].cpu().tolist())
print("actual:   ", y[:12].tolist())

plot(os.path.join(args.out, "04_loss.png"), {"train": train_losses, "test": test_losses},
     "Lesson 4: NeuralNetworkV2 on 8x8 digits")
