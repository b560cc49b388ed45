# A lecture-style tour: a GPT-style attention block (masked and fused attention, sampling), tensor helpers,
# random_split/DataLoader, a small CNN with BatchNorm, kaiming init, SGD + ReduceLROnPlateau, clipping, save/load.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader, random_split

torch.manual_seed(0)
# a tiny GPT-style block, lecture style
B, T, C, H = 4, 8, 32, 4
vocab = 50
tok = torch.randint(0, vocab, (B, T))
emb = nn.Embedding(vocab, C)
pos = nn.Parameter(torch.zeros(1, T, C))
nn.init.normal_(pos, std=0.02)
x = emb(tok) + pos
mask = torch.tril(torch.ones(T, T)).bool()
q, k, v = nn.Linear(C, 3 * C)(x).split(C, dim=-1)
q = q.view(B, T, H, C // H).transpose(1, 2)
k = k.view(B, T, H, C // H).transpose(1, 2)
v = v.view(B, T, H, C // H).transpose(1, 2)
att = (q @ k.transpose(-2, -1)) / (C // H) ** 0.5
att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
y2 = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(B, T, C)
print("attention agrees:", torch.allclose(y, y2, atol=1e-6), y.shape)
logits = nn.Linear(C, vocab)(nn.LayerNorm(C)(y + x))
loss = F.cross_entropy(logits.view(-1, vocab), tok.view(-1))
loss.backward()
print("loss", round(loss.item(), 4), "pos grad norm", round(pos.grad.norm().item(), 4))
print("top3", torch.topk(logits[0, -1], 3).indices.tolist())
probs = F.softmax(logits[:, -1, :], dim=-1)
torch.manual_seed(1)
print("sampled", torch.multinomial(probs, num_samples=1).flatten().tolist())
print("one_hot", F.one_hot(torch.tensor([0, 2, 1]), 3).tolist())
print("einsum", torch.einsum("bij,bjk->bik", torch.ones(2, 2, 3), torch.ones(2, 3, 2)).sum().item())
print("where", torch.where(torch.tensor([1., -1., 2.]) > 0, 1.0, 0.0).tolist())
ds = TensorDataset(torch.randn(20, 3), torch.randint(0, 2, (20,)))
train, test = random_split(ds, [15, 5], generator=torch.Generator().manual_seed(42))
print("split", len(train), len(test), train.indices[:5])
for xb, yb in DataLoader(train, batch_size=8, shuffle=True, generator=torch.Generator().manual_seed(3)):
    print("batch", xb.shape, yb.tolist())
model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Flatten(), nn.Dropout(0.2), nn.Linear(4 * 4 * 4, 10))
for m in model.modules():
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        nn.init.zeros_(m.bias)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5)
imgs, labels = torch.randn(16, 1, 8, 8), torch.randint(0, 10, (16,))
for epoch in range(4):
    model.train()
    out = model(imgs)
    l = F.cross_entropy(out, labels)
    opt.zero_grad(); l.backward()
    total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    opt.step()
    model.eval()
    with torch.no_grad():
        val = F.cross_entropy(model(imgs), labels)
    sched.step(val)
    print(f"epoch {epoch} loss {l.item():.4f} val {val.item():.4f} norm {total.item():.4f} lr {opt.param_groups[0]['lr']}")
print(model[1].running_mean[:2], model[1].num_batches_tracked)
torch.save(model.state_dict(), "m.pt")
model.load_state_dict(torch.load("m.pt"))
print(sum(p.numel() for p in model.parameters() if p.requires_grad))
print(torch.bmm(torch.ones(2, 1, 3), torch.ones(2, 3, 1)).squeeze().tolist())
a = torch.arange(12).reshape(3, 4)
print(a.permute(1, 0).contiguous().view(-1)[:5].tolist(), a.flip(0)[0].tolist(), a.cumsum(1)[-1].tolist())
print(torch.stack([a, a]).shape, torch.cat([a, a], dim=1).shape, a.unsqueeze(0).expand(2, 3, 4).shape)
print(a.float().mean(dim=0, keepdim=True), a.max(dim=1))
print(torch.randperm(6).tolist(), torch.rand(2).tolist())
