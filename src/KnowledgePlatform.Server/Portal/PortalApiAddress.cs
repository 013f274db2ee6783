using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Portal;

/// <summary>Where the portal reaches this server's API: Portal:ApiBaseUrl, else the server's own first address.</summary>
public sealed class PortalApiAddress(IServer server, IOptions<PortalOptions> options)
{
    public Uri BaseAddress()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.ApiBaseUrl)) return new Uri(options.Value.ApiBaseUrl);
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server has no address yet; set Portal:ApiBaseUrl.");
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal));
        return uri.Uri;
    }
}
