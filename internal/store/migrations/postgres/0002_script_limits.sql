-- Per-script sandbox limits; 0 means the operator's default. The worker
-- clamps them to the operator's maxima.
ALTER TABLE scripts ADD COLUMN memory_bytes BIGINT NOT NULL DEFAULT 0 CHECK (memory_bytes >= 0);
ALTER TABLE scripts ADD COLUMN cpus DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (cpus >= 0);
