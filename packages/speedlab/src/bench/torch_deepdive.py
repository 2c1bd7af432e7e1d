"""DeepDIVE in PyTorch: a reference of divelab's forward pass and loss terms (lib/models/deepdive.ts,
lib/objectives), written from the equations in docs/paper.md and docs/design.md, for

- `parity`: the loss terms and the gradients of every phase's weighted loss with respect to the
  phase's variables, in float64, on weights, a batch and noise written by divelab
  (./torchDeepdive.ts; the test packages/speedlab/tests/bench/torchDeepdive.test.ts compares them
  with divelab's own within 1e-4 relative);
- `bench`: the deepdive-* workloads' interleaved training step (phase M then phase C on each
  batch, Adam with clipping by global norm) timed in float32 (`dive bench --backend torch`, ./torch.ts).

Everything is read from a bundle directory (./torchDeepdive.ts writes it): `manifest.json` (the
model config, the data geometry, the phases, and where each tensor lies) and `tensors.bin` (the
tensors, float32 little-endian, back to back). Variables are addressed by divelab's stable
checkpoint names (`group/layer/param`, lib/models/nn.ts). The reference derives everything
else itself from the config: the RBF priors log pi from the class frequencies, each label's
geometry, the log-variance clips, the term weights.

Noise: in `parity` every stochastic part reads the tensors divelab drew (the reparameterisation
noise eps and the dropout multipliers, by NOISE_STREAM name, lib/models/nn.ts); nothing is
drawn here. In `bench` the step draws its own (torch.randn, Bernoulli masks), as ours does.

Not covered (the bundle writer refuses them): the GRU trunk and the atom regulariser.

Usage: python3 torch_deepdive.py parity BUNDLE_DIR OUT_DIR
       python3 torch_deepdive.py bench BUNDLE_DIR '{"threads": 1, "steps": 10, "warmup": 2, ...}'
`parity` writes OUT_DIR/result.json (terms, losses, gradient shapes and offsets) and
OUT_DIR/grads.bin (float64); `bench` prints the report of torch_common.time_steps.
"""
import json
import math
import os
import sys

LOG_2PI = math.log(2 * math.pi)
REVIN_EPS = 1e-5
# Upper clip of log sigma_b^2 for labels on a circle (sigma <= 0.5 rad): DeepDive's CIRCLE_LOGVAR_MAX.
CIRCLE_LOGVAR_MAX = 2 * math.log(0.5)
MIN_FREQUENCY = 1e-6


def read_bundle(torch, directory, dtype):
    """The manifest, and a function turning a tensor reference {offset, shape} into a tensor."""
    import numpy as np

    with open(os.path.join(directory, "manifest.json")) as f:
        manifest = json.load(f)
    flat = np.fromfile(os.path.join(directory, "tensors.bin"), dtype="<f4")

    def tensor(ref, as_dtype=None):
        n = 1
        for s in ref["shape"]:
            n *= s
        data = flat[ref["offset"] : ref["offset"] + n].reshape(ref["shape"])
        return torch.from_numpy(data.copy()).to(as_dtype or dtype)

    return manifest, tensor


def log_bessel_i0(torch, kappa):
    """log I0(kappa): Abramowitz & Stegun 9.8.1 (kappa <= 3.75) and 9.8.2 (above), each branch on
    kappa clamped to its range, joined by a step mask (rbf.ts logBesselI0)."""
    t2 = torch.square(torch.clamp(kappa, max=3.75) / 3.75)
    p1 = torch.zeros_like(kappa) + 0.0045813
    for c in [0.0360768, 0.2659732, 1.2067492, 3.0899424, 3.5156229, 1.0]:
        p1 = p1 * t2 + c
    large = torch.clamp(kappa, min=3.75)
    u = 3.75 / large
    p2 = torch.zeros_like(kappa) + 0.00392377
    for c in [-0.01647633, 0.02635537, -0.02057706, 0.00916281, -0.00157565, 0.00225319, 0.01328592, 0.39894228]:
        p2 = p2 * u + c
    log_large = large - 0.5 * torch.log(large) + torch.log(p2)
    small = (kappa < 3.75).to(kappa.dtype)  # tf.step(3.75 - kappa): 1 where kappa < 3.75
    return small * torch.log(p1) + (1 - small) * log_large


