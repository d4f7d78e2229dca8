using System.Text;
using Voicebot.Providers.Asterisk.Ami;

namespace Voicebot.Providers.Asterisk.Tests.Ami;

public sealed class AmiActionTests
{
    [Fact]
    public void Serialize_Headers_WritesActionThenActionIdThenHeadersThenEmptyLine()
    {
        var action = new AmiAction("Redirect") { ["Channel"] = "PJSIP/sav-00000001", ["Context"] = "voicebot-technicians" };

        var text = Encoding.UTF8.GetString(action.Serialize("vb-1"));

        Assert.Equal("Action: Redirect\r\nActionID: vb-1\r\nChannel: PJSIP/sav-00000001\r\nContext: voicebot-technicians\r\n\r\n", text);
    }

    [Fact]
    public void Add_ValueWithLineBreak_IsRefused()
    {
        var action = new AmiAction("Setvar");

        Assert.Throws<ArgumentException>(() => action.Add("Value", "line one\r\nAction: Originate"));
    }

    [Fact]
    public void Indexer_SetTwice_ReplacesTheHeader()
    {
        var action = new AmiAction("Setvar") { ["Value"] = "a" };

        action["value"] = "b";

        Assert.Equal("b", Assert.Single(action.Headers).Value);
    }
}
