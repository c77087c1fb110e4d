"""The one seam: `chat_model(role, settings)` gives a LangChain chat model for a role.

Providers: OpenAI, Azure OpenAI, any OpenAI-compatible server (by base URL), and the
embedded llama.cpp model. Callers never branch on the provider.
"""

from __future__ import annotations

from typing import Any

from langchain_core.language_models import BaseChatModel

from hotseat.errors import ConfigError
from hotseat.llm.local_chat import LocalChatModel
from hotseat.llm.openai_chat import HotseatAzureChatOpenAI, HotseatChatOpenAI
from hotseat.llm.weights import known_models, resolve_weights
from hotseat.settings import ROLE_DEFAULTS, Settings


def chat_model(role: str, settings: Settings, **overrides: Any) -> BaseChatModel:
    """Return a chat model for `role`; raise ConfigError/WeightsError naming the setting."""
    model = settings.model_for(role)
    defaults = ROLE_DEFAULTS[role]  # model_for has already refused an unknown role
    params: dict[str, Any] = {
        "temperature": defaults.temperature,
        "max_tokens": defaults.max_tokens,
        **overrides,
    }
    provider = settings.resolved_provider
    if provider == "local":
        return _local(role, settings, params)
    key = settings.api_key.get_secret_value() if settings.api_key else None
    common = {
        "timeout": settings.timeout_s,
        "max_retries": settings.max_retries,
        "stream_usage": True,
        **params,
    }
    if provider == "openai":
        if not key:
            raise ConfigError(
                "Provider 'openai' needs an API key, and none is set.",
                hint="Set OPENAI_API_KEY (or HOTSEAT_API_KEY), or set HOTSEAT_PROVIDER=local "
                "to run offline on the embedded model.",
            )
        return HotseatChatOpenAI(model=model, api_key=key, base_url=settings.base_url, **common)
    if provider == "compatible":
        if not settings.base_url:
            raise ConfigError(
                "Provider 'compatible' needs the server's base URL, and none is set.",
                hint="Set HOTSEAT_BASE_URL, e.g. http://localhost:11434/v1 for Ollama.",
            )
        # Local servers often need no key, but the SDK insists on one.
        return HotseatChatOpenAI(
            model=model, api_key=key or "not-needed", base_url=settings.base_url, **common
        )
    if provider == "azure":
        if not (key and settings.azure_endpoint):
            raise ConfigError(
                "Provider 'azure' needs AZURE_OPENAI_API_KEY and AZURE_OPENAI_ENDPOINT.",
                hint="Set both; the model name of each role is its Azure deployment name.",
            )
        return HotseatAzureChatOpenAI(
            azure_deployment=model,
            api_key=key,
            azure_endpoint=settings.azure_endpoint,
            api_version=settings.azure_api_version,
            **common,
        )
    raise ConfigError(f"Unknown provider {provider!r}.", hint="Set HOTSEAT_PROVIDER.")


def _local(role: str, settings: Settings, params: dict[str, Any]) -> LocalChatModel:
    path = resolve_weights(settings.local_model, settings.model_cache_dir)
    spec = known_models().get(settings.local_model)
    return LocalChatModel(
        model_path=str(path),
        model_name=settings.local_model if spec else path.name,
        role_key=role,
        n_ctx=spec.n_ctx if spec else 4096,
        n_threads=settings.n_threads,
        **params,
    )


__all__ = ["chat_model"]
