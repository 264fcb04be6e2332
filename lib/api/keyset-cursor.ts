// Opaque keyset cursors: the sort key of a page's last row as base64url JSON. Clients pass
// `nextCursor` back unchanged; the key is validated on the way in, so a cursor edited by hand
// or taken from another endpoint is a 400 naming `cursor`, never a database error (a key
// holding U+0000, which PostgreSQL text cannot take, included).
import { z } from "zod";
import { containsNul } from "./plain-text";

export function encodeKeysetCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

/** A query-string field that decodes a cursor into its key, checked with `keySchema`. */
export function keysetCursor<Key extends z.ZodType>(keySchema: Key) {
  return z
    .string()
    .max(1000)
    .transform((text, context): z.output<Key> => {
      const decoded = decodeJson(text);
      const key = containsNul(decoded) ? undefined : keySchema.safeParse(decoded);
      if (!key?.success) {
        context.addIssue({ code: "custom", message: "is not a cursor this endpoint returned (pass nextCursor back unchanged)" });
        return z.NEVER;
      }
      return key.data;
    })
    .meta({ description: "The `nextCursor` of the previous page, unchanged. Omit for the first page." });
}

function decodeJson(text: string): unknown {
  if (!/^[\w-]*$/.test(text)) return undefined;
  try {
    return JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    // Not JSON: the key schema rejects undefined, and the caller reports the cursor as invalid.
    return undefined;
  }
}
