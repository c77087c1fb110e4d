"""One settings object, read from the environment and an optional TOML file.

Precedence: explicit overrides > environment > TOML file > defaults. Secrets are
`SecretStr`, so printing or logging the settings never shows a key.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from hotseat.errors import ConfigError
from hotseat.redact import mask_url

ProviderName = Literal["auto", "openai", "azure", "compatible", "local"]
Role = Literal["customer", "judge", "coach", "trainee"]
AuthMode = Literal["none", "password", "oidc"]
SpeechName = Literal["auto", "local", "openai"]


class RoleDefaults(NamedTuple):
    model: str  # on OpenAI; overridden by HOTSEAT_MODEL_<ROLE>
    temperature: float
    max_tokens: int


# Every per-role setting, in one table. Small, cheap models except the judge: grades
# matter most. The judge must be repeatable (temperature 0) and gets room to reason
# before its scores; the customer needs some variety and speaks in short lines.
ROLE_DEFAULTS: dict[Role, RoleDefaults] = {
    "customer": RoleDefaults("gpt-4.1-mini", 0.8, 100),  # 1-3 short sentences
    "judge": RoleDefaults("gpt-4.1", 0.0, 1000),
    "coach": RoleDefaults("gpt-4.1-mini", 0.4, 300),
    "trainee": RoleDefaults("gpt-4.1-mini", 0.7, 200),
}
ROLES: tuple[Role, ...] = tuple(ROLE_DEFAULTS)
DEFAULT_MODELS: dict[str, str] = {role: d.model for role, d in ROLE_DEFAULTS.items()}

# Environment variable -> settings field. Several names may feed one field (first wins).
ENV_FIELDS: dict[str, tuple[str, ...]] = {
    "provider": ("HOTSEAT_PROVIDER",),
    # Read by _env_key, not _read_env: which key applies depends on the provider.
    "api_key": ("HOTSEAT_API_KEY", "OPENAI_API_KEY", "AZURE_OPENAI_API_KEY"),
    "base_url": ("HOTSEAT_BASE_URL", "OPENAI_BASE_URL"),
    "azure_endpoint": ("AZURE_OPENAI_ENDPOINT",),
    "azure_api_version": ("OPENAI_API_VERSION", "AZURE_OPENAI_API_VERSION"),
    "local_model": ("HOTSEAT_LOCAL_MODEL",),
    "model_cache_dir": ("HOTSEAT_MODEL_CACHE",),
    "db_url": ("HOTSEAT_DB_URL",),
    "timeout_s": ("HOTSEAT_TIMEOUT",),
    "max_retries": ("HOTSEAT_MAX_RETRIES",),
    "n_threads": ("HOTSEAT_THREADS",),
    "auth": ("HOTSEAT_AUTH",),
    "speech": ("HOTSEAT_SPEECH",),
}
ROLE_ENV = "HOTSEAT_MODEL_{role}"  # e.g. HOTSEAT_MODEL_JUDGE=gpt-4.1
# A key goes only to the service it was made for: the Azure key never reaches
# api.openai.com, and neither OpenAI's nor Azure's key reaches a custom base URL (any
# server could sit there); only HOTSEAT_API_KEY does. (OPENAI_API_KEY still works for
# Azure, as it always has.)
AZURE_KEY_ENV = "AZURE_OPENAI_API_KEY"
KEY_ENV: dict[str, tuple[str, ...]] = {  # the service the key is for -> names, first wins
    "azure": ("HOTSEAT_API_KEY", AZURE_KEY_ENV, "OPENAI_API_KEY"),
    "openai": ("HOTSEAT_API_KEY", "OPENAI_API_KEY"),
    "compatible": ("HOTSEAT_API_KEY",),
}


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hotseat"


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    provider: ProviderName = "auto"
    api_key: SecretStr | None = None
    base_url: str | None = Field(default=None, repr=False)  # may embed credentials
    azure_endpoint: str | None = None
    azure_api_version: str = "2024-10-21"
    models: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_MODELS))
    local_model: str = "qwen2.5-coder-1.5b"
    model_cache_dir: Path = Field(default_factory=default_cache_dir)
    db_url: str = Field(default="sqlite:///hotseat.db", repr=False)  # may hold a password
    timeout_s: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=3, ge=0, le=10)
    n_threads: int = Field(default_factory=lambda: os.cpu_count() or 2, ge=1)
    # None = not chosen: hotseat.auth_mode then allows "none" only on a loopback address.
    auth: AuthMode | None = None
    # Voice: `auto` uses OpenAI's audio API when the chat provider is OpenAI with a key,
    # else the offline pair (whisper + eSpeak NG). See hotseat.speech.
    speech: SpeechName = "auto"

    @field_validator("base_url", "azure_endpoint")
    @classmethod
    def _url_has_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"must start with http:// or https:// (got {value!r})")
        return value

    @field_validator("models")
    @classmethod
    def _known_roles(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = set(value) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown role(s) {sorted(unknown)}; roles are {list(ROLES)}")
        return {**DEFAULT_MODELS, **value}

    @property
    def resolved_provider(self) -> Literal["openai", "azure", "compatible", "local"]:
        """`auto`: a base URL, else an Azure endpoint, else OpenAI with a key, else local."""
        if self.provider != "auto":
            return self.provider
        if self.base_url:
            return "compatible"
        if self.azure_endpoint:
            return "azure"
        return "openai" if self.api_key else "local"

    @property
    def resolved_speech(self) -> Literal["local", "openai"]:
        if self.speech != "auto":
            return self.speech
        return "openai" if self.resolved_provider == "openai" and self.api_key else "local"

    def model_for(self, role: str) -> str:
        if role not in ROLES:
            raise ConfigError(f"Unknown role {role!r}.", hint=f"Use one of {list(ROLES)}.")
        if self.resolved_provider == "local":
            return self.local_model
        return self.models[role]

    def describe(self) -> dict[str, Any]:
        """A printable summary; the key is reported only as present or absent."""
        return {
            "provider": self.resolved_provider,
            "provider_setting": self.provider,
            "api_key": "set" if self.api_key else "not set",
            "base_url": mask_url(self.base_url or self.azure_endpoint or ""),
            "models": {role: self.model_for(role) for role in ROLES},
            "db_url": mask_url(self.db_url),
        }


def _config_path(environ: dict[str, str], search_cwd: bool = True) -> Path | None:
    explicit = environ.get("HOTSEAT_CONFIG")
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(
                f"HOTSEAT_CONFIG points to {path}, which does not exist.",
                hint="Fix the path or unset HOTSEAT_CONFIG.",
            )
        return path
    local = Path("hotseat.toml")
    return local if search_cwd and local.is_file() else None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}.", hint="Fix the file.") from exc
    table = data.get("hotseat", data)
    return dict(table)


def _read_env(environ: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field, names in ENV_FIELDS.items():
        if field == "api_key":
            continue
        for name in names:
            if environ.get(name):
                values[field] = environ[name]
                break
    models = {
        r: environ[ROLE_ENV.format(role=r.upper())]
        for r in ROLES
        if environ.get(ROLE_ENV.format(role=r.upper()))
    }
    if models:
        values["models"] = models
    return values


def load_settings(
    overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Build settings; a bad value raises ConfigError naming the setting, never a traceback."""
    env = dict(os.environ if environ is None else environ)
    merged: dict[str, Any] = {}
    # An explicit `environ` isolates the caller (tests) from this process, cwd file included.
    path = _config_path(env, search_cwd=environ is None)
    if path is not None:
        merged.update(_read_toml(path))
    env_values = _read_env(env)
    if "models" in merged and "models" in env_values:
        env_values["models"] = {**merged["models"], **env_values["models"]}
    merged.update(env_values)
    merged.update(overrides or {})
    if "api_key" not in (overrides or {}):
        key = _env_key(env, merged)
        if key:
            merged["api_key"] = key
    try:
        return Settings(**merged)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, path)) from None


