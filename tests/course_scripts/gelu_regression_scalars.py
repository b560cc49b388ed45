# A lecture-style script: a GELU MLP fitting y = sin(x) · 1/(1 + x²), with the scalar arithmetic a learner
# writes by hand (numbers divided by tensors, 2 * x, reductions with ties), printed as the course prints.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
x = torch.linspace(-3, 3, 64).unsqueeze(1)
y = torch.sin(x) * (1 / (1 + x ** 2)) + 0.05 * torch.randn(64, 1)

model = nn.Sequential(nn.Linear(1, 32), nn.GELU(), nn.Linear(32, 32), nn.GELU(approximate="tanh"), nn.Linear(32, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

for epoch in range(201):
    pred = model(x)
    loss = F.mse_loss(pred, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 50 == 0:
        print(f"epoch {epoch:3d}  loss {loss.item():.6f}")

# hand-written scalar arithmetic and its gradients
t = torch.tensor([0.5, 1.5, 3.0, 3.0, -2.0], requires_grad=True)
z = (3 / t).sum() + (2 * t).max() + (2.5 - t).abs().mean() + torch.atan2(t, 2 - t).sum()
z.backward()
print("z =", z.item())
print("grad:", t.grad)
print("amax grad:", torch.autograd.grad(t.amax(), t)[0])
print("erf:", torch.erf(torch.tensor([-2.0, -0.3, 0.0, 0.47, 1.0, 4.5])))
with torch.no_grad():
    print("prediction at 0.5:", model(torch.tensor([[0.5]])).item())
