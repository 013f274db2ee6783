namespace KnowledgePlatform.Samples.ClinicalClient;

/// <summary>
/// dotnet run --project samples/clinical-client -- [question] : asks the demo clinic (kp_demo_clinic_key on
/// http://localhost:5000, or KP_URL and KP_API_KEY) for evidence and a strict answer, and prints both.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var url = new Uri(Environment.GetEnvironmentVariable("KP_URL") ?? "http://localhost:5000");
        var key = Environment.GetEnvironmentVariable("KP_API_KEY") ?? "kp_demo_clinic_key";
        var question = args.Length > 0 ? string.Join(' ', args) : "What is the first-choice antibiotic for uncomplicated cystitis in non-pregnant women?";
        var api = ClinicalApi.Create(url, key);
        try
        {
            var evidence = await api.EvidenceAsync(new EvidenceRequest(question, Top: 3));
            Console.WriteLine($"Evidence from {evidence.KnowledgeBase.Name} ({evidence.KnowledgeBase.Version}):");
            foreach (var p in evidence.Passages)
                Console.WriteLine($"  {p.Rank}. {p.Document.Title} — {p.Location} (v{p.Version}, effective {p.EffectiveDate?.ToString("yyyy-MM-dd") ?? "n/a"}, score {p.Score:0.000})");

            var answer = await api.AnswerAsync(new ClinicalAnswerRequest(question));
            Console.WriteLine($"\nStatus: {answer.Status} (model {answer.Generation.Model}, temperature {answer.Generation.Temperature}, seed {answer.Generation.Seed})");
            foreach (var s in answer.Sentences) Console.WriteLine($"  {s.Text} {string.Concat(s.Citations.Select(n => $"[{n}]"))}");
            if (answer.Status != ClinicalAnswerStatus.Answered) Console.WriteLine($"  {answer.Answer}");
            foreach (var c in answer.Citations) Console.WriteLine($"  [{c.Number}] {c.DocumentTitle}, {c.Location}: \"{c.Quote}\" (source: {c.Source?.ContentUrl})");
            if (answer.Disclaimer is not null) Console.WriteLine($"\n{answer.Disclaimer}");
            return 0;
        }
        catch (ClinicalApiException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
        catch (HttpRequestException ex)
        {
            Console.Error.WriteLine($"Could not reach {url}: {ex.Message}");
            return 2;
        }
    }
}
