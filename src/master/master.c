/*
 * master.c - the master process.  Start: config, table, listeners, workers,
 * journal replay, READY=1.  Loop: answer forwarded requests, plan writes
 * one at a time in log order, publish what was applied before answering
 * (read-your-writes), respawn dead workers, reload on SIGHUP, drain on
 * SIGTERM.
 */
#include "master.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>

#include "leader_error.h"
#include "log.h"
#include "publish.h"
#include "record.h"
#include "render.h"
#include "worker.h"

extern char **environ;

/* The handler reaches the state only through this pointer, set at start. */
static master_t *master_signal_target;

static void
master__on_signal(int sig)
{
    master_t *m = master_signal_target;
    if (m == NULL)
        return;
    if (sig == SIGTERM || sig == SIGINT)
        m->sig_term = 1;
    else if (sig == SIGHUP)
        m->sig_hup = 1;
    else if (sig == SIGCHLD)
        m->sig_chld = 1;
}

static void
master__signals(master_t *m)
{
    struct sigaction sa = {0};
    master_signal_target = m;
    sa.sa_handler = master__on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Signals stay blocked except inside ppoll(), so a flag set by a
     * handler is always seen before the next wait. */
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, NULL);
}

/* ---- workers ----------------------------------------------------------- */

static void
master__close_worker(master_worker_t *w)
{
    if (w->fd >= 0) {
        close(w->fd);
        ipc_reader_free(&w->reader);
        ipc_outq_free(&w->out);
    }
    w->fd = -1;
}

static int
master__spawn(master_t *m, int slot, master_worker_t *w)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        log_error("socketpair: %s", strerror(errno));
        return -1;
    }
    int big = 4 << 20;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
    setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
    w->table_slot = table_reader_claim(m->table);
    if (w->table_slot < 0)
        log_warn("worker %d: no free table reader slot; it forwards every request", slot);
    pid_t pid = fork();
    if (pid < 0) {
        log_error("fork: %s", strerror(errno));
        table_reader_release(m->table, w->table_slot);
        w->table_slot = -1;
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    if (pid == 0) {
        table_reader_attach(m->table, w->table_slot);
        close(sv[0]);
        for (int i = 0; i < m->nall; i++) {
            if (m->workers[i].fd >= 0)
                close(m->workers[i].fd);
        }
        worker_main(&m->http, m->table, slot, sv[1]);
    }
    close(sv[1]);
    /* Never blocked on: a busy worker's replies wait in w->out. */
    fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
    w->pid = pid;
    w->fd = sv[0];
    w->retiring = 0;
    ipc_reader_init(&w->reader);
    memset(&w->out, 0, sizeof(w->out));
    w->stalled = (struct timespec){0, 0};
    log_debug("worker %d started as pid %d", slot, (int)pid);
    return 0;
}

static master_worker_t *
master__add_entry(master_t *m)
{
    m->workers = mem_realloc(m->workers, (size_t)(m->nall + 1) * sizeof(master_worker_t));
    master_worker_t *w = &m->workers[m->nall++];
    memset(w, 0, sizeof(*w));
    w->fd = -1;
    return w;
}

static int
master__start_workers(master_t *m, int n)
{
    m->nworkers = n;
    for (int i = 0; i < n; i++) {
        master_worker_t *w = master__add_entry(m);
        if (master__spawn(m, i, w) != 0)
            return -1;
    }
    return 0;
}

/* Reap exited workers; restart those that were not asked to stop. */
static void
master__reap(master_t *m)
{
    int status;
    pid_t pid;
    m->sig_chld = 0;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (int i = 0; i < m->nall; i++) {
            master_worker_t *w = &m->workers[i];
            if (w->pid != pid)
                continue;
            w->pid = 0;
            table_reader_release(m->table, w->table_slot);
            w->table_slot = -1;
            master__close_worker(w);
            if (w->retiring || m->sig_term || i >= m->nworkers)
                break;
            log_warn("worker %d (pid %d) died (%s %d); restarting it", i, (int)pid,
                     WIFSIGNALED(status) ? "signal" : "status",
                     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
            master__spawn(m, i, w);
            break;
        }
    }
}

/* ---- answering --------------------------------------------------------- */

/* Replies a worker has not read: past this, or with no byte taken for
 * MASTER_STALL_MS, the worker is killed (and restarted) rather than let
 * the master's memory grow without end.  Its stream is never cut short. */
#define MASTER_OUTQ_MAX ((size_t)1 << 30)
#define MASTER_STALL_MS 60000L

static long master__ms_since(const struct timespec *t);

static void
master__abandon_worker(master_t *m, int slot, const char *why)
{
    master_worker_t *w = &m->workers[slot];
    log_error("worker %d (pid %d) %s; killing it", slot, (int)w->pid, why);
    if (w->pid > 0)
        kill(w->pid, SIGKILL);
    master__close_worker(w);
}

