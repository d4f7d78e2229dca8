using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Voicebot.Providers.Asterisk.Ami;

/// <summary>
/// One AMI TCP session once its banner is read: writes actions one at a time, correlates the replies by <c>ActionID</c>
/// (list replies included) and hands unsolicited events to the client. Thread-safe; the read loop is the only reader.
/// </summary>
internal sealed class AmiConnection(
    NetworkStream stream,
    PipeReader reader,
    string actionIdPrefix,
    TimeSpan requestTimeout,
    TimeProvider time,
    ILogger logger,
    Action<AmiMessage> onEvent)
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<string, PendingAction> _pending = new(StringComparer.Ordinal);
    private long _nextActionId;
    private int _closed;

    public PipeReader Reader { get; } = reader;

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public string? CloseReason { get; private set; }

    /// <summary>Sends <paramref name="action"/> and waits for its reply, bounded by the request timeout.</summary>
    /// <exception cref="AmiUnavailableException">The connection is lost or no reply came in time.</exception>
    public async Task<AmiResponse> SendAsync(AmiAction action, CancellationToken cancellationToken)
    {
        var actionId = $"{actionIdPrefix}-{Interlocked.Increment(ref _nextActionId)}";
        var pending = new PendingAction();
        _pending[actionId] = pending;
        try
        {
            // Close() sets IsClosed before failing the pending actions, so one of the two always sees this one.
            if (IsClosed)
            {
                throw new AmiUnavailableException($"AMI connection lost: {CloseReason}");
            }

            using var timeout = new CancellationTokenSource(requestTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await WriteAsync(action.Serialize(actionId), linked.Token);
                return await pending.Task.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new AmiUnavailableException($"No AMI reply to {action.Name} within {requestTimeout}.");
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                Close(Describe(ex, "write failed"));
                throw new AmiUnavailableException($"AMI connection lost while sending {action.Name}.", ex);
            }
        }
        finally
        {
            _pending.TryRemove(actionId, out _);
        }
    }

    /// <summary>Reads until the connection ends; returns why it ended. Never throws.</summary>
    public async Task<string> ReadLoopAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();   // the caller goes on to log in while this loop runs
        var reason = "closed by Asterisk";
        try
        {
            while (true)
            {
                var result = await Reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                try
                {
                    while (AmiMessageReader.TryRead(ref buffer, AmiClient.MaxMessageBytes, out var message))
                    {
                        Dispatch(message!);
                    }

                    if (result.IsCompleted)
                    {
                        break;
                    }
                }
                finally
                {
                    Reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
        catch (OperationCanceledException)
        {
            reason = CloseReason ?? "the client stopped";
        }
        catch (Exception ex)
        {
            // Whatever broke the session (socket, protocol), the answer is the same: drop it and reconnect.
            reason = CloseReason ?? Describe(ex, "read failed");
        }

        Close(reason);
        return reason;
    }

    /// <summary>Closes the socket (which ends the read loop) and fails every action in flight. Idempotent.</summary>
    public void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        CloseReason = reason;
        stream.Socket.Close();
        foreach (var pending in _pending.Values)
        {
            pending.Fail(new AmiUnavailableException($"AMI connection lost: {reason}"));
        }
    }

    /// <summary>A short reason for a log line: the socket error code, "timed out", or the exception's message.</summary>
    public static string Describe(Exception ex, string fallback) =>
        ex switch
        {
            SocketException socket => socket.SocketErrorCode.ToString(),
            OperationCanceledException => "timed out",
            _ => string.IsNullOrEmpty(ex.Message) ? fallback : ex.Message,
        };

    private async Task WriteAsync(byte[] message, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            // Not cancelled mid-message: a half-written action would corrupt the session. A stuck write is ended
            // by the keep-alive closing the socket.
            await stream.WriteAsync(message, CancellationToken.None);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void Dispatch(AmiMessage message)
    {
        var actionId = message.ActionId;
        if (message.Response is not null)
        {
            if (actionId is not null && _pending.TryGetValue(actionId, out var pending))
            {
                pending.OnResponse(message);
            }
            else
            {
                AsteriskLog.AmiUnmatchedResponse(logger, actionId);
            }

            return;
        }

        if (actionId is not null && _pending.TryGetValue(actionId, out var list) && list.IsCollectingEvents)
        {
            list.OnEvent(message);
            return;
        }

        if (message.EventName is not null)
        {
            onEvent(message);
        }
    }

    /// <summary>An action waiting for its reply; a list reply then collects events until <c>EventList: Complete</c>.</summary>
    private sealed class PendingAction
    {
        private readonly TaskCompletionSource<AmiResponse> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<AmiMessage> _events = [];
        private AmiMessage? _response;

        public Task<AmiResponse> Task => _reply.Task;

        /// <summary>Only the read loop touches the list state, so no lock is needed.</summary>
        public bool IsCollectingEvents => _response is not null;

        public void OnResponse(AmiMessage response)
        {
            var isList = string.Equals(response["EventList"], "start", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(response.Response, "Error", StringComparison.OrdinalIgnoreCase);
            if (isList)
            {
                _response = response;
            }
            else
            {
                _reply.TrySetResult(new AmiResponse(response, [], null));
            }
        }

        public void OnEvent(AmiMessage message)
        {
            if (string.Equals(message["EventList"], "Complete", StringComparison.OrdinalIgnoreCase))
            {
                _reply.TrySetResult(new AmiResponse(_response!, [.. _events], message));
            }
            else
            {
                _events.Add(message);
            }
        }

        public void Fail(Exception exception) => _reply.TrySetException(exception);
    }
}
