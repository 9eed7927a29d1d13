using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using System.Text;
using BankLedger.Domain;

namespace BankLedger.Ledger.Serialization;

/// <summary>
/// What the binary snapshot layouts (<see cref="SnapshotV2Format"/>, <see cref="SnapshotV3Format"/>) share: the
/// building blocks and the account header that precedes the idempotency window.
/// <code>
/// Building blocks
///   varint      unsigned integer, 7 bits per byte, least significant group first; high bit set = more bytes
///               follow (at most 10 bytes for 64 bits)
///   zigzag      signed integer as a varint of (n &lt;&lt; 1) ^ (n &gt;&gt; 63): 0, -1, 1, -2 … → 0, 1, 2, 3 …
///   string      varint byte length, then that many bytes of UTF-8 (no terminator)
///   timestamp   varint UTC ticks (DateTimeOffset.UtcTicks), then zigzag offset from UTC in whole minutes
///   optional X  1 byte presence flag: 0 = null (nothing follows), 1 = an X follows
///
/// Header, after the format byte
///   string      account id
///   zigzag      sequence (events applied)
///   1 byte      status: 0 = none, 1 = open, 2 = locked
///   optional    string currency (ISO 4217 code; null before the account is opened)
///   zigzag      balance cents
///   zigzag      overdraft limit cents
///   optional    string owner
///   optional    timestamp last updated at
/// </code>
/// A layout that needs a different header or building block gets its own; these never change, because V2
/// snapshots are stored data.
/// </summary>
internal static class SnapshotBinary
{
    private const byte StatusNone = 0, StatusOpen = 1, StatusLocked = 2;

    /// <summary>
    /// The event types a window records, in a fixed order: V3 stores an entry's type as its index + 1, and both
    /// layouts read these shared strings instead of allocating one per entry. Spelled out rather than nameof, so
    /// renaming a domain type cannot change what stored bytes mean. Append only.
    /// </summary>
    public static readonly string[] EventTypeNames = ["AccountOpened", "FundsDeposited", "FundsWithdrawn", "AccountLocked", "AccountUnlocked"];

    /// <summary>
    /// Writes what precedes the window — format byte, header, entry count — into a new writer sized for
    /// <paramref name="bytesPerEntry"/>; returns it and the entries to write next, oldest first.
    /// </summary>
    public static (SnapshotWriter Writer, ProcessedCommand[] Entries) StartWriting(AccountState state, byte formatByte, int bytesPerEntry)
    {
        // Every retained entry, counted as listed: Count is the number of distinct command ids, which could be fewer.
        var entries = state.Processed.OldestFirst.ToArray();
        var writer = new SnapshotWriter(capacity: 128 + entries.Length * bytesPerEntry);
        writer.Byte(formatByte);
        WriteHeader(writer, state);
        writer.Varint((ulong)entries.Length);
        return (writer, entries);
    }

    /// <summary>Reads what <see cref="StartWriting"/> wrote: the state without its window, and how many entries follow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see SnapshotV3Format.Read
    public static (AccountState Header, int EntryCount) StartReading(ref SnapshotReader reader, byte formatByte)
    {
        var format = reader.Byte("format byte");
        if (format != formatByte) throw reader.UnknownFormat(format, formatByte);
        var header = ReadHeader(ref reader);
        return (header, reader.Count("entry count"));
    }

