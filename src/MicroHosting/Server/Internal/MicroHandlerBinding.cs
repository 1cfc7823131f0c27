using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Server.Internal;

/// <summary>
/// A handler method's call, compiled by the MicroHosting source generator: what <see cref="MicroHandlerFactory"/> would
/// otherwise build with <c>MakeGenericMethod</c>, which Native AOT cannot do.
/// </summary>
internal abstract class MicroHandlerBinding(Type handlerType, string methodName, Type[] parameters)
{
    public Type HandlerType { get; } = handlerType;

    public bool Matches(MethodInfo method)
    {
        if (method.Name != methodName)
        {
            return false;
        }

        var actual = method.GetParameters();
        if (actual.Length != parameters.Length)
        {
            return false;
        }

        for (var i = 0; i < actual.Length; i++)
        {
            if (actual[i].ParameterType != parameters[i])
            {
                return false;
            }
        }

        return true;
    }

    public abstract MicroHandler Build(string name, MethodInfo method, ObjectFactory factory);
}
