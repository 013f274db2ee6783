using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;

namespace KnowledgePlatform.Infrastructure.Http;

/// <summary>
/// The OpenAI SDK pointed at an OpenAI-compatible endpoint (vLLM, llama.cpp server, Ollama, TEI, LiteLLM, our model
/// host, OpenAI itself) over a client from IHttpClientFactory, so it goes through the platform's cookie-less handler.
/// </summary>
public static class OpenAiCompatibleEndpoint
{
    /// <summary>
    /// The bearer token sent when none is configured: the SDK always sends an Authorization header, and servers started
    /// without a key (Ollama, llama.cpp and vLLM without --api-key, TEI) ignore it.
    /// </summary>
    public const string NoKey = "none";

    public static ApiKeyCredential Credential(string? apiKey) => new(string.IsNullOrEmpty(apiKey) ? NoKey : apiKey);

    /// <summary>
    /// SDK options for <paramref name="endpoint"/> (the API root up to and including /v1). <paramref name="timeout"/>
    /// bounds one try; <paramref name="retries"/> is the SDK's own retry count on 429, 5xx and network errors (null: its default).
    /// </summary>
    public static OpenAIClientOptions Options(Uri endpoint, HttpClient http, TimeSpan timeout, int? retries = null)
    {
        var options = new OpenAIClientOptions { Endpoint = endpoint, NetworkTimeout = timeout, Transport = new HttpClientPipelineTransport(http) };
        if (retries is { } count) options.RetryPolicy = new ClientRetryPolicy(count);
        return options;
    }
}
