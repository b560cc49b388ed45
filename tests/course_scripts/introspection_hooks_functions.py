# Tools lectures: torchinfo.summary, torchviz.make_dot (ids stripped), forward hooks for features, tensor hooks,
# custom autograd Functions, gradcheck and autograd.grad.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchinfo import summary
import torchviz
import re

torch.manual_seed(0)
class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer1 = nn.Sequential(nn.Conv2d(1, 4, kernel_size=3, stride=1, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.layer2 = nn.Sequential(nn.Conv2d(4, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2))
        self.fc = nn.Linear(8 * 2 * 2, 10, bias=True)
        nn.init.xavier_uniform_(self.fc.weight)
    def forward(self, x):
        out = self.layer1(x)
        out = self.layer2(out)
        out = out.view(out.size(0), -1)
        return self.fc(out)

model = CNN()
print(summary(model, input_size=(2, 1, 8, 8)))
s = summary(model, input_size=(2, 1, 8, 8), col_names=["input_size", "output_size", "num_params", "kernel_size"], verbose=0)
print(s)
print(s.total_params, s.trainable_params)
mlp = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 1))
print(summary(mlp, input_size=(5, 4), verbose=0))
lstm_model = nn.LSTM(4, 6, batch_first=True)
print(summary(lstm_model, input_size=(2, 3, 4), verbose=0))

x = torch.randn(1, 1, 8, 8)
y = model.layer2(model.layer1(x)).mean()
dot = torchviz.make_dot(y, params=dict(model.named_parameters()))
src = re.sub(r'\b\d{6,}\b', 'ID', dot.source)
lines = sorted(set(l.strip() for l in src.splitlines()))
print(len(lines))
for l in lines:
    if 'label' in l:
        print(re.sub(r'ID', '', l))
wt = torch.randn(2, 1, requires_grad=True)
out = (torch.ones(3, 2) @ wt).pow(2).mean()
d2 = torchviz.make_dot(out, params={'w': wt})
print(len(d2.body))

# forward hooks
features = {}
def get_features(name):
    def hook(model, input, output):
        features[name] = output.detach()
    return hook
h = model.layer1.register_forward_hook(get_features('layer1'))
h2 = model.fc.register_forward_pre_hook(lambda m, inp: print('pre', inp[0].shape))
_ = model(x)
print(features['layer1'].shape, features['layer1'].sum())
h.remove(); h2.remove()
_ = model(x)
print(list(features.keys()))
activation = []
for name, module in model.named_modules():
    if isinstance(module, nn.Conv2d):
        module.register_forward_hook(lambda m, i, o: activation.append((type(m).__name__, o.shape)))
model(x)
print(activation)

# tensor hooks
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = a * 2
b.register_hook(lambda grad: print('grad of b', grad))
c = b.pow(2)
hc = c.register_hook(lambda grad: grad * 10)
c.sum().backward()
print(a.grad)
b.retain_grad()

# custom function
class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)
    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input
class Exp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result
    @staticmethod
    def backward(ctx, grad_output):
        result, = ctx.saved_tensors
        return grad_output * result
class MulConst(torch.autograd.Function):
    @staticmethod
    def forward(ctx, tensor, constant):
        ctx.constant = constant
        return tensor * constant
    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.constant, None

x = torch.randn(5, requires_grad=True)
relu = MyReLU.apply
y = relu(x)
print(y, y.grad_fn)
y.sum().backward()
print(x.grad)
z = Exp.apply(x)
print(z.grad_fn.__class__.__name__)
z.backward(torch.ones_like(z))
print(x.grad)
w = MulConst.apply(x, 3.0)
w.sum().backward()
print(x.grad)

xd = torch.randn(3, 2, dtype=torch.double, requires_grad=True)
print(torch.autograd.gradcheck(Exp.apply, (xd,), eps=1e-6, atol=1e-4))
print(torch.autograd.gradcheck(MyReLU.apply, (xd,)))
print(torch.autograd.gradcheck(lambda t: (t ** 2).sum(1), (xd,)))
lin = nn.Linear(2, 2).double()
print(torch.autograd.gradcheck(lin, (xd,)))

u = torch.tensor(2.0, requires_grad=True)
v = u ** 3 + 2 * u
g, = torch.autograd.grad(v, u)
print(g)
p = torch.randn(3, requires_grad=True); q = torch.randn(3, requires_grad=True)
out = (p * q).sum()
gp, gq = torch.autograd.grad(out, [p, q], retain_graph=True)
print(torch.equal(gp, q), torch.equal(gq, p))
print(torch.autograd.grad(out, p, grad_outputs=torch.tensor(2.0)))
o2 = p * 2
print(torch.autograd.grad(o2, p, grad_outputs=torch.ones(3)))
print(torch.autograd.grad((p*q).sum(), [p], allow_unused=True))
try:
    torch.autograd.grad(p.sum(), [q])
except RuntimeError as e:
    print('RuntimeError', e)
