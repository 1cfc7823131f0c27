using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Cli.Tests;

/// <summary>
/// The tool with its default registry, mDNS, against a Kestrel service announced over mDNS: both pinned to <c>lo</c> and
/// to an mDNS domain of this test's own, so nothing multicasts outside loopback and parallel tests do not see each other.
/// </summary>
public sealed class CliOverMdnsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task ServicesAndCall_DefaultMdnsRegistry_FindTheServiceAndGetItsReply()
    {
        var domain = "t" + Guid.NewGuid().ToString("N")[..10];
        var service = "mdnsgreeter-" + Guid.NewGuid().ToString("N")[..8];
        await using var app = await StartServiceAsync(service, domain);
        var environment = new Dictionary<string, string?>
        {
            // No MICRO_REGISTRY: mdns is the tool's default. MicroCli also sets MICRO_MDNS_INTERFACES=lo.
            ["Micro__Mdns__Domain"] = domain,
        };

        // The service's announcement may still be on its way when the first listing asks.
        CliResult services;
        var deadline = DateTime.UtcNow + Wait;
        do
        {
            services = await MicroCli.RunAsync(environment, "services");
        }
        while (!services.Output.Contains(service, StringComparison.Ordinal) && DateTime.UtcNow < deadline);

        Assert.True(services.ExitCode == 0, services.ToString());
        Assert.Contains(service, services.Output.Split('\n', StringSplitOptions.TrimEntries));

        // Each run is a fresh process with one mDNS query: on a loaded machine its answer can miss the query window.
        CliResult call;
        do
        {
            call = await MicroCli.RunAsync(environment, "call", service, "Greeter.Hello", """{"name":"Mdns"}""");
        }
        while (call.ExitCode == 3 && DateTime.UtcNow < deadline);

        Assert.True(call.ExitCode == 0, call.ToString());
        Assert.Equal("Hello Mdns", JsonDocument.Parse(call.Output).RootElement.GetProperty("message").GetString());

        // Another domain on the same interface does not see it.
        var other = await MicroCli.RunAsync(new Dictionary<string, string?> { ["Micro__Mdns__Domain"] = "t" + Guid.NewGuid().ToString("N")[..10] }, "services", "--timeout", "3s");
        Assert.True(other.ExitCode == 0, other.ToString());
        Assert.DoesNotContain(service, other.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallAndService_NothingAnnounced_NotFoundNamesTheInterfacesAndDomainListenedOnAndHowToChoose()
    {
        var domain = "t" + Guid.NewGuid().ToString("N")[..10];
        var environment = new Dictionary<string, string?> { ["Micro__Mdns__Domain"] = domain };
        var missing = "nosuch-" + Guid.NewGuid().ToString("N")[..8];

        var call = await MicroCli.RunAsync(environment, "call", missing, "Greeter.Hello", "{}");
        var service = await MicroCli.RunAsync(environment, "service", missing);

        var hint = $"(mDNS listened on lo in domain '{domain}'; choose the interfaces with MICRO_MDNS_INTERFACES, for example MICRO_MDNS_INTERFACES=lo for this machine only, "
            + "and the domain with Micro__Mdns__Domain: 'micro' for Go Micro v2 and later, 'local' for v1)";
        Assert.True(call.ExitCode == 3, call.ToString());
        Assert.Matches($@"error: service {missing}\b.* not found\b.* {Regex.Escape(hint)}", call.Error);
        Assert.True(service.ExitCode == 3, service.ToString());
        Assert.Matches($@"error: service {missing}\b.* not found\b.* {Regex.Escape(hint)}", service.Error);
    }

    private static async Task<WebApplication> StartServiceAsync(string name, string domain)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Services.AddMicro(o =>
            {
                o.Name = name;
                o.Registry = "mdns";
            })
            .AddMdnsRegistry(o =>
            {
                o.Domain = domain;
                o.Interfaces.Clear();
                o.Interfaces.Add("lo");
            });
        var app = builder.Build();
        app.MapMicroHandler("Greeter.Hello", (HelloRequest request) => new HelloReply("Hello " + request.Name));
        await app.StartAsync();
        return app;
    }
}
