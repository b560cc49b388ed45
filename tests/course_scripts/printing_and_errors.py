# What a learner sees printed: tensors of every dtype and size, graphs, models, optimizers, and the errors
# of the usual mistakes (shape mismatches, views, bad targets, out-of-range indices).
import torch
import torch.nn as nn
torch.manual_seed(0)
print(torch.randn(3, 4) * 1000)
print(torch.randn(2, 3, dtype=torch.float64))
print(torch.arange(20).reshape(4, 5).half())
print(torch.randn(100, 100))
print(torch.tensor([1e-8, 1.0, 1e8]))
print(torch.tensor([True, False]), torch.tensor([[1, 2], [3, 4]], dtype=torch.uint8))
print(torch.zeros(0, 3), torch.tensor(3.14159), torch.tensor([float("nan"), float("inf"), -float("inf")]))
x = torch.ones(2, 2, requires_grad=True)
y = x * 2 + 1
print(y, y.mean(), y.grad_fn, y.grad_fn.next_functions)
model = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(6 * 12 * 12, 10), nn.LogSoftmax(dim=1))
print(model)
opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
print(opt)
print(nn.LSTM(10, 20, 2, batch_first=True), nn.Embedding(100, 16, padding_idx=0), nn.BatchNorm1d(8))
for bad in (lambda: torch.ones(2, 3) @ torch.ones(2, 3), lambda: torch.ones(2, 3) + torch.ones(3, 2),
            lambda: torch.ones(2, 3).view(4), lambda: nn.Linear(3, 2)(torch.ones(4, 5)),
            lambda: torch.tensor([1, 2]).float().backward(), lambda: nn.functional.cross_entropy(torch.randn(3, 5), torch.tensor([1, 2, 7])),
            lambda: torch.cat([torch.ones(2, 3), torch.ones(2, 4)]), lambda: torch.ones(3)[5]):
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, ":", e)
print(torch.get_default_dtype(), torch.ones(2).dtype, (torch.ones(2, dtype=torch.int32) / 2).dtype, (torch.ones(2, dtype=torch.int64) * 1.5).dtype)
print(torch.finfo(torch.float32).eps, torch.iinfo(torch.int64).max)
print(x.detach().numpy(), x.shape, x.size(1), x.dim(), x.numel(), x.is_leaf, y.is_leaf, x.device)
