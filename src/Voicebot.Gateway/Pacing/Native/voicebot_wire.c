// The AudioSocket wire sender: one native thread that writes one frame per call every 20 ms, from frames that managed
// code queued ahead of time. It never runs managed code, so the .NET runtime's suspensions (garbage collections, tiered
// compilation's patching) do not stop it: the caller keeps hearing the queued audio while the runtime is suspended.
//
// Per call (a slot): a single-producer/single-consumer ring of whole AudioSocket messages. The producer is the call's
// session, under its own lock; the consumer is the sender thread. When the ring is empty the thread writes the slot's
// silence frame (AudioSocket() hangs up after 2 s without a frame). A message is always written whole, across ticks if
// the socket takes only part of it; a slot whose socket fails is left alone from then on and reports the error.
//
// Built by Voicebot.Gateway.csproj with the system C compiler (Linux only); see OutboundPacer for the managed side.

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define VBW_EXPORT __attribute__((visibility("default")))
#define VBW_TICK_LOG 8192 // 164 s of ticks; the managed pacer drains it every tick

typedef struct vbw_tick {
    int64_t due;
    int64_t started;
    int64_t ended;
    int32_t sessions;
    int32_t reserved;
    int64_t run_ns;  // the thread's time on a CPU so far, when scheduling is traced (schedstat), else 0
    int64_t wait_ns; // its time runnable but waiting for a CPU so far, likewise
} vbw_tick;

typedef struct vbw_slot_stats {
    uint64_t queued;        // messages in the ring not yet fully written
    uint64_t audio_sent;    // queued messages written whole
    uint64_t silence_sent;  // silence frames written because the ring was empty
    uint64_t starved;       // of those, while the producer said the bot was playing
    uint64_t blocked;       // ticks that wrote nothing or only part of a message (socket full)
    int32_t error;          // errno of the failed write; 0 while the socket is healthy
    int32_t hangup_sent;    // 1 once a 00 00 00 message was written whole
} vbw_slot_stats;

typedef struct vbw_slot {
    int fd; // our own duplicate of the connection's socket: closing it is ours, and its number is never reused under us
    uint32_t capacity; // messages, a power of two
    uint32_t message_bytes; // room per message
    uint8_t *entries;
    uint32_t *lengths;
    uint8_t *silence;
    uint32_t silence_bytes;
    _Atomic uint64_t head;     // next message the producer writes
    _Atomic uint64_t tail;     // next message the thread writes
    _Atomic uint64_t flush_to; // the producer's request: drop every message below this
    _Atomic int playing;
    // Thread only: bytes of the current message already written, and whether that message is the silence frame.
    uint32_t partial;
    int partial_is_silence;
    _Atomic uint64_t audio_sent;
    _Atomic uint64_t silence_sent;
    _Atomic uint64_t starved;
    _Atomic uint64_t blocked;
    _Atomic int error;
    _Atomic int hangup_sent;
} vbw_slot;

