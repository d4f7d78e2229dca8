using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Records;
using Voicebot.Records.Spool;
using Voicebot.Records.Storage;

namespace Voicebot.Records;

/// <summary>
/// The sink behind every call: <see cref="Submit"/> only queues. A background writer saves each record to the store;
/// when the store fails or takes longer than <see cref="CallRecordsOptions.WriteTimeout"/>, the record is spooled to
/// disk and, for the rest of the outage, later records go straight to the spool. A replay loop (backoff on
/// <see cref="TimeProvider"/>) moves spooled records into the store once it answers, deleting each file only after
/// the store has the record; files left by a previous run are replayed on start. Thread-safe.
/// </summary>
public sealed class DurableCallRecordSink : ICallRecordSink, IHostedService, IAsyncDisposable
{
    private readonly ICallRecordStore _store;
    private readonly CallRecordSpool _spool;
    private readonly CallRecordsOptions _options;
    private readonly TimeProvider _time;
    private readonly RecordsMetrics _metrics;
    private readonly ILogger<DurableCallRecordSink> _logger;
    private readonly Channel<SinkItem> _queue = Channel.CreateUnbounded<SinkItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<bool> _spooledSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentQueue<CallRecord> _heldInMemory = new();
    private readonly CancellationTokenSource _abortWrites = new();
    private readonly CancellationTokenSource _stopReplay = new();
    private volatile bool _outage;
    private volatile bool _spoolOnly;
    private int _disposed;
    private Task _writer = Task.CompletedTask;
    private Task _replayer = Task.CompletedTask;

    public DurableCallRecordSink(
        ICallRecordStore store,
        CallRecordSpool spool,
        IOptions<CallRecordsOptions> options,
        TimeProvider time,
        RecordsMetrics metrics,
        ILogger<DurableCallRecordSink> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _spool = spool;
        _options = options.Value;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        metrics.Observe(() => _queue.Reader.Count, () => _outage);
    }

    /// <summary>Whether the store is considered down (records go straight to the spool until a replay succeeds).</summary>
    public bool InOutage => _outage;

    /// <inheritdoc />
    public void Submit(CallRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_queue.Writer.TryWrite(new SinkItem(record, null)))
        {
            return;
        }

