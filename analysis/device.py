"""Where the models run (the CPU or a CUDA GPU) and in which precision.

``resolve_device(device=None) -> "cpu" | "cuda:N"``
    ``device``: "auto" (CUDA when torch sees a GPU, else the CPU), "cpu", "cuda" (the
    first GPU) or "cuda:N"; default ``$ANALYSIS_DEVICE``, else "auto".  A GPU asked for
    but absent is a ValueError, never a silent fall-back to the CPU.
``resolve_precision(precision=None, device="cpu") -> "fp32" | "bf16" | "fp16" | "int8"``
    on the CPU "auto" is bf16 where native (``fast_bf16``), else fp32; on a GPU it is
    bf16 autocast where the GPU supports it, else fp16 autocast; int8 (ONNX Runtime) runs
    on the CPU only, fp16 on a GPU only.
``batch_size(device, precision)``, ``autocast(device, precision)``, ``fingerprint_suffix(device, precision)``
    the rows per forward pass, the autocast context and the score-cache suffix for a device.

GPU scores are cached apart from CPU ones (``fingerprint_suffix``), as precisions are:
GPU kernels and half-precision autocast do not give the CPU's float32 bits.
"""
import contextlib
import os

from .vocab import PRECISION_CHOICES

DEVICE_CHOICES = "auto|cpu|cuda[:N]"
CPU_BATCH = 32    # rows per forward pass on the CPU (length-sorted batches, dynamic padding)
GPU_BATCH = 128   # a GPU is fed larger batches: the forward pass is cheap beside the transfer
# int8 on the CPU scores one row per call: ONNX Runtime's dynamic quantisation scales a batch's
# activations as one tensor, so in batches a statement's scores depend on its neighbours (the
# stance model's news_contrast dev macro-F1 moved from -0.036 to +0.009 of float32 with the batch
# size); alone, each row gets its own scale (README, Benchmarks).
INT8_BATCH = 1
HALF = {"bf16": "bfloat16", "fp16": "float16"}  # GPU precisions run under autocast in these dtypes


def resolve_device(device: str | None = None) -> str:
    """"cpu" or "cuda:N" for ``device`` (see the module docstring)."""
    import torch

    device = (device or os.environ.get("ANALYSIS_DEVICE") or "auto").strip().lower()
    if device == "auto":
        return "cuda:0" if torch.cuda.is_available() else "cpu"
    if device == "cpu":
        return "cpu"
    kind, _, index = device.partition(":")
    if kind != "cuda" or not (index.isdigit() or index == ""):
        raise ValueError(f"device must be {DEVICE_CHOICES}, not {device!r}")
    n = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if int(index or 0) >= n:
        raise ValueError(f"device {device!r} asked for, but torch sees {n} CUDA GPU(s)")
    return f"cuda:{int(index or 0)}"


def fast_bf16() -> bool:
    """True on CPUs that run bfloat16 matrix products natively (AMX or AVX512-BF16);
    ``ANALYSIS_NO_BF16=1`` masks them (to measure what a CPU without bf16 gets)."""
    import torch

    if os.environ.get("ANALYSIS_NO_BF16", "") not in ("", "0"):
        return False
    return any(getattr(torch.cpu, check, lambda: False)()
               for check in ("_is_amx_tile_supported", "_is_avx512_bf16_supported"))


def resolve_precision(precision: str | None = None, device: str = "cpu") -> str:
    """"fp32", "bf16", "fp16" or "int8" for ``precision`` (default: $ANALYSIS_PRECISION, else "auto")
    on the resolved ``device``.

    On the CPU "auto" is bfloat16 where the CPU runs it natively (AMX or AVX512-BF16: several
    times faster than float32, within 0.01 news dev macro-F1 of it), else int8 (ONNX Runtime,
    ``analysis.runtime``, one row per call: about 3x float32; with the committed stance adapter
    +0.002 macro-F1 on news_statements dev and -0.027 on news_contrast dev, 2 of its 84 rows;
    tests/benchmarks/bench_cpu_default.py).
    "fp32" is the reference, and with ``analysis.numerics.ENV`` the same bits on any CPU.
    On a GPU "auto" is bf16 autocast where the GPU has it, else fp16 autocast.
    """
    precision = precision or os.environ.get("ANALYSIS_PRECISION", "auto")
    if precision not in PRECISION_CHOICES:
        raise ValueError(f"precision must be one of {', '.join(PRECISION_CHOICES)}, not {precision!r}")
    if device == "cpu":
        if precision == "fp16":
            raise ValueError("precision fp16 runs on a GPU only (autocast); on the CPU use fp32, bf16 or int8")
        return ("bf16" if fast_bf16() else "int8") if precision == "auto" else precision
    if precision == "int8":
        raise ValueError("precision int8 runs on the CPU only (ONNX Runtime): use device cpu")
    if precision == "auto":
        import torch

        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return precision


def batch_size(device: str, precision: str = "fp32") -> int:
    """Rows per forward pass on ``device`` (resolved) in ``precision`` (resolved)."""
    if device != "cpu":
        return GPU_BATCH
    return INT8_BATCH if precision == "int8" else CPU_BATCH


def autocast(device: str, precision: str):
    """The autocast context of a forward pass: half precision on a GPU (bf16/fp16), none otherwise
    (on the CPU a bf16 model is cast whole, ``classifier.for_inference``)."""
    import torch

    if device == "cpu" or precision not in HALF:
        return contextlib.nullcontext()
    return torch.autocast("cuda", dtype=getattr(torch, HALF[precision]))


def fingerprint_suffix(device: str, precision: str) -> str:
    """What a model's score-cache fingerprint gets for ``device`` and ``precision``: fp32 and bf16
    CPU keys are those of before devices existed; int8 ones name the one-row calls
    (``INT8_BATCH``) of a smoothed copy (``runtime.smooth``), so batched or plain int8
    scores of before are not reused; GPU scores are kept apart from them all."""
    if device != "cpu":
        return f"+cuda-{precision}" + ("-autocast" if precision in HALF else "")
    return {"fp32": "", "bf16": "+bf16-weights", "int8": "+int8-onnxruntime-rowwise-smoothed"}[precision]
