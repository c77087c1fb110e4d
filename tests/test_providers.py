"""Chat models per role, over real HTTP against the loopback fake server."""

from __future__ import annotations

import time

import openai
import pytest
from pydantic import BaseModel

from hotseat.errors import (
    ConfigError,
    MalformedResponse,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
    WeightsError,
)
from hotseat.llm import chat_model
from hotseat.llm.local_chat import LocalChatModel
from hotseat.llm.openai_chat import HotseatAzureChatOpenAI, HotseatChatOpenAI
from hotseat.settings import Settings, load_settings
from tests.fakes.openai_server import FakeOpenAIServer


def test_plain_completion_goes_over_http(
    fake_openai: FakeOpenAIServer, fake_settings: Settings
) -> None:
    fake_openai.script("You charged me twice!")
    reply = chat_model("customer", fake_settings).invoke("Hello")
    assert reply.content == "You charged me twice!"
    body = fake_openai.requests[-1]
    assert body["model"] == fake_settings.model_for("customer")
    assert body["messages"][-1] == {"role": "user", "content": "Hello"}
    assert fake_openai.request_headers[-1]["authorization"] == "Bearer test-key"


def test_role_sampling_judge_is_deterministic(
    fake_openai: FakeOpenAIServer, fake_settings: Settings
) -> None:
    fake_openai.script("ok")
    chat_model("judge", fake_settings).invoke("grade this")
    assert fake_openai.requests[-1]["temperature"] == 0.0


def test_streaming_yields_chunks_in_order(
    fake_openai: FakeOpenAIServer, fake_settings: Settings
) -> None:
    fake_openai.script("This is the third outage this week")
    chunks = [str(c.content) for c in chat_model("customer", fake_settings).stream("hi")]
    assert len([c for c in chunks if c]) == 7
    assert "".join(chunks) == "This is the third outage this week"
    assert fake_openai.requests[-1]["stream"] is True


def test_stream_cut_midway_is_an_error(
    fake_openai: FakeOpenAIServer, fake_settings: Settings
) -> None:
    fake_openai.fault("cut")
    fake_openai.script("one two three four five six seven eight")
    with pytest.raises(ProviderUnavailable, match="stopped before the reply was complete"):
        list(chat_model("customer", fake_settings).stream("hi"))


def test_429_then_success_honours_retry_after(
    fake_openai: FakeOpenAIServer, fake_settings: Settings
) -> None:
    fake_openai.fault("429", retry_after=1)
    fake_openai.script("finally")
    start = time.monotonic()
    assert chat_model("customer", fake_settings).invoke("hi").content == "finally"
    assert time.monotonic() - start >= 0.9  # waited as the server asked (a lower bound only)
    assert len(fake_openai.requests) == 2


def test_persistent_429_is_rate_limited(
    fake_openai: FakeOpenAIServer, fake_settings: Settings
) -> None:
    fake_openai.fault("429", times=5, retry_after=0.05)
    with pytest.raises(RateLimited, match="429.*HOTSEAT_MAX_RETRIES"):
        chat_model("customer", fake_settings).invoke("hi")
    assert len(fake_openai.requests) == fake_settings.max_retries + 1


def test_repeated_500_is_a_clear_error(
    fake_openai: FakeOpenAIServer, fake_settings: Settings
) -> None:
    fake_openai.fault("500", times=10)
    with pytest.raises(ProviderUnavailable, match=r"kept failing \(500\)") as info:
        chat_model("customer", fake_settings).invoke("hi")
    assert fake_openai.base_url in str(info.value)
    assert "test-key" not in str(info.value)


def test_500_once_then_success(fake_openai: FakeOpenAIServer, fake_settings: Settings) -> None:
    fake_openai.fault("500")
    fake_openai.script("recovered")
    assert chat_model("customer", fake_settings).invoke("hi").content == "recovered"


def test_timeout_is_a_clear_error(fake_openai: FakeOpenAIServer, fake_settings: Settings) -> None:
    settings = fake_settings.model_copy(update={"timeout_s": 0.3, "max_retries": 0})
    fake_openai.fault("hang", seconds=3)
    with pytest.raises(ProviderTimeout, match="HOTSEAT_TIMEOUT"):
        chat_model("customer", settings).invoke("hi")


