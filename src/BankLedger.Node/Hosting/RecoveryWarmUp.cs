using Akka.Actor;
using Akka.Persistence;
using BankLedger.Domain;

namespace BankLedger.Node.Hosting;

/// <summary>
/// Runs one account-style recovery before the node takes traffic: a throwaway persistent actor loads its latest
/// snapshot and replays its events (it has none), and a sample snapshot goes through the serializer both ways.
/// </summary>
/// <remarks>
/// Why: the first recovery after a start paid for building the journal plugin's snapshot and replay queries and
/// for compiling the snapshot reader — tens of milliseconds on top of the account's own recovery, charged to
/// whichever client happened to touch the first account with a snapshot. Paying it here, while the node is not
/// yet listening, keeps the first command after a restart as fast as any later recovery. Best effort: a failure
/// is logged and the node starts anyway (a broken journal shows on the first command, as before).
/// </remarks>
internal sealed class RecoveryWarmUp(ActorSystem system, ILogger<RecoveryWarmUp> logger) : IHostedService
{
    /// <summary>Accounts persist as <c>account-…</c>, so this id never holds an account's events.</summary>
    public const string PersistenceId = "bankledger-recovery-warm-up";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            RoundTripSampleSnapshot();
            var recovered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            system.ActorOf(Props.Create(() => new RecoveringProbe(recovered)), "recovery-warm-up");
            await recovered.Task.WaitAsync(Deadline, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Recovery path warmed up in {Ms:F0} ms", TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Recovery warm-up failed; the first account recovery will pay the set-up cost instead");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void RoundTripSampleSnapshot()
    {
        var at = DateTimeOffset.UnixEpoch;
        var processed = Enumerable.Range(1, 1_000).Select(i =>
            new ProcessedCommand(CommandId.Parse($"warm-up-{i}"), "00000000000000000000000000000000", i, "FundsDeposited", i, at));
        var sample = new AccountState
        {
            AccountId = AccountId.Parse("warm-up"), Sequence = 1_000, Status = AccountStatus.Open, Currency = Currency.Parse("EUR"),
            LastUpdatedAt = at, Processed = ProcessedCommands.FromOldestFirst(processed),
        };
        var serializer = system.Serialization.FindSerializerFor(sample);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, sample);
        system.Serialization.Deserialize(serializer.ToBinary(sample), serializer.Identifier, manifest);
    }

    private sealed class RecoveringProbe(TaskCompletionSource recovered) : UntypedPersistentActor
    {
        public override string PersistenceId => RecoveryWarmUp.PersistenceId;

        protected override void OnRecover(object message)
        {
            if (message is not RecoveryCompleted) return;
            recovered.TrySetResult();
            Context.Stop(Self);
        }

        protected override void OnCommand(object message) => Unhandled(message);

        protected override void OnRecoveryFailure(Exception reason, object? message = null)
        {
            recovered.TrySetException(reason);
            base.OnRecoveryFailure(reason, message);
        }
    }
}