/* Write what the worker's socket takes now; the rest waits for POLLOUT. */
static void
master__flush(master_t *m, int slot)
{
    master_worker_t *w = &m->workers[slot];
    size_t before = ipc_outq_pending(&w->out);
    long left = ipc_outq_flush(&w->out, w->fd);
    if (left < 0) {
        log_warn("cannot answer worker %d: %s", slot, strerror(errno));
        master__close_worker(w);
        return;
    }
    if (left == 0)
        mem_release(ipc_outq_shrink(&w->out));
    if (left == 0 || (size_t)left < before)
        w->stalled = (struct timespec){0, 0};
    if (left > 0 && w->stalled.tv_sec == 0 && w->stalled.tv_nsec == 0)
        clock_gettime(CLOCK_MONOTONIC, &w->stalled);
}

static void
master__send(master_t *m, int slot, pid_t pid, uint32_t id, int status,
             const char *body, size_t len)
{
    if (slot < 0 || slot >= m->nall)
        return;
    master_worker_t *w = &m->workers[slot];
    if (w->fd < 0 || w->pid != pid)
        return;
    ipc_reply_t rep = {.id = id, .status = status, .body = body, .body_len = len};
    ipc_outq_reply(&w->out, &rep);
    if (ipc_outq_pending(&w->out) > MASTER_OUTQ_MAX) {
        master__abandon_worker(m, slot, "has not read a gigabyte of replies");
        return;
    }
    master__flush(m, slot);
}

/* Workers whose replies have waited too long with no byte taken. */
static void
master__check_stalls(master_t *m)
{
    for (int i = 0; i < m->nall; i++) {
        master_worker_t *w = &m->workers[i];
        if (w->fd >= 0 && ipc_outq_pending(&w->out) > 0 &&
            (w->stalled.tv_sec != 0 || w->stalled.tv_nsec != 0) &&
            master__ms_since(&w->stalled) > MASTER_STALL_MS)
            master__abandon_worker(m, i, "has read no reply for a minute");
    }
}

static void
master__write_free(master_write_t *wr)
{
    size_t body_len = wr->body_len;
    free(wr->subject);
    free(wr->method);
    free(wr->path);
    free(wr->ctype);
    free(wr->body);
    api_result_free(&wr->res);
    free(wr);
    mem_release(body_len);
}

/* A write in flight is over: it leaves the list, and a registration's id
 * is no longer pending. */
static void
master__retire(master_t *m, master_write_t *wr)
{
    for (master_write_t **p = &m->inflight_writes; *p != NULL; p = &(*p)->inext) {
        if (*p == wr) {
            *p = wr->inext;
            break;
        }
    }
    if (wr->res.new_id > 0) {
        api_pending_t *pend = hmap_get(&m->pending, wr->res.fingerprint, 32);
        if (pend != NULL && --pend->refs == 0)
            free(hmap_del(&m->pending, wr->res.fingerprint, 32));
    }
    if (m->inflight_writes == NULL)
        m->api.pending_max_id = 0;
}

static void
master__answer_write(master_t *m, master_write_t *wr)
{
    master__retire(m, wr);
    if (wr->err == JOURNAL_ETIMEOUT) {
        buf_t b = {0};
        render_error(&b, 50002, "Register operation timed out");
        master__send(m, wr->worker, wr->pid, wr->id, 500, b.data, b.len);
        buf_free(&b);
    } else if (wr->err != 0) {
        buf_t b = {0};
        render_error(&b, 50001, "Error while writing to the journal");
        master__send(m, wr->worker, wr->pid, wr->id, 500, b.data, b.len);
        buf_free(&b);
    } else {
        master__send(m, wr->worker, wr->pid, wr->id, wr->res.status, wr->res.body.data,
                     wr->res.body.len);
    }
    master__write_free(wr);
}

/* ---- the journal ------------------------------------------------------- */

static void
master__on_apply(void *ctx, int64_t offset, int64_t ts, const char *key, size_t klen,
                 const char *val, size_t vlen)
{
    master_t *m = ctx;
    store_apply(&m->store, offset, ts, key, klen, val, vlen);
    m->dirty = 1;
}

/* A fenced writer's record: skipped, but its ids are never given again. */
static void
master__on_fenced(void *ctx, int64_t offset, int64_t ts, const char *key, size_t klen,
                  const char *val, size_t vlen)
{
    (void)ts;
    master_t *m = ctx;
    store_fenced(&m->store, offset, key, klen, val, vlen);
    m->dirty = 1;
}

static void
master__on_ack(void *ctx, void *cookie, int err)
{
    master_t *m = ctx;
    m->inflight--;
    if (err != 0)
        m->fence_needed = 1;
    if (cookie == &m->fence_cookie) {
        m->fencing = 0;
        if (err == 0)
            m->fence_needed = 0;
        return;
    }
    master_write_t *wr = cookie;
    if (err > wr->err)
        wr->err = err;
    if (--wr->waiting > 0)
        return;
    /* Answered after the next publish, so the worker that relays the
     * answer already sees the write in the table. */
    wr->next = m->done;
    m->done = wr;
}

