namespace MicroHosting.Client;

/// <summary>
/// Supplies the credential a call presents, per attempt: the value of the <c>Authorization</c> header, for example
/// <c>Bearer eyJ...</c>. Used for unary calls, streams (on the upgrade request) and the http broker's deliveries. The
/// default reads a token from configuration or from a file that may be replaced at any time
/// (<c>Micro:Client:Token</c>, see <see cref="MicroTokenOptions"/>). Register your own as a singleton to fetch tokens
/// from elsewhere (a workload identity, an OAuth client); it is called for every attempt, so cache what is expensive.
/// </summary>
public interface IMicroCredentialProvider
{
    /// <summary>Gets the <c>Authorization</c> header value for one attempt, or <see langword="null"/> to send none.</summary>
    /// <param name="context">The service, endpoint and node being called.</param>
    /// <param name="cancellationToken">Cancelled when the call is.</param>
    /// <returns>The header value, or <see langword="null"/>.</returns>
    ValueTask<string?> GetAuthorizationAsync(MicroCredentialContext context, CancellationToken cancellationToken);
}