    private static void WriteHeader(SnapshotWriter writer, AccountState state)
    {
        writer.String(state.AccountId.Value);
        writer.Signed(state.Sequence);
        writer.Byte(StatusCode(state.Status));
        writer.OptionalString(state.Currency.Code);
        writer.Signed(state.BalanceCents);
        writer.Signed(state.OverdraftLimitCents);
        writer.OptionalString(state.Owner);
        if (writer.Presence(state.LastUpdatedAt is not null)) writer.Timestamp(state.LastUpdatedAt!.Value);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static AccountState ReadHeader(ref SnapshotReader reader)
    {
        var accountId = AccountId.TryParse(reader.String("account id"), out var id) ? id : throw reader.Invalid("account id");
        var sequence = reader.Signed("sequence");
        var statusCode = reader.Byte("status");
        var status = statusCode switch
        {
            StatusNone => AccountStatus.None,
            StatusOpen => AccountStatus.Open,
            StatusLocked => AccountStatus.Locked,
            _ => throw reader.Invalid($"status {statusCode}"),
        };
        var currencyCode = reader.OptionalString("currency");
        var currency = currencyCode is null ? default : Currency.TryParse(currencyCode, out var c) ? c : throw reader.Invalid("currency");
        var balance = reader.Signed("balance");
        var overdraftLimit = reader.Signed("overdraft limit");
        var owner = reader.OptionalString("owner");
        DateTimeOffset? lastUpdatedAt = reader.Presence("last updated at") ? reader.Timestamp("last updated at") : null;
        return new AccountState
        {
            AccountId = accountId,
            Sequence = sequence,
            Status = status,
            Currency = currency,
            BalanceCents = balance,
            OverdraftLimitCents = overdraftLimit,
            Owner = owner,
            LastUpdatedAt = lastUpdatedAt,
            Processed = ProcessedCommands.Empty,
        };
    }

    // Spelled out rather than the enum's values, so renumbering the enum cannot change stored snapshots.
    private static byte StatusCode(AccountStatus status) => status switch
    {
        AccountStatus.None => StatusNone,
        AccountStatus.Open => StatusOpen,
        AccountStatus.Locked => StatusLocked,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    public static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    /// <summary>Turns <paramref name="utcTicks"/> UTC plus an offset into a timestamp, or null when either is out of range.</summary>
    public static DateTimeOffset? TryTimestamp(long utcTicks, long offsetMinutes)
    {
        const int maxOffsetMinutes = 14 * 60;
        if (utcTicks < 0 || utcTicks > DateTime.MaxValue.Ticks || offsetMinutes is < -maxOffsetMinutes or > maxOffsetMinutes) return null;
        var localTicks = utcTicks + offsetMinutes * TimeSpan.TicksPerMinute;
        if (localTicks < 0 || localTicks > DateTime.MaxValue.Ticks) return null;
        return new DateTimeOffset(localTicks, TimeSpan.FromMinutes(offsetMinutes));
    }
}

/// <summary>Appends the building blocks to a growing buffer.</summary>
internal sealed class SnapshotWriter(int capacity)
{
    private byte[] _buffer = new byte[capacity];
    private int _length;

    public void Byte(byte value)
    {
        Reserve(1);
        _buffer[_length++] = value;
    }

    public void Varint(ulong value)
    {
        Reserve(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_length++] = (byte)value;
    }

    public void Signed(long value) => Varint(SnapshotBinary.ZigZag(value));

    public void String(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Varint((ulong)length);
        Reserve(length);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    /// <summary>Raw bytes, no length: for fields of a fixed size.</summary>
    public Span<byte> Fixed(int length)
    {
        Reserve(length);
        var span = _buffer.AsSpan(_length, length);
        _length += length;
        return span;
    }

    public bool Presence(bool present)
    {
        Byte(present ? (byte)1 : (byte)0);
        return present;
    }

    public void OptionalString(string? value)
    {
        if (Presence(value is not null)) String(value!);
    }

    public void Timestamp(DateTimeOffset value)
    {
        Varint((ulong)value.UtcTicks);
        Signed((long)value.Offset.TotalMinutes);
    }

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    private void Reserve(int bytes)
    {
        if (_length + bytes > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
    }
}

/// <summary>
/// Reads the building blocks forward; every read checks what is left first, so bad bytes are a
/// <see cref="SerializationException"/> naming the layout, the field and the byte offset, never an index error.
/// </summary>
internal ref struct SnapshotReader(ReadOnlySpan<byte> bytes, string layout)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _bytes = bytes;
    private int _position;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public byte Byte(string field)
    {
        if (_position >= _bytes.Length) throw Truncated(field);
        return _bytes[_position++];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ulong Varint(string field)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Byte(field);
            // The tenth byte holds the 64th bit only; anything above it does not fit in 64 bits.
            if (shift == 63 && b > 1) throw Invalid($"{field} (varint longer than 64 bits)");
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw Invalid($"{field} (varint longer than 64 bits)");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long Signed(string field) => SnapshotBinary.UnZigZag(Varint(field));

    /// <summary>A count of items that each take at least one byte, so it can never exceed the bytes left.</summary>
    public int Count(string field)
    {
        var start = _position;
        var count = Varint(field);
        if (count > (ulong)(_bytes.Length - _position))
            throw new SerializationException($"{layout}: {field} {count} at byte {start} exceeds the {_bytes.Length - _position} bytes left (truncated or corrupt).");
        return (int)count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string String(string field) => Decode(Utf8(field), field);

    /// <summary>Text from the bytes of a string <see cref="Utf8"/> returned (the one just read).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly string Decode(ReadOnlySpan<byte> utf8, string field)
    {
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new SerializationException($"{layout}: {field} ending at byte {_position} is not valid UTF-8.", e);
        }
    }

    public string? OptionalString(string field) => Presence(field) ? String(field) : null;

    /// <summary>The next <paramref name="length"/> bytes, for fields of a fixed size.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> Fixed(int length, string field)
    {
        if (length > _bytes.Length - _position) throw Truncated(field);
        var span = _bytes.Slice(_position, length);
        _position += length;
        return span;
    }

    public bool Presence(string field) => Byte(field) switch
    {
        0 => false,
        1 => true,
        var flag => throw Invalid($"{field} presence flag {flag}"),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public DateTimeOffset Timestamp(string field)
    {
        var utcTicks = Varint(field);
        var offsetMinutes = Signed(field);
        return utcTicks <= long.MaxValue && SnapshotBinary.TryTimestamp((long)utcTicks, offsetMinutes) is { } timestamp
            ? timestamp
            : throw Invalid($"{field} (ticks {utcTicks}, offset {offsetMinutes} minutes)");
    }

    /// <summary>The bytes of a string, without decoding them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> Utf8(string field)
    {
        var start = _position;
        var length = Varint(field);
        if (length > (ulong)(_bytes.Length - _position))
            throw new SerializationException($"{layout}: truncated {field} at byte {start}: {length} bytes announced, {_bytes.Length - _position} left.");
        var utf8 = _bytes.Slice(_position, (int)length);
        _position += (int)length;
        return utf8;
    }

    public readonly void End()
    {
        if (_position != _bytes.Length)
            throw new SerializationException($"{layout}: {_bytes.Length - _position} unexpected byte(s) after the last entry, at byte {_position}.");
    }

    public readonly SerializationException UnknownFormat(byte found, byte expected) =>
        new($"{layout}: unknown format byte 0x{found:X2} (expected 0x{expected:X2}).");

    public readonly SerializationException Invalid(string field) =>
        new($"{layout}: invalid {field} before byte {_position}.");

    private readonly SerializationException Truncated(string field) =>
        new($"{layout}: truncated at byte {_position} of {_bytes.Length}, reading {field}.");
}
