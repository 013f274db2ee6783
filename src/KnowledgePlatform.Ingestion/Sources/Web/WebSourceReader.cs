using System.Net.Http.Headers;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Ingestion.Extraction;
using KnowledgePlatform.Ingestion.Pipeline;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Ingestion.Sources.Web;

/// <summary>
/// Reads a web site politely (decision 0080): robots.txt first (a site whose robots.txt fails with a server error
/// is not read at all, as RFC 9309 asks), one request at a time with the source's pause or the site's Crawl-delay
/// between them, conditional requests (If-None-Match, If-Modified-Since) for pages read before, and only links
/// inside the scope. Redirects are not followed blindly: the target is queued like a link when it is in scope.
/// </summary>
public sealed class WebSourceReader(IHttpClientFactory http, IOptions<SourceOptions> options, IOptions<IngestionOptions> ingestion, TimeProvider clock) : ISourceReader
{
    /// <summary>The IHttpClientFactory client of web sources: no cookies, no automatic redirects, public addresses only.</summary>
    public const string HttpClientName = "sources";

    public SourceKind Kind => SourceKind.Web;

    public async Task<ISourceSession> OpenAsync(Source source, CancellationToken cancellationToken)
    {
        var settings = source.Web ?? throw new SourceUnavailableException("The source has no web settings.");
        if (SourceRules.WebProblem(settings, options.Value.AllowPrivateNetworks) is { } problem) throw new SourceUnavailableException(problem);
        var session = new Session(http.CreateClient(HttpClientName), new CrawlScope(settings), settings, options.Value, ingestion.Value.MaxUploadBytes, clock);
        await session.ReadRobotsAsync(cancellationToken);
        return session;
    }

    private sealed class Session(HttpClient http, CrawlScope scope, WebSourceSettings settings, SourceOptions options, long maxBytes, TimeProvider clock) : ISourceSession
    {
        private const int MaxSitemaps = 50;
        private RobotsTxt _robots = RobotsTxt.AllowAll;
        private DateTimeOffset _next;

        public int Limit => settings.MaxPages;

        public string VanishedReason => "No longer found on the site: not linked from its pages or listed in its sitemap any more.";

        public string DocumentName(string key) => key;

        public async Task ReadRobotsAsync(CancellationToken ct)
        {
            var url = new Uri(scope.Start, "/robots.txt");
            for (var hop = 0; hop < 5; hop++)
            {
                using var response = await SendOrFailAsync(url, ct);
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    url = new Uri(url, location);
                    continue;
                }

                if (status >= 500)
                {
                    throw new SourceUnavailableException($"The site's robots.txt answered {status} {response.ReasonPhrase}; a site whose robots.txt fails is not read. Nothing was changed.");
                }

                if (response.IsSuccessStatusCode && await ReadBoundedAsync(response, RobotsTxt.MaxBytes, ct) is { } body)
                {
                    _robots = RobotsTxt.Parse(Extraction.Text.Decode(body.ToArray()), options.RobotsToken);
                }

                return; // 4xx: the site has no rules
            }
        }

        public async Task<IReadOnlyList<FrontierEntry>> SeedAsync(CancellationToken ct)
        {
            if (!scope.StartIsSitemap)
            {
                return _robots.Allows(scope.Start.PathAndQuery)
                    ? [new FrontierEntry(CrawlScope.Key(scope.Start)!, 0)]
                    : throw new SourceUnavailableException($"The site's robots.txt does not allow reading {scope.Start}; nothing was read.");
            }

            var pages = new List<FrontierEntry>();
            var sitemaps = new Queue<Uri>([scope.Start]);
            for (var read = 0; sitemaps.Count > 0 && read < MaxSitemaps; read++)
            {
                var url = sitemaps.Dequeue();
                using var response = await SendOrFailAsync(url, ct);
                if (!response.IsSuccessStatusCode)
                    throw new SourceUnavailableException($"The sitemap {url} answered {(int)response.StatusCode} {response.ReasonPhrase}; nothing was changed.");
                await using var body = await ReadBoundedAsync(response, Sitemap.MaxBytes, ct)
                    ?? throw new SourceUnavailableException($"The sitemap {url} is larger than {Sitemap.MaxBytes / (1024 * 1024)} MB.");
                try
                {
                    var (urls, nested) = Sitemap.Read(body);
                    foreach (var next in nested.Select(n => Uri.TryCreate(url, n, out var u) ? u : null).OfType<Uri>().Where(u => u.Host == scope.Start.Host))
                        sitemaps.Enqueue(next);
                    pages.AddRange(Follow(urls.Select(u => Uri.TryCreate(url, u, out var page) ? page : null).OfType<Uri>(), depth: 0));
                }
                catch (System.Xml.XmlException ex)
                {
                    throw new SourceUnavailableException($"The sitemap {url} is not valid XML ({ex.Message}); nothing was changed.", ex);
                }
            }

            return pages;
        }

