using System.Collections.Concurrent;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KnowledgePlatform.IntegrationTests.CdsHooks;

/// <summary>
/// An EHR's FHIR server on loopback, serving fixture search results: the patient ckd-1's latest eGFR (25) and no active
/// medications or conditions. It records each request's path and query and its Authorization header.
/// </summary>
public sealed class FhirStub : IAsyncDisposable
{
    private WebApplication? _app;
    private readonly int _port = LoopbackPort.Free();

    public sealed record Request(string Path, string Authorization);

    public ConcurrentBag<Request> Requests { get; } = [];

    public string BaseUrl => $"http://127.0.0.1:{_port}/fhir";

    private const string Egfr = """
        {"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Observation","id":"egfr-1","status":"final",
        "code":{"coding":[{"system":"http://loinc.org","code":"98979-8"}]},"subject":{"reference":"Patient/ckd-1"},
        "effectiveDateTime":"2026-11-20T09:30:00Z","valueQuantity":{"value":25,"unit":"mL/min/{1.73_m2}"}}}]}
        """;

    private const string Empty = """{"resourceType":"Bundle","type":"searchset","entry":[]}""";

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_port}");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/fhir/{type}", (string type, HttpRequest request) =>
        {
            Requests.Add(new Request(request.Path + request.QueryString, request.Headers.Authorization.ToString()));
            return Results.Text(type == "Observation" ? Egfr : Empty, "application/fhir+json");
        });
        await _app.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
