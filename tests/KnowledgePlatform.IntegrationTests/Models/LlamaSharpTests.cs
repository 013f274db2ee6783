using KnowledgePlatform.Infrastructure.ChatModels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Models;

/// <summary>The generated MoE model run in-process through LLamaSharp: the mechanics of generation, not its content.</summary>
public sealed class LlamaSharpTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static LlamaModel Load(int sequences = 1) =>
        LlamaModel.Load(new LlamaOptions { ModelPath = TinyModel.Path, Threads = 1, ContextSize = 1024, Sequences = sequences }, NullLogger.Instance);

    private static ChatOptions Exactly(int tokens, int seed = 1) => new()
    {
        MaxOutputTokens = tokens,
        Seed = seed,
        AdditionalProperties = new() { [LlamaChatClient.IgnoreEos] = true },
    };

    private static readonly ChatMessage[] Hello = [new(ChatRole.System, "You are terse."), new(ChatRole.User, "Say hello.")];

    [Fact]
    public async Task The_model_streams_tokens_and_stops_at_the_token_limit()
    {
        using var model = Load();
        var client = new LlamaChatClient(model);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync(Hello, Exactly(24), _ct)) updates.Add(u);

        Assert.True(updates.Count(u => u.Text.Length > 0) > 5, "tokens arrive one by one");
        var last = updates[^1];
        Assert.Equal(ChatFinishReason.Length, last.FinishReason);
        var usage = Assert.Single(last.Contents.OfType<UsageContent>()).Details;
        Assert.Equal(24, usage.OutputTokenCount);
        Assert.True(usage.InputTokenCount > 5);
        Assert.Equal(TinyModel.Id, last.ModelId);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_output()
    {
        using var model = Load();
        var client = new LlamaChatClient(model);

        var first = await client.GetResponseAsync(Hello, Exactly(16, seed: 5), _ct);
        var second = await client.GetResponseAsync(Hello, Exactly(16, seed: 5), _ct);

        Assert.Equal(first.Text, second.Text);
    }

    [Fact]
    public async Task Cancelling_stops_generation_between_tokens_and_frees_the_sequence()
    {
        using var model = Load();
        var client = new LlamaChatClient(model);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_ct);

        var received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var u in client.GetStreamingResponseAsync(Hello, Exactly(900), cancel.Token))
            {
                if (++received == 3) await cancel.CancelAsync();
            }
        });

        Assert.InRange(received, 3, 4);
        var next = await client.GetResponseAsync(Hello, Exactly(4), _ct);
        Assert.Equal(4, next.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task No_more_sequences_run_than_configured()
    {
        using var model = Load(sequences: 1);
        var client = new LlamaChatClient(model);

        await using var first = client.GetStreamingResponseAsync(Hello, Exactly(200), _ct).GetAsyncEnumerator(_ct);
        Assert.True(await first.MoveNextAsync());
        var second = client.GetResponseAsync(Hello, Exactly(4), _ct);
        await WaitUntil(() => model.Waiting == 1);
        Assert.False(second.IsCompleted);

        while (await first.MoveNextAsync())
        {
        }
        Assert.Equal(4, (await second).Usage?.OutputTokenCount);
        Assert.Equal(0, model.Waiting);
    }

    [Fact]
    public async Task Stop_sequences_end_the_answer()
    {
        using var model = Load();
        var client = new LlamaChatClient(model);
        var free = await client.GetResponseAsync(Hello, Exactly(40, seed: 3), _ct);
        var stop = free.Text.Trim().Length > 6 ? free.Text.Trim()[3..5] : null;
        Assert.SkipWhen(stop is null, "The random model's output was too short to pick a stop sequence from.");

        var options = Exactly(40, seed: 3);
        options.StopSequences = [stop!];
        var stopped = await client.GetResponseAsync(Hello, options, _ct);

        Assert.Equal(free.Text[..free.Text.IndexOf(stop!, StringComparison.Ordinal)], stopped.Text);
        Assert.Equal(ChatFinishReason.Stop, stopped.FinishReason);
    }

    [Theory]
    [InlineData("missing-expert-count", "expert_count is missing")]
    [InlineData("truncated", "truncated")]
    [InlineData("wrong-magic", "not a GGUF model")]
    [InlineData("missing-tensor", "llama.cpp could not load")]
    public async Task A_malformed_model_file_is_a_clear_error_and_the_process_lives(string kind, string reason)
    {
        var path = TinyModel.Damaged(kind);

        var error = Assert.Throws<ModelFileException>(() => LlamaModel.Load(new LlamaOptions { ModelPath = path, Threads = 1, ContextSize = 512 }, NullLogger.Instance));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        // Still here: a good model loads and runs in the same process afterwards.
        using var model = Load();
        Assert.Equal(2, (await new LlamaChatClient(model).GetResponseAsync(Hello, Exactly(2), _ct)).Usage?.OutputTokenCount);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not become true in 30 s.");
            await Task.Delay(10);
        }
    }
}
