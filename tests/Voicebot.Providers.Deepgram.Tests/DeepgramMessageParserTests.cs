using System.Text;
using System.Text.Json;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Providers.Deepgram.Tests;

public sealed class DeepgramMessageParserTests
{
    [Fact]
    public void Parse_ResultsWithTypeLast_ReadsTheFirstAlternative()
    {
        var json = """
            {"channel_index":[0,1],"duration":1.2,"start":0.5,"is_final":true,"speech_final":false,"from_finalize":true,
             "channel":{"alternatives":[{"transcript":"bonjour","confidence":0.97,"words":[{"word":"bonjour","start":0.5,"end":1.0}]},
                                        {"transcript":"bon jour","confidence":0.4}]},
             "metadata":{"request_id":"r"},"type":"Results"}
            """;

        var update = DeepgramMessageParser.Parse(Encoding.UTF8.GetBytes(json), out var type);

        Assert.Equal(DeepgramMessageType.Results, type);
        Assert.Equal(new RecognitionUpdate(RecognitionUpdateKind.Transcript, "bonjour", IsFinal: true, SpeechFinal: false, Confidence: 0.97, Detail: "from_finalize"), update);
    }

    [Theory]
    [InlineData("""{"type":"SpeechStarted","channel":[0],"timestamp":1.25}""", RecognitionUpdateKind.SpeechStarted, "timestamp=1.25")]
    [InlineData("""{"type":"UtteranceEnd","channel":[0,1],"last_word_end":2.5}""", RecognitionUpdateKind.UtteranceEnd, "last_word_end=2.5")]
    [InlineData("""{"type":"Metadata","transaction_key":"deprecated","request_id":"abc-123","duration":3.0,"channels":1}""", RecognitionUpdateKind.Metadata, "abc-123")]
    public void Parse_Events_MapToTheirKindWithDetail(string json, RecognitionUpdateKind kind, string detail)
    {
        var update = DeepgramMessageParser.Parse(Encoding.UTF8.GetBytes(json), out _);

        Assert.Equal(new RecognitionUpdate(kind, Detail: detail), update);
    }

    [Fact]
    public void Parse_ResultsWithoutAlternatives_YieldsAnEmptyTranscript()
    {
        var update = DeepgramMessageParser.Parse("""{"type":"Results","is_final":false,"channel":{"alternatives":[]}}"""u8, out _);

        Assert.Equal(string.Empty, update!.Transcript);
    }

    [Theory]
    [InlineData("""{"type":"Error","description":"bad","message":"m","variant":"v"}""", "Error")]
    [InlineData("""{"type":"SomethingNew"}""", "Unknown")]
    [InlineData("""{"no_type":1}""", "Unknown")]
    public void Parse_NonUpdates_ReturnNull(string json, string expected)
    {
        var update = DeepgramMessageParser.Parse(Encoding.UTF8.GetBytes(json), out var type);

        Assert.Null(update);
        Assert.Equal(expected, type.ToString());
    }

    [Fact]
    public void Parse_NotJson_Throws()
    {
        Assert.ThrowsAny<JsonException>(() => DeepgramMessageParser.Parse("not json"u8, out _));
    }
}
