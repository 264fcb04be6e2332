// Compares two descriptions of a PostgreSQL schema: what prisma/schema.prisma says the database
// should be (tests/support/read-prisma-schema.ts) and what it is (read-database-schema.ts).
// Pure: both sides arrive in the same normalised shape, so drift is a plain structural diff.

/** One column. `type` is spelled the way PostgreSQL's format_type() spells it, without quotes. */
export type DbColumn = {
  name: string;
  type: string;
  nullable: boolean;
  /** Normalised with normalizeDefault(); null when the column has no default. */
  default: string | null;
};

/** An index other than the primary key. Columns read "name" or "name DESC", in key order. */
export type DbIndex = {
  name: string;
  columns: string[];
  unique: boolean;
  /** Access method: btree, gin, gist, hash, … */
  method: string;
  /** WHERE clause of a partial index; schema.prisma cannot declare one. */
  predicate: string | null;
};

export type ReferentialAction = "Cascade" | "Restrict" | "NoAction" | "SetNull" | "SetDefault";

export type DbForeignKey = {
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
};

export type DbTable = {
  name: string;
  columns: DbColumn[];
  primaryKey: { name: string; columns: string[] } | null;
  indexes: DbIndex[];
  foreignKeys: DbForeignKey[];
  /** CHECK and EXCLUDE constraints, as "check <name>" / "exclude <name>". */
  otherConstraints: string[];
  /** A partitioned table's key as pg_get_partkeydef() spells it ("RANGE (received_at)"); absent otherwise. Partitions are not tables of their own. */
  partitionedBy?: string;
};

export type DbEnum = { name: string; values: string[] };

export type DbTrigger = { table: string; name: string };

export type DbSchema = {
  tables: DbTable[];
  enums: DbEnum[];
  triggers: DbTrigger[];
  functions: string[];
  views: string[];
  /** Sequences not owned by a column (a SERIAL's own sequence is part of its column). */
  sequences: string[];
};

/**
 * Database objects that schema.prisma cannot express but a migration deliberately creates.
 * Listed objects must exist; everything else beyond the schema is drift.
 */
export type BeyondPrisma = {
  /** Tables that must exist but are not compared (bookkeeping such as `_prisma_migrations`). */
  tables: string[];
  triggers: DbTrigger[];
  functions: string[];
  views: string[];
  sequences: string[];
  /** Indexes schema.prisma cannot declare (partial indexes), compared in full on their table. */
  indexes?: (DbIndex & { table: string })[];
  /** Tables a migration partitioned, which schema.prisma cannot declare either. */
  partitioned?: PartitionedTable[];
};

/**
 * PostgreSQL requires every unique index of a partitioned table, the primary key too, to contain
 * the partition key. So the primary key is wider than the model's, and each of the model's
 * other unique indexes exists as a plain index whose uniqueness another table holds.
 */
export type PartitionedTable = {
  table: string;
  partitionedBy: string;
  primaryKey: string[];
  /** Index name → the table that keeps those columns unique (it must exist). */
  uniqueHeldBy: Record<string, string>;
};

export const nothingBeyondPrisma: BeyondPrisma = { tables: [], triggers: [], functions: [], views: [], sequences: [] };

export type SchemaDifference =
  | { kind: "missing"; object: string }
  | { kind: "unexpected"; object: string }
  | { kind: "changed"; object: string; property: string; expected: string; actual: string };