class DeepDiveReference:
    """DeepDIVE's forward pass and loss terms on named parameter tensors (docs/paper.md E1-E3)."""

    def __init__(self, torch, manifest, params):
        self.torch = torch
        self.c = manifest["config"]
        self.info = manifest["dataInfo"]
        self.p = params
        c, info = self.c, self.info
        if c["trunk"]["kind"] == "gru":
            raise ValueError("the reference covers the mlp and channel-mlp trunks, not gru")
        if c.get("atom", {}).get("kind", "none") != "none" and c["atom"].get("weight", 0) > 0:
            raise ValueError("the reference does not cover the atom regulariser")
        self.L, self.T, self.C = info["inputLength"], info["targetLength"], info["channels"]
        labels = info["labels"]
        self.M = len(labels)
        self.use_a, self.use_b = c["useA"], c["useB"]
        dtype = next(iter(params.values())).dtype
        # E3: each label's geometry and its fixed log pi_k (training-window class frequencies).
        self.geometry = ["circle" if l.get("cyclic") and c["cyclicLabels"] == "circle" else "line" for l in labels]
        self.log_prior = []
        for i, l in enumerate(labels):
            freq = info["classFrequencies"][i] if i < len(info["classFrequencies"]) else [1.0] * l["classes"]
            total = sum(freq)
            lp = [math.log(max(f / total if total > 0 else 1 / len(freq), MIN_FREQUENCY)) for f in freq]
            self.log_prior.append(torch.tensor(lp, dtype=dtype))
        self.b_logvar_max = torch.tensor(
            [min(c["logvarMax"], CIRCLE_LOGVAR_MAX) if g == "circle" else c["logvarMax"] for g in self.geometry], dtype=dtype
        )
        self.b_logvar_min = torch.full_like(self.b_logvar_max, c["logvarMin"])
        conditional_path = self.use_a or c["forecasterInput"] == "code+features"
        self.separate = self.use_b and c["conditionalTrunk"] == "separate" and conditional_path
        # E1 with E2/E3: the weight of every term (beta_a = 2/(L C) when not set).
        self.weights = {"forecast": 1.0, "recon": 1.0}
        if self.use_a:
            self.weights["klA"] = c["betaA"] if c["betaA"] is not None else 2 / (self.L * self.C)
        if self.use_b:
            self.weights["ce"] = c["lambda"]
            self.weights["klB"] = c["betaB"]

    # -- layers -----------------------------------------------------------------------------
    def dense(self, name, x, relu=False):
        y = x @ self.p[name + "/w"] + self.p[name + "/b"]
        return self.torch.relu(y) if relu else y

    def trunk(self, group, x):
        """x [B, L, C] -> h [B, H]: ReLU MLP on the flattened window, or channel-shared and averaged."""
        torch, c = self.torch, self.c
        B = x.shape[0]
        layers = c["trunk"]["layers"]
        if c["trunk"]["kind"] == "mlp":
            h = x.reshape(B, self.L * self.C)
            for i in range(layers):
                h = self.dense(f"{group}/mlp{i}", h, relu=True)
            return h
        h = x.transpose(1, 2).reshape(B * self.C, self.L)
        for i in range(layers):
            h = self.dense(f"{group}/cmlp{i}", h, relu=True)
        return torch.mean(h.reshape(B, self.C, -1), dim=1)

    def revin_stats(self, x):
        mean = x.mean(dim=1, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=1, keepdim=True)  # population variance (RevIN)
        return mean, self.torch.sqrt(var + REVIN_EPS)

    def normalise(self, x, stats):
        mode = self.c["revin"]
        if mode == "none":
            return x
        n = (x - stats[0]) / stats[1]
        return n * self.p["revin/revin/gamma"] + self.p["revin/revin/beta"] if mode == "affine" else n

    def denormalise(self, y, stats):
        mode = self.c["revin"]
        if mode == "none":
            return y
        if mode == "affine":
            y = (y - self.p["revin/revin/beta"]) / (self.p["revin/revin/gamma"] + REVIN_EPS * REVIN_EPS)
        return y * stats[1] + stats[0]

    def rbf_log_density(self, i, b):
        """log p_k(b_i) [B, K] (E3): Gaussian on a line, von Mises on a circle."""
        torch = self.torch
        centres = self.p[f"rbf/rbf{i}/centres"]
        log_w = self.p[f"rbf/rbf{i}/logWidths"]
        d = b.reshape(-1, 1) - centres.reshape(1, -1)
        inv2var = 0.5 / torch.exp(2 * log_w)
        if self.geometry[i] == "circle":
            kappa = 2 * inv2var
            return kappa * torch.cos(d) - (LOG_2PI + log_bessel_i0(torch, kappa))
        return -(d * d * inv2var) - (log_w + 0.5 * LOG_2PI)

    def component_kl(self, i, mu, logvar, labels):
        """KL(q(b_i|x) || p_{y_i}) per window [B] (E3)."""
        torch = self.torch
        centres = self.p[f"rbf/rbf{i}/centres"]
        log_w = self.p[f"rbf/rbf{i}/logWidths"].expand(centres.shape[0])
        c_y, log_sigma_y = centres[labels], log_w[labels]
        var_q = torch.exp(logvar)
        if self.geometry[i] == "circle":
            kappa_y = torch.exp(-2 * log_sigma_y)
            neg_entropy = -0.5 * (logvar + LOG_2PI + 1)
            attraction = kappa_y * torch.exp(-0.5 * var_q) * torch.cos(mu - c_y)
            return neg_entropy - attraction + (LOG_2PI + log_bessel_i0(torch, kappa_y))
        log_var_y = 2 * log_sigma_y
        ratio = (var_q + (mu - c_y) ** 2) / torch.exp(log_var_y)
        return 0.5 * (log_var_y - logvar + ratio - 1)

    def label_tokens(self, memberships, b):
        """t_i = sum_k r_ik E_ik + b_i u_i + e_i [B, M, d]."""
        torch = self.torch
        d = self.c["tokenDim"]
        mixed = torch.stack([r @ self.p[f"fusion/labelEmbedding{i}"] for i, r in enumerate(memberships)], dim=1)
        scalar = b.reshape(-1, self.M, 1) * self.p["fusion/scalarDirection"].reshape(1, self.M, d)
        return mixed + scalar + self.p["fusion/labelIdentity"].reshape(1, self.M, d)

    def attention(self, queries, context):
        """F = A + MultiHeadAttn(A, T) W_o, heads of width d/h."""
        torch, c = self.torch, self.c
        B, nA, d = queries.shape
        h = c["heads"]
        dh = d // h

        def split(x, name):
            n = x.shape[1]
            return self.dense(name, x.reshape(B * n, d)).reshape(B, n, h, dh).permute(0, 2, 1, 3)

        q, k, v = split(queries, "fusion/attn/q"), split(context, "fusion/attn/k"), split(context, "fusion/attn/v")
        scores = q @ k.transpose(2, 3) / math.sqrt(dh)
        att = torch.softmax(scores, dim=-1) @ v
        merged = att.permute(0, 2, 1, 3).reshape(B * nA, d)
        return queries + self.dense("fusion/attn/o", merged).reshape(B, nA, d)

    def fuse(self, a, b, logits):
        torch, c = self.torch, self.c
        B = (a if a is not None else b).shape[0]
        a_tok = self.dense("fusion/aTokens", a).reshape(B, c["aTokens"], c["tokenDim"]) if a is not None else None
        l_tok = self.label_tokens([torch.softmax(l, dim=1) for l in logits], b) if b is not None else None
        if a_tok is not None and l_tok is not None and c["fusion"] == "attention":
            return self.attention(a_tok, l_tok).reshape(B, -1)
        parts = [t.reshape(B, -1) for t in (a_tok, l_tok) if t is not None]
        return parts[0] if len(parts) == 1 else torch.cat(parts, dim=1)

    def highway(self, x):
        window = max(1, min(self.c["highway"], self.L))
        B = x.shape[0]
        rows = x[:, self.L - window :, :].transpose(1, 2).reshape(B * self.C, window)
        out = rows @ self.p["forecaster/highway/w"] + self.p["forecaster/highway/b"]
        return out.reshape(B, self.C, self.T).transpose(1, 2)

    # -- the loss terms ---------------------------------------------------------------------
    def losses(self, x, y, labels, noise, need):
        """Unweighted terms {name: scalar} that `need` asks for (and that have a weight)."""
        torch, c = self.torch, self.c
        wants = lambda t: t in need and self.weights.get(t, 0) != 0
        rate = c["dropout"]
        drop = (lambda t, stream: noise.dropout(stream, t, rate)) if rate > 0 else (lambda t, stream: t)
        terms = {}
        stats = self.revin_stats(x)
        xn = self.normalise(x, stats)
        h = drop(self.trunk("trunk", xn), "trunkDropout")
        b, logits = None, []
        if self.use_b:
            mu_b = self.dense("bEncoder/mu", h)
            lv_b = torch.clamp(self.dense("bEncoder/logvar", h), min=self.b_logvar_min, max=self.b_logvar_max)
            b = mu_b + torch.exp(0.5 * lv_b) * noise.normal("marginalSample", mu_b)
            logits = [self.rbf_log_density(i, b[:, i]) + self.log_prior[i] for i in range(self.M)]
            if wants("ce"):  # E3: sum_i -log r_{i, y_i}(b_i)
                terms["ce"] = sum(-torch.mean(torch.log_softmax(l, dim=1).gather(1, labels[i].reshape(-1, 1))) for i, l in enumerate(logits))
            if wants("klB"):  # E3: sum_i KL(q(b_i|x) || p_{y_i})
                terms["klB"] = sum(torch.mean(self.component_kl(i, mu_b[:, i], lv_b[:, i], labels[i])) for i in range(self.M))
        if not (wants("forecast") or wants("recon") or wants("klA")):
            return terms
        g = drop(self.trunk("conditionalTrunk", xn), "conditionalTrunkDropout") if self.separate else h
        a = None
        if self.use_a:
            mu_a = self.dense("aEncoder/mu", g)
            lv_a = torch.clamp(self.dense("aEncoder/logvar", g), min=c["logvarMin"], max=c["logvarMax"])
            a = mu_a + torch.exp(0.5 * lv_a) * noise.normal("conditionalSample", mu_a)
            if wants("klA"):  # E1: KL(q(a|x) || N(0, I))
                terms["klA"] = torch.mean(torch.sum(0.5 * (mu_a * mu_a + torch.exp(lv_a) - 1 - lv_a), dim=1))
        fused = self.fuse(a, b, logits)
        if wants("recon"):  # E1: -E_q log p(x | a, b) as MSE
            x_hat = self.dense("decoder/dec/out", self.dense("decoder/dec/h", fused, relu=True)).reshape(-1, self.L, self.C)
            terms["recon"] = torch.mean((x - self.denormalise(x_hat, stats)) ** 2)
        if wants("forecast"):  # E1: -E_q log p(y | a, b, x) as MSE
            features = fused if c["forecasterInput"] == "code" else torch.cat([fused, g], dim=1)
            hidden = drop(self.dense("forecaster/fc/h", features, relu=True), "forecasterDropout")
            y_hat = self.dense("forecaster/fc/out", hidden).reshape(-1, self.T, self.C)
            if c["highway"] > 0:
                y_hat = y_hat + self.highway(xn)
            terms["forecast"] = torch.mean((y - self.denormalise(y_hat, stats)) ** 2)
        return terms

    def weighted(self, terms, use):
        """sum_t w_t term_t over the phase's terms (types.ts weightedSum)."""
        parts = [self.weights[t] * terms[t] for t in use if t in terms and self.weights.get(t, 0) != 0]
        if not parts:
            raise ValueError(f"no loss term among {use} has a non-zero weight")
        return sum(parts[1:], parts[0])


