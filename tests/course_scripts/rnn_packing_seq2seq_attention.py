# RNN lectures: pad_sequence/pack_sequence/pack_padded_sequence/pad_packed_sequence, an Embedding+GRU seq2seq with
# teacher forcing and topk/multinomial decoding, attention with bmm + softmax.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence, pack_sequence
import random

torch.manual_seed(1)
random.seed(1)
data = ['hello world', 'midnight', 'calculation', 'path', 'short circuit']
char_set = ['<pad>'] + list(set(char for seq in data for char in seq))
char_set.sort()
char2idx = {char: idx for idx, char in enumerate(char_set)}
print('char_set:', char_set)
print('char_set length:', len(char_set))
X = [torch.LongTensor([char2idx[char] for char in seq]) for seq in data]
for sequence in X:
    print(sequence)
lengths = [len(seq) for seq in X]
print('lengths:', lengths)
padded_sequence = pad_sequence(X, batch_first=True)
print(padded_sequence)
print(padded_sequence.shape)
sorted_X = sorted(X, key=lambda seq: len(seq), reverse=True)
packed_sequence = pack_sequence(sorted_X)
print(packed_sequence)
eye = torch.eye(len(char_set))
embedded_tensor = eye[padded_sequence]
print(embedded_tensor.shape)
embedded_packed_seq = pack_sequence([eye[X[idx]] for idx in torch.argsort(torch.tensor(lengths), descending=True)])
print(embedded_packed_seq.data.shape)
rnn = torch.nn.RNN(input_size=len(char_set), hidden_size=30, batch_first=True)
rnn_output, hidden = rnn(embedded_tensor)
print(rnn_output.shape, hidden.shape)
rnn_output, hidden = rnn(embedded_packed_seq)
print(rnn_output.data.shape, hidden.shape)
unpacked_sequence, seq_lengths = pad_packed_sequence(embedded_packed_seq, batch_first=True)
print(unpacked_sequence.shape, seq_lengths)
embedded_padded_sequence = eye[pad_sequence(sorted_X, batch_first=True)]
sorted_lengths = sorted(lengths, reverse=True)
new_packed_sequence = pack_padded_sequence(embedded_padded_sequence, sorted_lengths, batch_first=True)
print(new_packed_sequence.data.shape, new_packed_sequence.batch_sizes)
unsorted = pack_padded_sequence(embedded_tensor, lengths, batch_first=True, enforce_sorted=False)
print(unsorted.sorted_indices, unsorted.unsorted_indices)
out, h = nn.GRU(len(char_set), 6, batch_first=True)(unsorted)
o, l = pad_packed_sequence(out, batch_first=True, total_length=14)
print(o.shape, l, h.shape)
print(o[3, 3:6])

# seq2seq with teacher forcing
SOS, EOS = 0, 1
vocab = 12
class Encoder(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.embedding = nn.Embedding(input_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size)
    def forward(self, x, hidden):
        x = self.embedding(x).view(1, 1, -1)
        x, hidden = self.gru(x, hidden)
        return x, hidden
class Decoder(nn.Module):
    def __init__(self, hidden_size, output_size):
        super().__init__()
        self.embedding = nn.Embedding(output_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size)
        self.out = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)
    def forward(self, x, hidden):
        x = self.embedding(x).view(1, 1, -1)
        x = F.relu(x)
        x, hidden = self.gru(x, hidden)
        x = self.softmax(self.out(x[0]))
        return x, hidden
enc = Encoder(vocab, 8); dec = Decoder(8, vocab)
eo = torch.optim.SGD(enc.parameters(), lr=0.1); do = torch.optim.SGD(dec.parameters(), lr=0.1)
criterion = nn.NLLLoss()
pairs = [([2, 3, 4, 5], [5, 4, 3, 2]), ([6, 7, 8], [8, 7, 6]), ([9, 10, 11, 3], [3, 11, 10, 9])]
teacher_forcing_ratio = 0.5
for it in range(30):
    src, tgt = pairs[it % 3]
    src = torch.LongTensor(src + [EOS]).view(-1, 1); tgt = torch.LongTensor(tgt + [EOS]).view(-1, 1)
    h = torch.zeros(1, 1, 8)
    eo.zero_grad(); do.zero_grad()
    for ei in range(src.size(0)):
        _, h = enc(src[ei], h)
    dec_in = torch.LongTensor([[SOS]])
    loss = 0
    use_tf = True if random.random() < teacher_forcing_ratio else False
    for di in range(tgt.size(0)):
        dec_out, h = dec(dec_in, h)
        loss += criterion(dec_out, tgt[di])
        if use_tf:
            dec_in = tgt[di]
        else:
            topv, topi = dec_out.topk(1)
            dec_in = topi.squeeze().detach()
            if dec_in.item() == EOS:
                break
    loss.backward()
    eo.step(); do.step()
    if it % 5 == 0:
        print(it, use_tf, loss.item() / tgt.size(0), topv if not use_tf else None)
with torch.no_grad():
    probs = dec_out.exp()
    print(torch.multinomial(probs, 3), torch.multinomial(probs.squeeze(), 5, replacement=True))
    print(dec_out.topk(3), dec_out.max(1))
    print(dec_out.data.topk(1)[1].item())

# attention
q = torch.randn(2, 1, 8); k = torch.randn(2, 5, 8)
scores = torch.bmm(q, k.transpose(1, 2))
attn = F.softmax(scores, dim=-1)
ctx = torch.bmm(attn, k)
print(scores.shape, attn, ctx.squeeze(1).shape)
ae = nn.Linear(16, 5)
attn_weights = F.softmax(ae(torch.cat((q[0], ctx[0]), 1)), dim=1)
attn_applied = torch.bmm(attn_weights.unsqueeze(0), k[:1])
print(attn_weights, attn_applied.shape, attn_applied.grad_fn)
