// Reads what prisma/schema.prisma says the PostgreSQL schema should be, from Prisma's own parser
// (the DMMF of @prisma/get-dmmf, pinned to the Prisma version in use), and applies the rules
// `prisma migrate` follows to turn a model into tables: type mapping, default constraint names,
// implicit referential actions. The result is compared with the catalogs by lib/db/schema-drift.ts.
import { readFile } from "node:fs/promises";
import { getDMMF } from "@prisma/get-dmmf";
import { z } from "zod";
import type { DbColumn, DbForeignKey, DbIndex, DbSchema, DbTable, ReferentialAction } from "../../lib/db/schema-drift";
import { normalizeDefault } from "../../lib/db/schema-drift";

// Only the parts of the DMMF read below. Parsing them makes a change in Prisma's internal format
// fail here, loudly, instead of silently comparing less than before.
const dmmfField = z.object({
  name: z.string(),
  dbName: z.string().nullish(),
  kind: z.enum(["scalar", "object", "enum", "unsupported"]),
  type: z.string(),
  isList: z.boolean(),
  isRequired: z.boolean(),
  isUpdatedAt: z.boolean().optional(),
  hasDefaultValue: z.boolean(),
  default: z.unknown().optional(),
  nativeType: z.tuple([z.string(), z.array(z.string())]).nullish(),
  relationName: z.string().nullish(),
  relationFromFields: z.array(z.string()).optional(),
  relationToFields: z.array(z.string()).optional(),
  relationOnDelete: z.string().nullish(),
  relationOnUpdate: z.string().nullish(),
});
const dmmfDatamodel = z.object({
  models: z.array(
    z.object({
      name: z.string(),
      dbName: z.string().nullable(),
      schema: z.string().nullable(),
      fields: z.array(dmmfField),
    }),
  ),
  enums: z.array(
    z.object({
      name: z.string(),
      dbName: z.string().nullish(),
      values: z.array(z.object({ name: z.string(), dbName: z.string().nullable() })),
    }),
  ),
  indexes: z.array(
    z.object({
      model: z.string(),
      type: z.enum(["id", "unique", "normal", "fulltext"]),
      dbName: z.string().optional(),
      algorithm: z.string().optional(),
      fields: z.array(
        z.object({
          name: z.string(),
          sortOrder: z.enum(["asc", "desc"]).optional(),
          length: z.number().optional(),
          operatorClass: z.string().optional(),
        }),
      ),
    }),
  ),
});
export type PrismaDatamodel = z.infer<typeof dmmfDatamodel>;
type DmmfModel = PrismaDatamodel["models"][number];
type DmmfField = z.infer<typeof dmmfField>;

export const schemaPrismaPath = "prisma/schema.prisma";

/** The database schema that schema.prisma (its text) describes. */
export function readPrismaSchema(source: string): DbSchema {
  return schemaFromDatamodel(parseDatamodel(source));
}

export async function readPrismaSchemaFile(file = schemaPrismaPath): Promise<DbSchema> {
  return readPrismaSchema(await readFile(file, "utf8"));
}

export function parseDatamodel(source: string): PrismaDatamodel {
  const result = getDMMF({ datamodel: source });
  if ("error" in result) {
    // The wasm reports schema errors as JSON with ANSI colours.
    const raw = result.error.message;
    let message = raw;
    try {
      message = (JSON.parse(raw) as { message?: string }).message ?? raw;
    } catch {
      // not JSON: keep the raw message
    }
    throw new Error(`schema.prisma could not be read (${result.reason}):\n${message.replace(/\u001b\[[0-9;]*m/g, "")}`);
  }
  return dmmfDatamodel.parse(result.datamodel);
}

// PostgreSQL's identifier limit; Prisma truncates default constraint names to fit it
// (psl ConstraintNames). Prisma measures bytes; Shiplog's names are ASCII.
const MAX_IDENTIFIER_LENGTH = 63;

function defaultConstraintName(table: string, columns: string[], suffix: string): string {
  const base = columns.length > 0 ? `${table}_${columns.join("_")}` : table;
  const limit = MAX_IDENTIFIER_LENGTH - suffix.length;
  return `${base.length >= limit ? base.slice(0, limit) : base}${suffix}`;
}

