using System.Net;
using System.Net.Sockets;

namespace KnowledgePlatform.IntegrationTests.Support;

/// <summary>Loopback ports for servers a test starts itself.</summary>
public static class LoopbackPort
{
    /// <summary>A port nothing listens on now (the system's choice), for a server that must keep its address across restarts.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
