using System.Net;
using System.Net.Sockets;

namespace Spgd.Client.Cluster;

/// <summary>Picks currently unused TCP ports, so a local run never collides with a silo already running on the default ports.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
