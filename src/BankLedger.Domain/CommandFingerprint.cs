using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BankLedger.Domain;

/// <summary>
/// Content digest of a command, used to detect an idempotency key reused for a different request.
/// It covers every client-supplied field in a fixed order with length prefixes, so no two different
/// commands can render to the same canonical text. Truncated SHA-256 (128 bits) keeps the dedup table small.
/// </summary>
/// <remarks>
/// Held as two numbers; its text form (32 lowercase hex digits, what events and snapshots store) is made only at
/// those boundaries. Every idempotency-window entry holds a fingerprint, and as a string it was 88 bytes on the
/// heap per accepted command, most of what a window entry costs.
/// </remarks>
public readonly record struct CommandFingerprint(ulong High, ulong Low)
{
    private const int HexLength = 32;

    /// <summary>No fingerprint (an event built without a command, e.g. in tests); its text is empty.</summary>
    public static readonly CommandFingerprint None = default;

    public static CommandFingerprint Of(AccountCommand command)
    {
        var scratch = t_scratch ??= new Scratch();
        var canonical = scratch.Canonical.Clear();
        void Field(ReadOnlySpan<char> value) => canonical.Append(value.Length).Append(':').Append(value).Append('|');
        void Absent() => canonical.Append("-1:|");
        void Text(string? value) { if (value is null) Absent(); else Field(value); }
        void Number(long value)
        {
            Span<char> digits = stackalloc char[20];
            value.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
            Field(digits[..written]);
        }

        Text(command.CommandType);
        Text(command.AccountId.Value);
        Text(command.CommandId.Value);
        if (command.ExpectedSequence is { } expected) Number(expected); else Absent();
        Number(command.CreatedAt.UtcTicks);
        switch (command)
        {
            case OpenAccount open:
                Text(open.Currency.Code);
                Number(open.OverdraftLimitCents);
                Text(open.Owner);
                break;
            case DepositFunds deposit:
                Number(deposit.AmountCents);
                Text(deposit.Currency.Code);
                Text(deposit.Reference);
                break;
            case WithdrawFunds withdraw:
                Number(withdraw.AmountCents);
                Text(withdraw.Currency.Code);
                Text(withdraw.Reference);
                break;
            case LockAccount lockAccount:
                Text(lockAccount.Reason);
                break;
            case UnlockAccount unlock:
                Text(unlock.Reason);
                break;
        }
        return scratch.Hash();
    }

    /// <summary>Reads the stored text form; the empty text is <see cref="None"/>.</summary>
    /// <exception cref="FormatException">Not empty and not 32 hex digits.</exception>
    public static CommandFingerprint Parse(string text) =>
        TryParse(text ?? throw new ArgumentNullException(nameof(text)), out var value)
            ? value
            : throw new FormatException($"A command fingerprint is {HexLength} hex digits, not '{text}'.");

    /// <summary>Reads the stored text form (empty: <see cref="None"/>); false unless empty or 32 hex digits.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out CommandFingerprint value)
    {
        value = None;
        if (text.IsEmpty) return true;
        Span<byte> bytes = stackalloc byte[HexLength / 2];
        if (text.Length != HexLength || Convert.FromHexString(text, bytes, out _, out var written) != OperationStatus.Done || written != bytes.Length)
            return false;
        value = new CommandFingerprint(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
        return true;
    }

    /// <summary>The stored text form: 32 lowercase hex digits, or empty for <see cref="None"/>.</summary>
    public override string ToString()
    {
        if (this == None) return "";
        Span<byte> bytes = stackalloc byte[HexLength / 2];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, High);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], Low);
        return Convert.ToHexStringLower(bytes);
    }

    [ThreadStatic] private static Scratch? t_scratch;

    /// <summary>
    /// One text builder and encoder per thread: the canonical text is hashed straight from the builder's chunks,
    /// never made into a string (the encoder keeps a surrogate pair split across two chunks whole).
    /// </summary>
    private sealed class Scratch
    {
        public readonly StringBuilder Canonical = new(256);
        private readonly Encoder _utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetEncoder();

        public CommandFingerprint Hash()
        {
            var maxBytes = Encoding.UTF8.GetMaxByteCount(Canonical.Length);
            byte[]? rented = null;
            var utf8 = maxBytes <= 1024 ? stackalloc byte[maxBytes] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
            try
            {
                _utf8.Reset();
                var length = 0;
                foreach (var chunk in Canonical.GetChunks())
                    length += _utf8.GetBytes(chunk.Span, utf8[length..], flush: false);
                length += _utf8.GetBytes([], utf8[length..], flush: true);
                Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
                SHA256.HashData(utf8[..length], hash);
                return new CommandFingerprint(BinaryPrimitives.ReadUInt64BigEndian(hash), BinaryPrimitives.ReadUInt64BigEndian(hash[8..]));
            }
            finally
            {
                if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
