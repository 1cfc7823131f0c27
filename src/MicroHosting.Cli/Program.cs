using MicroHosting.Cli;

return await CliApplication.RunAsync(args).ConfigureAwait(false);
