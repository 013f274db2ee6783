using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli;

/// <summary>Options every command takes: where the platform is and whose key to use.</summary>
public class CommonSettings : CommandSettings
{
    [CommandOption("-s|--server <URL>")]
    [Description("A running server (e.g. http://localhost:5080). Without it, kp opens the embedded stores directly; stop the server first.")]
    public string? Server { get; init; } = Environment.GetEnvironmentVariable("KP_SERVER");

    [CommandOption("-k|--key <KEY>")]
    [Description("API key; the tenant comes from it. Defaults to $KP_API_KEY.")]
    public string? Key { get; init; } = Environment.GetEnvironmentVariable("KP_API_KEY");

    [CommandOption("-d|--data <PATH>")]
    [Description("Data folder of the embedded stores (Storage:DataPath). Default: ./data")]
    public string? Data { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Key) ? ValidationResult.Error("An API key is needed: --key or $KP_API_KEY.") : ValidationResult.Success();
}
