/*
 * master.h - the master process: owns the configuration, the journal, the
 * store and the shared table (its only writer); binds the listeners, forks
 * and supervises the workers, answers what they forward.
 */
#ifndef SCHEMAD_MASTER_H
#define SCHEMAD_MASTER_H

#include <signal.h>
#include <sys/types.h>
#include <time.h>

#include "api.h"
#include "config.h"
#include "http.h"
#include "ipc.h"
#include "journal.h"
#include "publish.h"
#include "store_apply.h"
#include "table.h"

typedef struct master_worker {
    pid_t pid;              /* 0 when the slot is empty */
    int fd;                 /* the master's end of the socketpair, -1 if none */
    ipc_reader_t reader;
    ipc_outq_t out;         /* replies the socket has not taken yet */
    struct timespec stalled;    /* since when out has waited with no byte taken */
    struct master_write *reads;     /* its reads to answer, FIFO (owned) */
    struct master_write *reads_tail;
    int retiring;           /* asked to stop (reload or shutdown) */
    int table_slot;         /* its table reader slot, -1 if none */
} master_worker_t;

/** A write waiting for its turn or for its records' acks, or a forwarded read
 * waiting in its worker's read queue. */
typedef struct master_write {
    struct master_write *next;
    int worker;             /* slot of the worker to answer */
    pid_t pid;              /* the worker process that asked */
    uint32_t id;            /* the worker's request id */
    char *method, *path, *ctype, *body;  /* owned copies of the request */
    struct timespec queued;             /* when it arrived (for timeouts) */
    size_t method_len, path_len, ctype_len, body_len;
    api_result_t res;       /* the answer to give */
    size_t waiting;         /* acks still to come */
    int err;                /* the worst journal error seen */
    char *subject;          /* a registration's subject (default context), or NULL */
    struct master_write *inext;  /* the list of writes in flight */
    int memo;               /* a read whose answer master.memo may keep */
    int cancelled;          /* a read whose client went away: dropped unanswered */
    int forwarded;          /* relayed by another node: never relayed again */
} master_write_t;

#define MASTER_MEMO 4

/** A rendered list answer, valid while the store has applied `records`. */
typedef struct master_memo {
    char *path;             /* owned; NULL when the entry is empty */
    size_t path_len;
    uint64_t records;
    int status;
    buf_t body;
    uint64_t used;          /* for replacing the least recently used */
} master_memo_t;

/** The whole state of the master process. */
typedef struct master {
    const char *config_path;
    config_t *cf;           /* owned */
    table_t *table;         /* owned */
    store_t store;
    journal_t journal;
    api_t api;
    http_t http;
    publish_t publish;

    master_worker_t *workers;   /* nslots, owned; retired ones appended */
    int nworkers;               /* live slots */
    int nall;                   /* entries in workers[] */

    master_write_t *queue;      /* writes not yet planned, FIFO */
    master_write_t *queue_tail;
    master_write_t *done;       /* acked, to answer after publishing */
    /* Reads (master_write_t too) wait in their worker's queue and are
     * answered a bounded slice per loop turn, after the writes, so that a
     * flood of reads never holds writes back; one the client gave up on is
     * dropped unanswered. */
    size_t nreads;              /* in all the workers' queues */
    hmap_t queued_reads;        /* (slot, pid, id) -> its master_write_t */
    master_memo_t memo[MASTER_MEMO];
    uint64_t memo_clock;
    master_write_t *inflight_writes;  /* planned, records not all acked yet */
    hmap_t pending;             /* api.pending: ids taken by in-flight registrations */
    size_t inflight;            /* appended records not yet acked */
    /* After a failed or timed-out append the record may still land later:
     * before the next write, a NOOP must be read back (Confluent's
     * "wait until the reader reaches the last offset"). */
    int fence_needed;
    int fencing;                /* the NOOP is in flight */
    char fence_cookie;          /* its address identifies the NOOP's ack */
    int dirty;                  /* records applied since the last publish */

    volatile sig_atomic_t sig_term;
    volatile sig_atomic_t sig_hup;
    volatile sig_atomic_t sig_chld;
} master_t;

/** Run schemad with the configuration at `path`; returns the exit status. */
int master_main(const char *path);

#endif
