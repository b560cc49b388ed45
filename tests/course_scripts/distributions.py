import torch
import torch.nn.functional as F
from torch.distributions import Normal, Categorical, Bernoulli, kl_divergence
import torch.distributions as D
torch.manual_seed(0)
mu = torch.tensor([0.5, -1.0], requires_grad=True)
logvar = torch.tensor([0.1, -0.3], requires_grad=True)
q = Normal(mu, torch.exp(0.5 * logvar))
p = Normal(torch.zeros(2), torch.ones(2))
print(q, p, Normal(0., 1.), Normal(torch.tensor(0.), 1.))
print(q.batch_shape, q.event_shape, q.mean, q.stddev, q.variance)
z = q.rsample()
print(z, z.grad_fn is not None)
print(q.sample((3,)))
print(q.log_prob(z), p.log_prob(z).sum())
kl = kl_divergence(q, p).sum()
manual = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
print(kl, manual)
(kl + q.log_prob(z).sum()).backward()
print(mu.grad, logvar.grad)
print(q.entropy(), q.cdf(torch.tensor([0.0, 0.0])))
print(Normal(0., 1.).sample((2, 2)), Normal(0., 1.).sample().shape)
logits = torch.tensor([[1.0, 2.0, 0.5], [0.1, 0.1, 3.0]], requires_grad=True)
pi = Categorical(logits=logits)
print(pi, pi.probs, pi.logits)
a = pi.sample()
print(a, pi.log_prob(a), pi.entropy())
print(pi.sample((4,)), pi.batch_shape)
loss = -(pi.log_prob(a) * torch.tensor([1.0, -0.5])).mean()
loss.backward()
print(loss, logits.grad)
c2 = Categorical(probs=torch.tensor([0.2, 0.3, 0.5]))
print(c2, c2.logits, c2.sample((5,)), c2.log_prob(torch.tensor(2)))
print(kl_divergence(c2, Categorical(logits=torch.zeros(3))))
b = Bernoulli(probs=torch.tensor([0.1, 0.9, 0.5]))
print(b, b.sample(), b.sample((2,)), b.log_prob(torch.tensor([1., 0., 1.])), b.entropy(), b.logits)
print(Bernoulli(logits=torch.tensor(0.3)).probs, Bernoulli(0.3).sample((3,)))
print(kl_divergence(b, Bernoulli(torch.tensor([0.5, 0.5, 0.5]))))
for bad in [lambda: Normal(torch.tensor([0.]), torch.tensor([-1.])), lambda: Categorical(probs=torch.tensor([0.5, -0.5])),
            lambda: b.log_prob(torch.tensor([0.5, 0., 1.])), lambda: Categorical(), lambda: c2.log_prob(torch.tensor(3)),
            lambda: p.log_prob(torch.zeros(3)), lambda: p.log_prob(0.5)]:
    try:
        bad()
    except ValueError as e:
        print("ValueError:", e)
print(Normal(torch.zeros(2), torch.ones(2), validate_args=False).log_prob(torch.zeros(2)))
