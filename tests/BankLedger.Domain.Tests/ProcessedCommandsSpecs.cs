using System.Collections.Immutable;
using CsCheck;

namespace BankLedger.Domain.Tests;

public sealed class ProcessedCommandsSpecs
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ProcessedCommand Entry(int n, DateTimeOffset at) =>
        new(CommandId.Parse($"c-{n}"), new CommandFingerprint(0xF1, (ulong)n), n, nameof(FundsDeposited), n * 100L, at);

    /// <summary>Adds entries numbered <paramref name="first"/>.. one by one, each at the time <paramref name="at"/> gives.</summary>
    private static ProcessedCommands AddAll(ProcessedCommands window, int first, int count, Func<int, DateTimeOffset> at)
    {
        for (var n = first; n < first + count; n++) window = window.Add(Entry(n, at(n)));
        return window;
    }

    private static bool Holds(ProcessedCommands window, int n) => window.Find(CommandId.Parse($"c-{n}")) is not null;

    [Fact]
    public void The_window_bounds_are_1000_entries_24_hours_and_a_hard_cap_of_10000()
    {
        Assert.Equal(1_000, ProcessedCommands.MinRetained);
        Assert.Equal(10_000, ProcessedCommands.HardCap);
        Assert.Equal(TimeSpan.FromHours(24), ProcessedCommands.RetainFor);
    }

    [Fact]
    public void A_found_entry_is_returned_as_it_was_added()
    {
        var window = ProcessedCommands.Empty.Add(Entry(1, T0));

        Assert.Equal(Entry(1, T0), window.Find(CommandId.Parse("c-1")));
        Assert.Null(window.Find(CommandId.Parse("c-2")));
    }

    [Fact]
    public void Adding_returns_a_new_window_and_leaves_the_old_one_untouched()
    {
        var one = ProcessedCommands.Empty.Add(Entry(1, T0));

        var two = one.Add(Entry(2, T0));

        Assert.Equal(1, one.Count);
        Assert.Equal(2, two.Count);
        Assert.Equal(0, ProcessedCommands.Empty.Count);
    }

    [Fact]
    public void Keeps_the_newest_1000_entries_regardless_of_age()
    {
        // Each entry a day after the previous one: every entry but the newest is older than 24 hours.
        var window = AddAll(ProcessedCommands.Empty, 1, 1_500, n => T0.AddDays(n));

        Assert.Equal(1_000, window.Count);
        Assert.True(Holds(window, 501), "oldest of the newest 1,000");
        Assert.True(Holds(window, 1_500));
        Assert.False(Holds(window, 500));
        Assert.False(Holds(window, 1));
    }

    [Fact]
    public void Keeps_up_to_1000_entries_however_old_they_are()
    {
        var window = AddAll(ProcessedCommands.Empty, 1, 1_000, n => T0.AddDays(n * 30));

        Assert.Equal(1_000, window.Count);
        Assert.True(Holds(window, 1));
    }

    [Fact]
    public void Keeps_entries_younger_than_24_hours_beyond_1000()
    {
        var window = AddAll(ProcessedCommands.Empty, 1, 3_000, n => T0.AddSeconds(n));

        Assert.Equal(3_000, window.Count);
        Assert.True(Holds(window, 1));
        Assert.True(Holds(window, 3_000));
    }

    [Fact]
    public void Evicts_entries_older_than_24_hours_once_above_1000()
    {
        var window = AddAll(ProcessedCommands.Empty, 1, 1_500, _ => T0);
        Assert.Equal(1_500, window.Count);

        window = AddAll(window, 1_501, 1_000, _ => T0.AddHours(25));

        Assert.Equal(1_000, window.Count);
        Assert.All(Enumerable.Range(1, 1_500), n => Assert.False(Holds(window, n)));
        Assert.All(Enumerable.Range(1_501, 1_000), n => Assert.True(Holds(window, n)));
    }

    [Fact]
    public void Evicts_old_entries_only_down_to_1000()
    {
        var window = AddAll(ProcessedCommands.Empty, 1, 1_200, _ => T0);

        window = window.Add(Entry(1_201, T0.AddHours(25)));

        Assert.Equal(1_000, window.Count);
        Assert.False(Holds(window, 201));
        Assert.True(Holds(window, 202), "the newest 1,000 stay even though they are old");
        Assert.True(Holds(window, 1_201));
    }

    [Fact]
    public void Keeps_an_entry_exactly_24_hours_old_and_evicts_it_one_tick_later()
    {
        var window = AddAll(ProcessedCommands.Empty, 1, 1_000, _ => T0);

        var atTheEdge = window.Add(Entry(1_001, T0 + ProcessedCommands.RetainFor));
        var pastTheEdge = window.Add(Entry(1_001, T0 + ProcessedCommands.RetainFor + TimeSpan.FromTicks(1)));

        Assert.Equal(1_001, atTheEdge.Count);
        Assert.True(Holds(atTheEdge, 1));
        Assert.Equal(1_000, pastTheEdge.Count);
        Assert.False(Holds(pastTheEdge, 1));
    }

    [Fact]
    public void Entries_younger_than_24_hours_stay_beyond_1000_while_older_ones_go()
    {
        // 600 entries at T0, 1,000 at T0+12h, then one at T0+30h: only the T0 batch is more than 24h older than the newest.
        var window = AddAll(ProcessedCommands.Empty, 1, 600, _ => T0);
        window = AddAll(window, 601, 1_000, _ => T0.AddHours(12));

        window = window.Add(Entry(1_601, T0.AddHours(30)));

        Assert.Equal(1_001, window.Count);
        Assert.All(Enumerable.Range(1, 600), n => Assert.False(Holds(window, n)));
        Assert.All(Enumerable.Range(601, 1_001), n => Assert.True(Holds(window, n)));
    }

    [Fact]
    public void Never_exceeds_10000_entries_even_when_all_are_young()
    {
        var window = AddAll(ProcessedCommands.Empty, 1, 12_000, _ => T0);

        Assert.Equal(10_000, window.Count);
        Assert.False(Holds(window, 2_000));
        Assert.True(Holds(window, 2_001), "the hard cap drops the oldest first");
        Assert.True(Holds(window, 12_000));
    }

    [Fact]
    public void The_count_never_exceeds_the_hard_cap_at_any_step()
    {
        var window = ProcessedCommands.Empty;
        for (var n = 1; n <= 10_050; n++)
        {
            window = window.Add(Entry(n, T0.AddMilliseconds(n)));
            if (window.Count > ProcessedCommands.HardCap) Assert.Fail($"{window.Count} entries after adding #{n}");
        }
        Assert.Equal(ProcessedCommands.HardCap, window.Count);
    }

    [Fact]
    public void Oldest_first_lists_entries_in_the_order_they_were_added()
    {
        var window = AddAll(ProcessedCommands.Empty, 1, 5, n => T0.AddMinutes(n));

        Assert.Equal(Enumerable.Range(1, 5).Select(n => Entry(n, T0.AddMinutes(n))), window.OldestFirst);
    }

    [Fact]
    public void From_oldest_first_round_trips()
    {
        var window = AddAll(ProcessedCommands.Empty, 1, 2_500, n => T0.AddMinutes(n * 2));

        var restored = ProcessedCommands.FromOldestFirst(window.OldestFirst);

        Assert.Equal(window.Count, restored.Count);
        Assert.Equal(window.OldestFirst, restored.OldestFirst);
        Assert.All(window.OldestFirst, entry => Assert.Equal(entry, restored.Find(entry.CommandId)));
    }

    [Fact]
    public void From_oldest_first_of_nothing_is_empty()
    {
        Assert.Equal(0, ProcessedCommands.FromOldestFirst([]).Count);
    }

    [Fact]
    public void From_oldest_first_applies_the_same_eviction_as_adding()
    {
        var entries = Enumerable.Range(1, 1_500).Select(n => Entry(n, T0.AddDays(n))).ToList();

        var restored = ProcessedCommands.FromOldestFirst(entries);

        Assert.Equal(1_000, restored.Count);
        Assert.Equal(entries.Skip(500), restored.OldestFirst);
    }

    /// <summary>No clock says year 1, but a damaged snapshot can; restoring it must not throw from date arithmetic.</summary>
    [Fact]
    public void A_window_from_the_first_day_of_year_one_restores_and_keeps_its_entries()
    {
        var entries = Enumerable.Range(1, 1_500).Select(n => Entry(n, DateTimeOffset.MinValue.AddSeconds(n))).ToList();

        var restored = ProcessedCommands.FromOldestFirst(entries);

        Assert.Equal(1_500, restored.Count);
        Assert.Equal(entries, restored.OldestFirst);
    }

    [Fact]
    public void Restoring_a_window_from_its_snapshot_order_gives_the_same_window_whatever_the_timing()
    {
        // Steps between commands from a millisecond to two days, so windows mix the 1,000 floor, the 24 h rule and the cap.
        var steps = Gen.Int[0, 3].SelectMany(kind => kind switch
        {
            0 => Gen.Long[1, 1_000].Select(ms => TimeSpan.FromMilliseconds(ms)),
            1 => Gen.Long[1, 120].Select(m => TimeSpan.FromMinutes(m)),
            2 => Gen.Long[1, 48].Select(h => TimeSpan.FromHours(h)),
            _ => Gen.Const(TimeSpan.Zero),
        }).Array[1, 12_000];

        steps.Sample(gaps =>
        {
            var at = T0;
            var window = ProcessedCommands.Empty;
            for (var n = 0; n < gaps.Length; n++)
            {
                at += gaps[n];
                window = window.Add(Entry(n, at));
            }

            var restored = ProcessedCommands.FromOldestFirst(window.OldestFirst);

            Assert.Equal(window.OldestFirst, restored.OldestFirst);
            Assert.Equal(window.Count, restored.Count);
        }, iter: 25);
    }

    /// <summary>One generated command: the time since the previous one, and whether it repeats an earlier command id (1 in 20).</summary>
    private readonly record struct Step(TimeSpan Gap, bool Repeat, int Pick);

    // Gaps from a millisecond to two days, so windows mix the 1,000 floor, the 24 h rule and the cap.
    private static readonly Gen<Step> Steps = Gen.Select(
        Gen.Int[0, 3].SelectMany(kind => kind switch
        {
            0 => Gen.Long[1, 1_000].Select(ms => TimeSpan.FromMilliseconds(ms)),
            1 => Gen.Long[1, 120].Select(m => TimeSpan.FromMinutes(m)),
            2 => Gen.Long[1, 48].Select(h => TimeSpan.FromHours(h)),
            _ => Gen.Const(TimeSpan.Zero),
        }),
        Gen.Int[0, 19],
        Gen.Int[0, int.MaxValue],
        (gap, roll, pick) => new Step(gap, roll == 0, pick));

    /// <summary>Turns steps into entries: increasing sequence and time, a fresh command id unless a step repeats one.</summary>
    private sealed class History
    {
        private DateTimeOffset _at = T0;
        private int _sequence;

        public List<CommandId> Ids { get; } = [];

        public ProcessedCommand Next(Step step, bool allowRepeats)
        {
            _at += step.Gap;
            _sequence++;
            CommandId id;
            if (allowRepeats && step.Repeat && Ids.Count > 0) id = Ids[step.Pick % Ids.Count];
            else Ids.Add(id = CommandId.Parse($"c-{_sequence}"));
            return new ProcessedCommand(id, new CommandFingerprint(0xF1, (ulong)_sequence), _sequence, nameof(FundsDeposited), _sequence * 100L, _at);
        }
    }

    private static void AssertSameAnswers(ProcessedCommands expected, ProcessedCommands actual, IEnumerable<CommandId> ids)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.OldestFirst, actual.OldestFirst);
        Assert.All(ids, id => Assert.Equal(expected.Find(id), actual.Find(id)));
    }

    [Fact]
    public void Adding_to_a_restored_window_answers_exactly_like_adding_to_the_window_it_was_restored_from()
    {
        // Built by Add only with unique ids (as the domain does); then the same adds, repeats included, on both.
        Gen.Select(Steps.Array[1, 11_000], Steps.Array[1, 3_000]).Sample((before, after) =>
        {
            var history = new History();
            var original = ProcessedCommands.Empty;
            foreach (var step in before) original = original.Add(history.Next(step, allowRepeats: false));
            var restored = ProcessedCommands.FromOldestFirst(original.OldestFirst);
            AssertSameAnswers(original, restored, history.Ids);

            for (var i = 0; i < after.Length; i++)
            {
                var entry = history.Next(after[i], allowRepeats: true);
                original = original.Add(entry);
                restored = restored.Add(entry);
                Assert.Equal(original.Count, restored.Count);
                if (i % 500 == 0) AssertSameAnswers(original, restored, history.Ids);
            }
            AssertSameAnswers(original, restored, history.Ids);
        }, iter: 25);
    }

    [Fact]
    public void Restoring_and_adding_answer_exactly_like_the_single_dictionary_window_even_with_repeated_ids()
    {
        Gen.Select(Steps.Array[0, 11_000], Steps.Array[1, 3_000]).Sample((snapshot, after) =>
        {
            var history = new History();
            var entries = snapshot.Select(step => history.Next(step, allowRepeats: true)).ToList();
            var reference = ReferenceWindow.FromOldestFirst(entries);
            var window = ProcessedCommands.FromOldestFirst(entries);
            reference.AssertSameAnswers(window, history.Ids);

            for (var i = 0; i < after.Length; i++)
            {
                var entry = history.Next(after[i], allowRepeats: true);
                reference = reference.Add(entry);
                window = window.Add(entry);
                Assert.Equal(reference.ById.Count, window.Count);
                if (i % 500 == 0) reference.AssertSameAnswers(window, history.Ids);
            }
            reference.AssertSameAnswers(window, history.Ids);
        }, iter: 25);
    }

    [Fact]
    public void Windows_derived_from_one_parent_see_only_their_own_entries()
    {
        var parent = AddAll(ProcessedCommands.Empty, 1, 3, _ => T0);
        var left = parent.Add(Entry(10, T0));
        var right = parent.Add(Entry(20, T0)); // a sibling of left: must not see 10, nor left see 20
        var leftLater = left.Add(Entry(11, T0));

        Assert.True(Holds(left, 10) && !Holds(left, 20));
        Assert.True(Holds(right, 20) && !Holds(right, 10) && !Holds(right, 11));
        Assert.True(Holds(leftLater, 10) && Holds(leftLater, 11) && !Holds(leftLater, 20));
        Assert.Equal([1, 2, 3], parent.OldestFirst.Select(e => (int)e.Sequence));
        Assert.Equal([1, 2, 3, 20], right.OldestFirst.Select(e => (int)e.Sequence));
        Assert.Equal(3, parent.Count);
    }

    [Fact]
    public void A_sibling_adding_the_same_entry_shares_it_and_both_go_on_independently()
    {
        // What the account actor does: a working state and the durable state add the same entries from one parent.
        var parent = AddAll(ProcessedCommands.Empty, 1, 2, _ => T0);
        var working = parent.Add(Entry(3, T0)).Add(Entry(4, T0));
        var durable = parent.Add(Entry(3, T0)).Add(Entry(4, T0)).Add(Entry(5, T0));
        var workingNext = working.Add(Entry(6, T0));

        Assert.Equal([1, 2, 3, 4, 5], durable.OldestFirst.Select(e => (int)e.Sequence));
        Assert.Equal([1, 2, 3, 4, 6], workingNext.OldestFirst.Select(e => (int)e.Sequence));
        Assert.True(!Holds(workingNext, 5) && !Holds(durable, 6));
    }

    [Fact]
    public void Any_tree_of_windows_derived_from_each_other_answers_like_the_single_dictionary_window()
    {
        // Each step extends a randomly chosen earlier window, so windows branch off one another at every point and
        // re-add an entry a sibling already added or a different one, with repeated ids and evictions: a window
        // is a value, whatever its representation shares between the windows derived from it.
        Gen.Select(Steps.Array[1, 4_000], Gen.Int[0, int.MaxValue].Array[4_000], Gen.Int[0, 9].Array[4_000]).Sample((steps, picks, kinds) =>
        {
            var history = new History();
            var windows = new List<(ProcessedCommands Window, ReferenceWindow Reference, ProcessedCommand? Last)>
            {
                (ProcessedCommands.Empty, ReferenceWindow.FromOldestFirst([]), null),
            };
            for (var i = 0; i < steps.Length; i++)
            {
                // Mostly one of the three newest windows (deep chains, so evictions happen),
                // sometimes any window (branches far back).
                var from = picks[i] % 5 == 0 ? picks[i] / 5 % windows.Count : Math.Max(0, windows.Count - 1 - picks[i] / 5 % 3);
                var (window, reference, _) = windows[from];
                // 1 in 10: re-add the entry some window added last (as the actor's working and durable states do).
                var entry = kinds[i] == 0 && windows[picks[i] / 7 % windows.Count].Last is { } last
                    ? last
                    : history.Next(steps[i], allowRepeats: true);
                windows.Add((window.Add(entry), reference.Add(entry), entry));
            }
            foreach (var (window, reference, _) in windows.Where((_, n) => n % 50 == 0 || n == windows.Count - 1))
            {
                reference.AssertSameAnswers(window, history.Ids);
            }
        }, iter: 25);
    }

    /// <summary>
    /// The window as first written: one immutable dictionary and one queue, rebuilt in full on restore. It is
    /// the definition of the answers the two-part window must reproduce, including what it does with a repeated
    /// command id (evicting an entry forgets its id, even when a later entry with the same id is still queued).
    /// </summary>
    private sealed record ReferenceWindow(ImmutableDictionary<string, ProcessedCommand> ById, ImmutableQueue<ProcessedCommand> Queue)
    {
        public static ReferenceWindow FromOldestFirst(IReadOnlyList<ProcessedCommand> entries) =>
            entries.Count == 0
                ? new(ImmutableDictionary<string, ProcessedCommand>.Empty, ImmutableQueue<ProcessedCommand>.Empty)
                : new ReferenceWindow(
                    entries.Aggregate(ImmutableDictionary<string, ProcessedCommand>.Empty, (byId, e) => byId.SetItem(e.CommandId.Value, e)),
                    ImmutableQueue.CreateRange(entries)).Trim(entries[^1].OccurredAt);

        public ReferenceWindow Add(ProcessedCommand entry) =>
            new ReferenceWindow(ById.SetItem(entry.CommandId.Value, entry), Queue.Enqueue(entry)).Trim(entry.OccurredAt);

        public void AssertSameAnswers(ProcessedCommands window, IEnumerable<CommandId> ids)
        {
            Assert.Equal(ById.Count, window.Count);
            Assert.Equal(Queue, window.OldestFirst);
            Assert.All(ids, id => Assert.Equal(ById.GetValueOrDefault(id.Value), window.Find(id)));
        }

        private ReferenceWindow Trim(DateTimeOffset newest)
        {
            var (byId, queue) = (ById, Queue);
            while (byId.Count > ProcessedCommands.MinRetained)
            {
                var oldest = queue.Peek();
                if (oldest.OccurredAt >= newest - ProcessedCommands.RetainFor && byId.Count <= ProcessedCommands.HardCap) break;
                queue = queue.Dequeue();
                byId = byId.Remove(oldest.CommandId.Value);
            }
            return new ReferenceWindow(byId, queue);
        }
    }
}
