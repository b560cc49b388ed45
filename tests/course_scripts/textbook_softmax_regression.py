"""Softmax regression from scratch (y_hat[range(n), y], argmax(axis=1), an Accumulator) and concise (nn.Sequential, init_weights, CrossEntropyLoss(reduction='none'))."""
import torch
from torch import nn
import numpy as np
torch.manual_seed(1)
X_all = torch.rand(600, 64)
y_all = (X_all[:, :10] * torch.arange(1, 11)).argmax(dim=1)  # a learnable rule
print(X_all.shape, y_all.shape, y_all.dtype, X_all[0, :8])

X = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(X.sum(0, keepdim=True), X.sum(1, keepdim=True))

def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition

torch.manual_seed(0)
X = torch.normal(0, 1, (2, 5))
X_prob = softmax(X)
print(X_prob, X_prob.sum(1))

num_inputs, num_outputs = 64, 10
W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
b = torch.zeros(num_outputs, requires_grad=True)

def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)

y = torch.tensor([0, 2])
y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
print(y_hat[[0, 1], y])

def cross_entropy(y_hat, y):
    return - torch.log(y_hat[range(len(y_hat)), y])

print(cross_entropy(y_hat, y))

def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())

print(accuracy(y_hat, y) / len(y))

class Accumulator:
    def __init__(self, n):
        self.data = [0.0] * n
    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]
    def reset(self):
        self.data = [0.0] * len(self.data)
    def __getitem__(self, idx):
        return self.data[idx]

train_iter = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_all[:500], y_all[:500]), batch_size=64, shuffle=True)
test_iter = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_all[500:], y_all[500:]), batch_size=64, shuffle=False)

def evaluate_accuracy(net, data_iter):
    if isinstance(net, torch.nn.Module):
        net.eval()
    metric = Accumulator(2)
    with torch.no_grad():
        for X, y in data_iter:
            metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]

print(evaluate_accuracy(net, test_iter))

def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()

def train_epoch_ch3(net, train_iter, loss, updater):
    if isinstance(net, torch.nn.Module):
        net.train()
    metric = Accumulator(3)
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            l.sum().backward()
            updater(X.shape[0])
        metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
    return metric[0] / metric[2], metric[1] / metric[2]

lr = 0.1
def updater(batch_size):
    return sgd([W, b], lr, batch_size)

for epoch in range(3):
    train_metrics = train_epoch_ch3(net, train_iter, cross_entropy, updater)
    test_acc = evaluate_accuracy(net, test_iter)
    print(epoch + 1, *[round(m, 4) for m in train_metrics], round(test_acc, 4))

for X, y in test_iter:
    break
preds = net(X).argmax(axis=1)
print(preds[:10], y[:10], preds.dtype, type(y.dtype))

net = nn.Sequential(nn.Flatten(), nn.Linear(64, 10))
def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)
net.apply(init_weights)
loss = nn.CrossEntropyLoss(reduction='none')
trainer = torch.optim.SGD(net.parameters(), lr=0.1)
for epoch in range(3):
    train_metrics = train_epoch_ch3(net, train_iter, loss, trainer)
    test_acc = evaluate_accuracy(net, test_iter)
    print(epoch + 1, *[round(m, 4) for m in train_metrics], round(test_acc, 4))
print(net)
print(torch.argmax(torch.tensor([[1, 5, 2], [7, 0, 1]]), dim=1))
print(torch.argmax(torch.tensor([3.0, 3.0, 1.0])))
print(nn.functional.softmax(torch.tensor([[1.0, 2.0, 3.0]]), dim=1))
print(nn.functional.cross_entropy(torch.tensor([[1.0, 2.0, 3.0]]), torch.tensor([2])))
print(nn.CrossEntropyLoss()(torch.tensor([[100.0, 0.0]]), torch.tensor([1])))
print(y.dtype == torch.int64, y_hat.type(torch.int32), X.type())
print(torch.log(torch.tensor([0.0])), softmax(torch.tensor([[100.0, 1000.0]])))
