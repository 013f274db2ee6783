using KnowledgePlatform.Rag.Answering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Knowledge;

public sealed class AskCommand : AsyncCommand<AskSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, AskSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        await using var client = await Clients.OpenAsync(settings, cancellationToken);
        IReadOnlyList<Citation> citations = [];
        AnswerCompleted? done = null;
        await foreach (var e in client.AskAsync(settings.KnowledgeBase, settings.Question, cancellationToken))
        {
            switch (e)
            {
                case AnswerDelta d: Console.Write(d.Text); break;
                case AnswerCitations c: citations = c.Citations; break;
                case AnswerCompleted c: done = c; break;
            }
        }
        Console.WriteLine();
        foreach (var c in citations)
            AnsiConsole.MarkupLineInterpolated($"[grey][[{c.Number}]] {c.DocumentTitle} ({c.FileName}, {c.Location}): \"{c.Quote}\"[/]");
        if (done is not null)
        {
            if (done.Status == AnswerStatus.Ungrounded)
                AnsiConsole.MarkupLineInterpolated($"[yellow]{done.Model}: ungrounded: the answer does not cite the knowledge base; check it before use.[/]");
            else
                AnsiConsole.MarkupLineInterpolated($"[grey]{done.Model}: {done.Status}[/]");
        }
        return 0;
    });
}
