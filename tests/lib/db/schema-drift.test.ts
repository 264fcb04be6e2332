// Proves that the database the migrations build is the one prisma/schema.prisma describes, and
// that the check would notice if they parted. Expected structure: Prisma's own parser (DMMF) over
// schema.prisma; actual structure: PostgreSQL's catalogs after prisma/migrations ran.
import { readFile } from "node:fs/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDatabaseSchema } from "../../../lib/db/read-database-schema";
import {
  diffSchemas,
  formatSchemaDifference,
  normalizeDefault,
  type BeyondPrisma,
  type DbSchema,
  type DbTable,
} from "../../../lib/db/schema-drift";
import { databaseUrl } from "../../../lib/env";
import { parseDatamodel, readPrismaSchema, schemaPrismaPath } from "../../support/read-prisma-schema";

/**
 * What the migrations create on purpose although schema.prisma cannot say so. Each entry must
 * exist; anything else the schema does not describe is drift.
 */
const BEYOND_PRISMA: BeyondPrisma = {
  // Migration bookkeeping, written by lib/db/migrate.ts and `prisma migrate deploy`.
  tables: ["_prisma_migrations"],
  // 20261124000000_init, "Beyond schema.prisma": audit_events refuses UPDATE, DELETE, TRUNCATE.
  // 20261124180408_dora_rollups: statement triggers mark services whose DORA rollups are stale.
  functions: [
    "audit_events_refuse_change",
    "dora_mark_services_dirty",
    "dora_deployments_changed",
    "dora_release_commits_changed",
    "dora_pull_requests_changed",
    "dora_pull_request_commits_changed",
    "dora_environments_changed",
    // 20261124211041_fleet_current_state: statement triggers keep service_environment_states.
    "refresh_service_environment_states",
    "service_environment_states_applications_changed",
    "service_environment_states_applications_truncated",
    // 20261207172000_deferred_fleet_state_refresh: the worker's batches recount once, at their end.
    "refresh_deferred_service_environment_states",
    // 20261124211500_partition_webhook_deliveries: the idempotency keys across partitions.
    "webhook_deliveries_claim_key",
    "webhook_deliveries_release_keys",
  ],
  triggers: [
    { table: "audit_events", name: "audit_events_append_only" },
    { table: "audit_events", name: "audit_events_no_truncate" },
    { table: "deployments", name: "dora_deployments_inserted" },
    { table: "deployments", name: "dora_deployments_updated" },
    { table: "deployments", name: "dora_deployments_deleted" },
    { table: "release_commits", name: "dora_release_commits_inserted" },
    { table: "release_commits", name: "dora_release_commits_deleted" },
    { table: "pull_requests", name: "dora_pull_requests_inserted" },
    { table: "pull_requests", name: "dora_pull_requests_updated" },
    { table: "pull_request_commits", name: "dora_pull_request_commits_inserted" },
    { table: "environments", name: "dora_environments_updated" },
    { table: "applications", name: "service_environment_states_inserted" },
    { table: "applications", name: "service_environment_states_updated" },
    { table: "applications", name: "service_environment_states_deleted" },
    { table: "applications", name: "service_environment_states_truncated" },
    { table: "webhook_deliveries", name: "webhook_deliveries_claim_key" },
    { table: "webhook_deliveries", name: "webhook_deliveries_release_keys" },
    { table: "webhook_deliveries", name: "webhook_deliveries_release_all_keys" },
  ],
  views: [],
  sequences: [],
  // 20261124183455_rollback_guardrails: one active rollback per application.
  indexes: [
    {
      table: "rollbacks",
      name: "rollbacks_one_active_per_application",
      columns: ["application_id"],
      unique: true,
      method: "btree",
      predicate: `(state = ANY (ARRAY['REQUESTED'::"RollbackState", 'APPROVED'::"RollbackState", 'EXECUTING'::"RollbackState", 'WAITING_FOR_SYNC'::"RollbackState"]))`,
    },
    // 20261207171025_promotions: one active promotion per service and environment.
    {
      table: "promotions",
      name: "promotions_one_active_per_service_environment",
      columns: ["service_id", "environment_id"],
      unique: true,
      method: "btree",
      predicate: `(state = ANY (ARRAY['AWAITING_APPROVAL'::"PromotionState", 'RUNNING'::"PromotionState", 'PAUSED'::"PromotionState"]))`,
    },
    // 20261207113813_github_body_claims: one stored copy of a signed GitHub body per source.
    {
      table: "webhook_delivery_keys",
      name: "webhook_delivery_keys_source_body_sha256_key",
      columns: ["source", "body_sha256"],
      unique: true,
      method: "btree",
      predicate: "(body_sha256 IS NOT NULL)",
    },
    // 20261124211500_partition_webhook_deliveries: the queue's claim reads unfinished deliveries only.
    ...[
      { name: "webhook_deliveries_unfinished_received_at_idx", columns: ["received_at", "id"] },
      { name: "webhook_deliveries_unfinished_ordering_key_idx", columns: ["ordering_key", "received_at", "id"] },
    ].map((index) => ({
      ...index,
      table: "webhook_deliveries",
      unique: false,
      method: "btree",
      predicate: `(status = ANY (ARRAY['PENDING'::"DeliveryStatus", 'FAILED'::"DeliveryStatus"]))`,
    })),
  ],
  // 20261124211500_partition_webhook_deliveries: daily partitions; webhook_delivery_keys holds
  // the idempotency key unique.
  partitioned: [
    {
      table: "webhook_deliveries",
      partitionedBy: "RANGE (received_at)",
      primaryKey: ["id", "received_at"],
      uniqueHeldBy: { webhook_deliveries_source_delivery_id_key: "webhook_delivery_keys" },
    },
  ],
};