static void
master__publish(master_t *m)
{
    table_reclaim(m->table);
    if (m->dirty || m->store.dirty_lists || m->store.dirty_versions) {
        m->publish.default_level = m->cf->compatibility_level;
        m->publish.dialect = m->cf->confluent_version;
        publish_dirty(&m->publish, &m->store, m->table);
        table_set_offset(m->table, m->store.offset);
        m->dirty = 0;
    }
    master_write_t *wr = m->done;
    m->done = NULL;
    while (wr != NULL) {
        master_write_t *next = wr->next;
        master__answer_write(m, wr);
        wr = next;
    }
}

/* ---- requests ---------------------------------------------------------- */

static ipc_request_t
master__request_of(const master_write_t *wr)
{
    ipc_request_t r = {
        .id = wr->id,
        .method = wr->method, .method_len = wr->method_len,
        .path = wr->path, .path_len = wr->path_len,
        .ctype = wr->ctype, .ctype_len = wr->ctype_len,
        .body = wr->body, .body_len = wr->body_len,
    };
    return r;
}

/* Why this node must not write, or NULL. */
static const char *
master__refusal(master_t *m)
{
    if (m->journal.ops == NULL || m->journal.ops->refusal == NULL)
        return NULL;
    return m->journal.ops->refusal(&m->journal);
}

/* 1 when this node follows another (*url: the leader's, or NULL when
 * none is known), 0 when it writes or refuses for good. */
static int
master__follows(master_t *m, const char **url)
{
    *url = NULL;
    if (m->journal.ops == NULL || m->journal.ops->follows == NULL)
        return 0;
    return m->journal.ops->follows(&m->journal, url);
}

/* Answer a write this node does not carry out itself with Confluent's
 * error for its route: 50004 when no leader is known, 50003 when another
 * node relayed it here (one hop at most). */
static void
master__refuse_write(master_t *m, master_write_t *wr, int unknown)
{
    char msg[512];
    int code = leader_error_of(wr->method, wr->method_len, wr->path, wr->path_len, unknown, msg,
                               sizeof(msg));
    buf_t b = {0};
    render_error(&b, code, msg);
    master__send(m, wr->worker, wr->pid, wr->id, 500, b.data, b.len);
    buf_free(&b);
}