export function schemaFromDatamodel(datamodel: PrismaDatamodel): DbSchema {
  const models = new Map(datamodel.models.map((model) => [model.name, model]));
  const enums = new Map(datamodel.enums.map((item) => [item.name, item]));
  const tableName = (model: DmmfModel) => model.dbName ?? model.name;
  const modelNamed = (name: string): DmmfModel => {
    const model = models.get(name);
    if (!model) throw new Error(`schema.prisma refers to an unknown model ${name}`);
    return model;
  };
  const columnOf = (model: DmmfModel, fieldName: string): string => {
    const field = model.fields.find((candidate) => candidate.name === fieldName);
    if (!field) throw new Error(`model ${model.name} has no field ${fieldName}`);
    return field.dbName ?? field.name;
  };

  const tables = datamodel.models.map((model): DbTable => {
    if (model.schema !== null) throw new Error(`model ${model.name}: multi-schema models are not supported by the drift check`);
    const table = tableName(model);
    const columns = model.fields
      .filter((field) => field.kind === "scalar" || field.kind === "enum")
      .map((field) => column(model, field, enums));

    let primaryKey: DbTable["primaryKey"] = null;
    const indexes: DbIndex[] = [];
    for (const index of datamodel.indexes.filter((candidate) => candidate.model === model.name)) {
      const names = index.fields.map((field) => columnOf(model, field.name));
      if (index.type === "id") {
        primaryKey = { name: index.dbName ?? defaultConstraintName(table, [], "_pkey"), columns: names };
        continue;
      }
      if (index.type === "fulltext") throw new Error(`model ${model.name}: fulltext indexes do not exist on PostgreSQL`);
      if (index.fields.some((field) => field.length !== undefined || field.operatorClass !== undefined)) {
        throw new Error(`model ${model.name}: index length/operator classes are not yet compared by the drift check`);
      }
      const unique = index.type === "unique";
      indexes.push({
        name: index.dbName ?? defaultConstraintName(table, names, unique ? "_key" : "_idx"),
        columns: index.fields.map((field, position) => `${names[position]}${field.sortOrder === "desc" ? " DESC" : ""}`),
        unique,
        method: (index.algorithm ?? "BTree").toLowerCase(),
        predicate: null,
      });
    }

    const foreignKeys = model.fields
      .filter((field) => field.kind === "object" && (field.relationFromFields?.length ?? 0) > 0)
      .map((field): DbForeignKey => {
        const target = modelNamed(field.type);
        const columnNames = (field.relationFromFields ?? []).map((name) => columnOf(model, name));
        return {
          // @relation(map: "...") is not in the DMMF; Shiplog's schema uses the default names.
          name: defaultConstraintName(table, columnNames, "_fkey"),
          columns: columnNames,
          referencedTable: tableName(target),
          referencedColumns: (field.relationToFields ?? []).map((name) => columnOf(target, name)),
          // Prisma's implicit actions: an optional relation sets null, a required one restricts.
          onDelete: referentialAction(field.relationOnDelete ?? (field.isRequired ? "Restrict" : "SetNull")),
          onUpdate: referentialAction(field.relationOnUpdate ?? "Cascade"),
        };
      });

    assertNoImplicitManyToMany(model, models);
    return { name: table, columns, primaryKey, indexes, foreignKeys, otherConstraints: [] };
  });

  return {
    tables,
    enums: datamodel.enums.map((item) => ({
      name: item.dbName ?? item.name,
      values: item.values.map((value) => value.dbName ?? value.name),
    })),
    triggers: [],
    functions: [],
    views: [],
    sequences: [],
  };
}

function column(model: DmmfModel, field: DmmfField, enums: Map<string, PrismaDatamodel["enums"][number]>): DbColumn {
  const enumType = field.kind === "enum" ? enums.get(field.type) : undefined;
  const baseType = enumType ? (enumType.dbName ?? enumType.name) : postgresType(model, field);
  return {
    name: field.dbName ?? field.name,
    type: field.isList ? `${baseType}[]` : baseType,
    // Prisma never makes a list column NOT NULL on PostgreSQL: `String[]` is `TEXT[]`.
    nullable: !field.isRequired || field.isList,
    default: normalizeDefault(defaultExpression(model, field, enumType)),
  };
}

// Prisma scalar → PostgreSQL type when no @db attribute is given, as format_type() spells it.
const SCALAR_TYPES: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Float: "double precision",
  Decimal: "numeric(65,30)",
  Boolean: "boolean",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Bytes: "bytea",
};