let client: pg.Client;
let schemaText: string;
let expected: DbSchema;
let actual: DbSchema;

beforeAll(async () => {
  client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  schemaText = await readFile(schemaPrismaPath, "utf8");
  expected = readPrismaSchema(schemaText);
  actual = await readDatabaseSchema(client);
});

afterAll(async () => {
  await client?.end();
});

/** Runs `change` and reads the schema inside a transaction that is then rolled back. */
async function readAfter(change: string): Promise<DbSchema> {
  await client.query("BEGIN");
  try {
    await client.query(change);
    return await readDatabaseSchema(client);
  } finally {
    await client.query("ROLLBACK");
  }
}

const lines = (expectedSchema: DbSchema, actualSchema: DbSchema) =>
  diffSchemas(expectedSchema, actualSchema, BEYOND_PRISMA).map(formatSchemaDifference);

/** A table of a model (not bookkeeping) that suits a test. */
function tableWith(schema: DbSchema, predicate: (table: DbTable) => boolean): DbTable {
  const modelled = new Set(expected.tables.map((table) => table.name));
  const table = schema.tables.find((candidate) => modelled.has(candidate.name) && predicate(candidate));
  if (!table) throw new Error("no table in the schema fits this test");
  return table;
}

describe("the migrated database", () => {
  it("matches prisma/schema.prisma", () => {
    expect(lines(expected, actual)).toEqual([]);
  });

  it("was compared model by model (neither reader came back empty)", () => {
    const models = parseDatamodel(schemaText).models;
    expect(models.length).toBeGreaterThan(0);
    expect(expected.tables.map((table) => table.name).sort()).toEqual(
      models.map((model) => model.dbName ?? model.name).sort(),
    );
    for (const table of expected.tables) {
      const found = actual.tables.find((candidate) => candidate.name === table.name);
      expect(found?.columns.length, table.name).toBe(table.columns.length);
      expect(found?.primaryKey, table.name).not.toBeNull();
    }
  });
});

