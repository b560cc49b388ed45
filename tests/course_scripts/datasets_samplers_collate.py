# Data lectures: a custom Dataset with hand-composed transforms, TensorDataset, random_split, Subset,
# WeightedRandomSampler, collate_fn, generators and ConcatDataset.
import torch
import numpy as np
from torch.utils.data import Dataset, DataLoader, TensorDataset, random_split, Subset, WeightedRandomSampler, SubsetRandomSampler, ConcatDataset
import torch.nn.functional as F

torch.manual_seed(42)
class CustomDataset(Dataset):
    def __init__(self, transform=None):
        self.x_data = [[73, 80, 75], [93, 88, 93], [89, 91, 90], [96, 98, 100], [73, 66, 70]]
        self.y_data = [[152], [185], [180], [196], [142]]
        self.transform = transform
    def __len__(self):
        return len(self.x_data)
    def __getitem__(self, idx):
        x = torch.FloatTensor(self.x_data[idx])
        y = torch.FloatTensor(self.y_data[idx])
        sample = (x, y)
        if self.transform:
            sample = self.transform(sample)
        return sample

class Scale:
    def __init__(self, s):
        self.s = s
    def __call__(self, sample):
        x, y = sample
        return x / self.s, y
class AddNoise:
    def __call__(self, sample):
        x, y = sample
        return x + 0.0, y
class Compose:
    def __init__(self, ts):
        self.ts = ts
    def __call__(self, s):
        for t in self.ts:
            s = t(s)
        return s

dataset = CustomDataset(transform=Compose([Scale(100.0), AddNoise()]))
dataloader = DataLoader(dataset, batch_size=2, shuffle=True)
model = torch.nn.Linear(3, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=1e-2)
for epoch in range(3):
    for batch_idx, samples in enumerate(dataloader):
        x_train, y_train = samples
        prediction = model(x_train)
        cost = F.mse_loss(prediction, y_train)
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
        print('Epoch {:4d}/{} Batch {}/{} Cost: {:.6f}'.format(epoch, 3, batch_idx + 1, len(dataloader), cost.item()))
print(len(dataset), dataset[0])

X = torch.arange(40, dtype=torch.float32).view(20, 2)
Y = torch.cat([torch.zeros(15), torch.ones(5)]).long()
ds = TensorDataset(X, Y)
print(len(ds), ds[3], ds.tensors[0].shape)
train_ds, val_ds = random_split(ds, [16, 4])
print(len(train_ds), len(val_ds), val_ds.indices, type(val_ds).__name__)
train_ds, val_ds, test_ds = random_split(ds, [0.6, 0.2, 0.2], generator=torch.Generator().manual_seed(0))
print(train_ds.indices, test_ds.indices)
sub = Subset(ds, [0, 5, 10])
print(len(sub), sub[1], [y.item() for _, y in sub])
class_counts = torch.bincount(Y)
weights = 1.0 / class_counts.float()
sample_weights = weights[Y]
print(class_counts, sample_weights[:3])
sampler = WeightedRandomSampler(sample_weights, num_samples=len(sample_weights), replacement=True)
loader = DataLoader(ds, batch_size=5, sampler=sampler, num_workers=0)
for xb, yb in loader:
    print(yb.tolist(), xb[:, 0].tolist())
print(list(WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 5, replacement=False)))
def collate_fn(batch):
    xs, ys = zip(*batch)
    return torch.stack(xs).sum(1), torch.tensor(ys)
for xb, yb in DataLoader(ds, batch_size=8, collate_fn=collate_fn, shuffle=True, drop_last=True):
    print(xb, yb)
seqs = [torch.randn(n) for n in [3, 1, 4]]
def pad_collate(batch):
    lens = torch.tensor([len(b) for b in batch])
    return torch.nn.utils.rnn.pad_sequence(batch, batch_first=True), lens
print(next(iter(DataLoader(seqs, batch_size=3, collate_fn=pad_collate))))
g = torch.Generator(); g.manual_seed(7)
print([b.tolist() for b, in DataLoader(TensorDataset(torch.arange(6)), batch_size=4, shuffle=True, generator=g)])
print(list(DataLoader(TensorDataset(torch.arange(6)), batch_size=4, sampler=SubsetRandomSampler([0, 2, 4]))))
cat = ConcatDataset([sub, Subset(ds, [1])])
print(len(cat), cat[3])
dl = DataLoader(ds, batch_size=6)
print(len(dl), dl.batch_size, len(dl.dataset))
batch = next(iter(DataLoader([{'a': torch.tensor(1.), 'b': 2}, {'a': torch.tensor(3.), 'b': 4}], batch_size=2)))
print(batch)
print(next(iter(DataLoader([(np.array([1.0, 2.0]), 1), (np.array([3.0, 4.0]), 0)], batch_size=2))))
it = iter(dataloader)
print(type(next(it)), len(next(it)))
