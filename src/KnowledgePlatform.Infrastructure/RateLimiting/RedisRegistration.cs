using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace KnowledgePlatform.Infrastructure.RateLimiting;

public static class RedisRegistration
{
    /// <summary>Registers one multiplexer when Redis:Configuration is set; it connects in the background, so a server starts while Redis is down.</summary>
    public static IHostApplicationBuilder AddRedis(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RedisOptions>().Bind(builder.Configuration.GetSection(RedisOptions.Section))
            .Validate(o => !o.Enabled || Parses(o.Configuration!), "Redis:Configuration is not a valid StackExchange.Redis configuration (for example redis:6379,password=…).")
            .ValidateOnStart();
        builder.Services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var options = ConfigurationOptions.Parse(sp.GetRequiredService<IOptions<RedisOptions>>().Value.Configuration!);
            options.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(options);
        });
        return builder;
    }

    private static bool Parses(string configuration)
    {
        try
        {
            _ = ConfigurationOptions.Parse(configuration);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
