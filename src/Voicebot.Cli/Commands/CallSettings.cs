namespace Voicebot.Cli.Commands;

/// <summary>The options of <c>voicebot call</c>, parsed.</summary>
/// <param name="Host">AudioSocket server host.</param>
/// <param name="Port">AudioSocket server port.</param>
/// <param name="Scenario">Scenario file or built-in name.</param>
/// <param name="CallId">UUID to send; <see langword="null"/> = new.</param>
/// <param name="SampleRate">Call rate (8000 or 16000); <see langword="null"/> = the scenario's, else 8000.</param>
/// <param name="OutputPath">WAV of what the bot said; <see langword="null"/> = <c>./data/calls/{id}-bot.wav</c>.</param>
/// <param name="PhrasesDirectory">Phrase cache directory to recognise the bot's phrases; <see langword="null"/> = the injected source, if any.</param>
/// <param name="HangUpAfter">Hang up this long into the call, whatever the scenario says.</param>
/// <param name="Quiet">Print only the summary.</param>
/// <param name="BotHttp">The bot's HTTP API, to print and check the call's outcome; <see langword="null"/> = no outcome check.</param>
public sealed record CallSettings(
    string Host,
    int Port,
    string Scenario,
    Guid? CallId = null,
    int? SampleRate = null,
    string? OutputPath = null,
    string? PhrasesDirectory = null,
    TimeSpan? HangUpAfter = null,
    bool Quiet = false,
    Uri? BotHttp = null);
