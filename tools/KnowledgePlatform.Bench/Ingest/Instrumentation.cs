using System.Collections.Concurrent;
using System.Diagnostics;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Ingestion.Pipeline;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgePlatform.Bench.Ingest;

/// <summary>Time spent per pipeline step (and inside the embedding model), summed over all documents.</summary>
internal sealed class StepClock
{
    public const string Model = "embed: in the model";
    public const string Job = "job";

    private readonly ConcurrentDictionary<string, long> _ticks = new();
    private readonly ConcurrentQueue<IReadOnlyList<string>> _calls = new();

    /// <summary>Whether the texts of each model call are kept, for <see cref="TakeCalls"/>.</summary>
    public bool RecordsCalls { get; init; }

    /// <summary>The texts of each model call the pipeline made since the last take, in the order made.</summary>
    public IReadOnlyList<IReadOnlyList<string>> TakeCalls()
    {
        var calls = new List<IReadOnlyList<string>>();
        while (_calls.TryDequeue(out var call)) calls.Add(call);
        return calls;
    }

    public void Add(string name, long elapsedTicks) => _ticks.AddOrUpdate(name, elapsedTicks, (_, t) => t + elapsedTicks);

    public TimeSpan this[string name] => Stopwatch.GetElapsedTime(0, _ticks.GetValueOrDefault(name));

    public IReadOnlyList<string> Names => _ticks.Keys.Order().ToList();

    public void Reset()
    {
        _ticks.Clear();
        _calls.Clear();
    }

    /// <summary>The generator under the timing wrapper: the encoder alone, whose time is not the pipeline's.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> Untimed(IEmbeddingGenerator<string, Embedding<float>> generator) =>
        generator is TimedEmbeddings timed ? timed.Inner : generator;

    /// <summary>Wraps every registered pipeline step and the embedding models' generators so they report their time here.</summary>
    /// <param name="withoutModel">Replace each model by <see cref="InstantEmbeddings"/>, so that what is measured is the rest of the pipeline.</param>
    public void Instrument(IServiceCollection services, bool withoutModel = false)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType == typeof(IIngestionStep))
            {
                services[i] = new ServiceDescriptor(typeof(IIngestionStep),
                    sp => new TimedStep((IIngestionStep)Create(sp, descriptor), this), descriptor.Lifetime);
            }
            else if (descriptor.ServiceType == typeof(EmbeddingModelRegistry))
            {
                // The embed step takes its generator from the registry: time the registry's generators.
                services[i] = new ServiceDescriptor(typeof(EmbeddingModelRegistry), sp =>
                {
                    var registry = (EmbeddingModelRegistry)Create(sp, descriptor);
                    return new EmbeddingModelRegistry([.. registry.Cards.Select(c => new EmbeddingModel(c, new TimedEmbeddings(
                        withoutModel ? new InstantEmbeddings(c.Dimension) : registry.Get(c.Name).Generator, this)))]);
                }, descriptor.Lifetime);
            }
        }
    }

    private static object Create(IServiceProvider sp, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(sp)
        ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!);

    private sealed class TimedStep(IIngestionStep inner, StepClock clock) : IIngestionStep
    {
        public string Name => inner.Name;
        public bool Durable => inner.Durable;

        public async Task RunAsync(IngestionContext context, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await inner.RunAsync(context, cancellationToken);
            }
            finally
            {
                clock.Add(Name, Stopwatch.GetTimestamp() - start);
            }
        }
    }

    private sealed class TimedEmbeddings(IEmbeddingGenerator<string, Embedding<float>> inner, StepClock clock)
        : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        public IEmbeddingGenerator<string, Embedding<float>> Inner => InnerGenerator;

        public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var texts = values as IReadOnlyList<string> ?? [.. values];
            if (clock.RecordsCalls) clock._calls.Enqueue(texts);
            var start = Stopwatch.GetTimestamp();
            try
            {
                return await base.GenerateAsync(texts, options, cancellationToken);
            }
            finally
            {
                clock.Add(Model, Stopwatch.GetTimestamp() - start);
            }
        }
    }
}
