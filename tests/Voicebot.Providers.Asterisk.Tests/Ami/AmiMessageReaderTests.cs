using System.Buffers;
using System.Text;
using Voicebot.Providers.Asterisk.Ami;
using Voicebot.Testing.Sequences;

namespace Voicebot.Providers.Asterisk.Tests.Ami;

public sealed class AmiMessageReaderTests
{
    private const string TwoMessages =
        "Response: Success\r\nActionID: a-1\r\nEventList: start\r\nMessage: Queue summary will follow\r\n\r\n"
        + "Event: QueueSummary\r\nQueue: technicians\r\nAvailable: 2\r\nActionID: a-1\r\n\r\n";

    [Fact]
    public void TryRead_TwoMessages_ReadsFieldsInOrder()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(TwoMessages));

        Assert.True(AmiMessageReader.TryRead(ref buffer, 4096, out var first));
        Assert.True(AmiMessageReader.TryRead(ref buffer, 4096, out var second));

        Assert.Equal("Success", first!.Response);
        Assert.Equal("a-1", first.ActionId);
        Assert.Equal("start", first["eventlist"]);
        Assert.Equal("Queue summary will follow", first.MessageText);
        Assert.Equal("QueueSummary", second!.EventName);
        Assert.Equal("2", second["Available"]);
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void TryRead_EverySegmentation_GivesTheSameMessages()
    {
        var bytes = Encoding.UTF8.GetBytes(TwoMessages);
        foreach (var segmentSize in TestSequences.AllSegmentSizes(bytes.Length))
        {
            var buffer = TestSequences.Split(bytes, segmentSize);

            Assert.True(AmiMessageReader.TryRead(ref buffer, 4096, out var first), $"segments of {segmentSize}");
            Assert.True(AmiMessageReader.TryRead(ref buffer, 4096, out var second), $"segments of {segmentSize}");
            Assert.Equal("Success", first!.Response);
            Assert.Equal("2", second!["Available"]);
        }
    }

    [Fact]
    public void TryRead_IncompleteMessage_LeavesBufferUntouched()
    {
        var bytes = Encoding.UTF8.GetBytes("Response: Success\r\nActionID: a-1\r\n");
        var buffer = new ReadOnlySequence<byte>(bytes);

        var read = AmiMessageReader.TryRead(ref buffer, 4096, out var message);

        Assert.False(read);
        Assert.Null(message);
        Assert.Equal(bytes.Length, buffer.Length);
    }

    [Fact]
    public void TryRead_BareNewlinesAndStrayEmptyLines_AreAccepted()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("\r\n\nEvent: FullyBooted\nStatus: Fully Booted\n\n"));

        Assert.True(AmiMessageReader.TryRead(ref buffer, 4096, out var message));

        Assert.Equal("FullyBooted", message!.EventName);
        Assert.Equal("Fully Booted", message["Status"]);
    }

    [Fact]
    public void TryRead_RepeatedKeys_KeepsEveryValue()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(
            "Event: Status\r\nChannel: PJSIP/sav-00000001\r\nVariable: VOICEBOT_CALL_ID=5f0c\r\nVariable: OTHER=a=b\r\nChanVariable: SNAP=1\r\n\r\n"));

        Assert.True(AmiMessageReader.TryRead(ref buffer, 4096, out var message));

        Assert.Equal(["VOICEBOT_CALL_ID=5f0c", "OTHER=a=b"], message!.GetAll("Variable"));
        Assert.Equal("5f0c", message.GetChannelVariable("voicebot_call_id"));
        Assert.Equal("a=b", message.GetChannelVariable("OTHER"));
        Assert.Equal("1", message.GetChannelVariable("SNAP"));
        Assert.Null(message.GetChannelVariable("MISSING"));
    }

    [Fact]
    public void TryRead_MessageOverTheLimit_Throws()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("Event: X\r\nData: " + new string('x', 200) + "\r\n"));

        Assert.Throws<AmiProtocolException>(() => AmiMessageReader.TryRead(ref buffer, 100, out _));
    }

    [Fact]
    public void TryReadLine_Banner_ReadsOneLineOnly()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("Asterisk Call Manager/13.0.0\r\nResponse: Success\r\n"));

        Assert.True(AmiMessageReader.TryReadLine(ref buffer, 1024, out var line));

        Assert.Equal("Asterisk Call Manager/13.0.0", line);
        Assert.Equal("Response: Success\r\n".Length, buffer.Length);
    }
}
