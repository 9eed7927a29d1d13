using System.Reflection;
using Akka.Streams.Implementation.Fusing;

namespace BankLedger.Node.Hosting;

/// <summary>
/// Keeps, for the node's life, the reflection data of the actor Akka.Streams creates for every stream it runs.
/// </summary>
/// <remarks>
/// Akka creates each stream's <see cref="ActorGraphInterpreter"/> by reflection, and the journal plugin's live query
/// runs a stream for every poll (about a hundred a second). .NET holds a type's reflection data — its constructors,
/// and the invoke stub it emits and JIT-compiles for a constructor called repeatedly — only weakly. With nothing else
/// holding it, a gen-0 collection (the node paces about twenty a second) dropped it, and the next polls rebuilt it
/// and compiled the stub again: 64 of the 214 methods <c>DOTNET_JitStdOutFile</c> listed in 12 s of a steady write
/// phase; with this anchor, once per process. A strong reference to the constructors keeps all of it. It was the
/// only type the JIT listed over and over, so it is the only one held.
/// </remarks>
internal static class ReflectionCacheAnchor
{
    internal const BindingFlags Constructors = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    private static ConstructorInfo[]? _held;

    public static void HoldStreamInterpreterConstructors() =>
        _held ??= typeof(ActorGraphInterpreter).GetConstructors(Constructors);
}
