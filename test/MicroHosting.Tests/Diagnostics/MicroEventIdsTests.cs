using System.Reflection;
using MicroHosting.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Tests.Diagnostics;

public sealed class MicroEventIdsTests
{
    private static readonly LoggerMessageAttribute[] Events = [.. typeof(MicroEventIds).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
        .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
        .OfType<LoggerMessageAttribute>()];

    [Fact]
    public void LoggerMessages_EveryEventIdAndName_AppearsOnceAndComesFromTheTable()
    {
        var table = typeof(MicroEventIds).GetFields().ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!);

        Assert.Equal(table.Count, Events.Length); // the control: every [LoggerMessage] of the package was found
        Assert.Equal(Events.Length, Events.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(Events.Length, Events.Select(e => e.EventName).Distinct().Count());
        Assert.All(Events, e => Assert.Equal(table[e.EventName!], e.EventId));
    }

    [Fact]
    public void Table_Ids_StayOutOfThePlugInPackagesRanges()
    {
        // etcd uses 600-699 and NATS 700-799 in their own tables.
        Assert.DoesNotContain(typeof(MicroEventIds).GetFields().Select(f => (int)f.GetRawConstantValue()!), id => id is >= 600 and < 800);
    }
}