def test_malformed_json_is_a_clear_error(
    fake_openai: FakeOpenAIServer, fake_settings: Settings
) -> None:
    fake_openai.fault("malformed")
    with pytest.raises(MalformedResponse, match="malformed response"):
        chat_model("customer", fake_settings).invoke("hi")


def test_unreachable_base_url_names_the_setting(fake_settings: Settings) -> None:
    settings = fake_settings.model_copy(
        update={"base_url": "http://127.0.0.1:9/v1", "max_retries": 0}
    )
    with pytest.raises(ProviderUnavailable, match="HOTSEAT_BASE_URL"):
        chat_model("customer", settings).invoke("hi")


class Verdict(BaseModel):
    empathy: int
    reason: str


def test_structured_output_json_schema(
    fake_openai: FakeOpenAIServer, fake_settings: Settings
) -> None:
    fake_openai.script({"empathy": 3, "reason": "named the feeling"})
    model = chat_model("judge", fake_settings).with_structured_output(Verdict, method="json_schema")
    assert model.invoke("grade") == Verdict(empathy=3, reason="named the feeling")
    assert fake_openai.requests[-1]["response_format"]["type"] == "json_schema"


def _schema_request(client: openai.OpenAI, schema: dict) -> object:
    return client.chat.completions.create(
        model="m",
        messages=[{"role": "user", "content": "grade"}],
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "verdict", "strict": True, "schema": schema},
        },
    )


def test_fake_refuses_a_schema_strict_mode_cannot_take(fake_openai: FakeOpenAIServer) -> None:
    client = openai.OpenAI(base_url=fake_openai.base_url, api_key="x", max_retries=0)
    open_object = {
        "type": "object",
        "properties": {"empathy": {"type": "integer"}},
        "required": ["empathy"],
    }
    with pytest.raises(openai.BadRequestError, match="additionalProperties"):
        _schema_request(client, open_object)
    partly_required = {
        **open_object,
        "additionalProperties": False,
        "required": [],
        "properties": {"empathy": {"type": "integer"}},
    }
    with pytest.raises(openai.BadRequestError, match="missing \\['empathy'\\]"):
        _schema_request(client, partly_required)
    with pytest.raises(openai.BadRequestError, match="Invalid schema"):
        _schema_request(client, {"type": "no-such-type"})


def test_fake_records_a_scripted_reply_outside_the_schema(fake_openai: FakeOpenAIServer) -> None:
    client = openai.OpenAI(base_url=fake_openai.base_url, api_key="x", max_retries=0)
    schema = {
        "type": "object",
        "additionalProperties": False,
        "required": ["empathy"],
        "properties": {"empathy": {"type": "integer", "minimum": 0, "maximum": 4}},
    }
    fake_openai.script({"empathy": 3}, {"empathy": 9})
    _schema_request(client, schema)
    assert fake_openai.schema_mismatches == []
    _schema_request(client, schema)
    assert fake_openai.schema_mismatches == ["verdict: 9 is greater than the maximum of 4"]
    fake_openai.allow_schema_mismatch = True  # this test scripted it on purpose


