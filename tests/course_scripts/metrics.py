import torch
import torch.nn.functional as F

torch.manual_seed(0)
num_classes = 4
y_true = torch.randint(0, num_classes, (50,))
logits = torch.randn(50, num_classes) + F.one_hot(y_true, num_classes) * 1.5
y_pred = logits.argmax(dim=1)
cm = torch.bincount(y_true * num_classes + y_pred, minlength=num_classes ** 2).reshape(num_classes, num_classes)
print(cm)
cm2 = torch.zeros(num_classes, num_classes, dtype=torch.long)
for t, p in zip(y_true, y_pred):
    cm2[t.long(), p.long()] += 1
print(torch.equal(cm, cm2))
cm3 = torch.zeros(num_classes, num_classes, dtype=torch.int64)
cm3.index_put_((y_true, y_pred), torch.ones(50, dtype=torch.int64), accumulate=True)
print(cm3)
tp = cm.diag()
precision = tp / cm.sum(0)
recall = tp / cm.sum(1)
f1 = 2 * precision * recall / (precision + recall)
print(precision, recall, f1)
print(f"macro F1 {f1.mean():.4f}  accuracy {tp.sum() / cm.sum():.4f}")
print(f"accuracy {(y_pred == y_true).float().mean().item():.3f}")
vals, counts = torch.unique(y_true, return_counts=True)
print(vals, counts)
print(torch.unique(y_pred, sorted=True, return_inverse=True, return_counts=True))
print(y_true.bincount(), torch.bincount(y_true, weights=torch.linspace(0, 1, 50)))
print(torch.histc(logits[:, 0], bins=5, min=-3, max=3))
for c in range(num_classes):
    tp_c = ((y_pred == c) & (y_true == c)).sum().item()
    fp = ((y_pred == c) & (y_true != c)).sum().item()
    fn = ((y_pred != c) & (y_true == c)).sum().item()
    print(f"class {c}: tp={tp_c} fp={fp} fn={fn} prec={tp_c / max(tp_c + fp, 1):.3f}")
probs = F.softmax(logits, 1)
top2 = probs.topk(2, dim=1).indices
print(f"top-2 acc: {(top2 == y_true.unsqueeze(1)).any(dim=1).float().mean():.3f}")
scores = probs[:, 1]
binary = (y_true == 1).long()
order = scores.argsort(descending=True)
tps = binary[order].cumsum(0)
fps = (1 - binary[order]).cumsum(0)
print(tps[-5:], fps[-5:])
tpr = tps / tps[-1]; fpr = fps / fps[-1]
print(f"AUC {torch.trapz(tpr, fpr):.4f}")
print(torch.stack([precision, recall]).T)
print(cm.float() / cm.sum(dim=1, keepdim=True))
print(torch.nonzero(y_pred != y_true).squeeze()[:5])
print(torch.where(y_pred != y_true)[0][:5])
print(y_true.eq(y_pred).sum(), y_true.ne(y_pred).sum().item())
print(torch.mode(y_true), torch.median(logits[:, 0]))