describe("drift is reported", () => {
  it("when schema.prisma gains a field that no migration adds", () => {
    const altered = schemaText.replace(/^(model \w+ \{\n)/m, '$1  driftProbe String? @map("drift_probe")\n');
    expect(altered).not.toBe(schemaText);
    const differences = diffSchemas(readPrismaSchema(altered), actual, BEYOND_PRISMA);
    expect(differences).toEqual([{ kind: "missing", object: expect.stringMatching(/^column "\w+"\."drift_probe"$/) }]);
  });

  it("when a migration adds a column that schema.prisma does not have", async () => {
    const table = expected.tables[0]!.name;
    const migrated = await readAfter(`ALTER TABLE "${table}" ADD COLUMN "drift_probe" TEXT`);
    expect(diffSchemas(expected, migrated, BEYOND_PRISMA)).toEqual([
      { kind: "unexpected", object: `column "${table}"."drift_probe"` },
    ]);
  });

  it("when a migration misses an index", async () => {
    const table = tableWith(actual, (candidate) => candidate.indexes.length > 0);
    const index = table.indexes[0]!.name;
    const migrated = await readAfter(`DROP INDEX "${index}"`);
    expect(diffSchemas(expected, migrated, BEYOND_PRISMA)).toEqual([
      { kind: "missing", object: `index "${index}" on "${table.name}"` },
    ]);
  });

  it("when a migration adds a trigger, function or table that schema.prisma does not describe", async () => {
    const migrated = await readAfter(`
      CREATE TABLE "drift_probe" (id INTEGER PRIMARY KEY);
      CREATE FUNCTION "drift_probe_fn"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
      CREATE TRIGGER "drift_probe_trigger" BEFORE INSERT ON "audit_events" FOR EACH ROW EXECUTE FUNCTION "drift_probe_fn"();
    `);
    expect(lines(expected, migrated)).toEqual([
      'table "drift_probe": in the migrated database but not in schema.prisma (add it to the schema, or to the allowlist if Prisma cannot express it)',
      'trigger "drift_probe_trigger" on "audit_events": in the migrated database but not in schema.prisma (add it to the schema, or to the allowlist if Prisma cannot express it)',
      'function "drift_probe_fn": in the migrated database but not in schema.prisma (add it to the schema, or to the allowlist if Prisma cannot express it)',
    ]);
  });

  it("not for a partition, which belongs to its partitioned table", async () => {
    const migrated = await readAfter(
      `CREATE TABLE "webhook_deliveries_20400101" PARTITION OF "webhook_deliveries" FOR VALUES FROM ('2040-01-01') TO ('2040-01-02')`,
    );
    expect(lines(expected, migrated)).toEqual([]);
  });

  it("when an allowlisted object is missing", async () => {
    const migrated = await readAfter(`DROP TRIGGER "audit_events_append_only" ON "audit_events"`);
    expect(diffSchemas(expected, migrated, BEYOND_PRISMA)).toEqual([
      { kind: "missing", object: 'trigger "audit_events_append_only" on "audit_events"' },
    ]);
  });

  // The remaining cases alter a copy of the database's structure directly.
  describe("by the comparison of two structures", () => {
    const alter = (change: (schema: DbSchema) => void): DbSchema => {
      const copy = structuredClone(actual);
      change(copy);
      return copy;
    };

    it("a changed nullability", () => {
      const table = tableWith(actual, (candidate) => candidate.columns.some((column) => !column.nullable));
      const column = table.columns.find((candidate) => !candidate.nullable)!;
      const altered = alter((schema) => {
        schema.tables.find((candidate) => candidate.name === table.name)!.columns.find((c) => c.name === column.name)!.nullable = true;
      });
      expect(lines(expected, altered)).toEqual([
        `column "${table.name}"."${column.name}": nullability is NOT NULL in schema.prisma but NULL in the migrated database`,
      ]);
    });

    it("a changed type, default, index order or method, and referential action", () => {
      const { name } = tableWith(actual, (candidate) => candidate.foreignKeys.length > 0 && candidate.indexes.length > 0);
      const altered = alter((schema) => {
        const table = schema.tables.find((candidate) => candidate.name === name)!;
        table.columns[0]!.type = "smallint";
        table.columns[0]!.default = "42";
        table.indexes[0]!.columns.reverse().push("drift_probe");
        table.indexes[0]!.method = "hash";
        table.foreignKeys[0]!.onDelete = "NoAction";
      });
      expect(diffSchemas(expected, altered, BEYOND_PRISMA).map((difference) => difference.kind === "changed" && difference.property)).toEqual([
        "type",
        "default",
        "columns",
        "method",
        "on delete",
      ]);
    });

    it("a missing or reordered enum value", () => {
      const altered = alter((schema) => {
        schema.enums[0]!.values.reverse();
        schema.enums[1]!.values.pop();
      });
      expect(diffSchemas(expected, altered, BEYOND_PRISMA).map((difference) => difference.kind)).toEqual([
        "changed",
        "changed",
      ]);
    });

    it("a partitioned table that is not partitioned, or whose key table is missing", () => {
      const altered = alter((schema) => {
        delete schema.tables.find((candidate) => candidate.name === "webhook_deliveries")!.partitionedBy;
        schema.tables = schema.tables.filter((candidate) => candidate.name !== "webhook_delivery_keys");
      });
      expect(lines(expected, altered)).toEqual(
        expect.arrayContaining([
          'table "webhook_delivery_keys": in schema.prisma but not in the migrated database (is a migration missing?)',
          'table "webhook_deliveries": partitioning is RANGE (received_at) in schema.prisma but (none) in the migrated database',
        ]),
      );
    });

    it("a primary key on other columns", () => {
      const table = tableWith(actual, (candidate) => candidate.primaryKey !== null);
      const altered = alter((schema) => {
        schema.tables.find((candidate) => candidate.name === table.name)!.primaryKey!.columns.push("drift_probe");
      });
      expect(diffSchemas(expected, altered, BEYOND_PRISMA)).toEqual([
        expect.objectContaining({ kind: "changed", property: "primary key" }),
      ]);
    });
  });
});

// A small schema covering each mapping rule the readers implement, with the DDL that Prisma 7.10's
// schema engine generates for it (`prisma migrate diff`, run through @prisma/schema-engine-wasm).
// It pins both readers to known output, so they cannot agree by both being wrong.
const FIXTURE_SCHEMA = `
datasource db {
  provider = "postgresql"
}

enum Colour {
  RED
  GREEN @map("green")

  @@map("colour")
}

model Owner {
  id       BigInt    @id @default(autoincrement())
  email    String    @unique @db.VarChar(120)
  tags     String[]  @default(["a", "it's"])
  colour   Colour    @default(GREEN)
  score    Decimal   @default(1.5) @db.Decimal(10, 2)
  ratio    Float?
  settings Json      @default("{}")
  seenAt   DateTime  @default(now()) @map("seen_at") @db.Timestamptz(3)
  bornOn   DateTime? @map("born_on") @db.Date
  token    String    @default(uuid()) @db.Uuid
  pets     Pet[]     @relation("Owner")
  friends  Pet[]     @relation("Friend")

  @@index([seenAt(sort: Desc), id(sort: Desc)])
  @@index([tags], type: Gin)
  @@map("owners")
}

model Pet {
  ownerId  BigInt  @map("owner_id")
  owner    Owner   @relation("Owner", fields: [ownerId], references: [id], onDelete: Cascade)
  name     String
  friendId BigInt? @map("friend_id")
  friend   Owner?  @relation("Friend", fields: [friendId], references: [id])
  count    Int     @default(-1)

  @@id([ownerId, name])
  @@unique([name, friendId], map: "pets_by_name")
  @@map("pets")
}
`;

const FIXTURE_MIGRATION = `
CREATE TYPE "colour" AS ENUM ('RED', 'green');

CREATE TABLE "owners" (
    "id" BIGSERIAL NOT NULL,
    "email" VARCHAR(120) NOT NULL,
    "tags" TEXT[] DEFAULT ARRAY['a', 'it''s']::TEXT[],
    "colour" "colour" NOT NULL DEFAULT 'green',
    "score" DECIMAL(10,2) NOT NULL DEFAULT 1.5,
    "ratio" DOUBLE PRECISION,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "born_on" DATE,
    "token" UUID NOT NULL,

    CONSTRAINT "owners_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "pets" (
    "owner_id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "friend_id" BIGINT,
    "count" INTEGER NOT NULL DEFAULT -1,

    CONSTRAINT "pets_pkey" PRIMARY KEY ("owner_id","name")
);

CREATE UNIQUE INDEX "owners_email_key" ON "owners"("email");
CREATE INDEX "owners_seen_at_id_idx" ON "owners"("seen_at" DESC, "id" DESC);
CREATE INDEX "owners_tags_idx" ON "owners" USING GIN ("tags");
CREATE UNIQUE INDEX "pets_by_name" ON "pets"("name", "friend_id");

ALTER TABLE "pets" ADD CONSTRAINT "pets_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "owners"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "pets" ADD CONSTRAINT "pets_friend_id_fkey" FOREIGN KEY ("friend_id") REFERENCES "owners"("id") ON DELETE SET NULL ON UPDATE CASCADE;
`;

const FIXTURE_STRUCTURE: DbSchema = {
  tables: [
    {
      name: "owners",
      columns: [
        { name: "id", type: "bigint", nullable: false, default: "autoincrement" },
        { name: "email", type: "character varying(120)", nullable: false, default: null },
        { name: "tags", type: "text[]", nullable: true, default: "ARRAY['a', 'it''s']" },
        { name: "colour", type: "colour", nullable: false, default: "'green'" },
        { name: "score", type: "numeric(10,2)", nullable: false, default: "1.5" },
        { name: "ratio", type: "double precision", nullable: true, default: null },
        { name: "settings", type: "jsonb", nullable: false, default: "'{}'" },
        { name: "seen_at", type: "timestamp(3) with time zone", nullable: false, default: "now()" },
        { name: "born_on", type: "date", nullable: true, default: null },
        { name: "token", type: "uuid", nullable: false, default: null },
      ],
      primaryKey: { name: "owners_pkey", columns: ["id"] },
      indexes: [
        { name: "owners_email_key", columns: ["email"], unique: true, method: "btree", predicate: null },
        { name: "owners_seen_at_id_idx", columns: ["seen_at DESC", "id DESC"], unique: false, method: "btree", predicate: null },
        { name: "owners_tags_idx", columns: ["tags"], unique: false, method: "gin", predicate: null },
      ],
      foreignKeys: [],
      otherConstraints: [],
    },
    {
      name: "pets",
      columns: [
        { name: "owner_id", type: "bigint", nullable: false, default: null },
        { name: "name", type: "text", nullable: false, default: null },
        { name: "friend_id", type: "bigint", nullable: true, default: null },
        { name: "count", type: "integer", nullable: false, default: "-1" },
      ],
      primaryKey: { name: "pets_pkey", columns: ["owner_id", "name"] },
      indexes: [{ name: "pets_by_name", columns: ["name", "friend_id"], unique: true, method: "btree", predicate: null }],
      foreignKeys: [
        {
          name: "pets_friend_id_fkey",
          columns: ["friend_id"],
          referencedTable: "owners",
          referencedColumns: ["id"],
          onDelete: "SetNull",
          onUpdate: "Cascade",
        },
        {
          name: "pets_owner_id_fkey",
          columns: ["owner_id"],
          referencedTable: "owners",
          referencedColumns: ["id"],
          onDelete: "Cascade",
          onUpdate: "Cascade",
        },
      ],
      otherConstraints: [],
    },
  ],
  enums: [{ name: "colour", values: ["RED", "green"] }],
  triggers: [],
  functions: [],
  views: [],
  sequences: [],
};

/** Sorts what each reader may list in its own order, so structures compare with toEqual. */
function canonical(schema: DbSchema): DbSchema {
  const byName = <T extends { name: string }>(items: T[]) => [...items].sort((a, b) => a.name.localeCompare(b.name));
  return {
    ...schema,
    tables: byName(schema.tables).map((table) => ({
      ...table,
      indexes: byName(table.indexes),
      foreignKeys: byName(table.foreignKeys),
    })),
  };
}

describe("the readers", () => {
  it("read a schema.prisma into the structure its Prisma migration creates", () => {
    expect(canonical(readPrismaSchema(FIXTURE_SCHEMA))).toEqual(FIXTURE_STRUCTURE);
  });

  it("read the catalogs after that migration into the same structure", async () => {
    // A scratch schema first on the search path, so current_schema() sees only the fixture.
    const migrated = await readAfter(`
      CREATE SCHEMA "drift_fixture";
      SET LOCAL search_path TO "drift_fixture";
      ${FIXTURE_MIGRATION}
    `);
    expect(canonical(migrated)).toEqual(FIXTURE_STRUCTURE);
  });

  it("name constraints as Prisma does, truncated to PostgreSQL's 63 characters", () => {
    const long = "a_table_name_that_is_long_enough_to_need_truncation";
    const schema = readPrismaSchema(`
      datasource db {
        provider = "postgresql"
      }
      model Long {
        id                 Int    @id
        someRatherLongName String
        @@index([someRatherLongName])
        @@map("${long}")
      }
    `);
    const table = schema.tables[0]!;
    expect(table.primaryKey?.name).toBe(`${long}_pkey`);
    expect(table.indexes[0]!.name).toBe(`${long}_someRatherLongName`.slice(0, 59) + "_idx");
    expect(table.indexes[0]!.name).toHaveLength(63);
  });

  it("report an invalid schema.prisma with Prisma's message", () => {
    expect(() => readPrismaSchema("model Broken {\n  id Int @id @nonsense\n}")).toThrow(/schema\.prisma could not be read[\s\S]*nonsense/);
  });
});

describe("normalizeDefault", () => {
  it.each([
    [`nextval('teams_id_seq'::regclass)`, "autoincrement"],
    ["CURRENT_TIMESTAMP", "now()"],
    ["now()", "now()"],
    [`'UNKNOWN'::"SyncStatus"`, "'UNKNOWN'"],
    ["'{}'::jsonb", "'{}'"],
    ["ARRAY[]::text[]", "ARRAY[]"],
    ["'-1'::integer", "-1"],
    ["'it''s::text'::character varying", "'it''s::text'"],
    [null, null],
  ])("%s → %s", (input, output) => {
    expect(normalizeDefault(input)).toBe(output);
  });
});

describe("beyond schema.prisma: audit_events is append-only", () => {
  it("accepts new events and refuses UPDATE, DELETE and TRUNCATE", async () => {
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO "audit_events" ("actor", "action", "target_type", "outcome") VALUES ('ops', 'rollback.request', 'application', 'ok') RETURNING "id"`,
    );
    const id = inserted.rows[0]!.id;
    await expect(client.query(`UPDATE "audit_events" SET "outcome" = 'rewritten' WHERE "id" = $1`, [id])).rejects.toThrow(
      "audit_events is append-only: UPDATE is not allowed",
    );
    await expect(client.query(`DELETE FROM "audit_events" WHERE "id" = $1`, [id])).rejects.toThrow(
      "audit_events is append-only: DELETE is not allowed",
    );
    await expect(client.query(`TRUNCATE "audit_events"`)).rejects.toThrow("audit_events is append-only: TRUNCATE is not allowed");
    const kept = await client.query(`SELECT "outcome" FROM "audit_events" WHERE "id" = $1`, [id]);
    expect(kept.rows).toEqual([{ outcome: "ok" }]);
  });
});
