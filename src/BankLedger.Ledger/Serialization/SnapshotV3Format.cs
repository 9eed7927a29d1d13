using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using BankLedger.Domain;

namespace BankLedger.Ledger.Serialization;

/// <summary>
/// The <c>V3.AccountSnapshot</c> layout, what snapshots are written as: <see cref="SnapshotV2Format"/> with the
/// idempotency window's entries about half the size. Why: recovery reads a whole window (up to 10,000 entries)
/// before the first command, and in V2 an entry took ~60 bytes besides its command id, most of them a
/// fingerprint as 32 hex digits and an event type name. Here the fingerprint is its 16 bytes, the event type one
/// byte, and the balance and time are differences from the previous entry (consecutive commands are close in
/// both): ~25 bytes besides the command id.
/// <para>
/// THIS LAYOUT NEVER CHANGES. Stored snapshots hold these bytes; a different layout is a new manifest
/// (<c>V4.AccountSnapshot</c>) with its own format class, and this one stays readable. The golden file
/// <c>Golden/V3.AccountSnapshot.bin</c> in the tests must keep matching byte for byte.
/// </para>
/// <code>
/// Snapshot, in this order (building blocks and header: see SnapshotBinary)
///   1 byte      format: 0x03 (anything else is refused)
///   header
///   varint      entry count N of the idempotency window
///   N entries, oldest first, each:
///     string    command id
///     16 bytes  command fingerprint: its high 64 bits, then its low 64 bits, each big-endian (the order of its hex text)
///     zigzag    sequence minus the previous entry's sequence
///     1 byte    event type: 1 AccountOpened, 2 FundsDeposited, 3 FundsWithdrawn, 4 AccountLocked,
///               5 AccountUnlocked; 0 = a name without a code follows, as a string
///     zigzag    balance after (cents) minus the previous entry's balance after
///     zigzag    occurred at, UTC ticks minus the previous entry's UTC ticks
///     zigzag    occurred at, offset from UTC in whole minutes
///   "the previous entry's" value is 0 for the first entry
///   nothing after the last entry (trailing bytes are refused)
/// </code>
/// Reading validates as <see cref="SnapshotV2Format"/> does: a wrong format byte, truncation, lengths or counts
/// past the end, invalid UTF-8, ids, event type codes, status, presence flags or timestamps, and trailing bytes
/// are a <see cref="SerializationException"/> naming the byte offset, never an index or overflow error.
/// </summary>
internal static class SnapshotV3Format
{
    public const byte FormatByte = 0x03;

    private const string Layout = "V3.AccountSnapshot";

    /// <summary>The code of a name not in <see cref="SnapshotBinary.EventTypeNames"/>; the others are their index + 1.</summary>
    private const byte UnlistedEventType = 0;

    public static byte[] Write(AccountState state)
    {
        var (writer, entries) = SnapshotBinary.StartWriting(state, FormatByte, bytesPerEntry: 64);
        long previousSequence = 0, previousBalance = 0, previousTicks = 0;
        foreach (var entry in entries)
        {
            writer.String(entry.CommandId.Value);
            var fingerprint = writer.Fixed(16);
            BinaryPrimitives.WriteUInt64BigEndian(fingerprint, entry.Fingerprint.High);
            BinaryPrimitives.WriteUInt64BigEndian(fingerprint[8..], entry.Fingerprint.Low);
            writer.Signed(entry.Sequence - previousSequence);
            var code = EventTypeCode(entry.EventType);
            writer.Byte(code);
            if (code == UnlistedEventType) writer.String(entry.EventType);
            // Differences wrap around on overflow, and reading adds them back the same way: exact for any values.
            writer.Signed(unchecked(entry.BalanceAfterCents - previousBalance));
            writer.Signed(entry.OccurredAt.UtcTicks - previousTicks);
            writer.Signed((long)entry.OccurredAt.Offset.TotalMinutes);
            (previousSequence, previousBalance, previousTicks) = (entry.Sequence, entry.BalanceAfterCents, entry.OccurredAt.UtcTicks);
        }
        return writer.ToArray();
    }

    // Fully optimized from the first call: this runs once per recovering account, mostly in a node's first
    // seconds, when tiered compilation still holds new code at tier 0 (the tier-up delay restarts with every
    // newly compiled method). At tier 0 a 10,000-entry V2 snapshot took 12-14 ms to read on a cold node.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static AccountState Read(ReadOnlySpan<byte> bytes)
    {
        var reader = new SnapshotReader(bytes, Layout);
        var (header, count) = SnapshotBinary.StartReading(ref reader, FormatByte);
        var entries = new ProcessedCommand[count];
        long sequence = 0, balance = 0, ticks = 0;
        for (var i = 0; i < count; i++)
        {
            var commandId = CommandId.TryParse(reader.String("command id"), out var cid) ? cid : throw reader.Invalid("command id");
            var fingerprintBytes = reader.Fixed(16, "fingerprint");
            var fingerprint = new CommandFingerprint(
                BinaryPrimitives.ReadUInt64BigEndian(fingerprintBytes), BinaryPrimitives.ReadUInt64BigEndian(fingerprintBytes[8..]));
            sequence = unchecked(sequence + reader.Signed("sequence delta"));
            var eventType = EventType(ref reader);
            balance = unchecked(balance + reader.Signed("balance after delta"));
            var ticksDelta = reader.Signed("occurred at");
            var offsetMinutes = reader.Signed("occurred at offset");
            // Valid ticks are 0..3.2e18 and a delta is within ±9.3e18, so the sum cannot wrap into the valid range.
            ticks = unchecked(ticks + ticksDelta);
            var occurredAt = SnapshotBinary.TryTimestamp(ticks, offsetMinutes)
                ?? throw reader.Invalid($"occurred at (ticks {ticks}, offset {offsetMinutes} minutes)");
            entries[i] = new ProcessedCommand(commandId, fingerprint, sequence, eventType, balance, occurredAt);
        }
        reader.End();

        return header with { Processed = ProcessedCommands.FromOldestFirst(entries) };
    }

    // IndexOf is -1 for an unlisted name, so its code is 0.
    private static byte EventTypeCode(string eventType) => (byte)(Array.IndexOf(SnapshotBinary.EventTypeNames, eventType) + 1);

    /// <summary>An event type: the shared string for a code, a new one for an unlisted name.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string EventType(ref SnapshotReader reader)
    {
        var code = reader.Byte("event type");
        if (code == UnlistedEventType) return reader.String("event type");
        return code <= SnapshotBinary.EventTypeNames.Length ? SnapshotBinary.EventTypeNames[code - 1] : throw reader.Invalid($"event type code {code}");
    }
}
