"""Device selection (``analysis.device``): which device ``--device`` names, the precision and
batch size each runs, and the score-cache suffix that keeps GPU scores apart from CPU ones.

CUDA is simulated by monkeypatching ``torch.cuda``; the real GPU path is
``test_scoring.test_gpu_scores_match_cpu_and_are_cached_apart`` (skipped without CUDA).
"""
import pytest
import torch

from analysis import device


@pytest.fixture
def gpus(monkeypatch):
    """Pretend torch sees ``n`` CUDA GPUs (bf16-capable unless told otherwise)."""
    monkeypatch.delenv("ANALYSIS_DEVICE", raising=False)

    def pretend(n, bf16=True):
        monkeypatch.setattr(torch.cuda, "is_available", lambda: n > 0)
        monkeypatch.setattr(torch.cuda, "device_count", lambda: n)
        monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: bf16)
    return pretend


def test_auto_is_cuda_only_when_torch_sees_a_gpu(gpus):
    gpus(0)
    assert device.resolve_device() == device.resolve_device("auto") == "cpu"
    gpus(2)
    assert device.resolve_device() == device.resolve_device("AUTO") == "cuda:0"


def test_named_devices_are_checked_never_silently_replaced(gpus):
    gpus(2)
    assert device.resolve_device("cpu") == "cpu"
    assert device.resolve_device("cuda") == "cuda:0" and device.resolve_device("cuda:1") == "cuda:1"
    with pytest.raises(ValueError, match="torch sees 2 CUDA"):
        device.resolve_device("cuda:2")
    for bad in ("gpu", "cuda:x", "mps"):
        with pytest.raises(ValueError, match="device must be"):
            device.resolve_device(bad)
    gpus(0)
    with pytest.raises(ValueError, match="torch sees 0 CUDA"):
        device.resolve_device("cuda")


def test_environment_gives_the_default_only(gpus, monkeypatch):
    gpus(1)
    monkeypatch.setenv("ANALYSIS_DEVICE", "cpu")
    assert device.resolve_device() == "cpu" and device.resolve_device("cuda") == "cuda:0"


def test_precision_follows_the_device(gpus, monkeypatch):
    monkeypatch.delenv("ANALYSIS_PRECISION", raising=False)
    gpus(1)
    assert device.resolve_precision("auto", "cuda:0") == "bf16"
    assert device.resolve_precision("fp32", "cuda:0") == "fp32"
    gpus(1, bf16=False)
    assert device.resolve_precision(None, "cuda:0") == "fp16"
    with pytest.raises(ValueError, match="int8 runs on the CPU only"):
        device.resolve_precision("int8", "cuda:0")
    with pytest.raises(ValueError, match="fp16 runs on a GPU only"):
        device.resolve_precision("fp16", "cpu")


def test_no_bf16_setting_masks_native_bf16(monkeypatch):
    monkeypatch.delenv("ANALYSIS_PRECISION", raising=False)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: True, raising=False)
    assert device.fast_bf16() and device.resolve_precision() == "bf16"
    monkeypatch.setenv("ANALYSIS_NO_BF16", "1")
    assert not device.fast_bf16() and device.resolve_precision() == "int8"


@pytest.mark.filterwarnings("ignore:CUDA is not available")  # the context is built, never entered
def test_batches_autocast_and_cache_suffix_per_device():
    assert device.batch_size("cpu") < device.batch_size("cuda:0")
    assert device.batch_size("cpu", "int8") == 1 < device.batch_size("cpu", "bf16")  # one scale per row
    # fp32 and bf16 CPU keys are those of before devices existed, so their score caches stay valid;
    # int8 scores of one row per call are not those of the batched int8 of before
    assert [device.fingerprint_suffix("cpu", p) for p in ("fp32", "bf16", "int8")] == \
        ["", "+bf16-weights", "+int8-onnxruntime-rowwise-smoothed"]
    gpu = {device.fingerprint_suffix("cuda:0", p) for p in ("fp32", "bf16", "fp16")}
    assert len(gpu) == 3 and all(s.startswith("+cuda-") for s in gpu)
    assert isinstance(device.autocast("cpu", "bf16"), type(device.autocast("cuda:0", "fp32")))
    assert device.autocast("cuda:0", "fp16").fast_dtype == torch.float16
