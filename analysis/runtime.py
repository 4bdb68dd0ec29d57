"""Dynamic int8 inference with ONNX Runtime: the fastest scorer on CPUs without bfloat16 (``auto`` there).

``quantized(model, key=None, calibration=None)`` exports a classifier (the project's
``AdapterClassifier`` or a Hugging Face sequence classifier) to ONNX, quantises every
matrix product's weights to int8 per output channel and its activations to uint8 per
call (``onnxruntime.quantization.quantize_dynamic``), and returns an ``OnnxClassifier``
that is called like the model (``model(**encoded)`` -> logits tensor).

With ``calibration`` (encoded batches, e.g. ``scoring.Scorer.calibration_batches``) every
linear layer is first **smoothed** (``smooth``; SmoothQuant, Xiao et al. 2022): a few input
channels carry activations far larger than the rest, and one 8-bit scale per call
flattens the others; dividing each channel by ``s = act_max ** alpha / weight_max ** (1 -
alpha)`` and multiplying the weight's column by it leaves the float result unchanged and
moves the outliers into the per-channel int8 weights.  The scorer runs the copy one row per
call (``device.INT8_BATCH``): the activation scale is then each statement's own, and its scores
do not depend on the statements beside it.  Measured on the shipped stance adapter I (README,
Benchmarks), row-wise: plain int8 loses 0.0141 news_statements dev and 0.0124 news_contrast dev
macro-F1 against float32; smoothed with ``alpha`` 0.75 on a 384-row sample of the own sets'
statements it agreed with float32's label on 99.7 % of 600 training statements. Smoothed on every
own train row (``calibration_rows``) it gains 0.002 and loses 0.027 (2 of 84 rows) on the two dev
sets. Every row replaced the sample when a sample drawn after news_reasons grew cost sentiment
0.016 on news dev (every row: 0.005): that choice was made on dev.

Why ONNX Runtime and not ``torch.ao``'s dynamic quantisation: measured on the
news_statements dev set (README, Benchmarks), torch's int8 Linear layers (symmetric,
per-tensor weights, 7-bit activations on x86) cost the mpnet stance adapter 0.21
macro-F1, and 0.09 with per-channel weights; ONNX Runtime's (per-channel int8 weights,
asymmetric 8-bit activations) lost 0.008 on the stance run A, 0.014 on the round-2 soup,
0.0104 on the round-3 adapter D (+0.0106 on news_contrast dev), 0.016 on the shipped I (0.012 on
news_contrast dev) and 0.0004 on sentiment.

The quantised file is written once per model (``key``: the model's fingerprint) into
``paths.ONNX_DIR`` and reused by later processes and Dask workers; it is written
atomically, so a run killed while exporting leaves no half file.
"""
import copy
import functools
import hashlib
import inspect
import logging
import os
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from torch import nn

from . import numerics, paths

SMOOTH_ALPHA = 0.75  # share of the activation outliers moved into the weights (``smooth``)
# The scorer smooths both tasks' int8 copies on every train statement of these own written sets
# (under paths.TRAINING_DATA_DIR), up to CALIBRATION_MAX. Sentiment's news dev macro-F1 against
# float32, row-wise: plain -0.013; smoothed on all 624 rows -0.005 (stance +0.002), on seeded
# samples of 384 between -0.016 and -0.009.
CALIBRATION_SETS = ("news_responses", "news_reasons")
CALIBRATION_MAX = 2000


@functools.lru_cache(maxsize=1)
def calibration_rows():
    """The statements (a DataFrame, shared: do not modify) ``smooth`` measures for the scorer's int8
    copies: every train row of ``CALIBRATION_SETS``, or a seeded sample of ``CALIBRATION_MAX`` when
    they have more. Read once per process: the int8 cache key and the smoothing both use it."""
    import pandas as pd

    rows = pd.concat([pd.read_csv(paths.TRAINING_DATA_DIR / name / "train.csv.gz", keep_default_na=False)
                      for name in CALIBRATION_SETS], ignore_index=True)
    return rows if len(rows) <= CALIBRATION_MAX else rows.sample(CALIBRATION_MAX, random_state=0)


def calibration_digest() -> str:
    """8 hex digits of ``calibration_rows``' targets and texts: part of the int8 cache key, so a
    change to the own training sets never reuses int8 scores or ONNX files smoothed on others."""
    text = "\n".join(calibration_rows()[["target", "text"]].agg("\t".join, axis=1))
    return hashlib.sha256(text.encode()).hexdigest()[:8]


class _Logits(nn.Module):
    """The model with named tensor inputs and the logits tensor as its only output (what ONNX export wants)."""

    def __init__(self, model, names):
        super().__init__()
        self.model, self.names = model, names

    def forward(self, *tensors):
        out = self.model(**dict(zip(self.names, tensors)))
        return out.logits if hasattr(out, "logits") else out


def _input_names(model) -> list[str]:
    encoder = getattr(model, "encoder", model)
    takes_types = "token_type_ids" in inspect.signature(encoder.forward).parameters
    return ["input_ids", "attention_mask", *(["token_type_ids"] if takes_types else [])]