        // The writer has stopped (host shutting down): a small synchronous file write beats losing the record.
        RecordsLog.SubmittedAfterStop(_logger, record.CallId);
        try
        {
            _spool.Write(record);
            _metrics.Spooled();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            RecordsLog.SpoolWriteFailed(_logger, record.CallId, ex);
        }
    }

    /// <inheritdoc />
    /// <remarks>Needs the sink started (it is a hosted service); after it stopped, returns at once.</remarks>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_queue.Writer.TryWrite(new SinkItem(null, flushed)))
        {
            await flushed.Task.WaitAsync(cancellationToken);
        }
        else
        {
            await _writer.WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var leftovers = _spool.RecoverLeftovers();
            if (leftovers > 0)
            {
                RecordsLog.SpoolFound(_logger, leftovers);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not fatal: the replay loop reads the spool again and reports what it cannot read.
            RecordsLog.ReplayLoopFailed(_logger, TimeSpan.Zero, ex);
        }

        // Always look at the spool once at start: files from a previous run are replayed as soon as the store answers.
        _spooledSignal.Writer.TryWrite(true);

        _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
        _replayer = Task.Run(ReplayLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Writes what is queued; when <paramref name="cancellationToken"/> fires first (shutdown deadline), the rest goes
    /// to the spool without waiting for the store. Spooled records are replayed at the next start.
    /// </remarks>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await using (cancellationToken.Register(AbortWrites))
        {
            await _writer;
        }

        await _stopReplay.CancelAsync();
        await _replayer;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The container disposes it once per registration (sink, ICallRecordSink, hosted service).
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        AbortWrites();
        await _stopReplay.CancelAsync();
        await Task.WhenAll(_writer, _replayer);
        _abortWrites.Dispose();
        _stopReplay.Dispose();
    }

    private void AbortWrites()
    {
        _spoolOnly = true;
        _abortWrites.Cancel();
    }

    private async Task WriteLoopAsync()
    {
        await foreach (var item in _queue.Reader.ReadAllAsync())
        {
            if (item.Flushed is { } flushed)
            {
                flushed.TrySetResult();
                continue;
            }

            await StoreOrSpoolAsync(item.Record!);
        }
    }

    private async Task StoreOrSpoolAsync(CallRecord record)
    {
        if (!_outage && !_spoolOnly)
        {
            try
            {
                await SaveAsync(record, _abortWrites.Token);
                _metrics.Written();
                RecordsLog.RecordStored(_logger, record.CallId);
                return;
            }
            catch (Exception ex)
            {
                // Any failure (network, timeout, schema, disk full) is an outage: the record must not wait on it.
                _outage = true;
                RecordsLog.StoreWriteFailed(_logger, record.CallId, ex);
            }
        }

        await SpoolAsync(record);
    }

    private async Task SpoolAsync(CallRecord record)
    {
        try
        {
            var file = await _spool.WriteAsync(record);
            _metrics.Spooled();
            RecordsLog.RecordSpooled(_logger, record.CallId, file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _heldInMemory.Enqueue(record);
            RecordsLog.SpoolWriteFailed(_logger, record.CallId, ex);
        }

        _spooledSignal.Writer.TryWrite(true);
    }

    /// <summary>Saves with the write timeout; a store that never returns is left behind, not awaited.</summary>
    private async Task SaveAsync(CallRecord record, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var save = _store.SaveAsync(record, attempt.Token);
        try
        {
            await save.WaitAsync(_options.WriteTimeout, _time, cancellationToken);
        }
        catch
        {
            await attempt.CancelAsync();
            // Observe the abandoned save's own failure so it never surfaces as an unobserved exception.
            _ = save.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }
    }

    private async Task ReplayLoopAsync()
    {
        var token = _stopReplay.Token;
        var failures = 0;
        try
        {
            while (true)
            {
                await _spooledSignal.Reader.ReadAsync(token);
                while (!await ReplayOnceAsync(failures, token))
                {
                    failures++;
                    await Task.Delay(Backoff(failures), _time, token);
                }

                if (failures > 0 || _outage)
                {
                    RecordsLog.StoreBack(_logger);
                }

                failures = 0;
                _outage = false;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    /// <summary>Replays what is held and spooled; false when the store failed (try again after a backoff).</summary>
    private async Task<bool> ReplayOnceAsync(int failures, CancellationToken cancellationToken)
    {
        var retryIn = Backoff(failures + 1);
        try
        {
            var held = _heldInMemory.Count;
            for (var i = 0; i < held && _heldInMemory.TryDequeue(out var record); i++)
            {
                try
                {
                    await SaveAsync(record, cancellationToken);
                    _metrics.Replayed();
                    RecordsLog.RecordReplayed(_logger, record.CallId);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    _heldInMemory.Enqueue(record);
                    RecordsLog.ReplayFailed(_logger, record.CallId, retryIn, ex);
                    return false;
                }
            }

            foreach (var file in _spool.PendingFiles())
            {
                var record = await _spool.ReadAsync(file, cancellationToken);
                if (record is null)
                {
                    continue;
                }

                try
                {
                    await SaveAsync(record, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    RecordsLog.ReplayFailed(_logger, record.CallId, retryIn, ex);
                    return false;
                }

                CallRecordSpool.Delete(file);
                _metrics.Replayed();
                RecordsLog.RecordReplayed(_logger, record.CallId);
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            RecordsLog.ReplayLoopFailed(_logger, retryIn, ex);
            return false;
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var factor = Math.Pow(2, Math.Min(failures - 1, 20));
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.ReplayInterval.Ticks * factor, _options.MaxReplayInterval.Ticks));
        return delay < _options.ReplayInterval ? _options.ReplayInterval : delay;
    }

    private readonly record struct SinkItem(CallRecord? Record, TaskCompletionSource? Flushed);
}