class GivenNoise:
    """The noise divelab drew for one pass, by stream name; nothing is drawn here."""

    def __init__(self, tensors):
        self.t = tensors

    def normal(self, stream, like):
        eps = self.t[stream]
        if tuple(eps.shape) != tuple(like.shape):
            raise ValueError(f"noise {stream} has shape {tuple(eps.shape)}, the pass needs {tuple(like.shape)}")
        return eps

    def dropout(self, stream, x, rate):
        return x * self.t[stream].reshape(x.shape)


class FreshNoise:
    """Noise drawn by torch for every pass (bench): N(0, 1) and inverted-dropout multipliers."""

    def __init__(self, torch):
        self.torch = torch

    def normal(self, stream, like):
        return self.torch.randn_like(like)

    def dropout(self, stream, x, rate):
        return self.torch.nn.functional.dropout(x, p=rate, training=True)


def load_params(torch, manifest, tensor, dtype):
    return {p["name"]: tensor(p, dtype).requires_grad_(True) for p in manifest["params"]}


def load_batch(torch, ref, tensor, dtype):
    return tensor(ref["x"], dtype), tensor(ref["y"], dtype), [tensor(l, torch.float32).round().long() for l in ref["labels"]]


def parity(bundle, out):
    """Terms, weighted loss and gradients of every recorded pass, in float64."""
    import numpy as np
    import torch

    dtype = torch.float64
    manifest, tensor = read_bundle(torch, bundle, dtype)
    params = load_params(torch, manifest, tensor, dtype)
    groups = {p["name"]: p["group"] for p in manifest["params"]}
    model = DeepDiveReference(torch, manifest, params)
    passes, chunks, offset = [], [], 0
    for rec in manifest["passes"]:
        phase = rec["phase"]
        x, y, labels = load_batch(torch, manifest["batches"][rec["batch"]], tensor, dtype)
        noise = GivenNoise({k: tensor(v, dtype) for k, v in rec["noise"].items()})
        terms = model.losses(x, y, labels, noise, phase["terms"])
        loss = model.weighted(terms, phase["terms"])
        names = [n for n in params if groups[n] in phase["groups"]]
        grads = torch.autograd.grad(loss, [params[n] for n in names], allow_unused=True)
        entry = {"phase": phase["name"], "terms": {k: v.item() for k, v in terms.items()}, "loss": loss.item(), "weights": model.weights, "grads": {}}
        for n, g in zip(names, grads):
            if g is None:
                continue
            a = g.detach().numpy().astype("<f8").ravel()
            entry["grads"][n] = {"offset": offset, "shape": list(g.shape)}
            chunks.append(a)
            offset += a.size
        passes.append(entry)
    os.makedirs(out, exist_ok=True)
    (np.concatenate(chunks) if chunks else np.zeros(0, dtype="<f8")).tofile(os.path.join(out, "grads.bin"))
    with open(os.path.join(out, "result.json"), "w") as f:
        json.dump({"torch": torch.__version__, "dtype": "float64", "passes": passes}, f)