/** Every way `actual` departs from `expected` (plus the objects allowed beyond it), in a stable order. */
export function diffSchemas(
  expected: DbSchema,
  actual: DbSchema,
  beyondPrisma: BeyondPrisma = nothingBeyondPrisma,
): SchemaDifference[] {
  const differences: SchemaDifference[] = [];
  const unmodelled = new Set(beyondPrisma.tables);
  const extraIndexes = beyondPrisma.indexes ?? [];
  const partitioned = new Map((beyondPrisma.partitioned ?? []).map((entry) => [entry.table, entry]));
  expected = {
    ...expected,
    tables: expected.tables.map((table) =>
      asPartitioned(
        {
          ...table,
          indexes: [...table.indexes, ...extraIndexes.filter((index) => index.table === table.name).map(({ table: _table, ...index }) => index)],
        },
        partitioned.get(table.name),
      ),
    ),
  };
  for (const entry of partitioned.values()) {
    for (const holder of new Set(Object.values(entry.uniqueHeldBy))) {
      if (!actual.tables.some((table) => table.name === holder)) differences.push({ kind: "missing", object: `table "${holder}"` });
    }
  }

  for (const name of beyondPrisma.tables) {
    if (!actual.tables.some((table) => table.name === name)) differences.push({ kind: "missing", object: `table "${name}"` });
  }
  diffByName(
    expected.tables,
    actual.tables.filter((table) => !unmodelled.has(table.name)),
    (table) => table.name,
    (table) => `table "${table.name}"`,
    (want, have) => diffTable(want, have, differences),
    differences,
  );
  diffByName(
    expected.enums,
    actual.enums,
    (item) => item.name,
    (item) => `enum "${item.name}"`,
    (want, have) => compare(differences, `enum "${want.name}"`, "values", want.values.join(", "), have.values.join(", ")),
    differences,
  );
  diffByName(
    [...expected.triggers, ...beyondPrisma.triggers],
    actual.triggers,
    (trigger) => `${trigger.table}.${trigger.name}`,
    (trigger) => `trigger "${trigger.name}" on "${trigger.table}"`,
    () => undefined,
    differences,
  );
  for (const [kind, want, have] of [
    ["function", [...expected.functions, ...beyondPrisma.functions], actual.functions],
    ["view", [...expected.views, ...beyondPrisma.views], actual.views],
    ["sequence", [...expected.sequences, ...beyondPrisma.sequences], actual.sequences],
  ] as const) {
    diffByName(want, have, (name) => name, (name) => `${kind} "${name}"`, () => undefined, differences);
  }
  return differences;
}

/** The table schema.prisma describes, as a migration that partitioned it builds it. */
function asPartitioned(table: DbTable, partitioned: PartitionedTable | undefined): DbTable {
  if (!partitioned) return table;
  return {
    ...table,
    partitionedBy: partitioned.partitionedBy,
    primaryKey: table.primaryKey && { ...table.primaryKey, columns: partitioned.primaryKey },
    indexes: table.indexes.map((index) => (index.name in partitioned.uniqueHeldBy ? { ...index, unique: false } : index)),
  };
}

function diffTable(want: DbTable, have: DbTable, differences: SchemaDifference[]): void {
  const table = `"${want.name}"`;
  diffByName(
    want.columns,
    have.columns,
    (column) => column.name,
    (column) => `column ${table}."${column.name}"`,
    (wantColumn, haveColumn) => {
      const object = `column ${table}."${wantColumn.name}"`;
      compare(differences, object, "type", wantColumn.type, haveColumn.type);
      compare(differences, object, "nullability", nullability(wantColumn), nullability(haveColumn));
      compare(differences, object, "default", wantColumn.default ?? "(none)", haveColumn.default ?? "(none)");
    },
    differences,
  );

  compare(differences, `table ${table}`, "primary key", describeKey(want.primaryKey), describeKey(have.primaryKey));
  compare(differences, `table ${table}`, "partitioning", want.partitionedBy ?? "(none)", have.partitionedBy ?? "(none)");

  diffByName(
    want.indexes,
    have.indexes,
    (index) => index.name,
    (index) => `index "${index.name}" on ${table}`,
    (wantIndex, haveIndex) => {
      const object = `index "${wantIndex.name}" on ${table}`;
      compare(differences, object, "columns", wantIndex.columns.join(", "), haveIndex.columns.join(", "));
      compare(differences, object, "uniqueness", uniqueness(wantIndex), uniqueness(haveIndex));
      compare(differences, object, "method", wantIndex.method, haveIndex.method);
      compare(differences, object, "predicate", wantIndex.predicate ?? "(none)", haveIndex.predicate ?? "(none)");
    },
    differences,
  );

  diffByName(
    want.foreignKeys,
    have.foreignKeys,
    (key) => key.name,
    (key) => `foreign key "${key.name}" on ${table}`,
    (wantKey, haveKey) => {
      const object = `foreign key "${wantKey.name}" on ${table}`;
      compare(differences, object, "columns", wantKey.columns.join(", "), haveKey.columns.join(", "));
      compare(differences, object, "references", describeTarget(wantKey), describeTarget(haveKey));
      compare(differences, object, "on delete", wantKey.onDelete, haveKey.onDelete);
      compare(differences, object, "on update", wantKey.onUpdate, haveKey.onUpdate);
    },
    differences,
  );

  diffByName(
    want.otherConstraints,
    have.otherConstraints,
    (constraint) => constraint,
    (constraint) => `${constraint} on ${table}`,
    () => undefined,
    differences,
  );
}