typedef struct vbw_sender {
    pthread_t thread;
    pthread_mutex_t lock; // slot membership; held by the thread for the length of a tick
    pthread_mutex_t start_lock;
    pthread_cond_t started;
    vbw_slot **slots;
    uint32_t count;
    uint32_t room;
    int64_t period_ns;
    int rt_priority;
    _Atomic int stop;
    _Atomic int trace_scheduling;
    int schedstat_fd; // the thread's own /proc/thread-self/schedstat, opened by the thread
    _Atomic int rt_result; // -1 until the thread has started; then 0 (real-time) or the errno of the refusal
    _Atomic int64_t next_due;
    _Atomic uint64_t ticks_written;
    vbw_tick ticks[VBW_TICK_LOG];
} vbw_sender;

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_until(int64_t due) {
    struct timespec ts = {.tv_sec = due / 1000000000LL, .tv_nsec = due % 1000000000LL};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

static void message_written(vbw_slot *slot, int is_silence, uint64_t tail, const uint8_t *message, uint32_t length) {
    if (is_silence) {
        atomic_fetch_add_explicit(&slot->silence_sent, 1, memory_order_relaxed);
        return;
    }

    if (length == 3 && message[0] == 0) {
        atomic_store_explicit(&slot->hangup_sent, 1, memory_order_release);
    }

    atomic_fetch_add_explicit(&slot->audio_sent, 1, memory_order_relaxed);
    atomic_store_explicit(&slot->tail, tail + 1, memory_order_release);
}

// Writes this tick's message of one slot: the rest of a partly written one, else the next queued, else silence.
static void write_slot(vbw_slot *slot) {
    if (atomic_load_explicit(&slot->error, memory_order_relaxed) != 0 ||
        atomic_load_explicit(&slot->hangup_sent, memory_order_relaxed) != 0) {
        return;
    }

    uint64_t tail = atomic_load_explicit(&slot->tail, memory_order_relaxed);
    const uint8_t *message;
    uint32_t length;
    int is_silence;
    if (slot->partial > 0) {
        is_silence = slot->partial_is_silence;
        message = is_silence ? slot->silence : slot->entries + (size_t)(tail & (slot->capacity - 1)) * slot->message_bytes;
        length = is_silence ? slot->silence_bytes : slot->lengths[tail & (slot->capacity - 1)];
    } else {
        uint64_t flush_to = atomic_load_explicit(&slot->flush_to, memory_order_acquire);
        if (flush_to > tail) {
            tail = flush_to;
            atomic_store_explicit(&slot->tail, tail, memory_order_release);
        }

        uint64_t head = atomic_load_explicit(&slot->head, memory_order_acquire);
        is_silence = tail >= head;
        if (is_silence) {
            message = slot->silence;
            length = slot->silence_bytes;
            if (atomic_load_explicit(&slot->playing, memory_order_relaxed)) {
                atomic_fetch_add_explicit(&slot->starved, 1, memory_order_relaxed);
            }
        } else {
            message = slot->entries + (size_t)(tail & (slot->capacity - 1)) * slot->message_bytes;
            length = slot->lengths[tail & (slot->capacity - 1)];
        }
    }

    uint32_t offset = slot->partial;
    ssize_t written = send(slot->fd, message + offset, length - offset, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (written < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            atomic_fetch_add_explicit(&slot->blocked, 1, memory_order_relaxed);
            slot->partial_is_silence = is_silence;
            return;
        }

        atomic_store_explicit(&slot->error, errno, memory_order_release);
        return;
    }

    if (offset + (uint32_t)written < length) {
        // The socket took part of it (a slow peer): the rest goes first at the next tick, so framing stays whole.
        slot->partial = offset + (uint32_t)written;
        slot->partial_is_silence = is_silence;
        atomic_fetch_add_explicit(&slot->blocked, 1, memory_order_relaxed);
        return;
    }

    slot->partial = 0;
    message_written(slot, is_silence, tail, message, length);
}

// The first two fields of the calling thread's schedstat: time on a CPU and time waiting on a run queue (ns).
static void read_schedstat(int fd, int64_t *run_ns, int64_t *wait_ns) {
    char text[96];
    ssize_t length = fd < 0 ? -1 : pread(fd, text, sizeof text - 1, 0);
    if (length <= 0) {
        *run_ns = 0;
        *wait_ns = 0;
        return;
    }

    text[length] = 0;
    char *end;
    *run_ns = strtoll(text, &end, 10);
    *wait_ns = strtoll(end, NULL, 10);
}

static void *run(void *argument) {
    vbw_sender *sender = argument;
    sender->schedstat_fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
    int result = 0;
    if (sender->rt_priority > 0) {
        struct sched_param parameter = {.sched_priority = sender->rt_priority};
        result = pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameter);
    }

    pthread_mutex_lock(&sender->start_lock);
    atomic_store(&sender->rt_result, result);
    pthread_cond_broadcast(&sender->started);
    pthread_mutex_unlock(&sender->start_lock);

    int64_t anchor = now_ns();
    int64_t since_anchor = 1;
    while (!atomic_load_explicit(&sender->stop, memory_order_relaxed)) {
        int64_t due = anchor + since_anchor * sender->period_ns;
        atomic_store_explicit(&sender->next_due, due, memory_order_relaxed);
        sleep_until(due);
        int64_t started = now_ns();
        if (started - due >= sender->period_ns) {
            // A frame or more late (a starved machine): one frame per call, never a burst; the schedule restarts here.
            anchor = started;
            since_anchor = 0;
        }

        pthread_mutex_lock(&sender->lock);
        uint32_t sessions = sender->count;
        for (uint32_t i = 0; i < sessions; i++) {
            write_slot(sender->slots[i]);
        }
        pthread_mutex_unlock(&sender->lock);

        uint64_t sequence = atomic_load_explicit(&sender->ticks_written, memory_order_relaxed);
        vbw_tick *tick = &sender->ticks[sequence & (VBW_TICK_LOG - 1)];
        tick->due = due;
        tick->started = started;
        tick->ended = now_ns();
        tick->sessions = (int32_t)sessions;
        if (atomic_load_explicit(&sender->trace_scheduling, memory_order_relaxed)) {
            read_schedstat(sender->schedstat_fd, &tick->run_ns, &tick->wait_ns);
        } else {
            tick->run_ns = 0;
            tick->wait_ns = 0;
        }

        atomic_store_explicit(&sender->ticks_written, sequence + 1, memory_order_release);
        since_anchor++;
    }

    if (sender->schedstat_fd >= 0) {
        close(sender->schedstat_fd);
    }

    return NULL;
}

