using Microsoft.Extensions.Options;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>Checks <see cref="NatsBrokerOptions"/> when the host starts, with messages that say what to change.</summary>
internal sealed class NatsBrokerOptionsValidator : IValidateOptions<NatsBrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, NatsBrokerOptions options)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(options.MessageFormat))
        {
            errors.Add($"Micro:Nats:MessageFormat '{options.MessageFormat}' is not a message format. Use GoMicro (Go Micro's JSON envelope, the default) or Headers (native NATS headers).");
        }

        if (options.PublishTimeout <= TimeSpan.Zero)
        {
            errors.Add($"Micro:Nats:PublishTimeout must be positive (got {options.PublishTimeout}); for example 00:00:05.");
        }

        if (string.IsNullOrEmpty(options.TlsCertFile) != string.IsNullOrEmpty(options.TlsKeyFile))
        {
            errors.Add("Micro:Nats:TlsCertFile and Micro:Nats:TlsKeyFile go together: set both (a client certificate and its key) or neither.");
        }

        foreach (var (setting, file) in new[] { ("TlsCaFile", options.TlsCaFile), ("TlsCertFile", options.TlsCertFile), ("TlsKeyFile", options.TlsKeyFile), ("CredentialsFile", options.CredentialsFile) })
        {
            if (!string.IsNullOrWhiteSpace(file) && !File.Exists(file))
            {
                errors.Add($"Micro:Nats:{setting} '{file}' does not exist.");
            }
        }

        if (!string.IsNullOrEmpty(options.User) && string.IsNullOrEmpty(options.Password))
        {
            errors.Add("Micro:Nats:User is set without Micro:Nats:Password: set both for user/password authentication.");
        }

        ValidateJetStream(options.JetStream, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateJetStream(NatsJetStreamOptions js, List<string> errors)
    {
        const string Section = "Micro:Nats:JetStream";
        if (!ValidName(js.Stream) || !ValidName(js.DeadLetterStream) || js.Stream == js.DeadLetterStream)
        {
            errors.Add($"{Section}:Stream '{js.Stream}' and DeadLetterStream '{js.DeadLetterStream}' must be two different names without spaces, '.', '*', '>' or slashes.");
        }

        if (string.IsNullOrWhiteSpace(js.DeadLetterPrefix) || js.DeadLetterPrefix.Contains('*', StringComparison.Ordinal) || js.DeadLetterPrefix.Contains('>', StringComparison.Ordinal) || js.DeadLetterPrefix.EndsWith('.'))
        {
            errors.Add($"{Section}:DeadLetterPrefix '{js.DeadLetterPrefix}' must be a subject without wildcards, for example micro.deadletter.");
        }

        if (js.Subjects.Any(s => JetStreamNames.Covers(s, js.DeadLetterPrefix + ".x")))
        {
            errors.Add($"{Section}:Subjects ({string.Join(", ", js.Subjects)}) cover the dead-letter subjects {js.DeadLetterPrefix}.>: use narrower subjects or another DeadLetterPrefix.");
        }

        if (js.MaxDeliver < 1)
        {
            errors.Add($"{Section}:MaxDeliver must be at least 1 (got {js.MaxDeliver}).");
        }

        if (js.PublishTimeout <= TimeSpan.Zero || js.PublishAttemptTimeout <= TimeSpan.Zero || js.AckWait < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{Section}:PublishTimeout and PublishAttemptTimeout must be positive and AckWait at least 1 s (got {js.PublishTimeout}, {js.PublishAttemptTimeout}, {js.AckWait}).");
        }

        if (js.Backoff.Any(b => b < TimeSpan.Zero))
        {
            errors.Add($"{Section}:Backoff delays cannot be negative.");
        }

        if (js.Prefetch < 1 || js.MaxAckPending < 1)
        {
            errors.Add($"{Section}:Prefetch and MaxAckPending must be at least 1 (got {js.Prefetch}, {js.MaxAckPending}).");
        }

        if (!Enum.IsDefined(js.Retention) || !Enum.IsDefined(js.DeliverFrom))
        {
            errors.Add($"{Section}:Retention is Limits, Interest or WorkQueue and DeliverFrom is All, New, ByTime or BySequence (got {js.Retention}, {js.DeliverFrom}).");
        }

        if (js.DeliverFrom == NatsJetStreamStart.ByTime && js.StartTime is null)
        {
            errors.Add($"{Section}:DeliverFrom is ByTime: set {Section}:StartTime (for example 2026-01-01T00:00:00Z).");
        }

        if (js.DeliverFrom == NatsJetStreamStart.BySequence && js.StartSequence is null or 0)
        {
            errors.Add($"{Section}:DeliverFrom is BySequence: set {Section}:StartSequence (1 or more).");
        }
    }

    private static bool ValidName(string name)
        => !string.IsNullOrWhiteSpace(name) && name.IndexOfAny(['.', '*', '>', '/', '\\', ' ', '\t']) < 0;
}
