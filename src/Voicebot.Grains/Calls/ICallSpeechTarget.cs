using Voicebot.Abstractions.Speech;

namespace Voicebot.Grains.Calls;

/// <summary>
/// How work that runs off the grain (the recognizer's session, the language model) reports back: through the grain's
/// mailbox, one message at a time, tagged so stale results (a closed session, an interrupted turn) are ignored.
/// </summary>
[Alias("voicebot.call-speech")]
public interface ICallSpeechTarget : IGrainWithGuidKey
{
    [Alias("recognition")]
    Task OnRecognitionAsync(int session, RecognitionUpdate update);

    [Alias("recognizer-failed")]
    Task OnRecognizerFailedAsync(int session, string reason);

    [Alias("interpreted")]
    Task OnInterpretedAsync(InterpretedUtterance utterance);
}

/// <summary>What an interpreter made of one spoken turn.</summary>
/// <param name="Turn">The turn it answers; a newer turn makes it stale.</param>
/// <param name="Transcript">What was said.</param>
/// <param name="Intents">Intent names (<c>Internet</c>, <c>Yes</c>…), strongest first.</param>
/// <param name="PhoneNumber">A normalised number, if one was heard.</param>
/// <param name="Name">A name, if one was heard.</param>
/// <param name="Interpreter">Which interpreter answered (<c>llm</c>, <c>rules</c>).</param>
/// <param name="Failure">Why the preferred interpreter failed, if it did (the rules answered instead).</param>
/// <param name="LlmFirstToken">How long the language model took to its first token, when one was asked.</param>
[GenerateSerializer, Immutable, Alias("voicebot.interpreted-utterance")]
public sealed record InterpretedUtterance(
    [property: Id(0)] int Turn,
    [property: Id(1)] string Transcript,
    [property: Id(2)] string[] Intents,
    [property: Id(3)] string? PhoneNumber,
    [property: Id(4)] string? Name,
    [property: Id(5)] string Interpreter,
    [property: Id(6)] string? Failure,
    [property: Id(7)] TimeSpan? LlmFirstToken = null);
