using System.Security.Cryptography;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Api.Middleware;

/// <summary>
/// Idempotency-Key on writes (POST, PATCH): the first request with a key runs and its response is stored in
/// the metadata database, per tenant; the same key with the same request replays that response (marked
/// Idempotency-Replayed: true), with a different request it is refused with 422, and while the first one
/// still runs with 409. Server errors are not stored, so a retry after one runs again. Streamed responses are
/// passed through as they are written and stored whole.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotency-Replayed";

    public static IHostApplicationBuilder AddIdempotency(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IdempotencyOptions>().Bind(builder.Configuration.GetSection(IdempotencyOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    /// <summary>Runs after authorization: the tenant is known and the request is allowed.</summary>
    public static IApplicationBuilder UseIdempotency(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var key = context.Request.Headers[Header].ToString();
        var tenant = context.User.FindFirst(ApiKeyAuthenticationHandler.TenantClaim)?.Value;
        if (key.Length == 0 || tenant is null || !(HttpMethods.IsPost(context.Request.Method) || HttpMethods.IsPatch(context.Request.Method)))
        {
            await next(context);
            return;
        }
        if (key.Length > 255 || key.Any(char.IsControl))
        {
            await ApiProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "invalid_idempotency_key", "An Idempotency-Key is 1 to 255 printable characters.");
            return;
        }
        await RunAsync(context, next, tenant, key);
    });

    private static async Task RunAsync(HttpContext context, RequestDelegate next, string tenant, string key)
    {
        var db = context.RequestServices.GetRequiredService<KnowledgeDbContext>();
        var options = context.RequestServices.GetRequiredService<IOptions<IdempotencyOptions>>().Value;
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var ct = context.RequestAborted;
        var hash = await HashAsync(context.Request, ct);

        var stored = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.TenantId == tenant && r.Key == key, ct);
        if (stored is not null && stored.ExpiresAt <= now)
        {
            await db.IdempotencyRecords.Where(r => r.Id == stored.Id).ExecuteDeleteAsync(ct);
            stored = null;
        }
        if (stored is not null)
        {
            await ReplayAsync(context, stored, hash);
            return;
        }

        var record = new IdempotencyRecord { Id = Ids.New("idem"), TenantId = tenant, Key = key, RequestHash = hash, CreatedAt = now, ExpiresAt = now + options.Expiry };
        db.IdempotencyRecords.Add(record);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request with this key got there first.
            db.ChangeTracker.Clear();
            await ApiProblems.WriteAsync(context, StatusCodes.Status409Conflict, "idempotency_key_in_use",
                "A request with this Idempotency-Key is still being processed. Retry after it completes.");
            return;
        }
        // Expired records of the tenant go as new ones come in.
        await db.IdempotencyRecords.Where(r => r.TenantId == tenant && r.ExpiresAt <= now).ExecuteDeleteAsync(ct);

        var original = context.Response.Body;
        await using var tee = new TeeStream(original, options.MaxResponseBytes);
        context.Response.Body = tee;
        var completed = false;
        try
        {
            await next(context);
            completed = true;
        }
        finally
        {
            context.Response.Body = original;
            var status = context.Response.StatusCode;
            var keep = completed && status < 500 && !tee.Overflowed;
            var saved = db.IdempotencyRecords.Where(r => r.Id == record.Id);
            if (keep)
            {
                var body = tee.Captured();
                var contentType = context.Response.ContentType;
                await saved.ExecuteUpdateAsync(s => s.SetProperty(r => r.StatusCode, status).SetProperty(r => r.ContentType, contentType).SetProperty(r => r.Body, body), CancellationToken.None);
            }
            else
            {
                await saved.ExecuteDeleteAsync(CancellationToken.None);
            }
        }
    }

    private static async Task ReplayAsync(HttpContext context, IdempotencyRecord stored, string hash)
    {
        if (stored.RequestHash != hash)
        {
            await ApiProblems.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, "idempotency_key_reused",
                "This Idempotency-Key was used with a different request. Use a new key for a new request.");
            return;
        }
        if (stored.StatusCode == 0)
        {
            await ApiProblems.WriteAsync(context, StatusCodes.Status409Conflict, "idempotency_key_in_use",
                "A request with this Idempotency-Key is still being processed. Retry after it completes.");
            return;
        }
        context.Response.StatusCode = stored.StatusCode;
        if (stored.ContentType is not null) context.Response.ContentType = stored.ContentType;
        context.Response.Headers[ReplayedHeader] = "true";
        if (stored.Body is { Length: > 0 } body) await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>SHA-256 over method, path, query and body; the body stays readable for the endpoint.</summary>
    private static async Task<string> HashAsync(HttpRequest request, CancellationToken ct)
    {
        request.EnableBuffering();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var buffer = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, ct)) > 0) sha.AppendData(buffer, 0, read);
        request.Body.Position = 0;
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Writes through to the response (so streams still stream) and keeps a copy up to a limit.</summary>
    private sealed class TeeStream(Stream inner, int limit) : Stream
    {
        private readonly MemoryStream _copy = new();

        public bool Overflowed { get; private set; }

        public byte[] Captured() => _copy.ToArray();

        private void Keep(ReadOnlySpan<byte> data)
        {
            if (Overflowed) return;
            if (_copy.Length + data.Length > limit)
            {
                Overflowed = true;
                _copy.SetLength(0);
                return;
            }
            _copy.Write(data);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Keep(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Keep(buffer.AsSpan(offset, count));
            inner.Write(buffer, offset, count);
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _copy.Dispose();
            base.Dispose(disposing);
        }
    }
}
