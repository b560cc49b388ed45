# Memory lectures: torch.utils.checkpoint (reentrant with dropout recomputed, non-reentrant, sequential, several outputs).
import torch
import torch.nn as nn
from torch.utils.checkpoint import checkpoint, checkpoint_sequential
import warnings
warnings.simplefilter('ignore')
torch.manual_seed(0)
block = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.3), nn.Linear(8, 4))
head = nn.Linear(4, 1)
x = torch.randn(5, 4, requires_grad=True)
y = checkpoint(block, x, use_reentrant=True)
print(y.grad_fn.name(), y.requires_grad)
head(y).sum().backward()
print(x.grad, block[0].weight.grad.sum(), block[3].bias.grad)
block.zero_grad(); x.grad = None
y2 = block(x)  # dropout mask differs (fresh draw): only shapes and requires_grad compared
print(y2.shape, y2.grad_fn.name())
xn = torch.randn(5, 4)
out = checkpoint(block, xn, use_reentrant=True)
print(out.requires_grad)
out = checkpoint(block, xn, use_reentrant=False)
print(out.requires_grad, out.grad_fn.name())
out.sum().backward()
print(block[0].bias.grad)
model = nn.Sequential(*[nn.Linear(4, 4) for _ in range(4)])
inp = torch.randn(2, 4, requires_grad=True)
o = checkpoint_sequential(model, 2, inp, use_reentrant=True)
o.sum().backward()
print(o, inp.grad, model[0].weight.grad[0])
def two(a, b):
    return a * b, a + b
a = torch.tensor([1., 2.], requires_grad=True); b = torch.tensor([3., 4.], requires_grad=True)
p, q = checkpoint(two, a, b, use_reentrant=True)
(p * q).sum().backward()
print(a.grad, b.grad, p.grad_fn.name())
try:
    checkpoint(two, a, b, use_reentrant=True, foo=1)
except ValueError as e:
    print('ValueError', e)
