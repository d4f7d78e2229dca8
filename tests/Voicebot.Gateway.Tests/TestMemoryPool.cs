using System.Buffers;

namespace Voicebot.Gateway.Tests;

/// <summary>
/// A pipe's own block pool, like Kestrel's per-transport pool. Pipes built on the default pool rent from the process-wide
/// <see cref="ArrayPool{T}.Shared"/>, which tests running in parallel drain and refill: a test counting its thread's
/// allocations would then see a pipe segment allocated now and then. Blocks are reused in LIFO order; renting and
/// returning allocate nothing once the pool holds enough blocks. Thread-safe.
/// </summary>
internal sealed class TestMemoryPool : MemoryPool<byte>
{
    private const int BlockSize = 4096;

    private readonly Lock _gate = new();
    private readonly Stack<Block> _free = new();

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        lock (_gate)
        {
            return _free.TryPop(out var block) ? block : new Block(this);
        }
    }

    protected override void Dispose(bool disposing)
    {
    }

    private void Return(Block block)
    {
        lock (_gate)
        {
            _free.Push(block);
        }
    }

    private sealed class Block(TestMemoryPool pool) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = new byte[BlockSize];

        public void Dispose() => pool.Return(this);
    }
}