def _key_service(values: dict[str, Any]) -> str:
    """Mirrors Settings.resolved_provider for the one question the key depends on: which
    service will receive it (a local model receives none, but OpenAI's rules then apply
    to whatever `auto` would pick)."""
    provider = values.get("provider", "auto")
    if provider in ("azure", "compatible", "openai"):
        return provider
    if provider == "auto" and values.get("base_url"):
        return "compatible"
    if provider == "auto" and values.get("azure_endpoint"):
        return "azure"
    return "openai"


def _env_key(env: dict[str, str], values: dict[str, Any]) -> str | None:
    """The API key from the environment that belongs to the provider being configured."""
    service = _key_service(values)
    azure = service == "azure"
    key = next((env[name] for name in KEY_ENV[service] if env.get(name)), None)
    stray = (
        not azure
        and env.get(AZURE_KEY_ENV)
        and values.get("provider", "auto") == "auto"
        and not values.get("base_url")
        and not (key or values.get("api_key"))
    )
    if stray:
        # Falling back to OpenAI would send the Azure key there; going offline silently
        # would hide the missing endpoint.
        raise ConfigError(
            f"{AZURE_KEY_ENV} is set but AZURE_OPENAI_ENDPOINT is not.",
            hint="Set AZURE_OPENAI_ENDPOINT=https://<resource>.openai.azure.com to use Azure, "
            f"or unset {AZURE_KEY_ENV} (HOTSEAT_PROVIDER=local runs offline).",
        )
    return key


def _explain(exc: ValidationError, path: Path | None) -> str:
    lines = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "settings"
        env_names = ENV_FIELDS.get(str(err["loc"][0]) if err["loc"] else "", ())
        where = (
            f" (environment {env_names[0]}" + (f" or {path}" if path else "") + ")"
            if env_names
            else (f" (in {path})" if path else "")
        )
        # Never echo the offending input: it may be a secret.
        lines.append(f"Setting '{field}'{where}: {err['msg']}.")
    return " ".join(lines)
