/*
 * api_read.h - the read-only routes of the REST API (GET /schemas...,
 * /subjects..., /contexts, /v1/metadata/id), answered from the store as
 * Confluent Schema Registry answers them.  api.c's dispatch calls them.
 */
#ifndef SCHEMAD_API_READ_H
#define SCHEMAD_API_READ_H

#include "api.h"

/** GET /schemas/ids/{id}; and .../schema, the text alone. */
void api_read_schema_by_id(api_t *api, const route_t *r, api_result_t *res);
void api_read_schema_by_id_raw(api_t *api, const route_t *r, api_result_t *res);

/** GET /schemas/ids/{id}/subjects, or .../versions with `with_versions`. */
void api_read_id_uses(api_t *api, const route_t *r, api_result_t *res, int with_versions);

/** GET /schemas (paged, filtered by subjectPrefix, deleted, latestOnly...). */
void api_read_schemas(api_t *api, const route_t *r, api_result_t *res);

/** GET /subjects. */
void api_read_subjects(api_t *api, const route_t *r, api_result_t *res);

/** GET /subjects/{s}/versions. */
void api_read_versions(api_t *api, const route_t *r, api_result_t *res);

/** GET /subjects/{s}/versions/{v}; with `raw`, .../schema, the text alone. */
void api_read_version(api_t *api, const route_t *r, api_result_t *res, int raw);

/** GET /subjects/{s}/versions/{v}/referencedby. */
void api_read_referenced_by(api_t *api, const route_t *r, api_result_t *res);

/** GET /contexts. */
void api_read_contexts(api_t *api, api_result_t *res);

/** GET /v1/metadata/id. */
void api_read_metadata_id(api_t *api, api_result_t *res);

/**
 * 8.x paginates five more lists (a subject's versions, an id's subjects
 * and versions, referencedby, contexts): replace a 200 answer to one of
 * them by the page `offset`/`limit` ask for.  Nothing for 7.x or others.
 */
void api_read_page8(const api_t *api, const route_t *r, api_result_t *res);

#endif