def bench(bundle, spec):
    """The workload's step in float32: phase M then phase C on each batch, Adam + clip-norm."""
    from torch_common import setup_torch, time_steps

    threads = int(spec.get("threads", 1))
    torch = setup_torch(threads, int(spec.get("seed", 0)))
    dtype = torch.float32
    manifest, tensor = read_bundle(torch, bundle, dtype)
    params = load_params(torch, manifest, tensor, dtype)
    groups = {p["name"]: p["group"] for p in manifest["params"]}
    model = DeepDiveReference(torch, manifest, params)
    batches = [load_batch(torch, b, tensor, dtype) for b in manifest["batches"]]
    phases = [(ph, [params[n] for n in params if groups[n] in ph["groups"]]) for ph in manifest["phases"]]
    adam = spec.get("adam", {})
    opt = torch.optim.Adam(
        list(params.values()), lr=float(spec.get("lr", 1e-3)), betas=(adam.get("beta1", 0.9), adam.get("beta2", 0.999)), eps=adam.get("epsilon", 1e-8)
    )
    clip = float(spec.get("clipNorm", 5))
    noise = FreshNoise(torch)

    def step(i):
        x, y, labels = batches[i % len(batches)]
        total = 0.0
        for phase, ps in phases:
            loss = model.weighted(model.losses(x, y, labels, noise, phase["terms"]), phase["terms"])
            grads = torch.autograd.grad(loss, ps, allow_unused=True)  # the phase's variables only, as ours
            for p, g in zip(ps, grads):
                p.grad = g
            if clip > 0:
                torch.nn.utils.clip_grad_norm_([p for p in ps if p.grad is not None], clip)
            opt.step()
            for p in ps:
                p.grad = None
            total += loss.item()
        return total

    time_steps(torch, step, threads, int(spec.get("steps", 10)), int(spec.get("warmup", 2)), float(spec.get("warmupSeconds", 0)))


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "parity" and len(sys.argv) == 4:
        parity(sys.argv[2], sys.argv[3])
    elif mode == "bench" and len(sys.argv) == 4:
        bench(sys.argv[2], json.loads(sys.argv[3]))
    else:
        sys.exit("usage: torch_deepdive.py parity BUNDLE_DIR OUT_DIR | bench BUNDLE_DIR SPEC_JSON")


if __name__ == "__main__":
    main()
