using MicroHosting.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Server.Internal;

internal sealed partial class MicroReplyWriter
{
    [LoggerMessage(EventId = MicroEventIds.HandlerFailed, EventName = "HandlerFailed", Level = LogLevel.Error, Message = "Handler {Endpoint} failed; the caller got a 500 error without details.")]
    private static partial void LogHandlerFailed(ILogger logger, string endpoint, Exception exception);
}
