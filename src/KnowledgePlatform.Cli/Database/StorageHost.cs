using KnowledgePlatform.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace KnowledgePlatform.Cli.Database;

/// <summary>The storage services of the configured deployment, without starting a server.</summary>
internal static class StorageHost
{
    public static IHost Build(DbSettings settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection([
            new("Storage:DataPath", Path.GetFullPath(settings.Data ?? builder.Configuration["Storage:DataPath"] ?? "./data")),
            .. settings.Provider is null ? [] : new KeyValuePair<string, string?>[] { new("Storage:Provider", settings.Provider) },
            .. settings.ConnectionString is null ? [] : new KeyValuePair<string, string?>[] { new("Storage:ConnectionString", settings.ConnectionString) },
            new("Logging:LogLevel:Default", "Warning"),
        ]);
        builder.AddEmbeddings().AddStorage();
        return builder.Build();
    }
}
