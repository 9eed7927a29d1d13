using BankLedger.Domain;
using BankLedger.Ledger;

namespace BankLedger.Api;

/// <summary>Delivers a command to its account's single writer (wherever in the cluster it lives) and returns its reply.</summary>
public interface ICommandGateway
{
    /// <exception cref="TimeoutException">No reply within the configured timeout.</exception>
    Task<CommandReply> SendAsync(AccountCommand command, CancellationToken cancellationToken);
}
