using System.Net;
using System.Net.Sockets;

namespace BankLedger.TestSupport;

/// <summary>Free TCP ports on the loopback interface.</summary>
public static class FreePort
{
    /// <summary>
    /// Returns a TCP port on 127.0.0.1 that was free at the time of the call (the OS picks it).
    /// Another process could take it before it is used; bind promptly.
    /// </summary>
    public static int Get()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Returns <paramref name="count"/> distinct free ports on 127.0.0.1.</summary>
    public static int[] Get(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var listeners = new List<TcpListener>(count);
        try
        {
            // Hold all sockets open together so the OS cannot hand out the same port twice.
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
