using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KnowledgePlatform.IntegrationTests.Sources;

/// <summary>How a page of the site tells a client whether it changed.</summary>
public enum Validators
{
    /// <summary>ETag, honouring If-None-Match with 304.</summary>
    ETag,

    /// <summary>Last-Modified, honouring If-Modified-Since with 304.</summary>
    LastModified,

    /// <summary>Neither: only the content hash can tell.</summary>
    None,
}

/// <summary>
/// A small web site on its own loopback port for source tests: pages the test sets and changes, a robots.txt, an
/// optional sitemap, and a log of every request (host and path), so a test can prove a page was never fetched.
/// </summary>
public sealed class LoopbackSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Page> _pages = new(StringComparer.Ordinal);

    private LoopbackSite(WebApplication app) => _app = app;

    public string Origin { get; private set; } = "";

    /// <summary>Every request: the Host header and the path with its query, and the status answered.</summary>
    public ConcurrentQueue<(string Host, string Path, int Status)> Requests { get; } = new();

    public string? RobotsTxt { get; set; }

    /// <summary>How long each answer waits (to stretch a sync out for a crash test).</summary>
    public TimeSpan Delay { get; set; }

    public static async Task<LoopbackSite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var site = new LoopbackSite(app);
        app.Run(site.AnswerAsync);
        await app.StartAsync();
        site.Origin = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return site;
    }

    /// <summary>Serves <paramref name="body"/> at <paramref name="path"/>; a changed body gets a new ETag and modification time.</summary>
    public void Set(string path, string body, string contentType = "text/html; charset=utf-8", Validators validators = Validators.ETag) =>
        _pages[path] = new Page(Encoding.UTF8.GetBytes(body), contentType, validators, DateTimeOffset.UtcNow);

    /// <summary>Serves bytes (a PDF, a deck) at <paramref name="path"/>.</summary>
    public void Set(string path, byte[] body, string contentType) => _pages[path] = new Page(body, contentType, Validators.ETag, DateTimeOffset.UtcNow);

    /// <summary>The page answers 404 from now on.</summary>
    public void Remove(string path) => _pages.TryRemove(path, out _);

    /// <summary>A sitemap at <paramref name="path"/> listing the given paths of this site.</summary>
    public void SetSitemap(string path, IEnumerable<string> pages) =>
        Set(path, $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            {string.Concat(pages.Select(p => $"  <url><loc>{Origin}{p}</loc></url>\n"))}</urlset>
            """, "application/xml");

    public string Url(string path) => Origin + path;

    /// <summary>How often a path was asked for, and how often it was answered with content (200).</summary>
    public (int Asked, int Served) Count(string path) =>
        (Requests.Count(r => r.Path == path), Requests.Count(r => r.Path == path && r.Status == 200));

    public static string Html(string title, string body, params string[] links) => $"""
        <!doctype html>
        <html><head><title>{title}</title></head>
        <body><nav>{string.Concat(links.Select(l => $"<a href=\"{l}\">{l}</a> "))}</nav>
        <main><h1>{title}</h1><p>{body}</p></main>
        <footer>Northwind Home help centre</footer></body></html>
        """;

    private async Task AnswerAsync(HttpContext context)
    {
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay, context.RequestAborted);
        var path = context.Request.Path + context.Request.QueryString;
        var status = await WriteAsync(context, path);
        Requests.Enqueue((context.Request.Host.Value ?? "", path, status));
    }

    private async Task<int> WriteAsync(HttpContext context, string path)
    {
        var response = context.Response;
        if (path == "/robots.txt")
        {
            if (RobotsTxt is null) return response.StatusCode = 404;
            response.ContentType = "text/plain";
            await response.WriteAsync(RobotsTxt, context.RequestAborted);
            return 200;
        }

        if (!_pages.TryGetValue(path, out var page)) return response.StatusCode = 404;
        var etag = $"\"{Convert.ToHexString(SHA256.HashData(page.Body))[..16]}\"";
        var modified = new DateTimeOffset(page.Modified.Year, page.Modified.Month, page.Modified.Day, page.Modified.Hour, page.Modified.Minute, page.Modified.Second, TimeSpan.Zero);
        switch (page.Validators)
        {
            case Validators.ETag:
                response.Headers.ETag = etag;
                if (context.Request.Headers.IfNoneMatch == etag) return response.StatusCode = 304;
                break;
            case Validators.LastModified:
                response.Headers.LastModified = modified.ToString("R");
                if (DateTimeOffset.TryParse(context.Request.Headers.IfModifiedSince, out var since) && since >= modified) return response.StatusCode = 304;
                break;
        }

        response.ContentType = page.ContentType;
        await response.Body.WriteAsync(page.Body, context.RequestAborted);
        return 200;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private sealed record Page(byte[] Body, string ContentType, Validators Validators, DateTimeOffset Modified);
}
