using System.Net;
using System.Net.Sockets;

namespace KnowledgePlatform.IntegrationTests.Support;

/// <summary>Loopback ports for servers a test starts itself.</summary>
public static class LoopbackPort
{
    // Below Linux's ephemeral range (32768-60999): a port the system hands out for port 0 is also handed out for every
    // outgoing connection, so between our check and the server's bind a database or HTTP client could take it (a
    // server then failed to start with "address already in use"). Ports here are only ever taken on purpose, and each
    // is handed out once per test run.
    private const int First = 20000;
    private const int Count = 12000;
    private static int _next = Random.Shared.Next(Count);

    /// <summary>A port nothing listens on now, for a server that must keep its address across restarts.</summary>
    public static int Free()
    {
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _next) % Count);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken by something else on this machine: try the next.
            }
        }
        throw new InvalidOperationException($"No free loopback port between {First} and {First + Count - 1}.");
    }
}
