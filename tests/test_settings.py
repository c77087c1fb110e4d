"""Provider selection and settings errors, for every combination that matters."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotseat.errors import ConfigError
from hotseat.settings import DEFAULT_MODELS, load_settings

AZ = "https://example-resource.openai.azure.com"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "local"),
        ({"OPENAI_API_KEY": "sk-test"}, "openai"),
        ({"HOTSEAT_API_KEY": "sk-test"}, "openai"),
        ({"HOTSEAT_BASE_URL": "http://127.0.0.1:8080/v1"}, "compatible"),
        ({"OPENAI_API_KEY": "sk-test", "HOTSEAT_BASE_URL": "http://127.0.0.1:1/v1"}, "compatible"),
        ({"HOTSEAT_PROVIDER": "local", "OPENAI_API_KEY": "sk-test"}, "local"),
        ({"HOTSEAT_PROVIDER": "azure"}, "azure"),
        ({"HOTSEAT_PROVIDER": "openai"}, "openai"),
        ({"HOTSEAT_PROVIDER": "compatible"}, "compatible"),
        ({"AZURE_OPENAI_API_KEY": "az", "AZURE_OPENAI_ENDPOINT": AZ}, "azure"),
        (
            {"OPENAI_API_KEY": "sk", "AZURE_OPENAI_API_KEY": "az", "AZURE_OPENAI_ENDPOINT": AZ},
            "azure",
        ),
        (
            {
                "AZURE_OPENAI_API_KEY": "az",
                "AZURE_OPENAI_ENDPOINT": AZ,
                "HOTSEAT_BASE_URL": "http://127.0.0.1:1/v1",
            },
            "compatible",
        ),
        (
            {
                "AZURE_OPENAI_API_KEY": "az",
                "AZURE_OPENAI_ENDPOINT": AZ,
                "HOTSEAT_PROVIDER": "local",
            },
            "local",
        ),
        ({"OPENAI_API_KEY": "sk", "AZURE_OPENAI_API_KEY": "az"}, "openai"),
    ],
)
def test_provider_resolution(environ: dict[str, str], expected: str) -> None:
    assert load_settings(environ=environ).resolved_provider == expected


@pytest.mark.parametrize(
    ("environ", "expected_key"),
    [
        # The Azure key goes to Azure only, even when an OpenAI key is set too.
        ({"AZURE_OPENAI_API_KEY": "az", "AZURE_OPENAI_ENDPOINT": AZ}, "az"),
        ({"OPENAI_API_KEY": "sk", "AZURE_OPENAI_API_KEY": "az", "AZURE_OPENAI_ENDPOINT": AZ}, "az"),
        ({"OPENAI_API_KEY": "sk", "AZURE_OPENAI_API_KEY": "az"}, "sk"),
        ({"HOTSEAT_PROVIDER": "openai", "AZURE_OPENAI_API_KEY": "az"}, None),
        ({"HOTSEAT_PROVIDER": "azure", "OPENAI_API_KEY": "sk", "AZURE_OPENAI_ENDPOINT": AZ}, "sk"),
        (
            {"HOTSEAT_API_KEY": "hs", "AZURE_OPENAI_API_KEY": "az", "AZURE_OPENAI_ENDPOINT": AZ},
            "hs",
        ),
        # A custom base URL may be any server: only HOTSEAT_API_KEY goes there.
        ({"HOTSEAT_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": "sk"}, None),
        ({"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": "sk"}, None),
        (
            {
                "HOTSEAT_PROVIDER": "compatible",
                "HOTSEAT_BASE_URL": "http://127.0.0.1:9/v1",
                "OPENAI_API_KEY": "sk",
                "AZURE_OPENAI_API_KEY": "az",
            },
            None,
        ),
        (
            {
                "HOTSEAT_BASE_URL": "http://127.0.0.1:9/v1",
                "OPENAI_API_KEY": "sk",
                "HOTSEAT_API_KEY": "hs",
            },
            "hs",
        ),
    ],
)
def test_each_key_goes_to_its_own_service(
    environ: dict[str, str], expected_key: str | None
) -> None:
    key = load_settings(environ=environ).api_key
    assert (key.get_secret_value() if key else None) == expected_key


def test_azure_key_without_endpoint_is_a_clear_error_not_openai() -> None:
    with pytest.raises(ConfigError, match="AZURE_OPENAI_ENDPOINT") as info:
        load_settings(environ={"AZURE_OPENAI_API_KEY": "az-secret"})
    assert "az-secret" not in str(info.value)


def test_azure_endpoint_in_toml_selects_azure(tmp_path: Path) -> None:
    cfg = tmp_path / "hotseat.toml"
    cfg.write_text(f'[hotseat]\nazure_endpoint = "{AZ}"\n')
    s = load_settings(environ={"HOTSEAT_CONFIG": str(cfg), "AZURE_OPENAI_API_KEY": "az"})
    assert s.resolved_provider == "azure" and s.describe()["provider"] == "azure"


def test_role_models_default_and_override() -> None:
    s = load_settings(environ={"OPENAI_API_KEY": "k", "HOTSEAT_MODEL_JUDGE": "gpt-5"})
    assert s.model_for("judge") == "gpt-5"
    assert s.model_for("customer") == DEFAULT_MODELS["customer"]


def test_local_provider_uses_local_model_for_every_role() -> None:
    s = load_settings(environ={"HOTSEAT_LOCAL_MODEL": "smollm2-135m"})
    assert {s.model_for(r) for r in ("customer", "judge", "coach")} == {"smollm2-135m"}


def test_unknown_provider_names_the_setting() -> None:
    with pytest.raises(ConfigError, match="provider.*HOTSEAT_PROVIDER"):
        load_settings(environ={"HOTSEAT_PROVIDER": "gemini"})


def test_bad_base_url_names_the_setting() -> None:
    with pytest.raises(ConfigError, match="base_url.*HOTSEAT_BASE_URL"):
        load_settings(environ={"HOTSEAT_BASE_URL": "localhost:8080"})


def test_unknown_role_in_toml(tmp_path: Path) -> None:
    cfg = tmp_path / "hotseat.toml"
    cfg.write_text('[hotseat]\nmodels = { narrator = "gpt-4.1" }\n')
    with pytest.raises(ConfigError, match="narrator"):
        load_settings(environ={"HOTSEAT_CONFIG": str(cfg)})


def test_toml_then_env_precedence(tmp_path: Path) -> None:
    cfg = tmp_path / "hotseat.toml"
    cfg.write_text(
        '[hotseat]\nprovider = "openai"\ntimeout_s = 12\nmodels = { coach = "gpt-4o-mini" }\n'
    )
    s = load_settings(
        environ={"HOTSEAT_CONFIG": str(cfg), "HOTSEAT_TIMEOUT": "30", "OPENAI_API_KEY": "k"}
    )
    assert s.provider == "openai" and s.timeout_s == 30 and s.model_for("coach") == "gpt-4o-mini"


def test_broken_toml_is_a_clear_error(tmp_path: Path) -> None:
    cfg = tmp_path / "hotseat.toml"
    cfg.write_text("provider = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(environ={"HOTSEAT_CONFIG": str(cfg)})


def test_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="HOTSEAT_CONFIG"):
        load_settings(environ={"HOTSEAT_CONFIG": str(tmp_path / "nope.toml")})


def test_secrets_never_printed() -> None:
    secret = "sk-live-very-secret-123"
    s = load_settings(
        environ={
            "OPENAI_API_KEY": secret,
            "HOTSEAT_DB_URL": "postgresql://bob:pw-secret@db/hotseat",
        }
    )
    shown = f"{s} {s!r} {s.describe()} {s.model_dump()}"
    assert secret not in shown
    assert "pw-secret" not in str(s.describe())
    assert s.describe()["api_key"] == "set"


def test_invalid_value_message_does_not_echo_input() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(environ={"HOTSEAT_TIMEOUT": "-5", "OPENAI_API_KEY": "sk-abc-secret"})
    assert "timeout_s" in str(info.value) and "sk-abc-secret" not in str(info.value)


def test_urls_with_credentials_are_masked_everywhere() -> None:
    s = load_settings(
        environ={
            "HOTSEAT_DB_URL": "postgresql://bob@db/hotseat?password=pw-in-query",
            "HOTSEAT_BASE_URL": "https://user:proxy-secret@proxy.example/v1",
        }
    )
    shown = f"{s!r} {s.describe()}"
    assert "pw-in-query" not in shown and "proxy-secret" not in shown
    assert s.describe()["base_url"] == "https://user:***@proxy.example/v1"


def test_every_role_setting_has_one_home(fake_openai) -> None:
    """Model, temperature and max_tokens per role come from ROLE_DEFAULTS (the judge's
    max_tokens was 600 in one file and 1000 in another)."""
    from hotseat.llm import chat_model
    from hotseat.settings import ROLE_DEFAULTS, ROLES

    assert set(ROLES) == set(ROLE_DEFAULTS) == {"customer", "judge", "coach", "trainee"}
    settings = load_settings(
        environ={"HOTSEAT_BASE_URL": fake_openai.base_url, "HOTSEAT_API_KEY": "k"}
    )
    for role, defaults in ROLE_DEFAULTS.items():
        fake_openai.script("ok")
        chat_model(role, settings).invoke("Hi")
        body = fake_openai.requests[-1]
        assert body["temperature"] == defaults.temperature
        assert body.get("max_tokens", body.get("max_completion_tokens")) == defaults.max_tokens
