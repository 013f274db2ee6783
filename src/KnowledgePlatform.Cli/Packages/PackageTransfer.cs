using System.Text.Json;

namespace KnowledgePlatform.Cli.Packages;

/// <summary>`kp kb export` / `kp kb import`: knowledge-base packages through a running server's API (decision 43).</summary>
internal static class PackageTransfer
{
    public static HttpClient Client(CommonSettings settings) =>
        string.IsNullOrWhiteSpace(settings.Server)
            ? throw new CliException("kb export and kb import talk to a running server: pass --server (or set $KP_SERVER).")
            : new HttpClient { BaseAddress = new Uri(settings.Server.TrimEnd('/') + "/"), DefaultRequestHeaders = { { "X-Api-Key", settings.Key } }, Timeout = TimeSpan.FromHours(1) };

    public static async Task<CliException> FailureAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            var problem = JsonDocument.Parse(text).RootElement;
            return new CliException($"{(int)response.StatusCode} {problem.GetProperty("code").GetString()}: {problem.GetProperty("detail").GetString()}");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new CliException($"{(int)response.StatusCode}: {text}");
        }
    }
}
