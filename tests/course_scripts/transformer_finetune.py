import warnings
import torch, torch.nn as nn
warnings.simplefilter("ignore")
torch.manual_seed(0)
class Clf(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(20, 8)
        self.encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, batch_first=True), 2)
        self.LayerNorm = nn.LayerNorm(8)
        self.head = nn.Linear(8, 3)
    def forward(self, ids, mask):
        h = self.encoder(self.emb(ids), src_key_padding_mask=~mask)
        h = self.LayerNorm(h)
        pooled = (h * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)
        return self.head(pooled)
model = Clf()
no_decay = ["bias", "LayerNorm.weight", "norm1.weight", "norm2.weight"]
groups = [{"params": [p for n, p in model.named_parameters() if not any(nd in n for nd in no_decay)], "weight_decay": 0.01},
          {"params": [p for n, p in model.named_parameters() if any(nd in n for nd in no_decay)], "weight_decay": 0.0}]
print([len(g["params"]) for g in groups])
opt = torch.optim.AdamW(groups, lr=5e-3)
total, warmup = 8, 2
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: s / warmup if s < warmup else max(0.0, (total - s) / (total - warmup)))
ids = torch.randint(1, 20, (6, 5)); ids[0, 3:] = 0; ids[2, 4:] = 0
mask = ids != 0
y = torch.tensor([0, 1, 2, 0, 1, 2])
accum = 2
for step in range(total):
    model.train()
    for micro in range(accum):
        sl = slice(micro * 3, micro * 3 + 3)
        loss = nn.functional.cross_entropy(model(ids[sl], mask[sl]), y[sl], label_smoothing=0.1) / accum
        loss.backward()
    gn = nn.utils.clip_grad_norm_(model.parameters(), 1.0, error_if_nonfinite=True)
    opt.step(); sched.step(); model.zero_grad(set_to_none=True)
    print(f"step {step} loss {loss.item() * accum:.4f} gn {gn:.4f} lr {sched.get_last_lr()[0]:.5f}")
model.eval()
with torch.no_grad():
    logits = model(ids, mask)
print(logits.softmax(-1).round(decimals=3))
print(model.head.weight.grad is None)