/* Tell the worker to relay its request to the leader at url. */
static void
master__send_forward(master_t *m, const master_write_t *wr, const char *url)
{
    master_worker_t *w = &m->workers[wr->worker];
    if (w->fd < 0 || w->pid != wr->pid)
        return;
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    ipc_pack_forward(&sb, wr->id, url, strlen(url));
    ipc_outq_push(&w->out, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    master__flush(m, wr->worker);
}

/* A write this node must not carry out: a follower's worker relays it to
 * the leader, else it is refused.  wr is answered and freed. */
static void
master__not_writing(master_t *m, master_write_t *wr, const char *why)
{
    const char *url;
    if (!master__follows(m, &url)) {
        /* A node that saw another registry write: it says why. */
        buf_t b = {0};
        char *msg = mem_printf("This node does not write: %s", why);
        render_error(&b, LEADER_ERROR_UNKNOWN, msg);
        master__send(m, wr->worker, wr->pid, wr->id, 500, b.data, b.len);
        buf_free(&b);
        free(msg);
    } else if (wr->forwarded || url == NULL) {
        master__refuse_write(m, wr, url == NULL);
    } else {
        master__send_forward(m, wr, url);
    }
    master__write_free(wr);
}

/* Plan one write against the current state and append its records.
 * Returns -1 (wr untouched, to be planned again) when this node must first
 * claim the journal, else 0 (wr answered or in flight). */
static int
master__plan(master_t *m, master_write_t *wr)
{
    ipc_request_t req = master__request_of(wr);
    api_handle(&m->api, &req, &wr->res);
    const char *why = master__refusal(m);
    if (wr->res.nrecords > 0 && why != NULL) {
        /* A follower, or a node that saw another registry write (a
         * re-registration of a known schema is a read: answered here). */
        master__not_writing(m, wr, why);
        return 0;
    }
    if (wr->res.nrecords > 0 && m->journal.ops->claim != NULL &&
        !m->journal.ops->claim(&m->journal)) {
        /* Planned again once the claim is read back, against every record
         * before it. */
        api_result_free(&wr->res);
        return -1;
    }
    if (wr->res.nrecords == 0) {
        master__send(m, wr->worker, wr->pid, wr->id, wr->res.status, wr->res.body.data,
                     wr->res.body.len);
        master__write_free(wr);
        store_forget_texts(&m->store);
        return 0;
    }
    wr->waiting = wr->res.nrecords;
    m->inflight += wr->res.nrecords;
    wr->inext = m->inflight_writes;
    m->inflight_writes = wr;
    if (wr->res.new_id > 0) {
        api_pending_t *pend = hmap_get(&m->pending, wr->res.fingerprint, 32);
        if (pend == NULL) {
            pend = mem_calloc(1, sizeof(*pend));
            pend->id = wr->res.new_id;
            hmap_put(&m->pending, wr->res.fingerprint, 32, pend);
        }
        pend->refs++;
        if (wr->res.new_id > m->api.pending_max_id)
            m->api.pending_max_id = wr->res.new_id;
    }
    for (size_t i = 0; i < wr->res.nrecords; i++) {
        api_record_t *rec = &wr->res.records[i];
        m->journal.ops->append(&m->journal, rec->key, rec->klen, rec->val, rec->vlen, wr);
    }
    return 0;
}

static long
master__ms_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

static master_write_t *
master__pop(master_t *m)
{
    master_write_t *wr = m->queue;
    m->queue = wr->next;
    if (m->queue == NULL)
        m->queue_tail = NULL;
    wr->next = NULL;
    return wr;
}

/* Writes that waited longer than kafkastore.timeout.ms while the journal
 * is failing fail as Confluent's do, with 50002; a healthy journal gets ten
 * times that for a backlog to clear. */
static void
master__expire_queue(master_t *m)
{
    while (m->queue != NULL) {
        long waited = master__ms_since(&m->queue->queued);
        if (waited <= m->cf->timeout_ms ||
            (!m->fence_needed && waited <= 10L * m->cf->timeout_ms))
            break;
        master_write_t *wr = master__pop(m);
        wr->err = JOURNAL_ETIMEOUT;
        master__answer_write(m, wr);
    }
}

/* Append the NOOP that proves every earlier record has landed or failed
 * for good (the producer keeps order), so no late record can collide. */
static void
master__fence(master_t *m)
{
    size_t klen;
    char *key = record_key_noop(&klen);
    m->fencing = 1;
    m->inflight++;
    m->journal.ops->append(&m->journal, key, klen, NULL, 0, &m->fence_cookie);
    free(key);
}

/* Whether a registration into a default-context subject with no alias:
 * such writes touch only their subject (ids come from api.pending). */
static int
master__pipelinable(const master_t *m, const master_write_t *wr)
{
    if (wr->subject == NULL)
        return 0;
    store_subject_t *sub = store_subject(&m->store, wr->subject);
    return sub == NULL || json_object_get(sub->config, "alias") == NULL;
}

/* Whether a write may be planned now, with other writes still in flight:
 * registrations into distinct subjects may, anything else waits for the
 * journal to catch up (its outcome depends on what is in flight). */
static int
master__may_start(const master_t *m, const master_write_t *wr)
{
    if (m->inflight == 0)
        return 1;
    if (!master__pipelinable(m, wr))
        return 0;
    for (const master_write_t *f = m->inflight_writes; f != NULL; f = f->inext) {
        if (!master__pipelinable(m, f) || strcmp(f->subject, wr->subject) == 0)
            return 0;
    }
    return !m->fencing;
}

/* Writes are planned in arrival order, each against the state its
 * predecessors left.  The file journal applies on append; on Kafka a write
 * waits for the acks of those it could depend on. */
static void
master__run_queue(master_t *m)
{
    int sync = m->journal.ops->applies_on_append;
    while (m->queue != NULL) {
        if (master__refusal(m) != NULL) {
            master__plan(m, master__pop(m));    /* answered at once */
            continue;
        }
        if (!sync && m->fence_needed) {
            if (m->journal.ops->claim != NULL && !m->journal.ops->claim(&m->journal))
                break;  /* the NOOP is written by a holder of the journal */
            if (!m->fencing && m->inflight == 0)
                master__fence(m);
            break;
        }
        if (!sync && !master__may_start(m, m->queue))
            break;
        master_write_t *wr = master__pop(m);
        if (master__plan(m, wr) < 0) {
            wr->next = m->queue;
            m->queue = wr;
            if (m->queue_tail == NULL)
                m->queue_tail = wr;
            break;
        }
    }
    master__expire_queue(m);
}

static char *
master__dup(const char *s, size_t n)
{
    return s ? mem_strndup(s, n) : NULL;
}

/* ---- reads ------------------------------------------------------------- */

/* A turn of the loop answers reads for about this long, then lets the
 * writes, the journal and the publish have theirs. */
#define MASTER_READ_SLICE_MS 5

/* The key of a queued read in m->queued_reads. */
static size_t
master__read_key(char key[12], int slot, pid_t pid, uint32_t id)
{
    int32_t s = slot, p = (int32_t)pid;
    memcpy(key, &s, 4);
    memcpy(key + 4, &p, 4);
    memcpy(key + 8, &id, 4);
    return 12;
}

static void
master__memo_clear(master_memo_t *mo)
{
    free(mo->path);
    buf_free(&mo->body);
    memset(mo, 0, sizeof(*mo));
}

/* The kept answer to this list request, or NULL.  A write makes every
 * kept answer stale (the store has applied more records). */
static master_memo_t *
master__memo_find(master_t *m, const master_write_t *rd)
{
    for (int i = 0; i < MASTER_MEMO; i++) {
        master_memo_t *mo = &m->memo[i];
        if (mo->path != NULL && mo->records == m->store.records &&
            mo->path_len == rd->path_len && memcmp(mo->path, rd->path, rd->path_len) == 0) {
            mo->used = ++m->memo_clock;
            return mo;
        }
    }
    return NULL;
}

/* Keep a rendered answer (its body is taken from res) in a stale, empty
 * or the least recently used entry. */
static master_memo_t *
master__memo_keep(master_t *m, const master_write_t *rd, api_result_t *res)
{
    master_memo_t *mo = &m->memo[0];
    for (int i = 0; i < MASTER_MEMO; i++) {
        master_memo_t *c = &m->memo[i];
        if (c->path == NULL || c->records != m->store.records) {
            mo = c;
            break;
        }
        if (c->used < mo->used)
            mo = c;
    }
    master__memo_clear(mo);
    mo->path = mem_strndup(rd->path, rd->path_len);
    mo->path_len = rd->path_len;
    mo->records = m->store.records;
    mo->status = res->status;
    mo->body = res->body;
    memset(&res->body, 0, sizeof(res->body));
    mo->used = ++m->memo_clock;
    return mo;
}

/* Answer one read: a list from the memo when the store has not changed
 * since it was rendered (GET /schemas of a large registry costs tens of
 * milliseconds), anything else from the store. */
static void
master__answer_read(master_t *m, master_write_t *rd)
{
    master_memo_t *mo = rd->memo ? master__memo_find(m, rd) : NULL;
    if (mo == NULL) {
        ipc_request_t req = master__request_of(rd);
        api_handle(&m->api, &req, &rd->res);
        if (rd->memo && rd->res.status == 200)
            mo = master__memo_keep(m, rd, &rd->res);
    }
    if (mo != NULL)
        master__send(m, rd->worker, rd->pid, rd->id, mo->status, mo->body.data, mo->body.len);
    else
        master__send(m, rd->worker, rd->pid, rd->id, rd->res.status, rd->res.body.data,
                     rd->res.body.len);
    store_forget_texts(&m->store);
}

/* Replies a worker has not taken yet beyond which its reads wait: a write's
 * answer queued behind them waits for no more than this, and a worker that
 * does not read holds up no other's reads. */
#define MASTER_READ_AHEAD ((size_t)4 << 20)

/* Whether worker w's next read may be answered now. */
static int
master__reads_runnable(const master_worker_t *w)
{
    return w->reads != NULL &&
           (w->fd < 0 || ipc_outq_pending(&w->out) <= MASTER_READ_AHEAD);
}

static int
master__any_reads_runnable(const master_t *m)
{
    if (m->nreads == 0)
        return 0;
    for (int i = 0; i < m->nall; i++) {
        if (master__reads_runnable(&m->workers[i]))
            return 1;
    }
    return 0;
}

/* Answer (or drop) the next read of worker slot. */
static void
master__next_read(master_t *m, int slot)
{
    master_worker_t *w = &m->workers[slot];
    master_write_t *rd = w->reads;
    w->reads = rd->next;
    if (w->reads == NULL)
        w->reads_tail = NULL;
    m->nreads--;
    if (!rd->cancelled) {
        char key[12];
        hmap_del(&m->queued_reads, key, master__read_key(key, rd->worker, rd->pid, rd->id));
        rd->worker = slot;      /* a reload moves the old workers to new slots */
        /* A worker gone or replaced has no one to give the answer to. */
        if (w->fd >= 0 && w->pid == rd->pid)
            master__answer_read(m, rd);
    }
    master__write_free(rd);
}

/* Queued reads, one per worker in turn (each in arrival order), for one
 * slice of time; those whose client went away are dropped without work. */
static void
master__run_reads(master_t *m)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int progress = 1;
    while (progress && m->nreads > 0) {
        progress = 0;
        for (int i = 0; i < m->nall; i++) {
            if (!master__reads_runnable(&m->workers[i]))
                continue;
            master__next_read(m, i);
            progress = 1;
            if (master__ms_since(&t0) >= MASTER_READ_SLICE_MS)
                return;
        }
    }
}

