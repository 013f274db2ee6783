using System.Net;
using System.Net.Sockets;

namespace KnowledgePlatform.Ingestion.Sources.Web;

/// <summary>
/// Where web sources may connect: a curator must not be able to make the server read its own admin endpoints,
/// the cloud's metadata service or the intranet. Addresses are checked after DNS resolution, at connect time, so
/// a name that resolves to a private address is caught too (Sources:AllowPrivateNetworks lifts the rule).
/// </summary>
public static class PublicAddresses
{
    /// <summary>A SocketsHttpHandler ConnectCallback that connects only to allowed addresses.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Connect(bool allowPrivate) => async (context, ct) =>
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = allowPrivate ? addresses : addresses.Where(IsPublic).ToArray();
        if (allowed.Length == 0) throw new AddressNotAllowedException(Refusal(host));

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    };

    /// <summary>Why a web source may not read this host, in words a curator can act on.</summary>
    public static string Refusal(string host) =>
        $"{host} is a loopback, private or link-local address. Web sources read public sites only; an administrator can allow private networks with Sources:AllowPrivateNetworks.";

    /// <summary>
    /// Whether the host is private without asking DNS: localhost (and *.localhost, RFC 6761) or a private address
    /// literal. A name that resolves to a private address is only known at connect time.
    /// </summary>
    public static bool IsPrivateLiteral(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && !IsPublic(address));

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return false;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var first = address.GetAddressBytes()[0];
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.Equals(IPAddress.IPv6None)
                || (first & 0xFE) == 0xFC); // fc00::/7 unique local
        }

        var b = address.GetAddressBytes();
        return !(b[0] is 0 or 10 or 127 || b[0] >= 224
            || (b[0] == 169 && b[1] == 254) || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168)
            || (b[0] == 100 && b[1] is >= 64 and <= 127) || (b[0] == 192 && b[1] == 0 && b[2] == 0) || (b[0] == 198 && b[1] is 18 or 19));
    }
}
