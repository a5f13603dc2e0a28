#!/usr/bin/env python3
"""PyTorch reference for `sae-streams bench`: single-thread fp32 training throughput of the
same sparse autoencoder shapes (Adam). Only used to measure a reference figure; never a
dependency of the project. Run by `sae-streams bench --torch` (with --serve), or by hand:
OMP_NUM_THREADS=1 /usr/bin/python3 torch_reference.py [seconds]

With --serve it reads lines "<shape name> <seconds>" on standard input and answers each with
"<shape name> torch train <rate> samples/s", keeping each shape's model, optimizer and inputs
between requests, so that the caller can alternate PyTorch and its own runs (A B A B ...).
"""
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(1)

SHAPES = [
    # name, d, n, batch, activation, k, penalty
    ("d784·n64·B256", 784, 64, 256, "sigmoid", 0, "kl"),
    ("d784·n256·B64", 784, 256, 64, "relu", 0, "l1"),
    ("d784·n1024·B256", 784, 1024, 256, "relu", 0, "l1"),
    ("d784·n4096·B256", 784, 4096, 256, "topk", 32, "none"),
]


class Sae(torch.nn.Module):
    def __init__(self, d, n, activation, k):
        super().__init__()
        w = torch.randn(n, d)
        w = w / w.norm(dim=1, keepdim=True)
        self.w_dec = torch.nn.Parameter(w.clone())
        self.w_enc = torch.nn.Parameter(w.clone())
        self.b_enc = torch.nn.Parameter(torch.zeros(n))
        self.b_dec = torch.nn.Parameter(torch.zeros(d))
        self.activation = activation
        self.k = k

    def forward(self, x):
        z = (x - self.b_dec) @ self.w_enc.t() + self.b_enc
        if self.activation == "sigmoid":
            h = torch.sigmoid(z)
        elif self.activation == "relu":
            h = torch.relu(z)
        else:
            vals, idx = torch.topk(z, self.k, dim=1)
            h = torch.zeros_like(z).scatter_(1, idx, torch.relu(vals))
        return h, h @ self.w_dec + self.b_dec


class Run:
    """One shape's model, optimizer and inputs; measure() trains for a while and returns samples/s."""

    def __init__(self, d, n, batch, activation, k, penalty):
        self.batch = batch
        self.step = make_step(d, n, batch, activation, k, penalty)
        self.pool = [torch.rand(batch, d) * (torch.rand(batch, d) < 0.5) for _ in range(8)]
        self.i = 0
        for _ in range(3):
            self.next()

    def next(self):
        self.step(self.pool[self.i % 8])
        self.i += 1

    def measure(self, seconds):
        t0 = time.perf_counter()
        samples = 0
        steps = 0
        while time.perf_counter() - t0 < seconds or steps < 3:
            self.next()
            samples += self.batch
            steps += 1
        return samples / (time.perf_counter() - t0)


def make_step(d, n, batch, activation, k, penalty):
    model = Sae(d, n, activation, k)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    rho = 0.05
    rho_hat = torch.full((n,), rho)

    def step(x):
        nonlocal rho_hat
        h, xhat = model(x)
        loss = ((xhat - x) ** 2).sum(dim=1).mean()
        if penalty == "l1":
            loss = loss + 1e-3 * h.abs().sum(dim=1).mean()
        elif penalty == "kl":
            rho_hat = 0.9 * rho_hat + 0.1 * h.mean(dim=0).detach()
            r = rho_hat.clamp(1e-6, 1 - 1e-6)
            slope = -rho / r + (1 - rho) / (1 - r)
            loss = loss + 0.1 * (slope * h.mean(dim=0)).sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    return step


def serve():
    shapes = {s[0]: s[1:] for s in SHAPES}
    runs = {}
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}", flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        name, seconds = parts[0], float(parts[1])
        if name not in runs:
            runs[name] = Run(*shapes[name])
        rate = runs[name].measure(seconds)
        print(f"{name} torch train {rate:.1f} samples/s", flush=True)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve()
        return
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    for name, d, n, batch, act, k, pen in SHAPES:
        run = Run(d, n, batch, act, k, pen)
        rate = run.measure(seconds)
        label = act + (f" k={k}" if k else "") + "+" + pen
        print(f"{name:16s} {label:18s} torch   train {rate:10.0f} samples/s")


if __name__ == "__main__":
    main()
