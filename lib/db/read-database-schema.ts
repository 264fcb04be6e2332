// Reads the structure of the current schema (normally `public`) from PostgreSQL's catalogs, in
// the shape lib/db/schema-drift.ts compares. Objects that belong to extensions are left out.
import { z } from "zod";
import {
  normalizeDefault,
  type DbColumn,
  type DbSchema,
  type DbTable,
  type ReferentialAction,
} from "./schema-drift";

/** Anything that can run a query: a pg Client, a pooled client, or a Pool. */
export type Queryable = { query: (sql: string) => Promise<{ rows: unknown[] }> };

// Relations created by an extension (pg_depend deptype 'e') are the extension's, not ours.
const NOT_FROM_EXTENSION = (oid: string, catalog: string) => `NOT EXISTS (
  SELECT 1 FROM pg_depend dep
  WHERE dep.classid = '${catalog}'::regclass AND dep.objid = ${oid} AND dep.deptype = 'e')`;

// Partitions (relispartition) belong to their partitioned table: their columns, indexes,
// constraints and cloned triggers are the parent's, so they are left out everywhere.
const TABLES = `
SELECT c.relname::text AS name, c.relkind::text AS kind,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partitioned_by
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition
  AND ${NOT_FROM_EXTENSION("c.oid", "pg_class")}
ORDER BY 1`;

const COLUMNS = `
SELECT c.relname::text AS table, a.attname::text AS name,
       format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
       pg_get_expr(d.adbin, d.adrelid) AS default,
       a.attidentity::text AS identity, a.attgenerated::text AS generated
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY c.relname, a.attnum`;

// pg_get_indexdef(index, k, true) gives the k-th key column (or expression) as SQL text;
// INCLUDE columns (beyond indnkeyatts) are not keys and are left out.
const INDEXES = `
SELECT t.relname::text AS table, i.relname::text AS name, x.indisprimary AS primary,
       x.indisunique AS unique, am.amname::text AS method,
       pg_get_expr(x.indpred, x.indrelid) AS predicate,
       array(
         SELECT pg_get_indexdef(x.indexrelid, k, true)
                || CASE WHEN pg_index_column_has_property(x.indexrelid, k, 'desc') THEN ' DESC' ELSE '' END
         FROM generate_series(1, x.indnkeyatts) AS k
         ORDER BY k
       ) AS columns
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_am am ON am.oid = i.relam
WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p') AND NOT t.relispartition
ORDER BY 1, 2`;

// Primary keys and unique constraints are read as indexes above. PostgreSQL 18 also records
// NOT NULL as constraints (contype 'n'); nullability is read from the columns instead.
const CONSTRAINTS = `
SELECT t.relname::text AS table, c.conname::text AS name, c.contype::text AS type,
       array(
         SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, position)
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
         ORDER BY k.position
       ) AS columns,
       r.relname::text AS referenced_table,
       array(
         SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, position)
         JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum
         ORDER BY k.position
       ) AS referenced_columns,
       c.confdeltype::text AS on_delete, c.confupdtype::text AS on_update
FROM pg_constraint c
JOIN pg_class t ON t.oid = c.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
LEFT JOIN pg_class r ON r.oid = c.confrelid
WHERE n.nspname = current_schema() AND c.contype IN ('f', 'c', 'x') AND NOT t.relispartition
ORDER BY 1, 2`;

const ENUMS = `
SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_enum e ON e.enumtypid = t.oid
WHERE n.nspname = current_schema() AND ${NOT_FROM_EXTENSION("t.oid", "pg_type")}
GROUP BY t.typname
ORDER BY 1`;

// Internal triggers are the ones PostgreSQL makes to enforce foreign keys; a partition's
// clones of its parent's triggers (tgparentid) are the parent's.
const TRIGGERS = `
SELECT c.relname::text AS table, tg.tgname::text AS name
FROM pg_trigger tg
JOIN pg_class c ON c.oid = tg.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND NOT tg.tgisinternal AND tg.tgparentid = 0
ORDER BY 1, 2`;

const FUNCTIONS = `
SELECT p.proname::text AS name
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = current_schema() AND ${NOT_FROM_EXTENSION("p.oid", "pg_proc")}
ORDER BY 1`;

// A SERIAL's sequence depends on its column (deptype 'a'), an identity's too ('i').
const SEQUENCES = `
SELECT s.relname::text AS name
FROM pg_class s
JOIN pg_namespace n ON n.oid = s.relnamespace
WHERE n.nspname = current_schema() AND s.relkind = 'S'
  AND ${NOT_FROM_EXTENSION("s.oid", "pg_class")}
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend dep
    WHERE dep.classid = 'pg_class'::regclass AND dep.objid = s.oid
      AND dep.deptype IN ('a', 'i') AND dep.refobjsubid > 0)
ORDER BY 1`;

