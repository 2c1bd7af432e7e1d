"""The mlp-vae bench workload in PyTorch, for `dive bench --backend torch` (./torch.ts).

Same network, loss and optimizer as ./workloads/mlpVae.ts: encoder 2048 -> 512 -> 512
(ReLU) -> [mu, log sigma^2] (2 x 16), z = mu + exp(log sigma^2 / 2) * eps, decoder 16 -> 512 ->
512 (ReLU) -> 2048; loss = mean squared error + KL(q(z|x) || N(0, I)) (summed over the latent,
mean over the batch) -- docs/paper.md E1 without the forecasting term; Adam (lr 1e-3, betas
0.9/0.999, eps 1e-8), Glorot-uniform weights, zero biases, batch 256. The data are seeded
low-rank-plus-noise batches of the same shape (their values do not affect the timing).

Usage: python3 torch_mlp_vae.py '{"threads": 1, "steps": 10, "warmup": 2, "seed": 0, ...}'
Prints one JSON object on stdout: per-step wall and CPU ms, losses, the thread count, and the
BLAS library torch runs on (from torch.__config__.show() and the shared objects it mapped).
"""
import json
import sys

from torch_common import setup_torch, time_steps


def main():
    spec = json.loads(sys.argv[1])
    threads = int(spec.get("threads", 1))
    steps = int(spec.get("steps", 10))
    warmup = int(spec.get("warmup", 2))
    warmup_seconds = float(spec.get("warmupSeconds", 0))
    seed = int(spec.get("seed", 0))
    batch = int(spec.get("batch", 256))
    width = int(spec.get("input", 2048))
    hidden = int(spec.get("hidden", 512))
    latent = int(spec.get("latent", 16))
    lr = float(spec.get("lr", 1e-3))

    torch = setup_torch(threads, seed)

    def dense(i, o):
        layer = torch.nn.Linear(i, o)
        torch.nn.init.xavier_uniform_(layer.weight)
        torch.nn.init.zeros_(layer.bias)
        return layer

    enc = torch.nn.Sequential(dense(width, hidden), torch.nn.ReLU(), dense(hidden, hidden), torch.nn.ReLU(), dense(hidden, 2 * latent))
    dec = torch.nn.Sequential(dense(latent, hidden), torch.nn.ReLU(), dense(hidden, hidden), torch.nn.ReLU(), dense(hidden, width))
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8)

    rank = 8
    basis = torch.randn(rank, width)
    batches = [torch.randn(batch, rank) / rank ** 0.5 @ basis + 0.1 * torch.randn(batch, width) for _ in range(4)]

    def step(i):
        x = batches[i % len(batches)]
        stats = enc(x)
        mu, logvar = stats[:, :latent], stats[:, latent:]
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)  # reparameterisation
        x_hat = dec(z)
        recon = torch.mean((x_hat - x) ** 2)  # E1 reconstruction term (MSE)
        kl = -0.5 * torch.mean(torch.sum(1 + logvar - mu ** 2 - torch.exp(logvar), dim=1))  # E1 prior term
        loss = recon + kl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    time_steps(torch, step, threads, steps, warmup, warmup_seconds)


if __name__ == "__main__":
    main()
