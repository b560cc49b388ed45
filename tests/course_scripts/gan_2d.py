import torch
import torch.nn as nn

torch.manual_seed(42)
def real_data(n):
    theta = torch.rand(n) * 2 * torch.pi
    return torch.stack([torch.cos(theta), torch.sin(theta)], dim=1) * 2 + 0.05 * torch.randn(n, 2)

G = nn.Sequential(nn.Linear(4, 16), nn.LeakyReLU(0.2), nn.Linear(16, 2))
D = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
criterion = nn.BCEWithLogitsLoss()
opt_G = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
opt_D = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))

for step in range(30):
    real = real_data(32)
    z = torch.randn(32, 4)
    fake = G(z)
    d_real = D(real)
    d_fake = D(fake.detach())
    loss_D = criterion(d_real, torch.ones_like(d_real)) + criterion(d_fake, torch.zeros_like(d_fake))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    d_out = D(fake)
    loss_G = criterion(d_out, torch.ones_like(d_out))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    if step % 5 == 0:
        print(f"step {step:3d} | D loss {loss_D.item():.4f} | G loss {loss_G.item():.4f} | D(x) {torch.sigmoid(d_real).mean():.3f} | D(G(z)) {torch.sigmoid(d_fake).mean():.3f}")
with torch.no_grad():
    samples = G(torch.randn(5, 4))
print(samples)
print(samples.norm(dim=1))
print(fake.requires_grad, fake.detach().requires_grad, fake.grad_fn)
print(d_real.grad_fn, loss_D.grad_fn)
print(nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0]))(d_real, torch.ones_like(d_real)))
