"""Autograd lecture: requires_grad, backward with a gradient argument, retain_graph, detach, no_grad, grad.zero_(), Python control flow, autograd.grad, jacobian, the usual errors."""
import torch

x = torch.arange(4.0)
print(x)
x.requires_grad_(True)
print(x.grad)
y = 2 * torch.dot(x, x)
print(y)
y.backward()
print(x.grad)
print(x.grad == 4 * x)
x.grad.zero_()
y = x.sum()
y.backward()
print(x.grad)
x.grad.zero_()
y = x * x
y.backward(gradient=torch.ones(len(y)))
print(x.grad)
x.grad.zero_()
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
print(x.grad == u)
x.grad.zero_()
y.sum().backward()
print(x.grad == 2 * x)

def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c

torch.manual_seed(0)
a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
print(a.grad == d / a)
print(a, d, a.grad)

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x ** 2
print(y)
print(y.grad_fn, y.requires_grad, x.is_leaf, y.is_leaf)
v = torch.tensor([0.1, 1.0, 0.0001])
y.backward(v, retain_graph=True)
print(x.grad)
y.backward(v)
print(x.grad)
try:
    y.backward(v)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    y2 = x * 2
    y2.backward()
except RuntimeError as e:
    print("RuntimeError:", e)
with torch.no_grad():
    z = x * 2
print(z.requires_grad, z)
print(x.detach(), x.data)
w = torch.randn(3, 1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
print(w, b)
out = torch.ones(2, 3) @ w + b
print(out)
out.mean().backward()
print(w.grad, b.grad)
print(torch.autograd.grad((x ** 3).sum(), x))
x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
g, = torch.autograd.grad(y, x)
print(g)
x = torch.linspace(-3, 3, 7, requires_grad=True)
y = torch.relu(x)
y.backward(torch.ones_like(x))
print(x.grad)
x.grad.data.zero_()
torch.sigmoid(x).sum().backward()
print(x.grad)
x.grad = None
torch.tanh(x).sum().backward()
print(x.grad)
print(torch.autograd.functional.jacobian(lambda t: t ** 2, torch.tensor([1.0, 2.0])))
a = torch.ones(2, 2, requires_grad=True)
b = a + 2
print(b)
c = b * b * 3
out = c.mean()
print(c, out)
out.backward()
print(a.grad)
a = torch.randn(2, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn)
x = torch.randn(3, requires_grad=True)
y = x * 2
while y.data.norm() < 1000:
    y = y * 2
print(y)
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(v)
print(x.grad)
print(x.requires_grad, (x ** 2).requires_grad)
with torch.no_grad():
    print((x ** 2).requires_grad)
y = x.detach()
print(y.requires_grad, x.eq(y).all())
try:
    x.numpy()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.tensor([1, 2], requires_grad=True)
except RuntimeError as e:
    print("RuntimeError:", e)
x = torch.ones(3, requires_grad=True)
x2 = x.clone()
x2.add_(1)
x2.sum().backward()
print(x.grad, x2.grad_fn)
try:
    x.add_(1)
except RuntimeError as e:
    print("RuntimeError:", e)
print(torch.is_grad_enabled())
torch.set_grad_enabled(False)
print((x * 2).requires_grad)
torch.set_grad_enabled(True)
@torch.no_grad()
def g(t):
    return t * 2
print(g(x).requires_grad)
