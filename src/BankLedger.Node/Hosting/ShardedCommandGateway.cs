using Akka.Actor;
using Akka.Hosting;
using BankLedger.Api;
using BankLedger.Domain;
using BankLedger.Ledger;

namespace BankLedger.Node.Hosting;

/// <summary>Marker key for the account shard region (or proxy) in Akka.Hosting's actor registry.</summary>
public sealed class AccountRegion;

/// <summary>Asks the account shard region; sharding routes the command to the account's node.</summary>
internal sealed class ShardedCommandGateway(IRequiredActor<AccountRegion> region, NodeSettings settings) : ICommandGateway
{
    public async Task<CommandReply> SendAsync(AccountCommand command, CancellationToken cancellationToken)
    {
        var actor = await region.GetAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await actor.Ask<CommandReply>(command, settings.Http.CommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            throw new TimeoutException($"No reply from account '{command.AccountId}' within {settings.Http.CommandTimeout}.", e);
        }
    }
}