def test_real_openai_sdk_against_fake(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.script("sdk ok")
    client = openai.OpenAI(base_url=fake_openai.base_url, api_key="x", max_retries=0)
    out = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert out.choices[0].message.content == "sdk ok"


# -- provider selection -------------------------------------------------------------------


def test_openai_without_key_gives_actionable_message() -> None:
    settings = load_settings(environ={"HOTSEAT_PROVIDER": "openai"})
    with pytest.raises(ConfigError, match="OPENAI_API_KEY.*HOTSEAT_PROVIDER=local"):
        chat_model("customer", settings)


def test_compatible_without_base_url_names_the_setting() -> None:
    with pytest.raises(ConfigError, match="HOTSEAT_BASE_URL"):
        chat_model("customer", load_settings(environ={"HOTSEAT_PROVIDER": "compatible"}))


def test_azure_needs_endpoint_and_key() -> None:
    with pytest.raises(ConfigError, match="AZURE_OPENAI_ENDPOINT"):
        chat_model("customer", load_settings(environ={"HOTSEAT_PROVIDER": "azure"}))
    settings = load_settings(
        environ={
            "HOTSEAT_PROVIDER": "azure",
            "AZURE_OPENAI_API_KEY": "k",
            "AZURE_OPENAI_ENDPOINT": "https://x.openai.azure.com",
        }
    )
    assert isinstance(chat_model("judge", settings), HotseatAzureChatOpenAI)


def test_openai_with_key_builds_openai_model() -> None:
    model = chat_model("coach", load_settings(environ={"OPENAI_API_KEY": "sk-test"}))
    assert isinstance(model, HotseatChatOpenAI)
    assert model.model_name == "gpt-4.1-mini"


def test_unknown_role_is_refused(fake_settings: Settings) -> None:
    with pytest.raises(ConfigError, match="Unknown role"):
        chat_model("narrator", fake_settings)


def test_missing_weights_name_the_setting(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings(environ={"HOTSEAT_LOCAL_MODEL": str(tmp_path / "gone.gguf")})
    with pytest.raises(WeightsError, match="HOTSEAT_LOCAL_MODEL"):
        chat_model("customer", settings)


def test_unknown_local_model_name_lists_choices() -> None:
    with pytest.raises(WeightsError, match="smollm2-135m"):
        chat_model("customer", load_settings(environ={"HOTSEAT_LOCAL_MODEL": "llama-70b"}))


def test_local_path_builds_local_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF")
    model = chat_model("customer", load_settings(environ={"HOTSEAT_LOCAL_MODEL": str(gguf)}))
    assert isinstance(model, LocalChatModel) and model.role_key == "customer"


def test_credentials_in_base_url_never_reach_errors(fake_settings: Settings) -> None:
    settings = fake_settings.model_copy(
        update={"base_url": "http://user:url-secret@127.0.0.1:9/v1", "max_retries": 0}
    )
    with pytest.raises(ProviderUnavailable) as info:
        chat_model("customer", settings).invoke("hi")
    assert "url-secret" not in str(info.value) and "user:***@127.0.0.1" in str(info.value)


def test_rejected_key_and_unknown_model_say_which_setting(
    fake_openai: FakeOpenAIServer, fake_settings: Settings
) -> None:
    from hotseat.errors import AuthenticationFailed

    fake_openai.fault("401")
    with pytest.raises(AuthenticationFailed, match="OPENAI_API_KEY"):
        chat_model("customer", fake_settings).invoke("hi")
    fake_openai.fault("404")
    with pytest.raises(ConfigError, match=r"gpt-4.1-mini does not exist.*HOTSEAT_MODEL_"):
        chat_model("customer", fake_settings).invoke("hi")


def test_azure_streams_through_its_deployment_url(fake_openai: FakeOpenAIServer) -> None:
    endpoint = fake_openai.base_url.removesuffix("/v1")
    settings = load_settings(
        environ={
            "HOTSEAT_PROVIDER": "azure",
            "AZURE_OPENAI_API_KEY": "az-key",
            "AZURE_OPENAI_ENDPOINT": endpoint,
            "HOTSEAT_MODEL_CUSTOMER": "customer-deploy",
        }
    )
    fake_openai.script("Azure says hello")
    chunks = [str(c.content) for c in chat_model("customer", settings).stream("hi")]
    assert "".join(chunks) == "Azure says hello"
    assert fake_openai.request_headers[-1]["api-key"] == "az-key"
    assert fake_openai.request_paths[-1].startswith(
        "/openai/deployments/customer-deploy/chat/completions?api-version="
    )


def test_the_openai_key_never_reaches_a_custom_base_url(fake_openai: FakeOpenAIServer) -> None:
    """Before: OPENAI_API_KEY went as the Bearer token to whatever HOTSEAT_BASE_URL named."""
    settings = load_settings(
        environ={"HOTSEAT_BASE_URL": fake_openai.base_url, "OPENAI_API_KEY": "sk-openai-secret"}
    )
    fake_openai.script("Hello.")
    chat_model("customer", settings).invoke("Hi")
    sent = fake_openai.request_headers[-1].get("authorization", "")
    assert "sk-openai-secret" not in sent
