using MicroHosting.Benchmarks;

return await BenchmarkApp.RunAsync(args, Console.Out, Console.Error, CancellationToken.None).ConfigureAwait(false);
