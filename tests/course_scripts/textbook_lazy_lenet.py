"""d2l 1.0 style LeNet with lazy layers (LazyConv2d, LazyBatchNorm2d/1d, LazyLinear): shapes printed layer by layer, xavier init through apply, a few SGD steps, state-dict keys."""
import torch
from torch import nn

torch.manual_seed(0)
def init_cnn(module):
    if type(module) == nn.Linear or type(module) == nn.Conv2d:
        nn.init.xavier_uniform_(module.weight)

net = nn.Sequential(
    nn.LazyConv2d(6, kernel_size=5, padding=2), nn.LazyBatchNorm2d(), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.LazyConv2d(16, kernel_size=5), nn.LazyBatchNorm2d(), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Flatten(),
    nn.LazyLinear(120), nn.LazyBatchNorm1d(), nn.Sigmoid(),
    nn.LazyLinear(84), nn.Sigmoid(),
    nn.LazyLinear(10))
print(net)
X = torch.randn(8, 1, 28, 28)
y = torch.randint(0, 10, (8,))
net(X[:1 * 2])
net.apply(init_cnn)
for layer in net:
    X2 = layer(X) if layer is net[0] else layer(X2)
    print(layer.__class__.__name__, 'output shape:\t', X2.shape)
print(net)
opt = torch.optim.SGD(net.parameters(), lr=0.1)
loss = nn.CrossEntropyLoss()
for i in range(3):
    l = loss(net(X), y)
    opt.zero_grad()
    l.backward()
    opt.step()
    print(i, round(l.item(), 4))
print(list(net.state_dict().keys())[:8], net[1].running_mean)
print(sum(p.numel() for p in net.parameters()))
