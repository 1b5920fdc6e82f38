/*
 * master.c - the master process.  Start: config, table, listeners, workers,
 * journal replay, READY=1.  Loop: answer forwarded requests, plan writes
 * one at a time in log order, publish what was applied before answering
 * (read-your-writes), respawn dead workers, reload on SIGHUP, drain on
 * SIGTERM.
 */
#include "master.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>

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
    struct timeval tv = {2, 0};
    setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    w->pid = pid;
    w->fd = sv[0];
    w->retiring = 0;
    ipc_reader_init(&w->reader);
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
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    ipc_pack_reply(&sb, &rep);
    if (ipc_write_all(w->fd, sb.data, sb.size) != 0)
        log_warn("cannot answer worker %d: %s", slot, strerror(errno));
    msgpack_sbuffer_destroy(&sb);
}

static void
master__write_free(master_write_t *wr)
{
    free(wr->subject);
    free(wr->method);
    free(wr->path);
    free(wr->ctype);
    free(wr->body);
    api_result_free(&wr->res);
    free(wr);
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
master__on_apply(void *ctx, int64_t offset, const char *key, size_t klen,
                 const char *val, size_t vlen)
{
    master_t *m = ctx;
    store_apply(&m->store, offset, key, klen, val, vlen);
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

/* Plan one write against the current state and append its records. */
static void
master__plan(master_t *m, master_write_t *wr)
{
    ipc_request_t req = master__request_of(wr);
    api_handle(&m->api, &req, &wr->res);
    if (wr->res.nrecords == 0) {
        master__send(m, wr->worker, wr->pid, wr->id, wr->res.status, wr->res.body.data,
                     wr->res.body.len);
        master__write_free(wr);
        return;
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
        if (!sync && m->fence_needed) {
            if (!m->fencing && m->inflight == 0)
                master__fence(m);
            break;
        }
        if (!sync && !master__may_start(m, m->queue))
            break;
        master__plan(m, master__pop(m));
    }
    master__expire_queue(m);
}

static char *
master__dup(const char *s, size_t n)
{
    return s ? mem_strndup(s, n) : NULL;
}

static void
master__on_request(master_t *m, int slot, const ipc_request_t *req)
{
    route_t r;
    route_parse(req->method, req->method_len, req->path, req->path_len, &r);
    int write = route_is_write(&r);
    char *subject = NULL;
    if (write && r.id == ROUTE_VERSIONS && r.method == ROUTE_M_POST) {
        subject = api_subject(&r);
        if (subject[0] == ':') {
            free(subject);
            subject = NULL;
        }
    }
    route_free(&r);
    if (!write) {
        api_result_t res;
        api_handle(&m->api, req, &res);
        master__send(m, slot, m->workers[slot].pid, req->id, res.status, res.body.data,
                     res.body.len);
        api_result_free(&res);
        return;
    }
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
    clock_gettime(CLOCK_MONOTONIC, &wr->queued);
    if (m->queue_tail != NULL)
        m->queue_tail->next = wr;
    else
        m->queue = wr;
    m->queue_tail = wr;
}

static void
master__read_worker(master_t *m, int slot)
{
    master_worker_t *w = &m->workers[slot];
    char buf[65536];
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
        ipc_request_t req;
        if (ipc_unpack_request(o, &req) != 0) {
            log_error("malformed message from worker %d; closing it", slot);
            master__close_worker(w);
            return;
        }
        master__on_request(m, slot, &req);
    }
    if (rc < 0) {
        log_error("corrupt stream from worker %d; closing it", slot);
        master__close_worker(w);
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
        slot[n++] = i;
    }
    int jfd = m->journal.ops->fd(&m->journal);
    if (jfd >= 0) {
        pfd[n].fd = jfd;
        pfd[n].events = POLLIN;
        slot[n++] = -1;
    }
    /* Kafka acks arrive through polling the client; keep the wait short
     * while any are due. */
    long ms = m->inflight > 0 ? 1 : 100;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    sigset_t none;
    sigemptyset(&none);
    int rc = ppoll(pfd, n, &ts, &none);
    for (nfds_t i = 0; rc > 0 && i < n; i++) {
        if (slot[i] >= 0 && (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
            master__read_worker(m, slot[i]);
    }
    free(pfd);
    free(slot);
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
    if (http_grow(&m->http, cf, n, err, sizeof(err)) != 0) {
        log_error("reload refused: %s", err);
        config_free(cf);
        sd_notify(0, "READY=1");
        return;
    }
    config_free(m->cf);
    m->cf = cf;
    m->api.cf = cf;
    master__republish_settings(m);
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

static void
master__loop(master_t *m)
{
    while (!m->sig_term) {
        master__poll(m);
        master__run_queue(m);
        if (m->journal.ops->poll(&m->journal, 0) != 0)
            log_fatal("the journal failed; exiting so that a restart replays it");
        master__publish(m);
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
    m->journal.ctx = m;
    if (!m->journal.ops->applies_on_append)
        m->api.pending = &m->pending;
    if (m->journal.ops->open(&m->journal, m->cf, err, sizeof(err)) != 0) {
        log_error("%s", err);
        /* systemd shows why the unit failed (it exits before READY=1). */
        sd_notifyf(0, "STATUS=%s", err);
        return -1;
    }
    m->dirty = 1;
    master__publish(m);
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
