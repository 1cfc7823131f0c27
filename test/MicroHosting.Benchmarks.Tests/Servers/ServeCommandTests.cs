using MicroHosting.Benchmarks.Servers;

namespace MicroHosting.Benchmarks.Tests.Servers;

public sealed class ServeCommandTests
{
    [Fact]
    public void ParseReady_SevenFields_ReadsEach()
    {
        var addresses = ServeCommand.ParseReady("READY http://127.0.0.1:1/ http://127.0.0.1:2/ http://127.0.0.1:3/ http://127.0.0.1:4/ https://127.0.0.1:5/ https://127.0.0.1:6/ file:///tmp/pki/ca.pem");

        Assert.Equal(
            new ServerAddresses(new("http://127.0.0.1:1/"), new("http://127.0.0.1:2/"), new("http://127.0.0.1:3/"), new("http://127.0.0.1:4/"))
            {
                MicroTls = new("https://127.0.0.1:5/"),
                GrpcTls = new("https://127.0.0.1:6/"),
                CaFile = "/tmp/pki/ca.pem",
            },
            addresses);
    }

    [Theory]
    [InlineData("Unhandled exception. System.Exception", "The server process printed 'Unhandled exception. System.Exception' instead of its READY line.")]
    [InlineData("READY http://127.0.0.1:1/", "The server READY line has 1 addresses; expected 7: 'READY http://127.0.0.1:1/'.")]
    public void ParseReady_Garbage_ThrowsWithTheLine(string line, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ServeCommand.ParseReady(line));

        Assert.Equal(message, error.Message);
    }
}