// The sender's memory (mostly its tick log), as whole pages.
static void sender_pages(vbw_sender *sender, uintptr_t *first, size_t *length) {
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)sender & ~(page - 1);
    uintptr_t end = ((uintptr_t)sender + sizeof *sender + page - 1) & ~(page - 1);
    *first = start;
    *length = end - start;
}

// Makes every page of the sender's memory resident before the thread runs. A first write to a page is a page fault,
// and a fault waits for the process's memory-map lock, which has no priority inheritance: a normally scheduled thread
// holding it (the .NET GC maps and unmaps its heap) and preempted by a busy machine kept the real-time thread waiting
// up to 100 ms — one late tick every couple of seconds of the tick log's first pass (measured with a CPU hog on every
// core). Locked too when the memory-lock limit allows, so the pages are never reclaimed.
static void make_resident(vbw_sender *sender) {
    uintptr_t first;
    size_t length;
    sender_pages(sender, &first, &length);
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    for (size_t offset = 0; offset < sizeof sender->ticks; offset += page) {
        ((volatile uint8_t *)sender->ticks)[offset] = 0;
    }

    (void)mlock((void *)first, length);
}

// Pages of the sender's memory not resident now (0 once make_resident ran; for tests).
VBW_EXPORT int32_t vbw_pages_not_resident(vbw_sender *sender) {
    uintptr_t first;
    size_t length;
    sender_pages(sender, &first, &length);
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t pages = length / page;
    unsigned char *resident = malloc(pages);
    if (resident == NULL || mincore((void *)first, length, resident) != 0) {
        free(resident);
        return -1;
    }

    int32_t missing = 0;
    for (size_t i = 0; i < pages; i++) {
        missing += (resident[i] & 1) == 0;
    }

    free(resident);
    return missing;
}

// Starts the thread. rt_priority > 0 asks for SCHED_FIFO at that priority; *rt_result receives 0 when applied, else
// the errno of the refusal (the thread then runs normally scheduled). Returns NULL when the thread cannot start.
VBW_EXPORT vbw_sender *vbw_start(int32_t period_us, int32_t rt_priority, int32_t *rt_result) {
    vbw_sender *sender = calloc(1, sizeof(vbw_sender));
    if (sender == NULL) {
        return NULL;
    }

    make_resident(sender);
    sender->period_ns = (int64_t)period_us * 1000;
    sender->rt_priority = rt_priority;
    sender->room = 64;
    sender->slots = calloc(sender->room, sizeof(vbw_slot *));
    atomic_store(&sender->rt_result, -1);
    // Priority inheritance: a normally scheduled thread adding or removing a call holds this lock for microseconds, but
    // preempted meanwhile by a busy machine it would hold the real-time sender back for a whole time slice (measured:
    // 100 ms with another process keeping every core busy). Holding it, that thread runs at the sender's priority.
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_setprotocol(&attributes, PTHREAD_PRIO_INHERIT);
    pthread_mutex_init(&sender->lock, &attributes);
    pthread_mutexattr_destroy(&attributes);
    pthread_mutex_init(&sender->start_lock, NULL);
    pthread_cond_init(&sender->started, NULL);
    if (sender->slots == NULL || pthread_create(&sender->thread, NULL, run, sender) != 0) {
        free(sender->slots);
        free(sender);
        return NULL;
    }

    // Its own name in top, perf and /proc: otherwise it inherits the name of whichever managed thread started it.
    pthread_setname_np(sender->thread, "voicebot-wire");

    pthread_mutex_lock(&sender->start_lock);
    while (atomic_load(&sender->rt_result) == -1) {
        pthread_cond_wait(&sender->started, &sender->start_lock);
    }
    pthread_mutex_unlock(&sender->start_lock);
    *rt_result = atomic_load(&sender->rt_result);
    return sender;
}

