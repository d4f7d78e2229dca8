using Microsoft.Extensions.Logging;
using Voicebot.Providers.Local.Technicians;
using static Voicebot.Providers.Local.Tests.Support.AvailabilityFactory;

namespace Voicebot.Providers.Local.Tests.Technicians;

public sealed class ScheduledTechnicianAvailabilityTests
{
    private static readonly Guid CallId = new("5d6f1c2e-8a43-4f6b-9d1e-0c2b3a4f5e6d");

    // Europe/Paris is UTC+1 in winter (CET) and UTC+2 in summer (CEST). 2025-01-06 and 2025-07-07 are Mondays.
    public static TheoryData<DateTimeOffset, bool> DefaultScheduleCases => new()
    {
        { Utc(2025, 1, 6, 8, 0), true },        // Monday 09:00 CET
        { Utc(2025, 1, 6, 7, 0), true },        // Monday 08:00 CET: opening is inclusive
        { Utc(2025, 1, 6, 6, 59, 59), false },  // Monday 07:59:59 CET
        { Utc(2025, 1, 6, 17, 59, 59), true },  // Monday 18:59:59 CET
        { Utc(2025, 1, 6, 18, 0), false },      // Monday 19:00 CET: closing is exclusive
        { Utc(2025, 1, 6, 0, 30), false },      // Monday 01:30 CET
        { Utc(2025, 1, 10, 12, 0), true },      // Friday 13:00 CET
        { Utc(2025, 1, 10, 23, 30), false },    // Saturday 00:30 CET (still Friday in UTC)
        { Utc(2025, 1, 11, 7, 59), false },     // Saturday 08:59 CET
        { Utc(2025, 1, 11, 8, 0), true },       // Saturday 09:00 CET
        { Utc(2025, 1, 11, 10, 59, 59), true }, // Saturday 11:59:59 CET
        { Utc(2025, 1, 11, 11, 0), false },     // Saturday 12:00 CET
        { Utc(2025, 1, 12, 9, 0), false },      // Sunday 10:00 CET
        { Utc(2025, 7, 7, 6, 0), true },        // Monday 08:00 CEST
        { Utc(2025, 7, 7, 5, 59, 59), false },  // Monday 07:59:59 CEST
        { Utc(2025, 7, 7, 16, 59, 59), true },  // Monday 18:59:59 CEST
        { Utc(2025, 7, 7, 17, 0), false },      // Monday 19:00 CEST
    };

    [Theory]
    [MemberData(nameof(DefaultScheduleCases))]
    public async Task IsAvailableAsync_DefaultSchedule_FollowsParisOfficeHours(DateTimeOffset utcNow, bool expected)
    {
        var (availability, _, _) = Create(utcNow);

        var available = await availability.IsAvailableAsync(CallId, TestContext.Current.CancellationToken);

        Assert.Equal(expected, available);
    }

    [Fact]
    public async Task IsAvailableAsync_SameUtcTimeAcrossSpringForward_OpensOneHourEarlierInUtc()
    {
        // 06:30Z is 07:30 CET on Friday 28 March 2025 and 08:30 CEST on Monday 31 March (clocks went forward on the 30th).
        var (availability, time, _) = Create(Utc(2025, 3, 28, 6, 30));
        var ct = TestContext.Current.CancellationToken;

        var beforeChange = await availability.IsAvailableAsync(CallId, ct);
        time.Advance(TimeSpan.FromDays(3));
        var afterChange = await availability.IsAvailableAsync(CallId, ct);

        Assert.False(beforeChange);
        Assert.True(afterChange);
    }

    [Fact]
    public async Task IsAvailableAsync_SameUtcTimeAcrossFallBack_OpensOneHourLaterInUtc()
    {
        // 06:30Z is 08:30 CEST on Monday 20 October 2025 and 07:30 CET on Monday 27 October (clocks went back on the 26th).
        var (availability, time, _) = Create(Utc(2025, 10, 20, 6, 30));
        var ct = TestContext.Current.CancellationToken;

        var beforeChange = await availability.IsAvailableAsync(CallId, ct);
        time.Advance(TimeSpan.FromDays(7));
        var afterChange = await availability.IsAvailableAsync(CallId, ct);

        Assert.True(beforeChange);
        Assert.False(afterChange);
    }

