using Voicebot.Providers.Local.Technicians;
using static Voicebot.Providers.Local.Tests.Support.AvailabilityFactory;

namespace Voicebot.Providers.Local.Tests.Technicians;

public sealed class TechnicianOptionsValidatorTests
{
    private readonly TechnicianOptionsValidator _validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var options = new TechnicianOptions();

        var result = _validator.Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_DefaultOfficeHours_Succeed()
    {
        var options = new TechnicianOptions { OfficeHours = [.. TechnicianOptions.CreateDefaultOfficeHours()] };

        var result = _validator.Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_UnknownTimeZone_FailsNamingTheZone()
    {
        var options = new TechnicianOptions { TimeZone = "Europe/Pariss" };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Europe/Pariss", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("TimeZone", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void Validate_BlankTimeZone_Fails(string timeZone)
    {
        var options = new TechnicianOptions { TimeZone = timeZone };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("TimeZone", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("19:00", "08:00")]
    [InlineData("08:00", "08:00")]
    public void Validate_OpensNotBeforeCloses_Fails(string opens, string closes)
    {
        var options = new TechnicianOptions { OfficeHours = [Range(DayOfWeek.Monday, opens, closes)] };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Closes", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ClosesAtMidnight_Succeeds()
    {
        var options = new TechnicianOptions { OfficeHours = [Range(DayOfWeek.Friday, "20:00", "00:00")] };

        var result = _validator.Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_MissingOpens_Fails()
    {
        var options = new TechnicianOptions { OfficeHours = [new OfficeHoursRange { Days = [DayOfWeek.Monday], Closes = new TimeOnly(19, 0) }] };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Opens", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoDays_Fails()
    {
        var options = new TechnicianOptions
        {
            OfficeHours = [new OfficeHoursRange { Opens = new TimeOnly(8, 0), Closes = new TimeOnly(19, 0) }],
        };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Days", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UndefinedDay_Fails()
    {
        var options = new TechnicianOptions
        {
            OfficeHours = [new OfficeHoursRange { Days = [(DayOfWeek)7], Opens = new TimeOnly(8, 0), Closes = new TimeOnly(19, 0) }],
        };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Days", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UndefinedMode_Fails()
    {
        var options = new TechnicianOptions { Mode = (TechnicianAvailabilityMode)42 };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Mode", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEveryOne()
    {
        var options = new TechnicianOptions
        {
            TimeZone = "Mars/Olympus_Mons",
            OfficeHours = [Range(DayOfWeek.Monday, "12:00", "09:00")],
        };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Mars/Olympus_Mons", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Closes", result.FailureMessage, StringComparison.Ordinal);
    }
}
