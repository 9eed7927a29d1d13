using System.Runtime.CompilerServices;
using Akka.Streams.Implementation.Fusing;
using BankLedger.Node.Hosting;

namespace BankLedger.IntegrationTests;

public sealed class ReflectionCacheAnchorTests
{
    [Fact]
    public void A_held_types_constructors_survive_a_collection_and_an_unheld_types_do_not()
    {
        ReflectionCacheAnchor.HoldStreamInterpreterConstructors();
        var held = WeakConstructorOf(typeof(ActorGraphInterpreter));
        // The control: the premise the anchor rests on, that .NET lets go of reflection data nobody holds.
        var unheld = WeakConstructorOf(typeof(NeverReflectedElsewhere));

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.True(held.IsAlive, "the stream interpreter's constructors were collected although held");
        Assert.False(unheld.IsAlive, "reflection data nobody holds was kept: the anchor would be unnecessary");
    }

    /// <summary>Not inlined, so no local of the caller keeps the constructor reachable.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference WeakConstructorOf(Type type) => new(type.GetConstructors(ReflectionCacheAnchor.Constructors)[0]);

    private sealed class NeverReflectedElsewhere;
}
