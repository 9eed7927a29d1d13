using System.Security.Cryptography;
using System.Text;

namespace BankLedger.Domain;

/// <summary>
/// Content digest of a command, used to detect an idempotency key reused for a different request.
/// It covers every client-supplied field in a fixed order with length prefixes, so no two different
/// commands can render to the same canonical text. Truncated SHA-256 (128 bits) keeps the dedup table small.
/// </summary>
public static class CommandFingerprint
{
    public static string Of(AccountCommand command)
    {
        var canonical = new StringBuilder();
        void Field(string? value) => canonical.Append(value?.Length ?? -1).Append(':').Append(value).Append('|');

        Field(command.CommandType);
        Field(command.AccountId.Value);
        Field(command.CommandId.Value);
        Field(command.ExpectedSequence?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Field(command.CreatedAt.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        switch (command)
        {
            case OpenAccount open:
                Field(open.Currency.Code);
                Field(open.OverdraftLimitCents.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Field(open.Owner);
                break;
            case DepositFunds deposit:
                Field(deposit.AmountCents.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Field(deposit.Currency.Code);
                Field(deposit.Reference);
                break;
            case WithdrawFunds withdraw:
                Field(withdraw.AmountCents.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Field(withdraw.Currency.Code);
                Field(withdraw.Reference);
                break;
            case LockAccount lockAccount:
                Field(lockAccount.Reason);
                break;
            case UnlockAccount unlock:
                Field(unlock.Reason);
                break;
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}