    [Fact]
    public async Task IsAvailableAsync_OneSecondAcrossSpringForward_SkipsTheMissingHour()
    {
        // 30 March 2025: 01:59:59 CET (00:59:59Z) is followed by 03:00:00 CEST (01:00:00Z).
        var options = new TechnicianOptions { OfficeHours = [Range(DayOfWeek.Sunday, "01:00", "03:00")] };
        var (availability, time, _) = Create(Utc(2025, 3, 30, 0, 59, 59), options);
        var ct = TestContext.Current.CancellationToken;

        var lastSecondOfWinter = await availability.IsAvailableAsync(CallId, ct);
        time.Advance(TimeSpan.FromSeconds(1));
        var firstSecondOfSummer = await availability.IsAvailableAsync(CallId, ct);

        Assert.True(lastSecondOfWinter);
        Assert.False(firstSecondOfSummer);
    }

    [Theory]
    [InlineData(23, 59, 59, false)] // Saturday 23:59:59Z = Sunday 01:59:59 CEST
    [InlineData(0, 0, 0, true)]     // 02:00:00 CEST, first pass
    [InlineData(0, 59, 59, true)]   // 02:59:59 CEST
    [InlineData(1, 0, 0, true)]     // 02:00:00 CET, the repeated hour
    [InlineData(1, 59, 59, true)]   // 02:59:59 CET
    [InlineData(2, 0, 0, false)]    // 03:00:00 CET
    public async Task IsAvailableAsync_RepeatedHourAtFallBack_OpenDuringBothPasses(int hour, int minute, int second, bool expected)
    {
        // 26 October 2025: 02:00–03:00 local happens twice, 00:00Z–01:00Z (CEST) then 01:00Z–02:00Z (CET).
        var options = new TechnicianOptions { OfficeHours = [Range(DayOfWeek.Sunday, "02:00", "03:00")] };
        var utcNow = hour == 23 ? Utc(2025, 10, 25, hour, minute, second) : Utc(2025, 10, 26, hour, minute, second);
        var (availability, _, _) = Create(utcNow, options);

        var available = await availability.IsAvailableAsync(CallId, TestContext.Current.CancellationToken);

        Assert.Equal(expected, available);
    }

    [Fact]
    public async Task IsAvailableAsync_AlwaysAvailableOnSundayNight_ReturnsTrue()
    {
        var options = new TechnicianOptions { Mode = TechnicianAvailabilityMode.AlwaysAvailable };
        var (availability, _, _) = Create(Utc(2025, 1, 12, 2, 0), options);

        var available = await availability.IsAvailableAsync(CallId, TestContext.Current.CancellationToken);

        Assert.True(available);
    }

    [Fact]
    public async Task IsAvailableAsync_NeverAvailableOnMondayMorning_ReturnsFalse()
    {
        var options = new TechnicianOptions { Mode = TechnicianAvailabilityMode.NeverAvailable };
        var (availability, _, _) = Create(Utc(2025, 1, 6, 9, 0), options);

        var available = await availability.IsAvailableAsync(CallId, TestContext.Current.CancellationToken);

        Assert.False(available);
    }

    [Fact]
    public async Task IsAvailableAsync_ConfiguredRanges_ReplaceTheDefault()
    {
        var options = new TechnicianOptions { OfficeHours = [Range(DayOfWeek.Sunday, "10:00", "12:00")] };
        var (availability, time, _) = Create(Utc(2025, 1, 6, 9, 0), options);   // Monday 10:00 CET
        var ct = TestContext.Current.CancellationToken;

        var monday = await availability.IsAvailableAsync(CallId, ct);
        time.Advance(TimeSpan.FromDays(6));                                        // Sunday 10:00 CET
        var sunday = await availability.IsAvailableAsync(CallId, ct);

        Assert.False(monday);
        Assert.True(sunday);
    }

    [Theory]
    [InlineData(22, 59, 59, true)]  // Friday 23:59:59 CET
    [InlineData(23, 0, 0, false)]   // Saturday 00:00 CET
    [InlineData(18, 59, 59, false)] // Friday 19:59:59 CET
    public async Task IsAvailableAsync_ClosesAtMidnight_OpenUntilTheEndOfTheDay(int hour, int minute, int second, bool expected)
    {
        var options = new TechnicianOptions { OfficeHours = [Range(DayOfWeek.Friday, "20:00", "00:00")] };
        var (availability, _, _) = Create(Utc(2025, 1, 10, hour, minute, second), options);

        var available = await availability.IsAvailableAsync(CallId, TestContext.Current.CancellationToken);

        Assert.Equal(expected, available);
    }

