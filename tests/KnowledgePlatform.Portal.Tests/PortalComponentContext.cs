using System.Net;
using System.Net.Http.Json;
using BootstrapBlazor.Components;
using Bunit;
using KnowledgePlatform.Server.Ingestion;
using KnowledgePlatform.Server.Portal;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgePlatform.Portal.Tests;

/// <summary>A bUnit context with what portal components need: a signed-in user, BootstrapBlazor, and an API whose answers the test decides.</summary>
public abstract class PortalComponentContext : BunitContext
{
    protected PortalComponentContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddBootstrapBlazor();
        Services.AddDataProtection();
        Services.AddAuthentication().AddCookie(IdentityConstants.ApplicationScheme);
        var auth = AddAuthorization();
        auth.SetAuthorized("curator@example.test");
        auth.SetClaims(new System.Security.Claims.Claim("kp:tenant", "acme"));
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<PortalCredential>();
        Services.AddSingleton<IIngestionFeed>(Feed);
        Services.AddScoped(sp => new PortalApi(new HttpClient(Api) { BaseAddress = new Uri("http://portal.test") }, sp.GetRequiredService<PortalCredential>()));
    }

    protected FakeApi Api { get; } = new();

    protected FakeFeed Feed { get; } = new();

    /// <summary>Answers each request with the responder's reply and records what was asked.</summary>
    public sealed class FakeApi : HttpMessageHandler
    {
        public List<(HttpMethod Method, string Path, string? Body)> Requests { get; } = [];

        public Func<HttpRequestMessage, HttpResponseMessage> Respond { get; set; } = _ => new HttpResponseMessage(HttpStatusCode.NotFound);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add((request.Method, request.RequestUri!.PathAndQuery, body));
            return Respond(request);
        }

        public static HttpResponseMessage Json(HttpStatusCode status, object value) =>
            new(status) { Content = JsonContent.Create(value, options: PortalApi.Json) };

        public static HttpResponseMessage Problem(HttpStatusCode status, string code, string detail) =>
            new(status) { Content = JsonContent.Create(new { status = (int)status, code, detail }) };
    }

    /// <summary>Ingestion progress the test pushes, as the hub would.</summary>
    public sealed class FakeFeed : IIngestionFeed
    {
        public event Func<DocumentProgress, Task>? Progress;

        public event Func<Task>? Reconnected;

        public bool Started { get; private set; }

        public Task StartAsync(CancellationToken ct)
        {
            Started = true;
            return Task.CompletedTask;
        }

        public Task PushAsync(DocumentProgress progress) => Progress?.Invoke(progress) ?? Task.CompletedTask;

        public Task ReconnectAsync() => Reconnected?.Invoke() ?? Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
