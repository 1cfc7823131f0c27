using MicroHosting.Client;
using MicroHosting.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroHosting.Security.Internal;

/// <summary>
/// The default <see cref="IMicroCredentialProvider"/>: <c>&lt;Scheme&gt; &lt;token&gt;</c> from <see cref="MicroTokenOptions"/>,
/// the token file read again when it changes, sent only over TLS unless <see cref="MicroTokenOptions.AllowCleartext"/>.
/// </summary>
internal sealed partial class ConfiguredTokenProvider : IMicroCredentialProvider
{
    private readonly MicroTokenOptions _options;
    private readonly ReloadingFiles<string>? _file;
    private readonly ILogger<ConfiguredTokenProvider> _logger;
    private readonly string? _fixed;
    private int _cleartextLogged;

    public ConfiguredTokenProvider(IOptions<MicroTokenOptions> options, TimeProvider timeProvider, ILogger<ConfiguredTokenProvider> logger)
    {
        _options = options.Value;
        _logger = logger;
        if (!string.IsNullOrWhiteSpace(_options.File))
        {
            var file = _options.File;
            _file = new ReloadingFiles<string>([file], () => $"{_options.Scheme} {ReadToken(file)}", timeProvider, _options.ReloadInterval, logger);
        }
        else if (!string.IsNullOrWhiteSpace(_options.Value))
        {
            _fixed = $"{_options.Scheme} {_options.Value.Trim()}";
        }
    }

    /// <summary>Gets whether neither a token nor a token file is configured.</summary>
    public bool IsEmpty => _file is null && _fixed is null;

    public ValueTask<string?> GetAuthorizationAsync(MicroCredentialContext context, CancellationToken cancellationToken)
    {
        var value = _file is not null ? _file.Current : _fixed;
        if (value is null)
        {
            return ValueTask.FromResult<string?>(null);
        }

        if (!context.Secure && !_options.AllowCleartext)
        {
            if (Interlocked.Exchange(ref _cleartextLogged, 1) == 0)
            {
                LogNotOverCleartext(context.Service, context.Address);
            }

            return ValueTask.FromResult<string?>(null);
        }

        return ValueTask.FromResult<string?>(value);
    }

    /// <summary>Reads a token file: its content without surrounding white space; an unreadable, empty or multi-line file is an error.</summary>
    internal static string ReadToken(string file)
    {
        string token;
        try
        {
            token = System.IO.File.ReadAllText(file).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"The token file '{file}' (Micro:Client:Token:File / MICRO_CLIENT_TOKEN_FILE) cannot be read: {ex.Message}", ex);
        }

        return token.Length > 0 && token.AsSpan().IndexOfAny('\r', '\n') < 0
            ? token
            : throw new InvalidOperationException($"The token file '{file}' (Micro:Client:Token:File / MICRO_CLIENT_TOKEN_FILE) must hold one token on one line, but is empty or has several lines.");
    }

    [LoggerMessage(EventId = MicroEventIds.TokenNotSentOverCleartext, EventName = "TokenNotSentOverCleartext", Level = LogLevel.Warning,
        Message = "The configured token is not sent to {Service} at {Address}: the node has no TLS. Give the node TLS, or set Micro:Client:Token:AllowCleartext if TLS is provided around the process. Logged once.")]
    private partial void LogNotOverCleartext(string service, string address);
}
