using KnowledgePlatform.Infrastructure.ChatModels;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.ModelHost;

public static class Program
{
    /// <summary>dotnet run --project src/KnowledgePlatform.ModelHost -- --model PATH.gguf [--parallel N] [--queue N] [--ctx-size N] [--threads N]</summary>
    public static async Task<int> Main(string[] args)
    {
        try
        {
            var app = ModelHostApp.Create(args);
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (ex is OptionsValidationException or ModelFileException)
        {
            // A bad model file or setting is a start-up error with its reason, never a crash.
            await Console.Error.WriteLineAsync($"The model host cannot start: {ex.Message}");
            return 2;
        }
    }
}