// Keeps the thread on one CPU (the capacity bench runs one sender with no call per CPU as its machine witness).
// Returns 0, or the error number of the refusal.
VBW_EXPORT int32_t vbw_pin(vbw_sender *sender, int32_t cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(sender->thread, sizeof set, &set);
}

// Stops the thread and frees the sender. Every slot must have been removed.
VBW_EXPORT void vbw_stop(vbw_sender *sender) {
    atomic_store(&sender->stop, 1);
    pthread_join(sender->thread, NULL);
    pthread_mutex_destroy(&sender->lock);
    pthread_mutex_destroy(&sender->start_lock);
    pthread_cond_destroy(&sender->started);
    free(sender->slots);
    free(sender);
}

// Frees a slot the thread no longer sees, and closes its socket duplicate.
static void free_slot(vbw_slot *slot) {
    if (slot->fd >= 0) {
        close(slot->fd);
    }

    free(slot->entries);
    free(slot->lengths);
    free(slot->silence);
    free(slot);
}

// Adds a call: from the next tick the thread writes to a duplicate of fd one message per tick. capacity must be a power
// of two; message_bytes is the largest message queued; silence is written whenever nothing is queued. Returns the slot,
// or NULL with *error set (the caller keeps pacing that call itself).
VBW_EXPORT vbw_slot *vbw_add(vbw_sender *sender, int32_t fd, uint32_t capacity, uint32_t message_bytes,
                             const uint8_t *silence, uint32_t silence_bytes, int32_t *error) {
    if (capacity == 0 || (capacity & (capacity - 1)) != 0 || silence_bytes == 0 || silence_bytes > message_bytes) {
        *error = EINVAL;
        return NULL;
    }

    vbw_slot *slot = calloc(1, sizeof(vbw_slot));
    if (slot == NULL) {
        *error = ENOMEM;
        return NULL;
    }

    slot->capacity = capacity;
    slot->message_bytes = message_bytes;
    slot->entries = malloc((size_t)capacity * message_bytes);
    slot->lengths = calloc(capacity, sizeof(uint32_t));
    slot->silence = malloc(silence_bytes);
    slot->silence_bytes = silence_bytes;
    slot->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (slot->entries == NULL || slot->lengths == NULL || slot->silence == NULL || slot->fd < 0) {
        *error = slot->fd < 0 ? errno : ENOMEM;
        free_slot(slot);
        return NULL;
    }

    memcpy(slot->silence, silence, silence_bytes);
    pthread_mutex_lock(&sender->lock);
    if (sender->count == sender->room) {
        vbw_slot **grown = realloc(sender->slots, (size_t)sender->room * 2 * sizeof(vbw_slot *));
        if (grown == NULL) {
            pthread_mutex_unlock(&sender->lock);
            free_slot(slot);
            *error = ENOMEM;
            return NULL;
        }

        sender->slots = grown;
        sender->room *= 2;
    }

    sender->slots[sender->count++] = slot;
    pthread_mutex_unlock(&sender->lock);
    *error = 0;
    return slot;
}

// Removes a call. When this returns the thread will not touch the slot again and its socket duplicate is closed.
VBW_EXPORT void vbw_remove(vbw_sender *sender, vbw_slot *slot) {
    pthread_mutex_lock(&sender->lock);
    for (uint32_t i = 0; i < sender->count; i++) {
        if (sender->slots[i] == slot) {
            sender->slots[i] = sender->slots[--sender->count];
            break;
        }
    }
    pthread_mutex_unlock(&sender->lock);
    free_slot(slot);
}

