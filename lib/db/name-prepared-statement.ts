// Names the statements the Prisma client sends, so each connection prepares a statement once and
// PostgreSQL keeps its plan (pg's `name`; @prisma/adapter-pg's statementNameGenerator). Unnamed,
// every statement was parsed and planned on every execution: planning the worker's larger
// statements cost more than running them (10.7 s of planning against 6.7 s of execution for
// 4,000 bench deliveries), and the worker applied 112 deliveries/s on one slot; named, 218/s.
//
// A statement's name is a hash of its text, so one text always has one name (pg refuses a name
// reused for another text). Texts are code, but a few are built per call (an IN list of n
// parameters): the first MAX_NAMED distinct texts are named, any later one runs unnamed, so
// neither this process nor a PostgreSQL backend holds an unbounded number of prepared
// statements.
//
// A transaction-mode pooler (PgBouncer before 1.21, or without max_prepared_statements) hands a
// connection's prepared statements to whichever client runs next: the client built for
// DATABASE_POOLER_URL names nothing unless DATABASE_PREPARED_STATEMENTS says it may.
import { createHash } from "node:crypto";

const MAX_NAMED = 2_000;

export function createStatementNamer(): (query: { sql: string }) => string | undefined {
  const names = new Map<string, string>();
  return ({ sql }) => {
    let name = names.get(sql);
    if (name === undefined) {
      if (names.size >= MAX_NAMED) return undefined;
      name = `shiplog_${createHash("sha1").update(sql).digest("hex").slice(0, 24)}`;
      names.set(sql, name);
    }
    return name;
  };
}
