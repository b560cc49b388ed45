# A lab series' MNIST lectures on random digits-sized data: softmax classifier with avg_cost += cost / total_batch,
# no_grad accuracy, then Xavier/He init, dropout, batch norm with train()/eval() and StepLR.get_last_lr().
import torch
import torch.nn as nn
import torch.nn.functional as F
import numpy as np
import random
from torch.utils.data import TensorDataset, DataLoader

device = 'cuda' if torch.cuda.is_available() else 'cpu'
random.seed(777)
torch.manual_seed(777)
if device == 'cuda':
    torch.cuda.manual_seed_all(777)
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False

training_epochs = 3
batch_size = 20

rng = np.random.RandomState(0)
X = rng.rand(200, 28 * 28).astype(np.float32)
Y = rng.randint(0, 10, size=200)
X_test = torch.FloatTensor(rng.rand(50, 28 * 28))
Y_test = torch.LongTensor(rng.randint(0, 10, size=50))

dataset = TensorDataset(torch.from_numpy(X), torch.from_numpy(Y))
data_loader = DataLoader(dataset=dataset, batch_size=batch_size, shuffle=True, drop_last=True)

linear = nn.Linear(784, 10, bias=True).to(device)
torch.nn.init.normal_(linear.weight)
criterion = nn.CrossEntropyLoss().to(device)
optimizer = torch.optim.SGD(linear.parameters(), lr=0.1)

total_batch = len(data_loader)
print(total_batch)
for epoch in range(training_epochs):
    avg_cost = 0
    for X_, Y_ in data_loader:
        X_ = X_.view(-1, 28 * 28).to(device)
        Y_ = Y_.to(device)
        optimizer.zero_grad()
        hypothesis = linear(X_)
        cost = criterion(hypothesis, Y_)
        cost.backward()
        optimizer.step()
        avg_cost += cost / total_batch
    print('Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(avg_cost))
    print(avg_cost)
print('Learning finished')

with torch.no_grad():
    X_test = X_test.view(-1, 28 * 28).float().to(device)
    Y_test = Y_test.to(device)
    prediction = linear(X_test)
    correct_prediction = torch.argmax(prediction, 1) == Y_test
    accuracy = correct_prediction.float().mean()
    print('Accuracy:', accuracy.item())
    print(correct_prediction[:5], accuracy)
    r = random.randint(0, len(X_test) - 1)
    X_single_data = X_test[r:r + 1].view(-1, 28 * 28).float().to(device)
    Y_single_data = Y_test[r:r + 1].to(device)
    print('Label: ', Y_single_data.item())
    single_prediction = linear(X_single_data)
    print('Prediction: ', torch.argmax(single_prediction, 1).item())
    print(single_prediction.shape, single_prediction.dtype, single_prediction.device)

# multi-layer with xavier, dropout, batchnorm
linear1 = torch.nn.Linear(784, 32, bias=True)
linear2 = torch.nn.Linear(32, 32, bias=True)
linear3 = torch.nn.Linear(32, 10, bias=True)
relu = torch.nn.ReLU()
dropout = torch.nn.Dropout(p=0.3)
bn1 = torch.nn.BatchNorm1d(32)
bn2 = torch.nn.BatchNorm1d(32)
torch.nn.init.xavier_uniform_(linear1.weight)
torch.nn.init.xavier_normal_(linear2.weight)
torch.nn.init.kaiming_uniform_(linear3.weight, nonlinearity='relu')
torch.nn.init.kaiming_normal_(linear3.weight, mode='fan_out', nonlinearity='relu')
torch.nn.init.zeros_(linear1.bias)
torch.nn.init.constant_(linear2.bias, 0.01)
model = torch.nn.Sequential(linear1, bn1, relu, dropout, linear2, bn2, relu, dropout, linear3).to(device)
print(model)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)  # Adam: see the README (bias before BatchNorm)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
for epoch in range(3):
    avg_cost = 0
    model.train()
    for X_, Y_ in data_loader:
        optimizer.zero_grad(set_to_none=True)
        cost = criterion(model(X_), Y_)
        cost.backward()
        optimizer.step()
        avg_cost += cost / total_batch
    scheduler.step()
    print('Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(avg_cost), scheduler.get_last_lr())
    print(avg_cost)
print(bn1.running_mean[:4], bn1.running_var[:4], bn1.num_batches_tracked)
with torch.no_grad():
    model.eval()
    prediction = model(X_test)
    correct_prediction = torch.argmax(prediction, 1) == Y_test
    accuracy = correct_prediction.float().mean()
    print('Accuracy:', accuracy.item())
print(model.state_dict().keys())
print(list(model.state_dict().keys()))
print(optimizer.state_dict()['param_groups'])
print(scheduler.state_dict())