function diffByName<T>(
  want: readonly T[],
  have: readonly T[],
  keyOf: (item: T) => string,
  describe: (item: T) => string,
  compareItems: (want: T, have: T) => void,
  differences: SchemaDifference[],
): void {
  const haveByKey = new Map(have.map((item) => [keyOf(item), item]));
  const wantKeys = new Set(want.map(keyOf));
  for (const item of [...want].sort(byKey(keyOf))) {
    const match = haveByKey.get(keyOf(item));
    if (match === undefined) differences.push({ kind: "missing", object: describe(item) });
    else compareItems(item, match);
  }
  for (const item of [...have].sort(byKey(keyOf))) {
    if (!wantKeys.has(keyOf(item))) differences.push({ kind: "unexpected", object: describe(item) });
  }
}

function byKey<T>(keyOf: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0);
}

function compare(
  differences: SchemaDifference[],
  object: string,
  property: string,
  expected: string,
  actual: string,
): void {
  if (expected !== actual) differences.push({ kind: "changed", object, property, expected, actual });
}

const nullability = (column: DbColumn) => (column.nullable ? "NULL" : "NOT NULL");
const uniqueness = (index: DbIndex) => (index.unique ? "unique" : "not unique");
const describeKey = (key: DbTable["primaryKey"]) => (key ? `"${key.name}" (${key.columns.join(", ")})` : "(none)");
const describeTarget = (key: DbForeignKey) => `"${key.referencedTable}" (${key.referencedColumns.join(", ")})`;

/** One line per difference, saying which side has what and what usually fixes it. */
export function formatSchemaDifference(difference: SchemaDifference): string {
  switch (difference.kind) {
    case "missing":
      return `${difference.object}: in schema.prisma but not in the migrated database (is a migration missing?)`;
    case "unexpected":
      return `${difference.object}: in the migrated database but not in schema.prisma (add it to the schema, or to the allowlist if Prisma cannot express it)`;
    case "changed":
      return `${difference.object}: ${difference.property} is ${difference.expected} in schema.prisma but ${difference.actual} in the migrated database`;
  }
}

/**
 * A column default as comparable text, applied to both sides: casts are dropped (`'x'::text`
 * → `'x'`), quoted numbers unquoted (PostgreSQL shows `-1` as `'-1'::integer`), sequence
 * defaults become `autoincrement` and the spellings of the current time become `now()`.
 */
export function normalizeDefault(expression: string | null): string | null {
  if (expression === null) return null;
  // Keep string literals intact while removing `::type`, `::"Enum"`, `::varchar(40)[]` casts.
  let text = expression
    .trim()
    .replace(/('(?:[^']|'')*')|::(?:"[^"]+"|[a-z_][a-z0-9_]*(?: [a-z_][a-z0-9_]*)*)(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])*/gi, (match, literal) =>
      literal ?? "",
    );
  text = text.replace(/'(-?\d+(?:\.\d+)?)'/g, "$1");
  if (/^nextval\(/i.test(text)) return "autoincrement";
  if (/^(CURRENT_TIMESTAMP|now\(\))$/i.test(text)) return "now()";
  return text;
}