        public async Task<ItemRead> ReadAsync(SyncEntry entry, SourceItem? known, CancellationToken ct)
        {
            var url = new Uri(entry.Key);
            HttpResponseMessage response;
            try
            {
                response = await SendAsync(url, known, ct);
            }
            catch (HttpRequestException ex)
            {
                return new ItemRead.Failed($"The page could not be fetched: {ex.Message}");
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                return new ItemRead.Failed($"The page did not answer within {options.RequestTimeout.TotalSeconds:0} seconds.");
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (status == 304 && known is not null)
                    return new ItemRead.NotModified(Follow(known.Links.Select(l => new Uri(l)), entry.Depth + 1));
                if (status is >= 300 and < 400 && response.Headers.Location is { } location)
                    return new ItemRead.Skipped($"Redirects to {new Uri(url, location)}.", Follow([new Uri(url, location)], entry.Depth));
                if (status is 401 or 403 or 404 or 410)
                    return new ItemRead.Gone($"The site answered {status} {response.ReasonPhrase}.");
                if (!response.IsSuccessStatusCode)
                    return new ItemRead.Failed($"The site answered {status} {response.ReasonPhrase}; the last version is kept.");
                return await ReadPageAsync(url, entry.Depth, response, ct);
            }
        }

        private async Task<ItemRead> ReadPageAsync(Uri url, int depth, HttpResponseMessage response, CancellationToken ct)
        {
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            var format = FormatDetector.FromContentType(mediaType);
            if (format == FileFormat.Unknown && mediaType is null or "application/octet-stream" or "binary/octet-stream")
                format = FormatDetector.Detect(url.AbsolutePath, []);
            if (format == FileFormat.Unknown)
                return new ItemRead.Skipped($"Not a kind of document the knowledge base reads ({mediaType ?? "no content type"}).", []);
            var body = await ReadBoundedAsync(response, maxBytes, ct);
            if (body is null) return new ItemRead.Failed($"The page is larger than the upload limit of {maxBytes / (1024 * 1024.0):0.#} MB.");

            IReadOnlyList<FrontierEntry> links = [];
            var noIndex = response.Headers.TryGetValues("X-Robots-Tag", out var tags) && tags.Any(t => t.Contains("noindex", StringComparison.OrdinalIgnoreCase));
            if (format == FileFormat.Html)
            {
                var page = PageLinks.Read(Extraction.Text.Decode(body.GetBuffer().AsSpan(0, (int)body.Length)), url);
                if (!page.NoFollow) links = Follow(page.Links, depth + 1);
                noIndex |= page.NoIndex;
            }

            if (noIndex)
            {
                await body.DisposeAsync();
                return new ItemRead.Skipped("The page asks not to be indexed (robots noindex).", links);
            }

            return new ItemRead.Content(body, format, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"), links);
        }

        /// <summary>The links a sync may follow: in scope, allowed by robots.txt, within the depth limit; one entry per key.</summary>
        private List<FrontierEntry> Follow(IEnumerable<Uri> links, int depth) =>
            links.Where(u => scope.Admits(u, depth) && _robots.Allows(u.PathAndQuery))
                .Select(CrawlScope.Key).OfType<string>().Distinct(StringComparer.Ordinal)
                .Select(key => new FrontierEntry(key, depth)).ToList();

        private async Task<HttpResponseMessage> SendOrFailAsync(Uri url, CancellationToken ct)
        {
            try
            {
                return await SendAsync(url, null, ct);
            }
            catch (HttpRequestException ex) when (ex.InnerException is AddressNotAllowedException refused)
            {
                throw new SourceUnavailableException($"{refused.Message} Nothing was changed.", ex);
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
            {
                throw new SourceUnavailableException($"{url} could not be reached ({ex.Message}); nothing was changed.", ex);
            }
        }

        /// <summary>One request at a time, at the source's pace or the site's Crawl-delay, whichever is slower.</summary>
        private async Task<HttpResponseMessage> SendAsync(Uri url, SourceItem? known, CancellationToken ct)
        {
            var wait = _next - clock.GetUtcNow();
            if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, ct);
            var pause = _robots.CrawlDelay is { } delay && delay > settings.RequestInterval ? delay : settings.RequestInterval;
            _next = clock.GetUtcNow() + pause;

            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (known?.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag)) request.Headers.IfNoneMatch.Add(tag);
            if (known?.LastModified is { } modified && DateTimeOffset.TryParse(modified, System.Globalization.CultureInfo.InvariantCulture, out var since))
                request.Headers.IfModifiedSince = since;
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }

        /// <summary>The body, or null when it is larger than <paramref name="limit"/>.</summary>
        private static async Task<MemoryStream?> ReadBoundedAsync(HttpResponseMessage response, long limit, CancellationToken ct)
        {
            if (response.Content.Headers.ContentLength > limit) return null;
            var body = new MemoryStream();
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
            {
                if (body.Length + read > limit)
                {
                    await body.DisposeAsync();
                    return null;
                }

                body.Write(buffer, 0, read);
            }

            body.Position = 0;
            return body;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
