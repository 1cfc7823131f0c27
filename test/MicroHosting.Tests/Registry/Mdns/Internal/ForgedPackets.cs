namespace MicroHosting.Tests.Registry.Mdns.Internal;

/// <summary>Hand-built hostile packets, shared with MicroHosting.FunctionalTests (the mDNS tests on lo).</summary>
internal static class ForgedPackets
{
    /// <summary>
    /// The forged answer from the bug report: <c>PTR greeter.local. -&gt; &lt;40 bytes of 0xFF&gt;.greeter.local.</c>,
    /// optionally followed by a valid PTR.
    /// </summary>
    public static byte[] Ptr(string service, uint ttl, bool andValid = false)
    {
        var bytes = new List<byte> { 0, 0, 0x84, 0, 0, 0, 0, (byte)(andValid ? 2 : 1), 0, 0, 0, 0 };
        void Name(IEnumerable<byte[]> labels)
        {
            foreach (var label in labels)
            {
                bytes.Add((byte)label.Length);
                bytes.AddRange(label);
            }

            bytes.Add(0);
        }

        byte[][] Labels(string name) => [.. name.TrimEnd('.').Split('.').Select(l => System.Text.Encoding.ASCII.GetBytes(l))];
        void Ptr(byte[][] target)
        {
            Name(Labels(service));
            bytes.AddRange([0, 12, 0, 1, (byte)(ttl >> 24), (byte)(ttl >> 16), (byte)(ttl >> 8), (byte)ttl]);
            var lengthAt = bytes.Count;
            bytes.AddRange([0, 0]);
            Name(target);
            var length = bytes.Count - lengthAt - 2;
            bytes[lengthAt] = (byte)(length >> 8);
            bytes[lengthAt + 1] = (byte)length;
        }

        Ptr([Enumerable.Repeat((byte)0xFF, 40).ToArray(), .. Labels(service)]);
        if (andValid)
        {
            Ptr(Labels("greeter-1." + service));
        }

        return [.. bytes];
    }
}
