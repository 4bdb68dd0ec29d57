"""Float32 scores that are the same bits on every x86-64 CPU.

PyTorch picks its vectorised kernels (softmax, layer norm, GELU) by the CPU's
vector width, and MKL its matrix-product code path by CPU kind and thread count,
so float32 scores differ in their last bits from one machine to another (about
1e-6), enough to change the bytes of a CSV.  ``ENV`` pins all three: ATen's
baseline kernels, MKL's conditional numerical reproducibility in its
compatible mode, and one scoring thread.  ATen and MKL read their variables when
torch is loaded, so they must be set in the environment of a fresh process:
``build_figures(precision="fp32")`` sets them for its notebook kernels.
Scores computed so are cached apart from others (``fingerprint_suffix``).
"""
import os

ENV = {"MKL_CBWR": "COMPATIBLE", "ATEN_CPU_CAPABILITY": "default", "ANALYSIS_THREADS": "1"}


def reproducible() -> bool:
    """Whether this process runs with ``ENV`` (CPU-independent float32 arithmetic)."""
    return all(os.environ.get(k) == v for k, v in ENV.items())


def threads() -> int:
    """Threads for scoring: ``$ANALYSIS_THREADS``, else every core."""
    return int(os.environ.get("ANALYSIS_THREADS") or 0) or os.cpu_count() or 1


def fingerprint_suffix() -> str:
    """Appended to a model's cache fingerprint: reproducible scores are kept apart from others."""
    return "+cpu-independent" if reproducible() else ""
