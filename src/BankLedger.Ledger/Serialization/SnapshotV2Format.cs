using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using System.Text;
using BankLedger.Domain;

namespace BankLedger.Ledger.Serialization;

/// <summary>
/// The <c>V2.AccountSnapshot</c> layout: the first compact binary form of <see cref="AccountState"/>, written from
/// 2026-11-28 until <see cref="SnapshotV3Format"/> replaced it. It exists for recovery time: a full idempotency
/// window (10,000 entries) was 2 MB of V1 JSON that took 23–58 ms to parse, against a 20 ms budget for the first
/// command after a cold start.
/// <para>
/// THIS LAYOUT NEVER CHANGES. Stored snapshots hold these bytes and are read forever. The golden file
/// <c>Golden/V2.AccountSnapshot.bin</c> in the tests must keep reading to the same state, and <see cref="Write"/>
/// must keep writing it byte for byte: the node no longer writes V2, the writer stays so the tests can make full
/// size V2 snapshots to read.
/// </para>
/// <code>
/// Snapshot, in this order (building blocks and header: see SnapshotBinary)
///   1 byte      format: 0x02 (anything else is refused)
///   header
///   varint      entry count N of the idempotency window
///   N entries, oldest first, each:
///     string    command id
///     string    command fingerprint, 32 lowercase hex digits
///     zigzag    sequence minus the previous entry's sequence (the first entry: minus 0)
///     string    event type ("FundsDeposited", …)
///     zigzag    balance after, cents
///     timestamp occurred at
///   nothing after the last entry (trailing bytes are refused)
/// </code>
/// Reading validates as it goes: a wrong format byte, truncation, lengths or counts past the end, invalid UTF-8,
/// ids, currency, status, presence flags or timestamps, and trailing bytes are a <see cref="SerializationException"/>
/// naming the byte offset, never an index error. There is no checksum (the store keeps its own integrity): a
/// corrupted byte that still spells a valid value inside a string or number reads as that value.
/// </summary>
internal static class SnapshotV2Format
{
    public const byte FormatByte = 0x02;

    private const string Layout = "V2.AccountSnapshot";

    /// <summary>The shared event type names with their stored bytes; a name not listed still reads, as a new string.</summary>
    private static readonly (byte[] Utf8, string Name)[] KnownEventTypes =
        [.. SnapshotBinary.EventTypeNames.Select(name => (Encoding.UTF8.GetBytes(name), name))];

    public static byte[] Write(AccountState state)
    {
        var (writer, entries) = SnapshotBinary.StartWriting(state, FormatByte, bytesPerEntry: 96);
        var previousSequence = 0L;
        foreach (var entry in entries)
        {
            writer.String(entry.CommandId.Value);
            writer.String(entry.Fingerprint.ToString());
            writer.Signed(entry.Sequence - previousSequence);
            writer.String(entry.EventType);
            writer.Signed(entry.BalanceAfterCents);
            writer.Timestamp(entry.OccurredAt);
            previousSequence = entry.Sequence;
        }
        return writer.ToArray();
    }

    // Fully optimized from the first call, like SnapshotV3Format.Read: it runs in recovery, in a node's first seconds.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static AccountState Read(ReadOnlySpan<byte> bytes)
    {
        var reader = new SnapshotReader(bytes, Layout);
        var (header, count) = SnapshotBinary.StartReading(ref reader, FormatByte);
        var entries = new ProcessedCommand[count];
        var previousSequence = 0L;
        for (var i = 0; i < count; i++)
        {
            var commandId = CommandId.TryParse(reader.String("command id"), out var cid) ? cid : throw reader.Invalid("command id");
            var fingerprint = Fingerprint(ref reader);
            var entrySequence = previousSequence + reader.Signed("sequence delta");
            var eventType = EventType(ref reader);
            var balanceAfter = reader.Signed("balance after");
            var occurredAt = reader.Timestamp("occurred at");
            entries[i] = new ProcessedCommand(commandId, fingerprint, entrySequence, eventType, balanceAfter, occurredAt);
            previousSequence = entrySequence;
        }
        reader.End();

        return header with { Processed = ProcessedCommands.FromOldestFirst(entries) };
    }

    /// <summary>A command fingerprint, read from its hex text without making a string of it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static CommandFingerprint Fingerprint(ref SnapshotReader reader)
    {
        var utf8 = reader.Utf8("fingerprint");
        Span<char> hex = stackalloc char[32];
        if (utf8.Length > hex.Length) throw reader.Invalid("fingerprint");
        for (var i = 0; i < utf8.Length; i++) hex[i] = (char)utf8[i]; // hex digits are ASCII; any other byte fails below
        return CommandFingerprint.TryParse(hex[..utf8.Length], out var fingerprint) ? fingerprint : throw reader.Invalid("fingerprint");
    }

    /// <summary>An event type, as the shared string when it is one of the known names.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string EventType(ref SnapshotReader reader)
    {
        var utf8 = reader.Utf8("event type");
        foreach (var (known, name) in KnownEventTypes)
        {
            if (utf8.SequenceEqual(known)) return name;
        }
        return reader.Decode(utf8, "event type");
    }
}
