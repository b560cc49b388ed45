import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
X = torch.rand(64, 1, 8, 8)

class DenseAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 4))
        self.decoder = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 64), nn.Sigmoid())
    def forward(self, x):
        z = self.encoder(x)
        return self.decoder(z).view(-1, 1, 8, 8)

class ConvAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(
            nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(4, 8, 3, stride=2, padding=1), nn.ReLU())
        self.dec = nn.Sequential(
            nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.Upsample(scale_factor=2, mode='nearest'),
            nn.Conv2d(4, 1, 3, padding=1), nn.Sigmoid())
    def forward(self, x):
        return self.dec(self.enc(x))

for name, model, loss_fn in [("dense", DenseAE(), nn.MSELoss()), ("conv", ConvAE(), nn.BCELoss())]:
    print(model)
    print(sum(p.numel() for p in model.parameters()))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(5):
        for i in range(0, 64, 16):
            xb = X[i:i+16]
            out = model(xb)
            loss = loss_fn(out, xb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"{name} epoch {epoch} loss {loss.item():.4f}")
    print(out.shape, out.min().item() >= 0, out.max().item() <= 1)
    with torch.no_grad():
        z = model.enc(X[:2]) if name == "conv" else model.encoder(X[:2])
    print(z.shape, z.flatten()[:4])

# denoising
torch.manual_seed(1)
model = ConvAE()
opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
crit = nn.MSELoss()
for epoch in range(3):
    noisy = X + 0.3 * torch.randn_like(X)
    noisy = torch.clamp(noisy, 0., 1.)
    out = model(noisy)
    loss = crit(out, X)
    opt.zero_grad(); loss.backward(); opt.step()
    print(f"denoise {epoch}: {loss:.4f}", noisy.mean().item())
print(noisy[0, 0, :2])
print(F.mse_loss(out, X, reduction='sum'))
print(nn.functional.binary_cross_entropy(out, X, reduction='none').shape)