    [Fact]
    public async Task IsAvailableAsync_ReunionTimeZone_UsesThatZone()
    {
        // 05:00Z on Monday 6 January 2025 is 09:00 in Réunion (UTC+4, no DST) but 06:00 in Paris.
        var reunion = new TechnicianOptions { TimeZone = "Indian/Reunion" };
        var (inReunion, _, _) = Create(Utc(2025, 1, 6, 5, 0), reunion);
        var (inParis, _, _) = Create(Utc(2025, 1, 6, 5, 0));
        var ct = TestContext.Current.CancellationToken;

        var reunionAvailable = await inReunion.IsAvailableAsync(CallId, ct);
        var parisAvailable = await inParis.IsAvailableAsync(CallId, ct);

        Assert.True(reunionAvailable);
        Assert.False(parisAvailable);
    }

    [Fact]
    public async Task IsAvailableAsync_OptionsMutatedAfterConstruction_KeepsTheScheduleItWasBuiltWith()
    {
        var options = new TechnicianOptions { OfficeHours = [Range(DayOfWeek.Monday, "08:00", "19:00")] };
        var (availability, _, _) = Create(Utc(2025, 1, 6, 9, 0), options);

        options.OfficeHours[0].Days.Clear();
        options.Mode = TechnicianAvailabilityMode.NeverAvailable;
        var available = await availability.IsAvailableAsync(CallId, TestContext.Current.CancellationToken);

        Assert.True(available);
    }

    [Fact]
    public async Task IsAvailableAsync_CancelledToken_ThrowsOperationCanceled()
    {
        var (availability, _, _) = Create(Utc(2025, 1, 6, 9, 0));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await availability.IsAvailableAsync(CallId, cts.Token));
    }

    [Fact]
    public async Task IsAvailableAsync_Answer_LoggedWithCallIdFirst()
    {
        var (availability, _, logger) = Create(Utc(2025, 1, 6, 9, 0));

        await availability.IsAvailableAsync(CallId, TestContext.Current.CancellationToken);

        var entry = Assert.Single(logger.Entries, e => e.EventId.Id == 1);
        Assert.Equal("TechnicianAvailabilityChecked", entry.EventId.Name);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Equal(new KeyValuePair<string, object?>("CallId", CallId), entry.Arguments[0]);
        Assert.Contains(new KeyValuePair<string, object?>("Available", true), entry.Arguments);
        Assert.Contains("10:00:00+01:00", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_Always_LogsTheScheduleInForce()
    {
        var (_, _, logger) = Create(Utc(2025, 1, 6, 9, 0));

        var entry = Assert.Single(logger.Entries);

        Assert.Equal(2, entry.EventId.Id);
        Assert.Equal("TechnicianScheduleLoaded", entry.EventId.Name);
        Assert.Contains(new KeyValuePair<string, object?>("TimeZone", "Europe/Paris"), entry.Arguments);
        Assert.Contains(new KeyValuePair<string, object?>("RangeCount", 2), entry.Arguments);
    }

    [Fact]
    public void Constructor_UnknownTimeZone_ThrowsArgumentException()
    {
        var options = new TechnicianOptions { TimeZone = "Europe/Atlantis" };

        var ex = Assert.Throws<ArgumentException>(() => Create(Utc(2025, 1, 6, 9, 0), options));

        Assert.Contains("Europe/Atlantis", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TimeZone_EuropeParisUnderInvariantGlobalization_Resolves()
    {
        // The repository builds with InvariantGlobalization: IANA ids must still resolve from the tz database.
        var invariant = AppContext.TryGetSwitch("System.Globalization.Invariant", out var on) && on;

        var found = TimeZoneInfo.TryFindSystemTimeZoneById(TechnicianOptions.DefaultTimeZone, out var zone);

        Assert.True(invariant);
        Assert.True(found);
        Assert.Equal(TimeSpan.FromHours(1), zone!.GetUtcOffset(Utc(2025, 1, 15, 12, 0)));
        Assert.Equal(TimeSpan.FromHours(2), zone.GetUtcOffset(Utc(2025, 7, 15, 12, 0)));
    }
}
