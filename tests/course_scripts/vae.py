import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
data = torch.rand(128, 20)

class VAE(nn.Module):
    def __init__(self, d=20, h=12, z=2):
        super().__init__()
        self.fc1 = nn.Linear(d, h)
        self.fc_mu = nn.Linear(h, z)
        self.fc_logvar = nn.Linear(h, z)
        self.fc2 = nn.Linear(z, h)
        self.fc3 = nn.Linear(h, d)
    def encode(self, x):
        h = F.relu(self.fc1(x))
        return self.fc_mu(h), self.fc_logvar(h)
    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std
    def decode(self, z):
        return torch.sigmoid(self.fc3(F.relu(self.fc2(z))))
    def forward(self, x):
        mu, logvar = self.encode(x)
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar

def loss_function(recon_x, x, mu, logvar):
    BCE = F.binary_cross_entropy(recon_x, x, reduction='sum')
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return BCE + KLD, BCE, KLD

model = VAE()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
for epoch in range(1, 6):
    model.train()
    train_loss = 0
    for i in range(0, 128, 32):
        x = data[i:i+32]
        optimizer.zero_grad()
        recon, mu, logvar = model(x)
        loss, bce, kld = loss_function(recon, x, mu, logvar)
        loss.backward()
        train_loss += loss.item()
        optimizer.step()
    print('====> Epoch: {} Average loss: {:.4f}'.format(epoch, train_loss / 128))
    print(f"bce={bce.item():.3f} kld={kld.item():.3f}")
model.eval()
with torch.no_grad():
    z = torch.randn(4, 2)
    sample = model.decode(z)
    print(sample.shape)
    print(sample[0, :5])
    mu, logvar = model.encode(data[:3])
    print(mu, logvar.exp().sqrt())
    kl_per = -0.5 * (1 + logvar - mu ** 2 - logvar.exp()).sum(dim=1)
    print(kl_per)