static void
master__on_cancel(master_t *m, int slot, uint32_t id)
{
    char key[12];
    master_write_t *rd = hmap_del(&m->queued_reads, key,
                                  master__read_key(key, slot, m->workers[slot].pid, id));
    if (rd != NULL)
        rd->cancelled = 1;
}

static void
master__free_reads(master_t *m)
{
    for (int i = 0; i < m->nall; i++) {
        master_worker_t *w = &m->workers[i];
        while (w->reads != NULL) {
            master_write_t *rd = w->reads;
            w->reads = rd->next;
            master__write_free(rd);
        }
        w->reads_tail = NULL;
    }
    m->nreads = 0;
    hmap_free(&m->queued_reads);
    for (int i = 0; i < MASTER_MEMO; i++)
        master__memo_clear(&m->memo[i]);
}

static void
master__on_request(master_t *m, int slot, const ipc_request_t *req)
{
    route_t r;
    route_parse(req->method, req->method_len, req->path, req->path_len, &r);
    int write = route_is_write(&r);
    int memo = r.method == ROUTE_M_GET && (r.id == ROUTE_SCHEMAS || r.id == ROUTE_SUBJECTS);
    char *subject = NULL;
    if (write && r.id == ROUTE_VERSIONS && r.method == ROUTE_M_POST) {
        subject = api_subject(&r);
        if (subject[0] == ':') {
            free(subject);
            subject = NULL;
        }
    }
    route_free(&r);
    master_write_t *wr = mem_calloc(1, sizeof(*wr));
    wr->subject = subject;
    wr->worker = slot;
    wr->pid = m->workers[slot].pid;
    wr->id = req->id;
    wr->method = master__dup(req->method, req->method_len);
    wr->method_len = req->method_len;
    wr->path = master__dup(req->path, req->path_len);
    wr->path_len = req->path_len;
    wr->ctype = master__dup(req->ctype, req->ctype_len);
    wr->ctype_len = req->ctype_len;
    wr->body = mem_strndup(req->body ? req->body : "", req->body_len);
    wr->body_len = req->body_len;
    wr->forwarded = req->forwarded;
    clock_gettime(CLOCK_MONOTONIC, &wr->queued);
    if (!write) {
        char key[12];
        wr->memo = memo;
        hmap_put(&m->queued_reads, key, master__read_key(key, slot, wr->pid, wr->id), wr);
        master_worker_t *w = &m->workers[slot];
        if (w->reads_tail != NULL)
            w->reads_tail->next = wr;
        else
            w->reads = wr;
        w->reads_tail = wr;
        m->nreads++;
        return;
    }
    if (m->queue_tail != NULL)
        m->queue_tail->next = wr;
    else
        m->queue = wr;
    m->queue_tail = wr;
}

