namespace Voicebot.Gateway.Tests;

/// <summary>Recognisable, never-silent PCM for byte-exact assertions.</summary>
internal static class TestAudio
{
    public static byte[] Pattern(int length, int seed = 1)
    {
        var bytes = new byte[length];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((i + seed) % 251 + 1);
        }

        return bytes;
    }
}