const tableRow = z.object({ name: z.string(), kind: z.string(), partitioned_by: z.string().nullable() });
const columnRow = z.object({
  table: z.string(),
  name: z.string(),
  type: z.string(),
  nullable: z.boolean(),
  default: z.string().nullable(),
  identity: z.string(),
  generated: z.string(),
});
const indexRow = z.object({
  table: z.string(),
  name: z.string(),
  primary: z.boolean(),
  unique: z.boolean(),
  method: z.string(),
  predicate: z.string().nullable(),
  columns: z.array(z.string()),
});
const constraintRow = z.object({
  table: z.string(),
  name: z.string(),
  type: z.enum(["f", "c", "x"]),
  columns: z.array(z.string()),
  referenced_table: z.string().nullable(),
  referenced_columns: z.array(z.string()),
  on_delete: z.string(),
  on_update: z.string(),
});
const enumRow = z.object({ name: z.string(), values: z.array(z.string()) });
const triggerRow = z.object({ table: z.string(), name: z.string() });
const nameRow = z.object({ name: z.string() });

// pg_constraint.confdeltype / confupdtype codes.
const ACTIONS: Record<string, ReferentialAction> = {
  a: "NoAction",
  r: "Restrict",
  c: "Cascade",
  n: "SetNull",
  d: "SetDefault",
};

/** The structure of the connection's current schema. */
export async function readDatabaseSchema(db: Queryable): Promise<DbSchema> {
  // One query at a time: `db` may be a single client inside a transaction.
  const read = async <T>(sql: string, row: z.ZodType<T>): Promise<T[]> => z.array(row).parse((await db.query(sql)).rows);
  const relations = await read(TABLES, tableRow);
  const columns = await read(COLUMNS, columnRow);
  const indexes = await read(INDEXES, indexRow);
  const constraints = await read(CONSTRAINTS, constraintRow);
  const enums = await read(ENUMS, enumRow);
  const triggers = await read(TRIGGERS, triggerRow);
  const functions = await read(FUNCTIONS, nameRow);
  const sequences = await read(SEQUENCES, nameRow);

  const tables = new Map<string, DbTable>();
  for (const relation of relations.filter((row) => row.kind === "r" || row.kind === "p")) {
    tables.set(relation.name, {
      name: relation.name,
      columns: [],
      primaryKey: null,
      indexes: [],
      foreignKeys: [],
      otherConstraints: [],
      ...(relation.partitioned_by === null ? {} : { partitionedBy: relation.partitioned_by }),
    });
  }
  const tableOf = (name: string): DbTable => {
    const table = tables.get(name);
    if (!table) throw new Error(`catalog row for unknown table "${name}"`);
    return table;
  };

  for (const column of columns) tableOf(column.table).columns.push(readColumn(column));
  for (const index of indexes) {
    const table = tableOf(index.table);
    const keyColumns = index.columns.map(unquoteIdentifier);
    if (index.primary) table.primaryKey = { name: index.name, columns: keyColumns };
    else {
      table.indexes.push({
        name: index.name,
        columns: keyColumns,
        unique: index.unique,
        method: index.method,
        predicate: index.predicate,
      });
    }
  }
  for (const constraint of constraints) {
    const table = tableOf(constraint.table);
    if (constraint.type === "f") {
      table.foreignKeys.push({
        name: constraint.name,
        columns: constraint.columns,
        referencedTable: constraint.referenced_table ?? "(unknown)",
        referencedColumns: constraint.referenced_columns,
        onDelete: referentialAction(constraint.on_delete),
        onUpdate: referentialAction(constraint.on_update),
      });
    } else {
      table.otherConstraints.push(`${constraint.type === "c" ? "check" : "exclude"} "${constraint.name}"`);
    }
  }

  return {
    tables: [...tables.values()],
    enums,
    triggers,
    functions: functions.map((row) => row.name),
    views: relations.filter((row) => row.kind === "v" || row.kind === "m").map((row) => row.name),
    sequences: sequences.map((row) => row.name),
  };
}

function readColumn(row: z.infer<typeof columnRow>): DbColumn {
  // Identity columns are how other tools spell autoincrement; generated columns have no
  // default but an expression, which Prisma cannot declare, so it shows up as a difference.
  let defaultValue = normalizeDefault(row.default);
  if (row.identity !== "") defaultValue = "autoincrement";
  if (row.generated !== "") defaultValue = `generated always as ${row.default ?? "?"}`;
  return {
    name: row.name,
    // format_type() quotes names that need it ("SyncStatus"); schema.prisma's side never does.
    type: row.type.replaceAll('"', ""),
    nullable: row.nullable,
    default: defaultValue,
  };
}

function referentialAction(code: string): ReferentialAction {
  const action = ACTIONS[code];
  if (!action) throw new Error(`unknown referential action code "${code}"`);
  return action;
}

/** `"order"` → `order`; pg_get_indexdef quotes column names that are keywords or mixed case. */
function unquoteIdentifier(column: string): string {
  return column.replace(/^"((?:[^"]|"")+)"/, (_, name: string) => name.replaceAll('""', '"'));
}
