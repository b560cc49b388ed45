# A lecture-style comparison of optimizers on one small classifier: the same start, the lecture's
# favourite settings (SGD with Nesterov momentum and weight decay, a step schedule, Adamax, ASGD,
# RMSprop with momentum), sigmoid/tanh/ReLU layers, cross-entropy with ignored labels and smoothing.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(42)
X = torch.randn(96, 6)
labels = (X[:, 0] + 0.5 * X[:, 1] - X[:, 2] > 0).long() + (X[:, 3] > 0.8).long()
labels[::17] = -100  # a few unlabelled samples, skipped by the loss


def make_model():
    torch.manual_seed(7)
    return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 16), nn.Sigmoid(), nn.Linear(16, 16),
                         nn.ReLU(), nn.Linear(16, 3))


settings = {
    "SGD nesterov + wd": lambda p: torch.optim.SGD(p, lr=0.2, momentum=0.9, nesterov=True, weight_decay=5e-4),
    "SGD dampening": lambda p: torch.optim.SGD(p, lr=0.2, momentum=0.8, dampening=0.2),
    "Adamax": lambda p: torch.optim.Adamax(p, lr=0.02, weight_decay=1e-3),
    "ASGD": lambda p: torch.optim.ASGD(p, lr=0.1, t0=10),
    "RMSprop momentum": lambda p: torch.optim.RMSprop(p, lr=0.005, momentum=0.5),
    "Adam": lambda p: torch.optim.Adam(p, lr=0.01, amsgrad=True),
}
for name, make_optimizer in settings.items():
    model = make_model()
    optimizer = make_optimizer(model.parameters())
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=20, gamma=0.5)
    for step in range(60):
        logits = model(X)
        loss = F.cross_entropy(logits, labels, ignore_index=-100, label_smoothing=0.05 if step % 2 else 0.0)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
    with torch.no_grad():
        logits = model(X)
        known = labels != -100
        accuracy = (logits.argmax(1)[known] == labels[known]).float().mean()
        nll = F.nll_loss(F.log_softmax(logits, dim=1), labels)
    print(f"{name:18s} loss {loss.item():.5f}  nll {nll.item():.5f}  accuracy {accuracy.item():.3f}  "
          f"lr {scheduler.get_last_lr()[0]:.4f}")
    print("   last layer bias:", model[-1].bias.detach())
