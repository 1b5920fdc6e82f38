/*
 * http_error.h - h2o's own error answers (those it sends before or
 * instead of our handler) turned into Confluent's JSON error bodies.
 */
#ifndef SCHEMAD_HTTP_ERROR_H
#define SCHEMAD_HTTP_ERROR_H

#include <stddef.h>

#include "h2o.h"

/**
 * Rewrite h2o's text/plain error answers on the paths of `host` (its "/"
 * path `root` and its fallback, which h2o uses for errors found before
 * routing) into {"error_code":N,"message":"..."}.  `max_body` is named in
 * the message of a 413.  Call before any context is created.
 */
void http_error_register(h2o_hostconf_t *host, h2o_pathconf_t *root, size_t max_body);

#endif