// Queues one whole message. Returns 1 when queued, 0 when the ring is full, -1 when the message is too large.
VBW_EXPORT int32_t vbw_push(vbw_slot *slot, const uint8_t *message, uint32_t length) {
    if (length == 0 || length > slot->message_bytes) {
        return -1;
    }

    uint64_t head = atomic_load_explicit(&slot->head, memory_order_relaxed);
    uint64_t tail = atomic_load_explicit(&slot->tail, memory_order_acquire);
    if (head - tail >= slot->capacity) {
        return 0;
    }

    uint32_t index = (uint32_t)(head & (slot->capacity - 1));
    memcpy(slot->entries + (size_t)index * slot->message_bytes, message, length);
    slot->lengths[index] = length;
    atomic_store_explicit(&slot->head, head + 1, memory_order_release);
    return 1;
}

// Drops every queued message the thread has not started writing. Returns how many were dropped (at most; one being
// written goes out whole).
VBW_EXPORT uint32_t vbw_flush(vbw_slot *slot) {
    uint64_t head = atomic_load_explicit(&slot->head, memory_order_relaxed);
    uint64_t tail = atomic_load_explicit(&slot->tail, memory_order_acquire);
    atomic_store_explicit(&slot->flush_to, head, memory_order_release);
    return (uint32_t)(head - tail);
}

// Messages in the ring not yet written whole, counting the ones a flush has yet to drop.
VBW_EXPORT uint32_t vbw_queued(vbw_slot *slot) {
    uint64_t head = atomic_load_explicit(&slot->head, memory_order_relaxed);
    uint64_t tail = atomic_load_explicit(&slot->tail, memory_order_acquire);
    uint64_t flush_to = atomic_load_explicit(&slot->flush_to, memory_order_acquire);
    return (uint32_t)(head - (flush_to > tail ? flush_to : tail));
}

// Messages that can be queued now (a flush frees its room only once the thread has applied it).
VBW_EXPORT uint32_t vbw_room(vbw_slot *slot) {
    uint64_t head = atomic_load_explicit(&slot->head, memory_order_relaxed);
    uint64_t tail = atomic_load_explicit(&slot->tail, memory_order_acquire);
    return (uint32_t)(slot->capacity - (head - tail));
}

// Whether the bot means to be talking: an empty ring then counts as starved, not as the line's silence.
VBW_EXPORT void vbw_set_playing(vbw_slot *slot, int32_t playing) {
    atomic_store_explicit(&slot->playing, playing, memory_order_relaxed);
}

VBW_EXPORT void vbw_slot_stats_read(vbw_slot *slot, vbw_slot_stats *stats) {
    stats->queued = vbw_queued(slot);
    stats->audio_sent = atomic_load_explicit(&slot->audio_sent, memory_order_relaxed);
    stats->silence_sent = atomic_load_explicit(&slot->silence_sent, memory_order_relaxed);
    stats->starved = atomic_load_explicit(&slot->starved, memory_order_relaxed);
    stats->blocked = atomic_load_explicit(&slot->blocked, memory_order_relaxed);
    stats->error = atomic_load_explicit(&slot->error, memory_order_acquire);
    stats->hangup_sent = atomic_load_explicit(&slot->hangup_sent, memory_order_acquire);
}

// From now on every tick in the log carries the thread's scheduler counters (for the capacity bench's trace).
VBW_EXPORT void vbw_trace_scheduling(vbw_sender *sender) {
    atomic_store(&sender->trace_scheduling, 1);
}

// Ticks run so far.
VBW_EXPORT uint64_t vbw_ticks(vbw_sender *sender) {
    return atomic_load_explicit(&sender->ticks_written, memory_order_acquire);
}

// When the next tick is due (CLOCK_MONOTONIC, ns): where a message queued now lands on the call's timeline.
VBW_EXPORT int64_t vbw_next_due(vbw_sender *sender) {
    return atomic_load_explicit(&sender->next_due, memory_order_relaxed);
}

// Copies the ticks run since *cursor (at most max; older ones the log has overwritten are skipped) and advances it.
VBW_EXPORT int32_t vbw_read_ticks(vbw_sender *sender, uint64_t *cursor, vbw_tick *ticks, int32_t max) {
    uint64_t written = atomic_load_explicit(&sender->ticks_written, memory_order_acquire);
    uint64_t from = *cursor;
    if (written - from > VBW_TICK_LOG - 64) {
        from = written - (VBW_TICK_LOG - 64); // fell behind: keep the newest, leave room for the thread
    }

    int32_t count = 0;
    while (from < written && count < max) {
        ticks[count++] = sender->ticks[from & (VBW_TICK_LOG - 1)];
        from++;
    }

    *cursor = from;
    return count;
}
