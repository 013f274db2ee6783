using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Infrastructure.Packages;
using KnowledgePlatform.Ingestion.Intake;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Quotas;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Polly;
using Polly.Retry;

namespace KnowledgePlatform.Server.Api;

/// <summary>Knowledge bases as portable packages (decision 0043): export as a zip, import as a new knowledge base of the caller's tenant.</summary>
public static class PackageEndpoints
{
    /// <summary>
    /// An import the database could not take (its writer lock busy past the timeout: the ingestion worker the import woke
    /// was writing too, on a loaded machine) is all undone and tried again, twice, a second and then two apart.
    /// </summary>
    private static readonly ResiliencePipeline BusyStorage = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(StorageFailures.IsTransient),
            MaxRetryAttempts = 2,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromSeconds(1),
        })
        .Build();

    public static IHostApplicationBuilder AddPackages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PackageOptions>().Bind(builder.Configuration.GetSection(PackageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped(sp => ActivatorUtilities.CreateInstance<KnowledgeBasePackage>(sp, sp.GetRequiredService<IOptions<PackageOptions>>().Value));
        return builder;
    }

    public static RouteGroupBuilder MapPackages(this RouteGroupBuilder api)
    {
        var kbs = api.MapGroup("/knowledge-bases").WithTags("Knowledge bases").RequireAuthorization(ApiScopes.Admin);
        kbs.MapGet("/{kb}/export", Export).Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .WithSummary("The knowledge base as a portable package (zip: manifest.json, original files, chunks.jsonl with embeddings)");
        kbs.MapPost("/import", Import).DisableAntiforgery().Accepts<IFormFile>("multipart/form-data")
            .WithSummary("Create a knowledge base from a package (multipart field 'package', optional field 'name'); embeddings are reused when the model and dimension match");
        return api;
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Export(
        string kb, ClaimsPrincipal user, KnowledgeDbContext db, KnowledgeBasePackage packages, AuditLog audit, CancellationToken ct)
    {
        // A shared knowledge base is the platform's to distribute: read-only here.
        var (found, problem) = await db.FindWritableKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return problem!;
        var temp = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await packages.ExportAsync(found, temp, ct);
            temp.Position = 0;
        }
        catch
        {
            await temp.DisposeAsync();
            throw;
        }
        await audit.RecordAsync(user, "kb.export", found.Id, new { bytes = temp.Length }, ct);
        return TypedResults.File(temp, "application/zip", $"{string.Concat(found.Name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'))}.kp.zip");
    }

    private static async Task<Results<Created<PackageImportResponse>, ProblemHttpResult>> Import(
        HttpContext http, ClaimsPrincipal user, KnowledgeBasePackage packages, DocumentIntake intake, KnowledgeDbContext db,
        IOptions<PackageOptions> options, AuditLog audit, QuotaService quotas, CancellationToken ct)
    {
        var limit = options.Value.MaxPackageBytes;
        // Packages are bigger than single uploads: this request gets the package limit instead of the upload limit.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit + 1024 * 1024;
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
            return ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "multipart_required", "Send the package as multipart/form-data in a field named 'package'.");

        await using var package = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        string? name = null;
        var received = false;
        var reader = new MultipartReader(boundary, http.Request.Body);
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
            if (disposition.IsFileDisposition() && !received)
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await section.Body.ReadAsync(buffer, ct)) > 0)
                {
                    if (package.Length + read > limit)
                        return ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, "package_too_large", $"The package is larger than the limit of {limit} bytes.");
                    await package.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                received = true;
            }
            else if (disposition.IsFormDisposition() && HeaderUtilities.RemoveQuotes(disposition.Name).Value == "name")
            {
                using var text = new StreamReader(section.Body);
                name = await text.ReadToEndAsync(ct);
                if (name.Length > 200) return ApiProblems.Validation("invalid_name", "A knowledge base needs a name of 1 to 100 characters.");
            }
        }
        if (!received) return ApiProblems.Validation("package_missing", "The request has no package. Send the zip in a multipart field named 'package'.");
        if (await quotas.CheckStorageAsync(http, package.Length, ct) is { } overQuota) return overQuota;
        package.Position = 0;

        try
        {
            // The tenant is the caller's: nothing in the package names it. A failed attempt leaves nothing behind.
            var result = await BusyStorage.ExecuteAsync(async token =>
            {
                package.Position = 0;
                return await packages.ImportAsync(package, user.TenantId(), name, async (kb, fileName, content, groups, tags, effective, t) =>
                    (await intake.SubmitAsync(kb, fileName, content, groups, new DocumentDescription(tags, effective), t)).Document, token);
            }, ct);
            try
            {
                await BusyStorage.ExecuteAsync(async token =>
                {
                    db.ChangeTracker.Clear();
                    await audit.RecordAsync(user, "kb.import", result.KnowledgeBase.Id, new { result.Documents, result.Chunks, result.Reembedded }, token);
                }, ct);
            }
            catch (Exception ex) when (StorageFailures.IsTransient(ex))
            {
                // Not audited, not kept: the caller retries the whole import.
                await packages.DiscardAsync(result.KnowledgeBase, CancellationToken.None);
                throw;
            }
            var dto = KnowledgeBaseDto.From(result.KnowledgeBase, result.Documents);
            return TypedResults.Created($"/api/v1/knowledge-bases/{result.KnowledgeBase.Id}",
                new PackageImportResponse(dto, result.Documents, result.Chunks, result.Reembedded, result.SourcePolicy));
        }
        catch (PackageException ex)
        {
            return ApiProblems.Problem(ex.Code switch
            {
                "package_too_large" => StatusCodes.Status413PayloadTooLarge,
                "name_taken" => StatusCodes.Status409Conflict,
                "invalid_name" => StatusCodes.Status400BadRequest,
                _ => StatusCodes.Status422UnprocessableEntity,
            }, ex.Code, ex.Message);
        }
        catch (IntakeException ex)
        {
            return ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, ex.Code, $"A document of the package was refused: {ex.Message}");
        }
        catch (Exception ex) when (StorageFailures.IsTransient(ex))
        {
            http.Response.Headers.RetryAfter = "5";
            return ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, "storage_busy",
                "The database stayed busy and the import was undone; nothing was created. Try again in a few seconds.");
        }
    }
}