@contextmanager
def _quiet():
    """Silence the exporter's and quantiser's notices (deprecations, 'consider pre-processing')."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.disable(logging.WARNING)
        try:
            yield
        finally:
            logging.disable(logging.NOTSET)


def export_onnx(model, path: Path) -> None:
    """Export ``model`` in float32 to the ONNX file ``path``, with batch and token axes dynamic."""
    names = _input_names(model)
    example = tuple(torch.ones(2, 8, dtype=torch.long) for _ in names)
    with _quiet():
        torch.onnx.export(_Logits(model.eval(), names), example, str(path), input_names=names,
                          output_names=["logits"], dynamic_axes={name: {0: "batch", 1: "tokens"} for name in names},
                          opset_version=17, dynamo=False)


class _Smoothed(nn.Module):
    """A linear layer that multiplies its input by ``1 / s`` per channel (its weight's columns hold ``s``)."""

    def __init__(self, linear, scale):
        super().__init__()
        self.linear = linear
        self.register_buffer("inverse", 1 / scale)

    def forward(self, x):
        return self.linear(x * self.inverse)


def smooth(model, batches, alpha: float = SMOOTH_ALPHA):
    """A copy of ``model`` with every ``nn.Linear`` smoothed for int8 (module docstring).

    ``batches``: encoded inputs (dicts of tensors) whose activations give each layer's
    per-input-channel maximum over their word pieces (padding left out); ``alpha``: how much
    of the outliers moves into the weights. The copy computes the same function in float32 (up to rounding)."""
    model = copy.deepcopy(model).eval()
    linears = {name: m for name, m in model.named_modules() if isinstance(m, nn.Linear)}
    act, real = {}, {}  # real: the batch's word pieces that are not padding

    def record(name):
        def hook(module, inputs, output):
            x = inputs[0].detach().abs()
            x = x[real["mask"]] if x.dim() == 3 and x.shape[:2] == real["mask"].shape else x
            x = x.reshape(-1, x.shape[-1]).amax(0).float()
            act[name] = torch.maximum(act[name], x) if name in act else x
        return hook

    hooks = [m.register_forward_hook(record(name)) for name, m in linears.items()]
    with torch.inference_mode():
        for encoded in batches:
            real["mask"] = encoded["attention_mask"].bool()
            model(**encoded)
    for hook in hooks:
        hook.remove()
    for name, linear in linears.items():
        if name not in act:
            continue
        parent, _, child = name.rpartition(".")
        weight_max = linear.weight.detach().abs().amax(0).clamp(min=1e-5)
        scale = (act[name].clamp(min=1e-5) ** alpha / weight_max ** (1 - alpha)).clamp(min=1e-5)
        linear.weight.data *= scale
        setattr(model.get_submodule(parent) if parent else model, child, _Smoothed(linear, scale))
    return model


def export_int8(model, out: Path, calibration=None) -> None:
    """Export ``model`` to ONNX and write its dynamically int8-quantised form to ``out`` (atomically).

    ``calibration``: None, or a callable returning encoded batches: the model is smoothed on them first."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    if calibration is not None:
        model = smooth(model, calibration())
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        export_onnx(model, Path(tmp) / "fp32.onnx")
        with _quiet():
            quantize_dynamic(str(Path(tmp) / "fp32.onnx"), str(Path(tmp) / "int8.onnx"), per_channel=True,
                             weight_type=QuantType.QInt8)
        os.replace(Path(tmp) / "int8.onnx", out)


class OnnxClassifier:
    """An int8 ONNX Runtime session called like the model it was exported from.

    Keeps the model's attributes that scoring reads (``labels``, ``pair``, ``template``,
    ``max_length``, ``temperature``, ``speaker``) when it has them.
    """

    KEPT = ("labels", "pair", "template", "max_length", "temperature", "base", "speaker")

    def __init__(self, path, source=None, threads=None):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or numerics.threads()
        options.inter_op_num_threads = 1
        self.path = Path(path)
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]
        for name in self.KEPT:
            if hasattr(source, name):
                setattr(self, name, getattr(source, name))

    def eval(self):
        """No-op (a session has no training mode); returns self, as ``nn.Module.eval`` does."""
        return self

    def __call__(self, **encoded) -> torch.Tensor:
        feed = {name: np.asarray(encoded[name], dtype=np.int64) for name in self.inputs}
        return torch.from_numpy(self.session.run(["logits"], feed)[0])


def quantized(model, key: str | None = None, folder: Path | None = None, calibration=None) -> OnnxClassifier:
    """``model`` as an int8 ``OnnxClassifier``.

    ``key``: a name for the model's weights (its fingerprint): the quantised file
    ``<folder>/<key>-int8.onnx`` is made once and reused; None: made afresh in a
    temporary folder.  ``folder``: default ``paths.ONNX_DIR``.  ``calibration``: a
    callable returning encoded batches to smooth the model on (``smooth``), called only
    when the file is made; None: not smoothed.
    """
    if key is None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "model-int8.onnx"
            export_int8(model, path, calibration)
            return OnnxClassifier(path, source=model)  # the session holds the model in memory
    path = Path(folder or paths.ONNX_DIR) / f"{key}-int8.onnx"
    if not path.is_file():
        export_int8(model, path, calibration)
    return OnnxClassifier(path, source=model)
