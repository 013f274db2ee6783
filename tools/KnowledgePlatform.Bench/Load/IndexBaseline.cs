using System.Diagnostics;
using KnowledgePlatform.Cli;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace KnowledgePlatform.Bench.Load;

/// <summary>The bare index queries and the query embedding, timed alone: what <c>kp-bench load</c> gives its latencies as ratios of.</summary>
internal sealed record IndexBaseline(Percentiles Dense, Percentiles Keyword, Percentiles Embedding)
{
    /// <summary>
    /// With the server stopped, opens the same stores in this process and times the bare index queries (dense
    /// top-N on a precomputed query vector, BM25) and the query embedding alone, for the same questions.
    /// </summary>
    public static async Task<IndexBaseline> MeasureAsync(string data, IReadOnlyList<string> questions, int count, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection([
            new("Storage:DataPath", data),
            new("Logging:LogLevel:Default", "Warning"),
        ]);
        builder.AddEmbeddings().AddStorage();
        using var host = builder.Build();
        await host.StartAsync(ct);
        try
        {
            var index = host.Services.GetRequiredService<IChunkIndex>();
            var model = host.Services.GetRequiredService<EmbeddingModelRegistry>().Default;
            var candidates = host.Services.GetRequiredService<IConfiguration>().GetValue("Retrieval:Candidates", 40);
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
            var kbs = await db.KnowledgeBases.Where(k => k.Name == "medical" || k.Name == "customer-service").Select(k => new { k.TenantId, k.Id }).ToListAsync(ct);
            if (kbs.Count == 0) throw new CliException("The demo knowledge bases were not found in the bench's data folder.");

            var vectors = new List<(ChunkFilter Filter, string Query, ReadOnlyMemory<float> Vector)>();
            var embedding = new List<double>();
            for (var i = 0; i < Math.Min(count, questions.Count * 4); i++)
            {
                var kb = kbs[i % kbs.Count];
                var query = questions[i % questions.Count];
                var start = Stopwatch.GetTimestamp();
                var vector = await model.Generator.GenerateVectorAsync(model.Card.QueryPrefix + query, cancellationToken: ct);
                embedding.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                vectors.Add((new ChunkFilter(kb.TenantId, [kb.Id]), query, vector));
            }
            var dense = new List<double>();
            var keyword = new List<double>();
            for (var i = 0; i < count; i++)
            {
                var (filter, query, vector) = vectors[i % vectors.Count];
                var start = Stopwatch.GetTimestamp();
                await index.SearchDenseAsync(filter, vector, candidates, ct);
                dense.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                start = Stopwatch.GetTimestamp();
                await index.SearchKeywordAsync(filter, query, candidates, ct);
                keyword.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            var baseline = new IndexBaseline(Percentiles.Of(dense), Percentiles.Of(keyword), Percentiles.Of(embedding));
            AnsiConsole.MarkupLineInterpolated($"  baseline: bare dense query p50 {Percentiles.Ms(baseline.Dense.P50)} ms, BM25 p50 {Percentiles.Ms(baseline.Keyword.P50)} ms, query embedding p50 {Percentiles.Ms(baseline.Embedding.P50)} ms");
            return baseline;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
