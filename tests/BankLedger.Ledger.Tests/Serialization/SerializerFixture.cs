using Akka.Actor;
using BankLedger.Ledger.Serialization;

namespace BankLedger.Ledger.Tests.Serialization;

/// <summary>One plain ActorSystem per test class, only because a serializer is constructed with one.</summary>
public sealed class SerializerFixture : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serialization");

    public SerializerFixture() => Serializer = new LedgerSerializer((ExtendedActorSystem)_system);

    public LedgerSerializer Serializer { get; }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
