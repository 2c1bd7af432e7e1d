"""What the PyTorch children of `dive bench --backend torch` share (torch_mlp_vae.py,
torch_deepdive.py): the thread set-up, the BLAS they run on, and the timed loop with its JSON
report. Imported by the scripts beside it (Python puts a script's directory on sys.path).
"""
import ctypes
import json
import re
import sys
import time


def blas_libraries():
    """Shared objects of BLAS libraries mapped into this process (Linux)."""
    found = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if "/" in line else ""
                name = path.rsplit("/", 1)[-1]
                if path and ("blas" in name or "mkl" in name) and path not in found:
                    found.append(path)
    except OSError:
        pass
    return found


def set_openblas_threads(paths, threads):
    """torch.set_num_threads does not reach a generic (alternatives) OpenBLAS: set it directly."""
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_set_num_threads(ctypes.c_int(threads))
            return lib.openblas_get_num_threads()
        except (OSError, AttributeError):
            continue
    return None


def setup_torch(threads, seed):
    """Import torch on `threads` threads with seeded draws; returns the module."""
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    torch.set_flush_denormal(True)
    return torch


def time_steps(torch, step, threads, steps, warmup, warmup_seconds):
    """Run `step(i)` (returns the loss) for at least `warmup` untimed steps and at least
    `warmup_seconds` of them (as dive bench's own steps), then `steps` timed ones; print the
    report as one JSON object on stdout."""
    blas = blas_libraries()
    blas_threads = set_openblas_threads(blas, threads)
    until = time.perf_counter() + warmup_seconds
    warmup_steps = 0
    while warmup_steps < warmup or time.perf_counter() < until:
        step(warmup_steps)
        warmup_steps += 1
    step_ms, cpu_ms, losses = [], [], []
    for i in range(warmup_steps, warmup_steps + steps):
        c0 = time.process_time()
        t0 = time.perf_counter()
        losses.append(step(i))
        step_ms.append((time.perf_counter() - t0) * 1e3)
        cpu_ms.append((time.process_time() - c0) * 1e3)
    config = torch.__config__.show()
    found = re.search(r"BLAS_INFO=([^,\s]+)", config)
    json.dump(
        {
            "torch": torch.__version__,
            "threads": threads,
            "torchThreads": torch.get_num_threads(),
            "openblasThreads": blas_threads,
            "blasInfo": found.group(1) if found else "unknown",
            "blasLibraries": blas_libraries(),
            "stepMs": step_ms,
            "cpuMs": cpu_ms,
            "losses": losses,
            "warmupSteps": warmup_steps,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")
