using System.Reflection;
using BootstrapBlazor.Components;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgePlatform.IntegrationTests.Support;

/// <summary>
/// BootstrapBlazor keeps the last created cache manager in a static (<c>CacheManager.Instance</c>), and its static
/// helpers (display names, localizers) resolve services through that manager's service provider. A server process
/// has one host, so this never matters in production; these tests run many hosts in one process, and when the host
/// owning the static is disposed, every other host's portal pages fail with "Cannot access a disposed object:
/// IServiceProvider". So a host hands the static to a host that is still running before it is disposed.
/// </summary>
internal static class BootstrapBlazorStatics
{
    private static readonly Lock Gate = new();
    private static readonly List<IServiceProvider> Running = [];
    private static readonly PropertyInfo Instance =
        typeof(ICacheManager).Assembly.GetType("BootstrapBlazor.Components.CacheManager", throwOnError: true)!
            .GetProperty("Instance", BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
        ?? throw new InvalidOperationException("BootstrapBlazor no longer has CacheManager.Instance: revisit BootstrapBlazorStatics.");

    public static void Started(IServiceProvider services)
    {
        lock (Gate) Running.Add(services);
    }

    /// <summary>Called before a host is disposed: the static now points to the newest host still running.</summary>
    public static void Stopping(IServiceProvider services)
    {
        lock (Gate)
        {
            Running.Remove(services);
            if (Running.Count > 0) Instance.SetValue(null, Running[^1].GetRequiredService<ICacheManager>());
        }
    }
}
