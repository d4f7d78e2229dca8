namespace Voicebot.Cli.Calling;

/// <summary>
/// Tells when the bot is speaking from the frames it sends: speaking while frames are louder than a small RMS,
/// finished after a run of quiet (or missing) frames. Not thread-safe.
/// </summary>
public sealed class BotSpeechDetector(double rmsThreshold, TimeSpan silenceToFinish)
{
    private TimeSpan _quiet;

    /// <summary>True between the first loud frame of a prompt and the end of the silence that finishes it.</summary>
    public bool IsSpeaking { get; private set; }

    /// <summary>True when the last frame given to <see cref="Add"/> was loud enough to be speech.</summary>
    public bool LastFrameWasSpeech { get; private set; }

    /// <summary>Prompts that started (first loud frame after silence).</summary>
    public int PromptsStarted { get; private set; }

    /// <summary>Prompts that finished (loud, then <c>silenceToFinish</c> of silence).</summary>
    public int PromptsFinished { get; private set; }

    /// <summary>Feeds one frame of 16-bit PCM lasting <paramref name="duration"/>; returns true if it finished a prompt.</summary>
    public bool Add(ReadOnlySpan<byte> pcm, TimeSpan duration)
    {
        LastFrameWasSpeech = Rms(pcm) > rmsThreshold;
        if (LastFrameWasSpeech)
        {
            if (!IsSpeaking)
            {
                IsSpeaking = true;
                PromptsStarted++;
            }

            _quiet = TimeSpan.Zero;
            return false;
        }

        return AddQuiet(duration);
    }

    /// <summary>Counts <paramref name="duration"/> of silence with no frame (the bot stopped sending); returns true if it finished a prompt.</summary>
    public bool AddQuiet(TimeSpan duration)
    {
        LastFrameWasSpeech = false;
        if (!IsSpeaking)
        {
            return false;
        }

        _quiet += duration;
        if (_quiet < silenceToFinish)
        {
            return false;
        }

        Finish();
        return true;
    }

    /// <summary>Ends the prompt in progress, if any (the call ended while the bot was speaking).</summary>
    public void Finish()
    {
        if (IsSpeaking)
        {
            IsSpeaking = false;
            PromptsFinished++;
            _quiet = TimeSpan.Zero;
        }
    }

    /// <summary>Root mean square of 16-bit little-endian samples.</summary>
    public static double Rms(ReadOnlySpan<byte> pcm)
    {
        var samples = pcm.Length / 2;
        if (samples == 0)
        {
            return 0;
        }

        double sum = 0;
        for (var i = 0; i < samples; i++)
        {
            double s = (short)(pcm[2 * i] | (pcm[(2 * i) + 1] << 8));
            sum += s * s;
        }

        return Math.Sqrt(sum / samples);
    }
}
