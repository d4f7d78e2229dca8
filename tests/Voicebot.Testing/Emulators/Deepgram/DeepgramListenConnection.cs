using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace Voicebot.Testing.Emulators.Deepgram;

/// <summary>One emulated <c>/v1/listen</c> session: receive loop, energy burst detector, a single sender, idle watchdog.</summary>
internal sealed class DeepgramListenConnection
{
    private const int WindowMs = 10;

    private int _sessionBursts;
    private const int MinSpeechMs = 150;
    private const int DefaultEndpointingMs = 300;

    // −35 dBFS RMS on a 16-bit full scale.
    private static readonly double ThresholdRms = 32768 * Math.Pow(10, -35.0 / 20);

    private readonly DeepgramListenEmulator _emulator;
    private readonly HttpContext _context;
    private readonly WebSocket _socket;
    private readonly int _utteranceEndMs;
    private readonly int _endpointingMs;
    private readonly int? _dropAfterMessages;
    private readonly int _windowSamples;
    private readonly double _sampleRate;
    private readonly string _requestId = Guid.NewGuid().ToString();
    private readonly Channel<Outgoing> _outbox = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _end = new();
    private readonly Lock _state = new();

    private long _lastActivity = Environment.TickCount64;
    private int _oddByte = -1;
    private double _sumSquares;
    private int _windowCount;
    private long _windows;
    private int _loudMs;
    private Burst? _burst;
    private bool _speaking;
    private bool _closing;

    public DeepgramListenConnection(DeepgramListenEmulator emulator, HttpContext context, WebSocket socket, int sampleRate, int utteranceEndMs, int? dropAfterMessages, int? endpointingMs = null)
    {
        // Deepgram's endpointing: the silence that ends a burst. Below one detection window it could not be heard.
        _endpointingMs = endpointingMs is { } ms ? Math.Max(WindowMs, ms) : DefaultEndpointingMs;
        _emulator = emulator;
        _context = context;
        _socket = socket;
        _sampleRate = sampleRate;
        _utteranceEndMs = utteranceEndMs;
        _dropAfterMessages = dropAfterMessages;
        _windowSamples = Math.Max(1, sampleRate * WindowMs / 1000);
    }

    private double AudioSeconds => _windows * WindowMs / 1000.0;

