namespace MicroHosting.Internal;

/// <summary>
/// Go Micro error codes (HTTP statuses) to gRPC status codes and back. The server direction is Go Micro v2's gRPC server
/// table (<c>server/grpc/error.go</c>) plus the codes MicroHosting itself raises (413, 429, 499, 504); the client
/// direction is its inverse, used only when <c>grpc-message</c> carries no Go Micro error JSON.
/// </summary>
internal static class GrpcStatusMap
{
    public const int Ok = 0;
    public const int Cancelled = 1;
    public const int Unknown = 2;
    public const int InvalidArgument = 3;
    public const int DeadlineExceeded = 4;
    public const int NotFound = 5;
    public const int AlreadyExists = 6;
    public const int PermissionDenied = 7;
    public const int ResourceExhausted = 8;
    public const int FailedPrecondition = 9;
    public const int Unimplemented = 12;
    public const int Internal = 13;
    public const int Unavailable = 14;
    public const int Unauthenticated = 16;

    /// <summary>The gRPC status a Go Micro error code travels as; codes without an equivalent are <c>Unknown</c> (2), as in Go Micro.</summary>
    public static int FromMicroCode(int code) => code switch
    {
        200 => Ok,
        400 => InvalidArgument,
        401 => Unauthenticated,
        403 => PermissionDenied,
        404 => NotFound,
        408 or 504 => DeadlineExceeded,
        409 => AlreadyExists,
        412 => FailedPrecondition,
        413 or 429 => ResourceExhausted,
        499 => Cancelled,
        500 => Internal,
        501 => Unimplemented,
        503 => Unavailable,
        _ => Unknown,
    };

    /// <summary>The Go Micro error code of a gRPC status whose message is not Go Micro error JSON; anything else is 500.</summary>
    public static int ToMicroCode(int status) => status switch
    {
        Ok => 200,
        Cancelled => 499,
        InvalidArgument => 400,
        DeadlineExceeded => 408,
        NotFound => 404,
        AlreadyExists => 409,
        PermissionDenied => 403,
        ResourceExhausted => 429,
        FailedPrecondition => 412,
        Unimplemented => 501,
        Internal => 500,
        Unavailable => 503,
        Unauthenticated => 401,
        _ => 500,
    };
}
