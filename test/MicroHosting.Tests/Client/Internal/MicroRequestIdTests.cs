using MicroHosting.Client.Internal;

namespace MicroHosting.Tests.Client.Internal;

public sealed class MicroRequestIdTests
{
    [Fact]
    public void New_IsAVersion4UuidInGuidFormat()
    {
        for (var i = 0; i < 1000; i++)
        {
            var id = MicroRequestId.New();

            Assert.Equal(36, id.Length);
            Assert.True(Guid.TryParseExact(id, "D", out var guid), id);
            Assert.Equal(4, guid.Version);
            Assert.Equal('4', id[14]); // xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx, y one of 8, 9, a, b
            Assert.Contains(id[19], "89ab");
        }
    }

    [Fact]
    public void New_DifferentEveryCall()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(ids.Add(MicroRequestId.New()));
        }
    }
}