/* One message from a worker; -1 when malformed. */
static int
master__on_message(master_t *m, int slot, const msgpack_object *o)
{
    if (ipc_type(o) == IPC_CANCEL) {
        uint32_t id;
        if (ipc_unpack_cancel(o, &id) != 0)
            return -1;
        master__on_cancel(m, slot, id);
        return 0;
    }
    ipc_request_t req;
    if (ipc_unpack_request(o, &req) != 0)
        return -1;
    master__on_request(m, slot, &req);
    return 0;
}

/* Read what the worker sent, up to 16 chunks: reads are only queued here,
 * so reading ahead lets a cancel that follows its request drop it. */
static void
master__read_worker(master_t *m, int slot)
{
    master_worker_t *w = &m->workers[slot];
    char buf[65536];
    for (int chunk = 0; chunk < 16; chunk++) {
        ssize_t n = read(w->fd, buf, sizeof(buf));
        if (n <= 0) {
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                return;
            master__close_worker(w);
            return;
        }
        ipc_reader_feed(&w->reader, buf, (size_t)n);
        const msgpack_object *o;
        int rc;
        while ((rc = ipc_reader_next(&w->reader, &o)) == 1) {
            if (master__on_message(m, slot, o) != 0) {
                log_error("malformed message from worker %d; closing it", slot);
                master__close_worker(w);
                return;
            }
        }
        mem_release(ipc_reader_shrink(&w->reader));
        if (rc < 0) {
            log_error("corrupt stream from worker %d; closing it", slot);
            master__close_worker(w);
            return;
        }
        if ((size_t)n < sizeof(buf))
            return;
    }
}

/* ---- the loop ---------------------------------------------------------- */

