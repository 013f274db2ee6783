using KnowledgePlatform.Infrastructure.Models;
using KnowledgePlatform.ModelHost;
using Microsoft.Extensions.Options;

// dotnet run --project src/KnowledgePlatform.ModelHost -- --model PATH.gguf [--parallel N] [--queue N] [--ctx-size N] [--threads N]
try
{
    var app = ModelHostApp.Create(args);
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is OptionsValidationException or ModelFileException)
{
    // A bad model file or setting is a start-up error with its reason, never a crash.
    Console.Error.WriteLine($"The model host cannot start: {ex.Message}");
    return 2;
}
