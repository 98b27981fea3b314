-- 0001_init (Postgres): the initial schema.
-- Times are BIGINT Unix milliseconds, JSON is TEXT. Text columns that are
-- ordered or compared with cursors use COLLATE "C" so the order is
-- bytewise, as on SQLite. Keep in step with ../sqlite/0001_init.sql.

CREATE TABLE tenants (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    admin      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT  NOT NULL
);

CREATE TABLE api_keys (
    id           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    tenant_id    TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    hash         TEXT    NOT NULL UNIQUE, -- hex sha256 of the plaintext key
    created_at   BIGINT  NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id);

CREATE TABLE scripts (
    id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    tenant_id      TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name           TEXT COLLATE "C" NOT NULL,
    latest_version INTEGER NOT NULL,
    retries        INTEGER NOT NULL DEFAULT 0 CHECK (retries BETWEEN 0 AND 3),
    timeout_ms     BIGINT  NOT NULL CHECK (timeout_ms > 0),
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE script_versions (
    script_id  TEXT    NOT NULL REFERENCES scripts (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    source     TEXT    NOT NULL,
    sha256     TEXT    NOT NULL,
    filename   TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (script_id, version)
);

CREATE TABLE script_params (
    script_id  TEXT    NOT NULL REFERENCES scripts (id) ON DELETE CASCADE,
    name       TEXT COLLATE "C" NOT NULL,
    value      TEXT    NOT NULL,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (script_id, name)
);

-- ciphertext = 0x01 || 12-byte nonce || AES-256-GCM(value), with
-- associated data binding it to (script_id, name).
CREATE TABLE script_secrets (
    script_id  TEXT    NOT NULL REFERENCES scripts (id) ON DELETE CASCADE,
    name       TEXT COLLATE "C" NOT NULL,
    ciphertext BYTEA   NOT NULL,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (script_id, name)
);

CREATE TABLE schedules (
    id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    tenant_id      TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    script_id      TEXT    NOT NULL REFERENCES scripts (id) ON DELETE CASCADE,
    cron           TEXT    NOT NULL,
    timezone       TEXT    NOT NULL,
    jitter_seconds INTEGER NOT NULL DEFAULT 0 CHECK (jitter_seconds >= 0),
    enabled        BOOLEAN NOT NULL,
    params         TEXT    NOT NULL DEFAULT '{}', -- JSON object of overrides
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL
);
CREATE INDEX schedules_tenant ON schedules (tenant_id, id);
CREATE INDEX schedules_script ON schedules (script_id, id);
CREATE INDEX schedules_enabled ON schedules (enabled, id);

-- script_id and schedule_id carry no foreign key: runs outlive their
-- script and schedule and keep a snapshot of the script's name.
CREATE TABLE runs (
    id               TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    tenant_id        TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    script_id        TEXT    NOT NULL,
    script_name      TEXT    NOT NULL,
    script_version   INTEGER NOT NULL,
    trigger_type     TEXT    NOT NULL CHECK (trigger_type IN ('manual', 'api', 'schedule')),
    schedule_id      TEXT,
    slot             BIGINT,
    params           TEXT    NOT NULL DEFAULT '{}',
    status           TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'passed', 'failed',
                                 'timed_out', 'cancelled', 'errored', 'invalid')),
    attempt          INTEGER NOT NULL DEFAULT 0,
    max_attempts     INTEGER NOT NULL,
    queued_at        BIGINT  NOT NULL,
    started_at       BIGINT,
    finished_at      BIGINT,
    duration_ms      BIGINT,
    error            TEXT    NOT NULL DEFAULT '',
    limit_hit        TEXT    NOT NULL DEFAULT '',
    exit_code        INTEGER,
    cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
    job_id           BIGINT,
    event_seq        BIGINT  NOT NULL DEFAULT 0 -- last RunEvent.Seq assigned
);
CREATE INDEX runs_tenant ON runs (tenant_id, id);
CREATE INDEX runs_tenant_script ON runs (tenant_id, script_id, id);
CREATE INDEX runs_tenant_status ON runs (tenant_id, status, id);
-- NULLs are distinct, so only schedule-triggered runs are deduplicated.
CREATE UNIQUE INDEX runs_schedule_slot ON runs (schedule_id, slot);

CREATE TABLE run_events (
    run_id  TEXT    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq     BIGINT  NOT NULL,
    time_ms BIGINT  NOT NULL,
    kind    TEXT    NOT NULL CHECK (kind IN ('log', 'step', 'system')),
    level   TEXT    NOT NULL DEFAULT '',
    message TEXT    NOT NULL DEFAULT '',
    step    TEXT, -- JSON {name, status, duration_ms, error}
    PRIMARY KEY (run_id, seq)
);

CREATE TABLE artifacts (
    run_id       TEXT    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    name         TEXT COLLATE "C" NOT NULL,
    content_type TEXT    NOT NULL,
    size         BIGINT  NOT NULL,
    sha256       TEXT    NOT NULL, -- hex; the blob's address
    created_at   BIGINT  NOT NULL,
    PRIMARY KEY (run_id, name)
);