static void
master__poll(master_t *m)
{
    struct pollfd *pfd = mem_calloc((size_t)m->nall + 1, sizeof(*pfd));
    int *slot = mem_calloc((size_t)m->nall + 1, sizeof(int));
    nfds_t n = 0;
    for (int i = 0; i < m->nall; i++) {
        if (m->workers[i].fd < 0)
            continue;
        pfd[n].fd = m->workers[i].fd;
        pfd[n].events = POLLIN;
        if (ipc_outq_pending(&m->workers[i].out) > 0)
            pfd[n].events |= POLLOUT;
        slot[n++] = i;
    }
    int jfd = m->journal.ops->fd(&m->journal);
    if (jfd >= 0) {
        pfd[n].fd = jfd;
        pfd[n].events = POLLIN;
        slot[n++] = -1;
    }
    /* What the journal waits for (acks, records read back, a claim, the
     * election) wakes its fd; the bound is for its timers and background
     * work (an ack's deadline, a claim retried later, a commit or fence
     * resumed, writes expiring in the queue).  The file journal acks
     * within the loop's turn: nothing of it is in flight here. */
    long ms = master__any_reads_runnable(m)         ? 0
              : m->inflight > 0 || m->queue != NULL ? 50
                                                  : 100;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    sigset_t none;
    sigemptyset(&none);
    int rc = ppoll(pfd, n, &ts, &none);
    for (nfds_t i = 0; rc > 0 && i < n; i++) {
        if (slot[i] < 0)
            continue;
        if ((pfd[i].revents & POLLOUT) && m->workers[slot[i]].fd >= 0)
            master__flush(m, slot[i]);
        if ((pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) && m->workers[slot[i]].fd >= 0)
            master__read_worker(m, slot[i]);
    }
    free(pfd);
    free(slot);
    master__check_stalls(m);
}

/* The server's default level shows in every config answer: a reload
 * renders them again. */
static void
master__republish_settings(master_t *m)
{
    hmap_slot_t *slot;
    size_t pos = 0;
    m->store.dirty_config = 1;
    while ((slot = hmap_next(&m->store.subjects, &pos)) != NULL) {
        store_subject_t *sub = slot->val;
        if (sub->config != NULL && !sub->dirty) {
            sub->dirty = 1;
            store_ptrs_push(&m->store.dirty_subjects, sub);
        }
    }
    m->dirty = 1;
}

/* The writes still to answer name their worker by slot: a reload moves
 * the old workers `by` slots up (acked ones are still in flight). */
static void
master__shift_writes(master_t *m, int by)
{
    for (master_write_t *wr = m->queue; wr != NULL; wr = wr->next)
        wr->worker += by;
    for (master_write_t *wr = m->inflight_writes; wr != NULL; wr = wr->inext)
        wr->worker += by;
}

static void
master__reload(master_t *m)
{
    char err[512];
    m->sig_hup = 0;
    sd_notify(0, "RELOADING=1");
    config_t *cf = config_load(m->config_path, environ, err, sizeof(err));
    if (cf == NULL) {
        log_error("reload refused, keeping the running configuration: %s", err);
        sd_notify(0, "READY=1");
        return;
    }
    int n = config_workers(cf);
    if (cf->confluent_version != m->cf->confluent_version) {
        /* Every answer in the table would change: a restart rebuilds it. */
        log_error("reload refused: confluent.version changes only with a restart");
        config_free(cf);
        sd_notify(0, "READY=1");
        return;
    }
    if (http_grow(&m->http, cf, n, err, sizeof(err)) != 0 ||
        http_relay_settings(&m->http, cf, err, sizeof(err)) != 0) {
        log_error("reload refused: %s", err);
        config_free(cf);
        sd_notify(0, "READY=1");
        return;
    }
    config_free(m->cf);
    m->cf = cf;
    m->api.cf = cf;
    master__republish_settings(m);
    for (int i = 0; i < MASTER_MEMO; i++)
        master__memo_clear(&m->memo[i]);
    log_init(log_level_parse(cf->log_level), "master");
    /* New workers first, on the same listening sockets; then the old ones
     * drain and leave.  No socket is closed, so no queued connection is lost. */
    int old = m->nall;
    for (int i = 0; i < old; i++) {
        if (m->workers[i].pid != 0 && !m->workers[i].retiring) {
            m->workers[i].retiring = 1;
            kill(m->workers[i].pid, SIGTERM);
        }
    }
    master_worker_t *fresh = mem_calloc((size_t)n, sizeof(master_worker_t));
    master_worker_t *all = mem_calloc((size_t)(n + old), sizeof(master_worker_t));
    for (int i = 0; i < n; i++) {
        fresh[i].fd = -1;
        all[i] = fresh[i];
    }
    memcpy(all + n, m->workers, (size_t)old * sizeof(master_worker_t));
    free(m->workers);
    free(fresh);
    m->workers = all;
    m->nall = n + old;
    m->nworkers = n;
    master__shift_writes(m, n);
    for (int i = 0; i < n; i++)
        master__spawn(m, i, &m->workers[i]);
    log_info("configuration reloaded; %d workers", n);
    sd_notify(0, "READY=1");
}

static int
master__live_workers(const master_t *m)
{
    int live = 0;
    for (int i = 0; i < m->nall; i++)
        live += m->workers[i].pid != 0;
    return live;
}