    /// <summary>Runs until the client closes or the connection dies; returns the client's close status, if it sent one.</summary>
    public async Task<int?> RunAsync()
    {
        var sender = Task.Run(SendLoopAsync);
        var watchdog = Task.Run(IdleWatchdogAsync);
        int? clientClose = null;
        var buffer = new byte[64 * 1024];
        var text = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), _end.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    clientClose = (int?)_socket.CloseStatus;
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        Enqueue(Outgoing.Close(1000, "bye"));
                        await sender.WaitAsync(TimeSpan.FromSeconds(5));
                    }

                    break;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    Volatile.Write(ref _lastActivity, Environment.TickCount64);
                    _emulator.OnAudio(result.Count);
                    lock (_state)
                    {
                        OnAudio(buffer.AsSpan(0, result.Count));
                    }

                    continue;
                }

                text.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    OnText(Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length));
                    text.SetLength(0);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException or TimeoutException)
        {
            // Aborted by a fault, the client, or the emulator's disposal.
        }
        finally
        {
            _outbox.Writer.TryComplete();
            await _end.CancelAsync();
            await Task.WhenAll(sender, watchdog);
            _end.Dispose();
        }

        return clientClose;
    }

    public void Abort()
    {
        _context.Abort();
        try
        {
            _end.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void AbortAfter(TimeSpan delay) => _ = Task.Delay(delay).ContinueWith(_ => Abort(), TaskScheduler.Default);

    public void Close(int code, string reason) => Enqueue(Outgoing.Close(code, reason));

    private void OnText(string message)
    {
        _emulator.OnTextMessage(message);
        string? type = null;
        try
        {
            using var document = JsonDocument.Parse(message);
            type = document.RootElement.TryGetProperty("type", out var value) ? value.GetString() : null;
        }
        catch (JsonException)
        {
        }

        switch (type)
        {
            case "KeepAlive":
                Volatile.Write(ref _lastActivity, Environment.TickCount64);
                _emulator.OnKeepAlive();
                break;
            case "Finalize":
                _emulator.OnFinalize();
                lock (_state)
                {
                    if (_burst is { FinalSent: false } burst)
                    {
                        _speaking = false;
                        SendFinal(burst, fromFinalize: true);
                    }
                    else
                    {
                        Enqueue(Outgoing.Text(Results(string.Empty, AudioSeconds, 0, isFinal: true, speechFinal: false, fromFinalize: true)));
                    }
                }

                break;
            case "CloseStream":
                _emulator.OnCloseStream();
                lock (_state)
                {
                    if (_burst is { FinalSent: false } burst)
                    {
                        _speaking = false;
                        SendFinal(burst, fromFinalize: false);
                    }

                    Enqueue(Outgoing.Text(Metadata()));
                    Enqueue(Outgoing.Close(1000, string.Empty));
                }

                break;
        }
    }

    // Under _state.
    private void OnAudio(ReadOnlySpan<byte> bytes)
    {
        if (_oddByte >= 0 && bytes.Length > 0)
        {
            Span<byte> pair = [(byte)_oddByte, bytes[0]];
            OnSample(BinaryPrimitives.ReadInt16LittleEndian(pair));
            bytes = bytes[1..];
            _oddByte = -1;
        }

        var whole = bytes.Length & ~1;
        for (var i = 0; i < whole; i += 2)
        {
            OnSample(BinaryPrimitives.ReadInt16LittleEndian(bytes[i..]));
        }

        if (whole < bytes.Length)
        {
            _oddByte = bytes[^1];
        }
    }

    private void OnSample(short sample)
    {
        _sumSquares += (double)sample * sample;
        if (++_windowCount < _windowSamples)
        {
            return;
        }

        var loud = Math.Sqrt(_sumSquares / _windowCount) > ThresholdRms;
        _sumSquares = 0;
        _windowCount = 0;
        _windows++;
        OnWindow(loud);
    }

    private void OnWindow(bool loud)
    {
        if (_speaking)
        {
            var burst = _burst!;
            burst.SpeechMs += WindowMs;
            burst.QuietMs = loud ? 0 : burst.QuietMs + WindowMs;
            if (_emulator.SendInterimResults && burst.SpeechMs % (int)_emulator.InterimEvery.TotalMilliseconds == 0)
            {
                burst.Interims++;
                var words = burst.Line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var partial = string.Join(' ', words.Take(Math.Min(words.Length, burst.Interims)));
                Enqueue(Outgoing.Text(Results(partial, burst.StartSeconds, AudioSeconds - burst.StartSeconds, isFinal: false, speechFinal: false, fromFinalize: false)));
            }

            if (burst.QuietMs >= _endpointingMs)
            {
                _speaking = false;
                burst.EndSeconds = AudioSeconds - (burst.QuietMs / 1000.0);
                burst.SilenceMs = burst.QuietMs;
                var latency = _emulator.SttFinalLatency;
                _ = Task.Run(async () =>
                {
                    await Task.Delay(latency);
                    lock (_state)
                    {
                        SendFinal(burst, fromFinalize: false);
                    }
                });
            }

            return;
        }

        if (_burst is { UtteranceEndSent: false } previous && !loud)
        {
            previous.SilenceMs += WindowMs;
            if (_utteranceEndMs > 0 && previous.SilenceMs >= _utteranceEndMs)
            {
                if (previous.FinalSent)
                {
                    SendUtteranceEnd(previous);
                }
                else
                {
                    previous.UtteranceEndDue = true;
                }
            }
        }

        _loudMs = loud ? _loudMs + WindowMs : 0;
        if (_loudMs < MinSpeechMs)
        {
            return;
        }

        if (_burst is { FinalSent: false } pending)
        {
            SendFinal(pending, fromFinalize: false);
        }

        if (_burst is not null)
        {
            _burst.UtteranceEndSent = true;   // speech resumed before the gap was long enough
        }

        var globalIndex = _emulator.NextBurst();
        var index = _emulator.ScriptPerSession ? ++_sessionBursts : globalIndex;
        var script = _emulator.Script;
        _burst = new Burst(index <= script.Count ? script[index - 1] : string.Empty, AudioSeconds - (MinSpeechMs / 1000.0)) { SpeechMs = _loudMs };
        _speaking = true;
        _loudMs = 0;
        if (_emulator.SendSpeechStarted)
        {
            Enqueue(Outgoing.Text(SpeechStarted(_burst.StartSeconds)));
        }
    }

    // Under _state.
    private void SendFinal(Burst burst, bool fromFinalize)
    {
        if (burst.FinalSent)
        {
            return;
        }

        burst.FinalSent = true;
        var end = burst.EndSeconds > 0 ? burst.EndSeconds : AudioSeconds;
        Enqueue(Outgoing.Text(Results(burst.Line, burst.StartSeconds, end - burst.StartSeconds, isFinal: true, speechFinal: !fromFinalize, fromFinalize)));
        if (burst.UtteranceEndDue)
        {
            SendUtteranceEnd(burst);
        }
    }

    private void SendUtteranceEnd(Burst burst)
    {
        burst.UtteranceEndSent = true;
        Enqueue(Outgoing.Text(UtteranceEnd(burst.EndSeconds)));
    }

    private void Enqueue(Outgoing message)
    {
        if (message.IsClose)
        {
            if (_closing)
            {
                return;
            }

            _closing = true;
        }

        _outbox.Writer.TryWrite(message);
    }

    private async Task SendLoopAsync()
    {
        var sent = 0;
        try
        {
            await foreach (var message in _outbox.Reader.ReadAllAsync(_end.Token))
            {
                if (message.IsClose)
                {
                    if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync((WebSocketCloseStatus)message.Code, message.Payload, _end.Token);
                    }

                    // Give the client a moment to answer, then cut.
                    _end.CancelAfter(TimeSpan.FromSeconds(5));
                    return;
                }

                await _socket.SendAsync(Encoding.UTF8.GetBytes(message.Payload), WebSocketMessageType.Text, endOfMessage: true, _end.Token);
                if (++sent == _dropAfterMessages)
                {
                    Abort();
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    private async Task IdleWatchdogAsync()
    {
        try
        {
            while (!_end.IsCancellationRequested)
            {
                var idle = TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _lastActivity));
                var left = _emulator.IdleTimeout - idle;
                if (left <= TimeSpan.Zero)
                {
                    _emulator.OnIdleClosure();
                    lock (_state)
                    {
                        // Deepgram: no audio and no KeepAlive for 10 s closes the stream with NET-0001.
                        Enqueue(Outgoing.Close(1011, "NET-0001: no audio or KeepAlive received within the timeout window"));
                    }

                    return;
                }

                await Task.Delay(left < TimeSpan.FromMilliseconds(20) ? TimeSpan.FromMilliseconds(20) : left, _end.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private string Results(string transcript, double start, double duration, bool isFinal, bool speechFinal, bool fromFinalize) => Json(writer =>
    {
        writer.WriteString("type", "Results");
        writer.WriteStartArray("channel_index");
        writer.WriteNumberValue(0);
        writer.WriteNumberValue(1);
        writer.WriteEndArray();
        writer.WriteNumber("duration", Math.Round(duration, 3));
        writer.WriteNumber("start", Math.Round(start, 3));
        writer.WriteBoolean("is_final", isFinal);
        writer.WriteBoolean("speech_final", speechFinal);
        writer.WriteBoolean("from_finalize", fromFinalize);
        writer.WriteStartObject("channel");
        writer.WriteStartArray("alternatives");
        writer.WriteStartObject();
        writer.WriteString("transcript", transcript);
        writer.WriteNumber("confidence", transcript.Length == 0 ? 0 : isFinal ? 0.98 : 0.8);
        writer.WriteStartArray("words");
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteStartObject("metadata");
        writer.WriteString("request_id", _requestId);
        writer.WriteEndObject();
    });

    private static string SpeechStarted(double timestamp) => Json(writer =>
    {
        writer.WriteString("type", "SpeechStarted");
        writer.WriteStartArray("channel");
        writer.WriteNumberValue(0);
        writer.WriteEndArray();
        writer.WriteNumber("timestamp", Math.Round(timestamp, 3));
    });

    private static string UtteranceEnd(double lastWordEnd) => Json(writer =>
    {
        writer.WriteString("type", "UtteranceEnd");
        writer.WriteStartArray("channel");
        writer.WriteNumberValue(0);
        writer.WriteNumberValue(1);
        writer.WriteEndArray();
        writer.WriteNumber("last_word_end", Math.Round(lastWordEnd, 3));
    });

    private string Metadata() => Json(writer =>
    {
        writer.WriteString("type", "Metadata");
        writer.WriteString("transaction_key", "deprecated");
        writer.WriteString("request_id", _requestId);
        writer.WriteString("sha256", "0");
        writer.WriteString("created", "2026-01-01T00:00:00.000Z");
        writer.WriteNumber("duration", Math.Round(AudioSeconds, 3));
        writer.WriteNumber("channels", 1);
    });

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private sealed class Burst(string line, double startSeconds)
    {
        public string Line { get; } = line;

        public double StartSeconds { get; } = startSeconds;

        public double EndSeconds { get; set; }

        public int SpeechMs { get; set; }

        public int QuietMs { get; set; }

        public int SilenceMs { get; set; }

        public int Interims { get; set; }

        public bool FinalSent { get; set; }

        public bool UtteranceEndDue { get; set; }

        public bool UtteranceEndSent { get; set; }
    }

    private readonly record struct Outgoing(bool IsClose, int Code, string Payload)
    {
        public static Outgoing Text(string json) => new(false, 0, json);

        public static Outgoing Close(int code, string reason) => new(true, code, reason);
    }
}
