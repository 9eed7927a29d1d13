using BankLedger.Projections;

namespace BankLedger.Node.Hosting;

/// <summary>Creates the read store's schema before the projection or any query touches it.</summary>
internal sealed class ReadStoreInitializer(IReadStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