/* Drain: workers finish their requests; the master keeps answering them. */
static void
master__shutdown(master_t *m)
{
    sd_notify(0, "STOPPING=1");
    log_info("stopping");
    for (int i = 0; i < m->nall; i++) {
        if (m->workers[i].pid != 0)
            kill(m->workers[i].pid, SIGTERM);
    }
    time_t deadline = time(NULL) + 15;
    while (master__live_workers(m) > 0 && time(NULL) < deadline) {
        master__poll(m);
        master__run_queue(m);
        master__run_reads(m);
        if (m->journal.impl != NULL)
            m->journal.ops->poll(&m->journal, 0);
        master__publish(m);
        master__reap(m);
    }
    for (int i = 0; i < m->nall; i++) {
        if (m->workers[i].pid != 0)
            kill(m->workers[i].pid, SIGKILL);
    }
}

/* Readiness: this node writes, or follows a leader it knows. */
static void
master__publish_leader(master_t *m)
{
    const char *url;
    int follows = master__follows(m, &url);
    table_set_leader_known(m->table, follows ? url != NULL : master__refusal(m) == NULL);
}

static void
master__loop(master_t *m)
{
    while (!m->sig_term) {
        master__poll(m);
        master__run_queue(m);
        if (m->journal.ops->poll(&m->journal, 0) != 0)
            log_fatal("the journal failed; exiting so that a restart replays it");
        master__publish(m);
        master__publish_leader(m);
        master__run_reads(m);
        if (m->sig_chld)
            master__reap(m);
        if (m->sig_hup)
            master__reload(m);
    }
    master__shutdown(m);
}

/* ---- start ------------------------------------------------------------- */

static int
master__replay(master_t *m)
{
    char err[1024];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    m->journal.ops = journal_backend(m->cf);
    m->journal.apply = master__on_apply;
    m->journal.ack = master__on_ack;
    m->journal.fenced = master__on_fenced;
    m->journal.ctx = m;
    if (!m->journal.ops->applies_on_append)
        m->api.pending = &m->pending;
    /* With an election the journal decides who writes (a follower
     * forwards); without one, leader.eligibility=false refuses. */
    m->api.leader = m->cf->leader_eligibility || m->journal.ops->follows != NULL;
    if (m->journal.ops->open(&m->journal, m->cf, err, sizeof(err)) != 0) {
        log_error("%s", err);
        /* systemd shows why the unit failed (it exits before READY=1). */
        sd_notifyf(0, "STATUS=%s", err);
        return -1;
    }
    m->dirty = 1;
    master__publish(m);
    master__publish_leader(m);
    table_set_ready(m->table, 1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    log_info("journal %s replayed: %llu records, %zu subjects, %zu schemas in %.3f s; ready",
             m->journal.ops->name, (unsigned long long)m->store.records,
             m->store.subjects.len, m->store.schemas.len, secs);
    sd_notify(0, "READY=1");
    return 0;
}

static void
master__free(master_t *m)
{
    for (int i = 0; i < m->nall; i++)
        master__close_worker(&m->workers[i]);
    master__free_reads(m);
    free(m->workers);
    /* impl is set only by a successful open. */
    if (m->journal.ops != NULL && m->journal.impl != NULL)
        m->journal.ops->close(&m->journal);
    master__publish(m);
    store_free(&m->store);
    hmap_slot_t *slot;
    size_t pos = 0;
    while ((slot = hmap_next(&m->pending, &pos)) != NULL)
        free(slot->val);
    hmap_free(&m->pending);
    http_free(&m->http);
    if (m->table != NULL)
        table_close(m->table);
    config_free(m->cf);
    master_signal_target = NULL;
}

int
master_main(const char *path)
{
    char err[1024];
    master_t *m = mem_calloc(1, sizeof(*m));
    m->config_path = path;
    m->cf = config_load(path, environ, err, sizeof(err));
    if (m->cf == NULL) {
        log_error("%s", err);
        free(m);
        return 1;
    }
    log_init(log_level_parse(m->cf->log_level), "master");
    store_init(&m->store);
    m->store.dialect = m->cf->confluent_version;
    m->api = (api_t){.store = &m->store, .cf = m->cf,
                     .leader = m->cf->leader_eligibility, .cluster_id = ""};
    master__signals(m);
    int rc = 1;
    int n = config_workers(m->cf);
    if ((m->table = table_create(m->cf->table_size)) == NULL) {
        log_error("cannot create the shared table (%zu bytes): %s", m->cf->table_size,
                  strerror(errno));
    } else if (http_init(&m->http, m->cf, n, err, sizeof(err)) != 0) {
        log_error("%s", err);
    } else if (master__start_workers(m, n) == 0 && master__replay(m) == 0) {
        master__loop(m);
        rc = 0;
    } else {
        m->sig_term = 1;
        master__shutdown(m);
    }
    master__free(m);
    free(m);
    return rc;
}