// @db.X native types → format_type() spelling; `(n)` receives the attribute's arguments.
const NATIVE_TYPES: Record<string, (args: string[]) => string> = {
  Text: () => "text",
  VarChar: (args) => withArgs("character varying", args),
  Char: (args) => withArgs("character", args),
  Uuid: () => "uuid",
  Citext: () => "citext",
  Inet: () => "inet",
  Xml: () => "xml",
  Integer: () => "integer",
  SmallInt: () => "smallint",
  BigInt: () => "bigint",
  Oid: () => "oid",
  Real: () => "real",
  DoublePrecision: () => "double precision",
  Decimal: (args) => withArgs("numeric", args),
  Money: () => "money",
  Boolean: () => "boolean",
  Timestamp: (args) => `${withArgs("timestamp", args)} without time zone`,
  Timestamptz: (args) => `${withArgs("timestamp", args)} with time zone`,
  Date: () => "date",
  Time: (args) => `${withArgs("time", args)} without time zone`,
  Timetz: (args) => `${withArgs("time", args)} with time zone`,
  Json: () => "json",
  JsonB: () => "jsonb",
  ByteA: () => "bytea",
  Bit: (args) => withArgs("bit", args),
  VarBit: (args) => withArgs("bit varying", args),
};

const withArgs = (name: string, args: string[]) => (args.length > 0 ? `${name}(${args.join(",")})` : name);

function postgresType(model: DmmfModel, field: DmmfField): string {
  if (field.nativeType) {
    const [name, args] = field.nativeType;
    const render = NATIVE_TYPES[name];
    if (!render) throw new Error(`${model.name}.${field.name}: teach tests/support/read-prisma-schema.ts about @db.${name}`);
    return render(args);
  }
  const type = SCALAR_TYPES[field.type];
  if (!type) throw new Error(`${model.name}.${field.name}: unsupported field type ${field.type}`);
  return type;
}

/** The SQL default Prisma puts on the column, or null for none (client-side defaults included). */
function defaultExpression(
  model: DmmfModel,
  field: DmmfField,
  enumType: PrismaDatamodel["enums"][number] | undefined,
): string | null {
  if (!field.hasDefaultValue || field.default === undefined) return null;
  // An enum default names the Prisma value; the database stores its @map name.
  const value = enumType ? enumValueName(enumType, field.default) : field.default;
  if (Array.isArray(value)) return `ARRAY[${value.map((item) => literal(item)).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    const call = z.object({ name: z.string(), args: z.array(z.union([z.string(), z.number()])) }).parse(value);
    switch (call.name) {
      case "autoincrement":
        return "nextval(sequence)";
      case "now":
        return "now()";
      case "dbgenerated":
        if (typeof call.args[0] !== "string") throw new Error(`${model.name}.${field.name}: dbgenerated() without an expression cannot be compared`);
        return call.args[0];
      // Generated by Prisma Client, not by the database.
      case "uuid":
      case "cuid":
      case "ulid":
      case "nanoid":
        return null;
      default:
        throw new Error(`${model.name}.${field.name}: teach tests/support/read-prisma-schema.ts about @default(${call.name}())`);
    }
  }
  return literal(value);
}

function enumValueName(enumType: PrismaDatamodel["enums"][number], value: unknown): unknown {
  const toDb = (item: unknown) => enumType.values.find((candidate) => candidate.name === item)?.dbName ?? item;
  return Array.isArray(value) ? value.map(toDb) : toDb(value);
}

function literal(value: unknown): string {
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new Error(`unsupported default value ${JSON.stringify(value)}`);
}

function referentialAction(name: string): ReferentialAction {
  const action = z.enum(["Cascade", "Restrict", "NoAction", "SetNull", "SetDefault"]).safeParse(name);
  if (!action.success) throw new Error(`unknown referential action ${name}`);
  return action.data;
}

// Implicit many-to-many relations get a hidden `_AToB` join table whose naming rules are not
// modelled here; fail instead of reporting that table as unexpected.
function assertNoImplicitManyToMany(model: DmmfModel, models: Map<string, DmmfModel>): void {
  for (const field of model.fields) {
    if (field.kind !== "object" || !field.isList) continue;
    const opposite = models
      .get(field.type)
      ?.fields.find((candidate) => candidate.relationName === field.relationName && candidate !== field);
    if (opposite?.isList) {
      throw new Error(`${model.name}.${field.name}: implicit many-to-many relations are not supported by the drift check`);
    }
  }
}
