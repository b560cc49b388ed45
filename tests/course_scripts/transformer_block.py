import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=50):
        super().__init__()
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, 1, d_model)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term)
        self.register_buffer('pe', pe)
    def forward(self, x):
        return x + self.pe[:x.size(0)]

pe = PositionalEncoding(8)
print(pe.pe[:3, 0])
print(pe.pe.shape, list(pe.state_dict().keys()))

def attention(q, k, v, mask=None):
    d_k = q.size(-1)
    scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)
    if mask is not None:
        scores = scores.masked_fill(mask, float('-inf'))
    p = F.softmax(scores, dim=-1)
    return p @ v, p

T = 5
mask = torch.triu(torch.ones(T, T), diagonal=1).bool()
print(mask)
q = torch.randn(2, T, 8)
out, p = attention(q, q, q, mask)
print(p[0])
print(out.shape)
print(torch.tril(torch.ones(3, 3)))
m2 = torch.ones(T, T).tril() == 0
print(torch.equal(m2, mask))
print(nn.Transformer.generate_square_subsequent_mask(4) if hasattr(nn, 'Transformer') else None)

class Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.attn = nn.MultiheadAttention(d, h, batch_first=True)
        self.ln1 = nn.LayerNorm(d)
        self.ln2 = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
    def forward(self, x, mask=None):
        h = self.ln1(x)
        a, w = self.attn(h, h, h, attn_mask=mask)
        x = x + a
        x = x + self.ff(self.ln2(x))
        return x, w

blk = Block(8, 2)
print(blk)
for n, p_ in blk.named_parameters():
    print(n, tuple(p_.shape))
x = torch.randn(2, T, 8)
y, w = blk(x, mask)
print(y[0, :2])
print(w[0])
y.sum().backward()
print(blk.attn.in_proj_weight.grad.norm(), blk.ln1.weight.grad)

class TinyLM(nn.Module):
    def __init__(self, vocab=11, d=8):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.zeros(1, 16, d))
        self.block = Block(d, 2)
        self.head = nn.Linear(d, vocab)
    def forward(self, idx):
        B, T = idx.shape
        x = self.emb(idx) + self.pos[:, :T]
        mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        x, _ = self.block(x, mask)
        return self.head(x)

lm = TinyLM()
opt = torch.optim.AdamW(lm.parameters(), lr=3e-3)
seq = torch.randint(0, 11, (4, 9))
for step in range(10):
    logits = lm(seq[:, :-1])
    loss = F.cross_entropy(logits.reshape(-1, 11), seq[:, 1:].reshape(-1))
    opt.zero_grad(); loss.backward(); opt.step()
    if step % 3 == 0:
        print(f"step {step} loss {loss.item():.4f} ppl {math.exp(loss.item()):.3f}")
idx = seq[:1, :2]
with torch.no_grad():
    for _ in range(4):
        logits = lm(idx)[:, -1, :]
        probs = F.softmax(logits, dim=-1)
        nxt = torch.argmax(probs, dim=-1, keepdim=True)
        idx = torch.cat([idx, nxt], dim=1)
print(idx.tolist())
torch.manual_seed(5)
print(torch.multinomial(probs, num_samples=2))
